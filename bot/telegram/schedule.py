"""The mornings on the JobQueue: one job per served person (a chat) at their own slot (their
time, timezone and days), a watchdog that
starts any morning a sleeping machine or a clock jump left behind, and rebuilding both at
start and after /settings.

When a chat's morning is due is decided in `bot.services.schedule` (`Mornings`); the run and
its delivery in `bot.services.daily`. A person's job, when it fires, asks about that person
alone (their slot, pause and runs: O(1), not O(people)) and notes them; the jobs that fire
within `COALESCE_SECONDS` of each other start together — so 1,000 people who share a slot
share one morning and one collection round — and are marked started, so a job fired late and
the watchdog never start a morning twice. The watchdog checks everyone, `WATCHDOG_SLICE`
people at a time, yielding to the event loop between slices: at 1,000 people its minute
never holds up a tap's answer. A /settings change rebuilds only that person's job.

APScheduler's timers count elapsed time, not the wall clock: after a suspend, or a forward
clock step of two hours, a job fires two hours late, and with a grace of 600 s it would be
dropped as "missed by 2:00:00". So jobs run however late (``misfire_grace_time=None``), once
for all the slots they missed (``coalesce``), and the watchdog looks every minute whether a
slot has passed on the wall clock: a morning starts within a minute of any wake or jump.
Sooner still: `watch_the_clock` compares the wall clock with the monotonic one every few
seconds, and when they part (a clock step either way, or a suspend, which the monotonic clock
does not count) rebuilds the jobs and starts what is due at once — the watchdog's own next
run, after a step back, would otherwise be hours away.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

from telegram.ext import Application

from bot.context import AppContext
from bot.services import people
from bot.services.schedule import served_chats, slot_of
from bot.telegram.runtime import BotContext, Runtime, runtime_of

log = logging.getLogger(__name__)

MORNING_JOB = "morning"  # one job per person, all of this name (the job's chat_id says whose)
WATCHDOG_JOB = "morning watchdog"
WATCHDOG_SECONDS = 60.0
WATCHDOG_SLICE = 100  # people checked between two turns of the event loop
# Morning jobs fired this close together start as one morning (one collection round).
# APScheduler submits every job of one time in one pass, so a fraction of a second is ample.
COALESCE_SECONDS = 0.25
CLOCK_CHECK_SECONDS = 5.0
CLOCK_STEP_SECONDS = 30.0  # wall and monotonic clocks parting by this much: a jump or a wake
# However late a job fires, it runs, and once for all the slots it missed.
LATE_IS_FINE = {"misfire_grace_time": None, "coalesce": True}

App = Application[Any, Any, Any, Any, Any, Any]


def _job_id(chat: int) -> str:
    """The APScheduler id of a person's morning job: one per person, found without a scan."""
    return f"{MORNING_JOB} {chat}"


async def _fired(context: BotContext) -> None:
    """A person's morning job: note them; the jobs fired with theirs start together."""
    job = context.job
    assert job is not None and job.chat_id is not None
    rt = context.runtime
    first = not rt.fired
    rt.fired[job.chat_id] = None
    if first:
        rt.spawn(_start_fired(context.application))


async def _start_fired(app: App) -> None:
    await asyncio.sleep(COALESCE_SECONDS)
    start_fired(app)


def start_fired(app: App) -> list[int]:
    """Start the mornings of the people whose jobs fired since the last call and who are due
    (each checked alone), in one morning; the people started."""
    rt = runtime_of(app)
    chats, rt.fired = list(rt.fired), {}
    return _start(rt, rt.mornings.due_of(chats))


async def _watchdog(context: BotContext) -> None:
    await start_due_in_slices(context.application)


def _start(rt: Runtime, chats: list[int]) -> list[int]:
    if chats:
        rt.mornings.started(chats)
        log.info("starting the morning of %d chat(s)", len(chats))
        # Spawned, not awaited: a long run must not hold the JobQueue or delay a stop.
        rt.spawn(rt.daily.morning(chats))
    return chats


def start_due(app: App) -> list[int]:
    """Start, in the background, the morning of every person who is due now (one round for
    them all, then each one's run and delivery); the people started. Reads everyone at once,
    so only at start, before any tap waits; the watchdog and the clock watcher use
    `start_due_in_slices`."""
    rt = runtime_of(app)
    return _start(rt, rt.mornings.due())


