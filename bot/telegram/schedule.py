"""The morning job on the JobQueue: when it runs, (re)scheduling it, and catching up.

Jobs live in memory, so a run missed while the bot was down is caught up once at start (if
today's time has passed and today has no finished run). The run itself is idempotent per
day, so nothing ever runs twice a day.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram.ext import Application

from bot.context import AppContext
from bot.telegram.runtime import BotContext, runtime_of

log = logging.getLogger(__name__)

MORNING_JOB = "morning"


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


async def _morning_job(context: BotContext) -> None:
    # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
    rt = context.runtime
    rt.spawn(rt.morning())


def schedule_daily(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """(Re)schedule the morning job from the effective [schedule] (tz-aware, 0 = Sunday)."""
    sched = runtime_of(app).ctx.config.schedule
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


def reschedule(app: Application[Any, Any, Any, Any, Any, Any]) -> bool:
    """After /settings changed the time, timezone or days: schedule again, and, as at start,
    run at once if today's new time has already passed with no run today (else today would
    be skipped). True when that catch-up run started."""
    schedule_daily(app)
    rt = runtime_of(app)
    if not due_now(rt.ctx):
        return False
    log.info("the new schedule time has passed today and today has not run: running now")
    rt.spawn(rt.morning())
    return True
