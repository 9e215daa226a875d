"""Many people at one morning time (issue 19, item 5): a fired job reads only its own person,
the jobs that fire together start one morning (one collection round), the watchdog checks
everyone in slices without holding the event loop, and a /settings change rebuilds one job.
Real PTB and APScheduler against the fake Bot API; the mornings themselves are recorded, not
run (what they do is tested in test_schedule)."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import settings
from bot.telegram.runtime import Runtime
from bot.telegram.schedule import (
    MORNING_JOB,
    reschedule,
    schedule_mornings,
    start_due,
    start_due_in_slices,
)
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    runtime,
)

MANY = [10_000 + i for i in range(200)]


def _noonish_zone() -> tuple[str, ZoneInfo]:
    """A zone where it is now between 12:00 and 13:00, so the slot an hour on is today."""
    offset = 12 - datetime.now(UTC).hour
    name = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-N is UTC+N
    return name, ZoneInfo(name)


def _record(rt: Runtime) -> tuple[list[list[int]], Counter[int]]:
    """The mornings started (each the people it was for) and every person `Mornings._due`
    looked at, counted: the real checks run, the mornings do not."""
    mornings: list[list[int]] = []
    checked: Counter[int] = Counter()
    real_due = rt.mornings._due

    def morning(people=None):  # type: ignore[no-untyped-def]
        mornings.append(list(people))  # as it is started, not when the task first runs
        return asyncio.sleep(0)

    def due(chat: int, now: datetime) -> bool:
        checked[chat] += 1
        return real_due(chat, now)

    rt.daily.morning = morning  # type: ignore[method-assign]
    rt.mornings._due = due  # type: ignore[method-assign]
    return mornings, checked


async def test_jobs_firing_together_read_only_their_people_and_share_one_morning(fake, tmp_path):
    for chat in MANY:
        fake.add_chat(chat)
    name, zone = _noonish_zone()
    slot = (datetime.now(zone) + timedelta(hours=1)).strftime("%H:%M")
    ctx = make_ctx(tmp_path, fake, MANY, time=slot, timezone=name)
    async with running_bot(ctx) as app:
        rt = runtime(app)
        mornings, checked = _record(rt)
        later = datetime.now(zone) + timedelta(hours=2)  # everyone's slot has passed
        ctx.now = lambda: later  # type: ignore[method-assign]
        jobs = [j for j in app.job_queue.get_jobs_by_name(MORNING_JOB)]
        assert sorted(j.chat_id for j in jobs) == MANY

        # One person's job: only that person is looked at, and their morning starts.
        jobs[0].job.modify(next_run_time=datetime.now(UTC))
        app.job_queue.scheduler.wakeup()
        await eventually(lambda: mornings)
        assert mornings == [[jobs[0].chat_id]] and set(checked) == {jobs[0].chat_id}

        # Every other job at the same moment, as APScheduler fires a shared slot: each reads
        # its own person once (not 199 x 199), and they start as one morning.
        checked.clear()
        now = datetime.now(UTC)
        for job in jobs[1:]:
            job.job.modify(next_run_time=now)
        app.job_queue.scheduler.wakeup()
        await eventually(lambda: len(mornings) == 2)
        await asyncio.sleep(0.3)  # no straggler starts a morning of its own
        assert len(mornings) == 2 and sorted(mornings[1]) == sorted(MANY[1:])
        assert set(checked) == set(MANY[1:]) and max(checked.values()) == 1
        assert rt.fired == {}


async def test_the_watchdog_checks_everyone_in_slices_and_starts_one_morning(fake, tmp_path):
    chats = [CHAT, CHAT2, *MANY[:248]]  # 250 people, due now (00:00 UTC has passed)
    ctx = make_ctx(tmp_path, fake, chats, **not_today())
    async with running_bot(ctx) as app:
        rt = runtime(app)
        mornings, checked = _record(rt)
        for chat in chats:  # due from now on: today is one of their days
            await settings.change(ctx.for_person(chat), "days", "mon tue wed thu fri sat sun")
        turns = 0

        async def meanwhile() -> None:
            nonlocal turns
            while True:
                turns += 1
                await asyncio.sleep(0)

        other = asyncio.create_task(meanwhile())
        await asyncio.sleep(0)
        turns = 0
        started = await start_due_in_slices(app, size=100)
        other.cancel()
        assert turns >= 2  # the loop ran between the three slices
        assert started == chats and mornings == [chats]
        assert all(checked[c] >= 1 for c in chats)
        # Started: neither the watchdog's next minute nor a full scan starts them again.
        assert await start_due_in_slices(app) == [] and start_due(app) == []
        assert mornings == [chats]


async def test_settings_rebuild_only_that_persons_job(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2, *MANY[:20]], **not_today())
    async with running_bot(ctx) as app:
        jobs = app.job_queue
        before = {j.chat_id: j.job for j in jobs.get_jobs_by_name(MORNING_JOB)}
        made: list[int] = []
        real_add_job = jobs.scheduler.add_job

        def add_job(*args, **kwargs):  # type: ignore[no-untyped-def]
            if kwargs.get("name") == MORNING_JOB:
                made.append(kwargs["args"][1].chat_id)  # (the JobQueue, its Job)
            return real_add_job(*args, **kwargs)

        jobs.scheduler.add_job = add_job  # type: ignore[method-assign]
        await settings.change(ctx.for_person(CHAT2), "time", "06:45")
        assert reschedule(app, CHAT2) is False  # not one of today's days: nothing starts
        assert made == [CHAT2]
        after = {j.chat_id: j.job for j in jobs.get_jobs_by_name(MORNING_JOB)}
        assert after.keys() == before.keys()  # replaced, not doubled
        assert all(after[c].next_run_time == before[c].next_run_time for c in before if c != CHAT2)
        fires = after[CHAT2].trigger.get_next_fire_time(None, datetime.now(UTC))
        assert (fires.hour, fires.minute) == (6, 45)
        schedule_mornings(app)  # a full rebuild still makes every job once
        assert sorted(made[1:]) == sorted(before)
