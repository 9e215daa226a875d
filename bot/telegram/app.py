"""Building and running the bot: python-telegram-bot owns the lifecycle.

`run_bot(ctx)` is what `jobpicks bot` calls: `Application.run_polling`, which handles
SIGINT / SIGTERM and runs our hooks — `post_init` (commands, descriptions, the schedule, a
catch-up or a resumed delivery), `post_stop` (let deliveries finish the message in hand,
cancel what is left) and `post_shutdown` (flush storage). `serve` runs the very same hooks
in the same order inside an event loop that is already running (tests, the bench), where
`run_polling` cannot.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder

from bot.context import AppContext
from bot.services import people
from bot.services.daily import Daily
from bot.services.run import Collector, collect_configured
from bot.services.schedule import Mornings
from bot.telegram import admin, filter_menu, forget, handlers, onboarding, render
from bot.telegram.client import make_bot
from bot.telegram.delivery import Courier
from bot.telegram.logsafe import token_errors_named_not_shown
from bot.telegram.runtime import CONTEXT_TYPES, Runtime, runtime_of
from bot.telegram.schedule import schedule_mornings, start_due, watch_the_clock
from bot.telegram.tasks import TaskTracker

__all__ = ["build_application", "run_bot", "serve"]

log = logging.getLogger(__name__)

STOP_GRACE_SECONDS = 5.0
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
App = Application[Any, Any, Any, Any, Any, Any]


async def warm_up_llm(ctx: AppContext) -> None:
    """With an LLM configured, import litellm (seconds, hundreds of MB) in a worker thread now,
    so the first LLM call does not wait for it, and name a model litellm cannot price once.
    Spawned, never awaited before polling: commands are answered while it loads."""
    client = ctx.llm_client()
    if client is None:
        return
    try:
        note = await client.price_note()  # imports litellm off the event loop
    except Exception as exc:  # noqa: BLE001 — the first real call reports what is wrong
        log.warning("could not load litellm: %s", exc)
        return
    if note:
        log.warning(note)


async def post_init(app: App) -> None:
    """After getMe, before polling: the served chats in the people table, commands and
    descriptions, the mornings' jobs (one per person), and the morning of every person whose
    time has passed today unstarted (the JobQueue replays nothing missed while the bot was
    down; a cut-short delivery resumes with what is unsent)."""
    rt = runtime_of(app)
    ctx = rt.ctx
    rt.spawn(warm_up_llm(ctx))
    await people.ensure_configured(ctx)  # every served chat is a person in the people table
    await app.bot.set_my_commands([BotCommand(n, d) for n, d in render.COMMANDS])
    try:  # what a new user sees before pressing Start; cosmetic, never fatal
        await app.bot.set_my_description(render.DESCRIPTION)
        await app.bot.set_my_short_description(render.SHORT_DESCRIPTION)
    except TelegramError as exc:
        log.warning("could not set the bot's description: %s", exc)
    schedule_mornings(app)
    start_due(app)
    # Not a tracked task: it never ends, and the tracked ones are waited for at a stop.
    rt.clock_watch = asyncio.get_running_loop().create_task(watch_the_clock(app))


async def post_stop(app: App) -> None:
    """Deliveries finish the message in hand (they stop between messages); what is still
    running after the grace — e.g. a run still scoring — is cancelled and redone at the
    next start."""
    rt = runtime_of(app)
    log.info("stopping")
    if rt.clock_watch is not None:
        rt.clock_watch.cancel()
    rt.daily.stop()
    await rt.tracker.drain(STOP_GRACE_SECONDS)
    await rt.courier.outbox.aclose()


async def post_shutdown(app: App) -> None:
    runtime_of(app).daily.close()


def build_application(
    ctx: AppContext,
    *,
    collector: Collector = collect_configured,
    per_chat_interval: float | None = None,
) -> App:
    """The PTB Application with every handler and hook registered (not started)."""
    tracker = TaskTracker()
    bot = make_bot(ctx.settings)
    app = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(CONTEXT_TYPES)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .persistence(onboarding.conversation_file(ctx))  # onboarding survives a restart
        .build()
    )
    courier = Courier(
        app.bot, per_chat_interval, tracker=tracker, per_second=ctx.settings.telegram_max_rate
    )
    daily = Daily(ctx, courier, collector=collector)
    app.bot_data[Runtime.KEY] = Runtime(
        ctx=ctx, courier=courier, daily=daily, mornings=Mornings(ctx), tracker=tracker
    )
    # Onboarding and /filters first in group 0, so a new chat's /start and the answers to its
    # questions reach them before the usual /start and free-text handlers.
    onboarding.register(app)
    filter_menu.register(app)
    forget.register(app)  # issue 19: /forget and /admin
    admin.register(app)
    handlers.register(app)
    return app


async def serve(
    ctx: AppContext,
    stop: asyncio.Event,
    *,
    collector: Collector = collect_configured,
    poll_timeout: float = 10.0,
    per_chat_interval: float | None = None,
    on_started: Callable[[App], None] | None = None,
) -> None:
    """Long-poll until `stop` is set, running the hooks as `run_polling` does."""
    app = build_application(ctx, collector=collector, per_chat_interval=per_chat_interval)
    try:
        # A rejected token must stop the bot with a clear line, never print the token.
        with token_errors_named_not_shown():
            await app.initialize()
        await post_init(app)
        assert app.updater is not None
        await app.updater.start_polling(timeout=int(poll_timeout), allowed_updates=ALLOWED_UPDATES)
        await app.start()
        if on_started:
            on_started(app)
        await stop.wait()
        await app.updater.stop()
        await app.stop()
        await post_stop(app)
    finally:
        if app.running:  # pragma: no cover - an error between start and stop
            await app.stop()
        await app.shutdown()
        await post_shutdown(app)


def run_bot(ctx: AppContext, *, collector: Collector = collect_configured) -> None:
    """`jobpicks bot`: poll until SIGINT/SIGTERM, then stop cleanly with storage flushed."""
    app = build_application(ctx, collector=collector)
    # run_polling would initialize (getMe) itself and log a rejected token's traceback, token
    # included; initializing first, on the loop it then uses, turns that into one clear line.
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    with token_errors_named_not_shown():
        loop.run_until_complete(app.initialize())
    app.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=10)
