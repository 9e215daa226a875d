"""The mornings on the JobQueue: one job per distinct schedule (time, timezone, days) of the
served people — everyone on the file's schedule shares one, and so one collection round —
rebuilt at start and after a /settings change, with a catch-up when a new time has already
passed today.

When a person's run is due is decided in `bot.services.schedule` (their own timezone and
days); the runs and their delivery in `bot.services.daily`. Jobs live in memory, so a run
missed while the bot was down is caught up at start (`Daily.catch_up`). The run is idempotent
per person and day: nothing runs twice a day.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.services import people
from bot.services.schedule import due_now
from bot.telegram.runtime import BotContext, runtime_of

log = logging.getLogger(__name__)

MORNING_JOB = "morning"


async def _morning_job(context: BotContext) -> None:
    # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
    rt = context.runtime
    who = tuple(context.job.data or ()) if context.job is not None else ()
    # A paused person gets nothing, so their run is not made either (/picks still runs it).
    active = [p for p in who if not people.schedule_of(rt.ctx, p).paused]
    if active:
        rt.spawn(rt.daily.morning(active))


def schedule_daily(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """(Re)schedule the mornings: a job per distinct (time, timezone, days) of the served
    people (tz-aware, 0 = Sunday), each for the people who have it."""
    rt = runtime_of(app)
    assert app.job_queue is not None, "python-telegram-bot[job-queue] is required"
    for job in app.job_queue.get_jobs_by_name(MORNING_JOB):
        job.schedule_removal()
    groups: dict[tuple[str, str, tuple[int, ...]], list[int]] = {}
    for person in people.served(rt.ctx):
        sched = rt.person(person).config.schedule
        groups.setdefault((sched.time, sched.timezone, tuple(sched.days)), []).append(person)
    for (_time, _zone, days), who in groups.items():
        sched = rt.person(who[0]).config.schedule
        app.job_queue.run_daily(
            _morning_job,
            time=sched.at.replace(tzinfo=sched.tz),
            days=days,
            name=MORNING_JOB,
            data=tuple(who),
            job_kwargs={"misfire_grace_time": 600},
        )
        log.info(
            "morning run of %d person(s) scheduled at %s %s on days %s",
            len(who),
            sched.time,
            sched.timezone,
            list(days),
        )


def reschedule(app: Application[Any, Any, Any, Any, Any, Any], person: int) -> bool:
    """After a person's /settings changed their time, timezone or days: schedule again,
    and, as at start, run at once if today's new time has already passed with no run today
    (else today would be skipped). True when that catch-up run started."""
    schedule_daily(app)
    rt = runtime_of(app)
    if not due_now(rt.person(person)):
        return False
    log.info("the new schedule time has passed today and today has not run: running now")
    rt.spawn(rt.daily.morning([person]))
    return True
