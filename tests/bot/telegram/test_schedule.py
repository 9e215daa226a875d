"""The mornings on the JobQueue, end to end (real PTB, fake Bot API): the catch-up at start,
a quiet morning, /settings moving the time, the days counted from Sunday, a failed morning,
a job per chat, and a forward clock jump past the slot (issue 22, fault 1) driven through
APScheduler and through the watchdog on an injected clock, with no real waiting."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest

from bot.services.schedule import next_run, ptb_weekday
from bot.telegram import render
from bot.telegram.app import build_application
from bot.telegram.schedule import MORNING_JOB, WATCHDOG_JOB, schedule_mornings
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    command,
    eventually,
    make_ctx,
    not_today,
    reopen,
    running_bot,
    settled,
)


async def test_catch_up_runs_once_and_delivers_a_quiet_morning(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake)  # due at 00:00 UTC every day: started "late"
    async with running_bot(ctx) as app:
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT)
        await settled(app)
    header, *picks = fake.sent_to(CHAT)
    assert header.text.startswith("Job picks for") and header.reply_markup is None
    assert not header.silent  # the header rings; the picks under it arrive silently
    assert len(picks) == 3 and all(m.silent and m.reply_markup for m in picks)
    assert len(ctx.store.all_runs()) == 1

    again = reopen(ctx)  # a restart the same day neither runs again nor resends
    async with running_bot(again) as app:
        await settled(app)
    assert len(again.store.all_runs()) == 1
    assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == 4


async def test_a_failed_morning_tells_the_owner_why(fake, tmp_path):
    async def broken(_ctx, _on_source=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk <full>")

    ctx = make_ctx(tmp_path, fake)  # due now: the catch-up run fails
    async with running_bot(ctx, collector=broken):
        await fake.wait_for("sendMessage", chat_id=CHAT)
    (notice,) = fake.sent_to(CHAT)
    assert "run failed" in notice.text and "RuntimeError: disk <full>" in notice.text
    assert ctx.store.finished_run(ctx.today()) is None


async def test_moving_the_time_before_now_runs_today_instead_of_skipping_it(fake, tmp_path):
    # A zone where it is now about noon, so 23:00 is later today and 00:00 has passed.
    offset = 12 - datetime.now(UTC).hour  # local = UTC + offset; Etc/GMT-N is UTC+N
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    ctx = make_ctx(tmp_path, fake, time="23:00", timezone=zone)
    async with running_bot(ctx) as app:
        await settled(app)
        assert ctx.store.finished_run(ctx.today()) is None  # not due at start
        (r,) = await command(fake, "/settings time 00:00")
        assert "running it now" in r.params["text"]
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT)  # + header and 3 picks
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        (r,) = await command(fake, "/settings time 01:00")  # today has run: no second run
        assert "running it now" not in r.params["text"]
        await settled(app)
    assert len(ctx.store.all_runs()) == 1
    assert len([m for m in fake.sent_to(CHAT) if m.reply_markup]) == 3


async def test_schedule_days_count_from_sunday_in_the_configured_zone(fake, tmp_path):
    """What /start announces (next_run) is when the JobQueue fires, across a DST change."""
    la = ZoneInfo("America/Los_Angeles")
    cases = [  # (days, now, when the JobQueue fires) — DST starts Sunday 2026-03-08 in LA
        ([1, 3], datetime(2026, 3, 7, 12, 0, tzinfo=la), datetime(2026, 3, 9, 8, 0, tzinfo=la)),
        ([0], datetime(2026, 3, 4, 9, 0, tzinfo=la), datetime(2026, 3, 8, 8, 0, tzinfo=la)),
        ([0], datetime(2026, 3, 8, 7, 59, tzinfo=la), datetime(2026, 3, 8, 8, 0, tzinfo=la)),
        ([6], datetime(2026, 10, 31, 7, 0, tzinfo=la), datetime(2026, 10, 31, 8, 0, tzinfo=la)),
        ([6], datetime(2026, 10, 31, 8, 1, tzinfo=la), datetime(2026, 11, 7, 8, 0, tzinfo=la)),
    ]
    assert ptb_weekday(datetime(2026, 3, 8, tzinfo=la)) == 0  # a Sunday
    for days, now, expected in cases:
        ctx = make_ctx(tmp_path / str(now.timestamp()), fake, time="08:00",
                       timezone="America/Los_Angeles", days=days)  # fmt: skip
        app = build_application(ctx)
        schedule_mornings(app)
        (job,) = app.job_queue.get_jobs_by_name(MORNING_JOB)
        fires = job.job.trigger.get_next_fire_time(None, now)
        assert fires == expected and fires.utcoffset() == expected.utcoffset(), (days, now)
        # /start announces the same, except that a slot passed today with no run is due now
        # (the bot catches up at start) and one that ran today is skipped.
        due = now.date() != expected.date() and ptb_weekday(now) in days and now.hour >= 8
        assert next_run(ctx, now) == (now if due else expected), (days, now)
        assert ptb_weekday(expected) in days


async def test_each_person_has_a_morning_job_at_their_own_time(fake, tmp_path):
    from bot.services import settings

    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2, 5555], time="08:00", timezone="UTC")
    await settings.change(ctx.for_person(CHAT2), "time", "06:30")
    app = build_application(ctx)
    schedule_mornings(app)
    jobs = app.job_queue.get_jobs_by_name(MORNING_JOB)
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    fires = {j.chat_id: j.job.trigger.get_next_fire_time(None, now) for j in jobs}
    assert fires == {
        CHAT: datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        CHAT2: datetime(2026, 3, 2, 6, 30, tzinfo=UTC),
        5555: datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
    }


async def test_a_morning_job_runs_and_delivers_only_for_the_people_it_is_due_for(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())
    async with running_bot(ctx) as app:
        from bot.services import settings

        # Bea's days include today (her 00:00 has passed); Ana's do not.
        await settings.change(ctx.for_person(CHAT2), "days", "mon tue wed thu fri sat sun")
        schedule_mornings(app)
        [bea_job] = [j for j in app.job_queue.get_jobs_by_name(MORNING_JOB) if j.chat_id == CHAT2]
        await bea_job.run(app)
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT2)  # the header and 3 picks
        await settled(app)
    assert fake.sent_to(CHAT) == []
    assert ctx.for_person(CHAT).store.all_runs() == []
    assert len(ctx.for_person(CHAT2).store.all_runs()) == 1


def test_each_chat_has_its_morning_job_and_late_jobs_still_run(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, chats=[CHAT, CHAT2], time="07:30", timezone="Europe/Berlin")
    app = build_application(ctx)
    schedule_mornings(app)
    schedule_mornings(app)  # rebuilt (a settings change): replaced, not doubled
    mornings = [j for j in app.job_queue.get_jobs_by_name(MORNING_JOB) if not j.removed]
    assert sorted(j.chat_id for j in mornings) == [CHAT, CHAT2]
    (watchdog,) = [j for j in app.job_queue.get_jobs_by_name(WATCHDOG_JOB) if not j.removed]
    for job in [*mornings, watchdog]:
        # However late it fires (a suspend, a clock step), it runs, once.
        assert job.job.misfire_grace_time is None and job.job.coalesce
    berlin = ZoneInfo("Europe/Berlin")
    fires = mornings[0].job.trigger.get_next_fire_time(None, datetime(2026, 3, 2, tzinfo=berlin))
    assert fires == datetime(2026, 3, 2, 7, 30, tzinfo=berlin)


class Clock:
    """A wall clock `shift` ahead of the real one: what the bot and APScheduler read."""

    def __init__(self) -> None:
        self.shift = timedelta(0)

    def now(self, tz=None) -> datetime:  # type: ignore[no-untyped-def]
        return datetime.now(tz) + self.shift


def _noonish_zone() -> tuple[str, ZoneInfo]:
    """A zone where it is now between 12:00 and 13:00, so the slot an hour on is today."""
    offset = 12 - datetime.now(UTC).hour
    name = f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-N is UTC+N
    return name, ZoneInfo(name)


@pytest.fixture
def jumpy_clock(monkeypatch) -> Clock:
    """APScheduler's wall clock (its scheduler and its executor) moved by the test."""
    clock = Clock()

    class Shifted(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return clock.now(tz)

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", Shifted)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", Shifted)
    return clock


