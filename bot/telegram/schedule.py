"""The mornings on the JobQueue: one job per served person (a chat) at their own slot (their
time, timezone and days), a watchdog that
starts any morning a sleeping machine or a clock jump left behind, and rebuilding both at
start and after /settings.

When a chat's morning is due is decided in `bot.services.schedule` (`Mornings`); the run and
its delivery in `bot.services.daily`. Each job, when it fires, starts every morning that is
due — so people who share a slot share one collection round — and marks them started, so a
job fired late and the watchdog never start a morning twice.

APScheduler's timers count elapsed time, not the wall clock: after a suspend, or a forward
clock step of two hours, a job fires two hours late, and with a grace of 600 s it would be
dropped as "missed by 2:00:00". So jobs run however late (``misfire_grace_time=None``), once
for all the slots they missed (``coalesce``), and the watchdog looks every minute whether a
slot has passed on the wall clock: a morning starts within a minute of any wake or jump.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.services.schedule import served_chats, slot_of
from bot.telegram.runtime import BotContext, runtime_of

log = logging.getLogger(__name__)

MORNING_JOB = "morning"  # one job per person, all of this name (the job's chat_id says whose)
WATCHDOG_JOB = "morning watchdog"
WATCHDOG_SECONDS = 60.0
# However late a job fires, it runs, and once for all the slots it missed.
LATE_IS_FINE = {"misfire_grace_time": None, "coalesce": True}

App = Application[Any, Any, Any, Any, Any, Any]


async def _fired(context: BotContext) -> None:
    start_due(context.application)


def start_due(app: App) -> list[int]:
    """Start, in the background, the morning of every person who is due now (one round for
    them all, then each one's run and delivery); the people started."""
    rt = runtime_of(app)
    chats = rt.mornings.due()
    if chats:
        rt.mornings.started(chats)
        log.info("starting the morning of %d chat(s)", len(chats))
        # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
        rt.spawn(rt.daily.morning(chats))
    return chats


def schedule_mornings(app: App) -> None:
    """(Re)build the morning job of every served person from their slot (tz-aware,
    0 = Sunday), and the watchdog."""
    rt = runtime_of(app)
    jobs = app.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    for name in (MORNING_JOB, WATCHDOG_JOB):
        for job in jobs.get_jobs_by_name(name):
            job.schedule_removal()
    for chat in served_chats(rt.ctx):
        slot = slot_of(rt.ctx, chat)
        jobs.run_daily(
            _fired,
            time=slot.at.replace(tzinfo=slot.tz),
            days=slot.days,
            name=MORNING_JOB,
            chat_id=chat,
            job_kwargs=LATE_IS_FINE,
        )
    jobs.run_repeating(
        _fired,
        interval=WATCHDOG_SECONDS,
        first=WATCHDOG_SECONDS,
        name=WATCHDOG_JOB,
        job_kwargs=LATE_IS_FINE,
    )
    log.info("the mornings of %d chat(s) scheduled", len(served_chats(rt.ctx)))


def reschedule(app: App) -> bool:
    """After someone's /settings changed their time, timezone or days: schedule again, and,
    as at start, start at once a morning whose new time has already passed today (else today
    would be skipped). True when one started."""
    schedule_mornings(app)
    if not start_due(app):
        return False
    log.info("the new schedule time has passed today and today has not run: running now")
    return True