async def served_in_slices(ctx: AppContext, size: int = WATCHDOG_SLICE) -> AsyncIterator[int]:
    """Everyone served (as `people.served`), each checked alone, the event loop let run
    every `size` people: at 1,000 people one pass over everyone would hold taps' answers."""
    for n, chat in enumerate(people.candidates(ctx)):
        if n and n % size == 0:
            await asyncio.sleep(0)
        if people.gets_mornings(ctx, chat):
            yield chat


async def start_due_in_slices(app: App, size: int = WATCHDOG_SLICE) -> list[int]:
    """As `start_due`, checking `size` people at a time and letting the event loop run
    between two slices (taps, commands, deliveries), then starting all that are due in one
    morning."""
    rt = runtime_of(app)
    now = rt.ctx.now()
    due = [chat async for chat in served_in_slices(rt.ctx, size) if rt.mornings.due_of([chat], now)]
    # What started while this scan yielded (a fired job, /settings) is not started again.
    return _start(rt, rt.mornings.due_of(due, now))


def _add_job(app: App, chat: int) -> None:
    rt = runtime_of(app)
    jobs = app.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    slot = slot_of(rt.ctx, chat)
    jobs.run_daily(
        _fired,
        time=slot.at.replace(tzinfo=slot.tz),
        days=slot.days,
        name=MORNING_JOB,
        chat_id=chat,
        job_kwargs={**LATE_IS_FINE, "id": _job_id(chat), "replace_existing": True},
    )


def schedule_mornings(app: App) -> None:
    """(Re)build the morning job of every served person from their slot (tz-aware,
    0 = Sunday), and the watchdog."""
    rt = runtime_of(app)
    jobs = app.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    for name in (MORNING_JOB, WATCHDOG_JOB):
        for job in jobs.get_jobs_by_name(name):
            job.schedule_removal()
    chats = served_chats(rt.ctx)
    for chat in chats:
        _add_job(app, chat)
    jobs.run_repeating(
        _watchdog,
        interval=WATCHDOG_SECONDS,
        first=WATCHDOG_SECONDS,
        name=WATCHDOG_JOB,
        job_kwargs=LATE_IS_FINE,
    )
    log.info("the mornings of %d chat(s) scheduled", len(chats))


def schedule_person(app: App, chat: int) -> None:
    """(Re)build one person's morning job from their slot, or remove it when they get no
    morning (forgotten, or still setting up): after their /settings, onboarding, /forget.
    Everyone else's jobs are left as they are."""
    jobs = app.job_queue
    assert jobs is not None, "python-telegram-bot[job-queue] is required"
    if people.gets_mornings(runtime_of(app).ctx, chat):
        _add_job(app, chat)  # replaces the job of the same id
    elif jobs.scheduler.get_job(_job_id(chat)) is not None:
        jobs.scheduler.remove_job(_job_id(chat))


def reschedule(app: App, chat: int) -> bool:
    """After a person's /settings changed their time, timezone or days: their job again,
    and, as at start, their morning at once when its new time has already passed today
    (else today would be skipped). True when it started."""
    schedule_person(app, chat)
    if not _start(runtime_of(app), runtime_of(app).mornings.due_of([chat])):
        return False
    log.info("the new schedule time has passed today and today has not run: running now")
    return True


async def watch_the_clock(
    app: App,
    *,
    every: float = CLOCK_CHECK_SECONDS,
    step: float = CLOCK_STEP_SECONDS,
    wall: Callable[[], float] = time.time,
) -> None:
    """Until cancelled: every `every` seconds (elapsed time), whether the wall clock moved
    `step` seconds or more against the elapsed time — then the mornings are scheduled again
    and every morning now due starts."""
    offset = wall() - time.monotonic()
    while True:
        await asyncio.sleep(every)
        moved = wall() - time.monotonic() - offset
        offset += moved
        if abs(moved) >= step:
            log.info(
                "the wall clock moved %+.0f s against elapsed time (a suspend or a clock "
                "step): scheduling the mornings again",
                moved,
            )
            schedule_mornings(app)
            await start_due_in_slices(app)