async def _jump_past_the_slot(fake, tmp_path, clock, keep: str, caplog) -> None:  # type: ignore[no-untyped-def]
    """Start the bot an hour before the slot, step the clock to two hours past it, and let
    only the `keep` job (the chat's morning job or the watchdog) notice."""
    caplog.set_level(logging.INFO)
    name, zone = _noonish_zone()
    slot = (datetime.now(zone) + timedelta(hours=1)).replace(second=0, microsecond=0)
    ctx = make_ctx(tmp_path, fake, time=slot.strftime("%H:%M"), timezone=name)
    ctx.now = lambda: clock.now(zone)  # type: ignore[method-assign]
    async with running_bot(ctx) as app:
        await settled(app)
        assert ctx.store.finished_run(ctx.today()) is None  # not due at start
        (r,) = await command(fake, "/start")
        assert slot.strftime("%H:%M") in r.params["text"]
        drop = WATCHDOG_JOB if keep == MORNING_JOB else MORNING_JOB
        for job in app.job_queue.get_jobs_by_name(drop):
            job.schedule_removal()

        clock.shift = slot + timedelta(hours=2) - datetime.now(zone)  # an NTP step of 2 h
        if keep == MORNING_JOB:
            app.job_queue.scheduler.wakeup()  # its timer, late: what APScheduler does then
        else:
            (watchdog,) = app.job_queue.get_jobs_by_name(WATCHDOG_JOB)
            await watchdog.run(app)  # its minute has come round
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT)  # + the header, 3 picks
        await settled(app)
        assert ctx.store.finished_run(ctx.today()) is not None
        (r,) = await command(fake, "/start")
        tomorrow = slot + timedelta(days=1)
        assert render.esc(tomorrow.strftime("%A %d %B at %H:%M")) in r.params["text"]
    assert len(ctx.store.all_runs()) == 1
    assert "was missed by" not in caplog.text


async def test_a_job_fired_two_hours_late_after_a_clock_jump_still_runs_the_day(
    fake, tmp_path, jumpy_clock, caplog
):
    await _jump_past_the_slot(fake, tmp_path, jumpy_clock, MORNING_JOB, caplog)


async def test_the_watchdog_runs_a_day_a_clock_jump_skipped(fake, tmp_path, jumpy_clock, caplog):
    await _jump_past_the_slot(fake, tmp_path, jumpy_clock, WATCHDOG_JOB, caplog)
