"""Building and running the bot: long polling, the daily schedule, catch-up, clean stop.

`run_bot(ctx)` is what `jobpicks bot` calls. The morning job is scheduled with the
JobQueue at the configured local time and days; because jobs live in memory, a run missed
while the bot was down is caught up once at start (if today's time has passed and today has
no finished run). The run itself is idempotent per day, so nothing ever runs twice a day.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes

from bot.context import AppContext
from bot.services.run import Collector, Progress, RunOutcome, collect_configured, run_daily
from bot.telegram import render
from bot.telegram.delivery import Courier, DeliveryReport
from bot.telegram.logsafe import quiet_loggers, redact_token, token_errors_named_not_shown

log = logging.getLogger(__name__)

MORNING_JOB = "morning"
STOP_GRACE_SECONDS = 5.0


def ptb_weekday(moment: datetime) -> int:
    """0 = Sunday … 6 = Saturday, as the config and JobQueue.run_daily count."""
    return (moment.weekday() + 1) % 7


def next_run(ctx: AppContext, now: datetime | None = None) -> datetime | None:
    """When the morning job next runs (today's slot is skipped if today already ran)."""
    sched = ctx.config.schedule
    now = now or ctx.now()
    ran_today = ctx.store.finished_run(now.date().isoformat()) is not None
    for offset in range(8):
        slot = datetime.combine(now.date() + timedelta(days=offset), sched.at, tzinfo=sched.tz)
        if ptb_weekday(slot) not in sched.days:
            continue
        if offset == 0:
            if ran_today:
                continue
            if slot <= now:
                return now  # due: the bot catches up at once
        return slot
    return None


def due_now(ctx: AppContext, now: datetime | None = None) -> bool:
    """Today is a run day, its time has passed, and it has no finished run: catch up."""
    sched = ctx.config.schedule
    now = now or ctx.now()
    slot = datetime.combine(now.date(), sched.at, tzinfo=sched.tz)
    return (
        ptb_weekday(now) in sched.days
        and now >= slot
        and ctx.store.finished_run(now.date().isoformat()) is None
    )


@dataclass
class Runtime:
    """What the handlers and jobs share; lives in `application.bot_data["runtime"]`."""

    ctx: AppContext
    courier: Courier
    collector: Collector
    run_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    refused: set[int] = field(default_factory=set)  # in memory only: nothing stored for them
    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def allowed(self, chat_id: int) -> bool:
        return chat_id in self.ctx.settings.telegram_chat_ids

    async def run_today(self, progress: Progress | None = None) -> RunOutcome:
        """Today's run (once per day; a second call returns the stored result)."""
        async with self.run_lock:
            if progress is None:
                return await run_daily(self.ctx, collector=self.collector)
            return await run_daily(self.ctx, collector=self.collector, progress=progress)

    async def morning(self) -> DeliveryReport | None:
        """The morning job: run (if not yet run today) and deliver what is not delivered.

        A failed run sends the owner chat a short notice with the cause."""
        day = self.ctx.today()
        try:
            outcome = await self.run_today()
        except Exception as exc:
            log.exception("the morning run of %s failed", day)
            await self.notify_owner(render.run_failed_message(day, f"{type(exc).__name__}: {exc}"))
            return None
        report = await self.courier.morning(outcome.record.day, outcome.record)
        log.info("morning delivery %s: %d sent, failed: %s", report.day, report.sent, report.failed)
        return report

    async def notify_owner(self, text: str) -> None:
        owner = self.ctx.settings.owner_chat_id
        if owner is None:
            return
        try:
            await self.courier.send(owner, text)
        except Exception:
            log.exception("could not notify the owner chat")

    def spawn(self, coro: Any) -> asyncio.Task[Any]:
        """Run in the background (tracked, so a stop can cancel it)."""
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task


def runtime(context: ContextTypes.DEFAULT_TYPE) -> Runtime:
    return context.application.bot_data["runtime"]


async def _morning_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
    rt = runtime(context)
    rt.spawn(rt.morning())


def schedule_daily(app: Application) -> None:
    """(Re)schedule the morning job from the effective [schedule] (tz-aware, 0 = Sunday)."""
    rt: Runtime = app.bot_data["runtime"]
    sched = rt.ctx.config.schedule
    assert app.job_queue is not None, "python-telegram-bot[job-queue] is required"
    for job in app.job_queue.get_jobs_by_name(MORNING_JOB):
        job.schedule_removal()
    app.job_queue.run_daily(
        _morning_job,
        time=sched.at.replace(tzinfo=sched.tz),
        days=tuple(sched.days),
        name=MORNING_JOB,
        job_kwargs={"misfire_grace_time": 600},
    )
    log.info("morning run scheduled at %s %s on days %s", sched.time, sched.timezone, sched.days)


def reschedule(app: Application) -> bool:
    """After /settings changed the time or timezone: schedule again, and, as at start, run
    at once if today's new time has already passed with no run today (else today would be
    skipped). True when that catch-up run started."""
    schedule_daily(app)
    rt: Runtime = app.bot_data["runtime"]
    if not due_now(rt.ctx):
        return False
    log.info("the new schedule time has passed today and today has not run: running now")
    rt.spawn(rt.morning())
    return True


async def warm_up_llm(ctx: AppContext) -> None:
    """With an LLM configured, import litellm (seconds, hundreds of MB) in a worker thread
    before polling begins: imported later, on first use, it would stall the event loop, and
    even in a thread it starves the loop of the CPU while taps come in."""
    if ctx.llm() is not None:
        from scoring.client import warm_up

        await warm_up()


def build_application(
    ctx: AppContext,
    *,
    collector: Collector = collect_configured,
    per_chat_interval: float | None = None,
) -> Application:
    """The PTB Application with every handler registered (not started)."""
    from bot.telegram import handlers

    token = ctx.settings.token
    if not token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    app = (
        ApplicationBuilder()
        .token(token)
        .base_url(ctx.settings.telegram_api_base)
        .rate_limiter(AIORateLimiter(max_retries=0))
        .build()
    )
    app.bot_data["runtime"] = Runtime(
        ctx=ctx, courier=Courier(app.bot, ctx, per_chat_interval), collector=collector
    )
    handlers.register(app)
    return app


async def serve(
    ctx: AppContext,
    stop: asyncio.Event | None = None,
    *,
    collector: Collector = collect_configured,
    poll_timeout: float = 10.0,
    per_chat_interval: float | None = None,
    on_started: Callable[[Application], None] | None = None,
) -> None:
    """Long-poll until `stop` is set (SIGINT/SIGTERM set it when no event is given)."""
    quiet_loggers()
    redact_token(ctx.settings.token)
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
    app = build_application(ctx, collector=collector, per_chat_interval=per_chat_interval)
    try:
        # A rejected token must stop the bot with a clear line, never print the token.
        with token_errors_named_not_shown():
            async with app:  # initialize (getMe) … shutdown
                await _serve_started(app, stop, poll_timeout, on_started)
    finally:
        ctx.store.flush()


async def _serve_started(
    app: Application,
    stop: asyncio.Event,
    poll_timeout: float,
    on_started: Callable[[Application], None] | None,
) -> None:
    rt: Runtime = app.bot_data["runtime"]
    ctx = rt.ctx
    await warm_up_llm(ctx)
    await app.bot.set_my_commands([BotCommand(n, d) for n, d in render.COMMANDS])
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(
        timeout=int(poll_timeout),
        allowed_updates=[Update.MESSAGE, Update.CALLBACK_QUERY],
    )
    schedule_daily(app)
    if due_now(ctx):
        log.info("started after today's run time and today has not run: catching up")
        rt.spawn(rt.morning())
    elif (run := ctx.store.finished_run(ctx.today())) is not None:
        # Resume a delivery a crash or restart cut short (sends only what is unsent).
        rt.spawn(rt.courier.morning(run.day, run))
    if on_started:
        on_started(app)
    await stop.wait()
    log.info("stopping")
    # Let deliveries finish the message in hand (they stop between messages), then
    # cancel what is left, e.g. a run still scoring: it is redone at the next start.
    rt.courier.stopping = True
    if rt.tasks:
        await asyncio.wait(set(rt.tasks), timeout=STOP_GRACE_SECONDS)
    for task in list(rt.tasks):
        task.cancel()
    await asyncio.gather(*rt.tasks, return_exceptions=True)
    await app.updater.stop()
    await app.stop()


def run_bot(ctx: AppContext, *, collector: Collector = collect_configured) -> None:
    """`jobpicks bot`: run until SIGINT/SIGTERM, then stop cleanly with storage flushed."""
    asyncio.run(serve(ctx, collector=collector))
