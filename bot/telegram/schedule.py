"""The morning job on the JobQueue: scheduling it, rescheduling it after /settings, and
catching up when the new time has already passed today.

When a run is due is decided in `bot.services.schedule`; the run and its delivery in
`bot.services.daily`. Jobs live in memory, so a run missed while the bot was down is caught
up at start (`Daily.catch_up`). The run is idempotent per day: nothing runs twice a day.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.services.schedule import due_now
from bot.telegram.runtime import BotContext, runtime_of

log = logging.getLogger(__name__)

MORNING_JOB = "morning"


async def _morning_job(context: BotContext) -> None:
    # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
    rt = context.runtime
    rt.spawn(rt.daily.morning())


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
    rt.spawn(rt.daily.morning())
    return True
