"""The morning on the JobQueue, end to end (real PTB, fake Bot API): the catch-up at start,
a quiet morning, /settings moving the time, the days counted from Sunday, a failed morning."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.services.schedule import next_run, ptb_weekday
from bot.telegram.app import build_application
from bot.telegram.schedule import schedule_daily
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
        schedule_daily(app)
        (job,) = app.job_queue.get_jobs_by_name("morning")
        fires = job.job.trigger.get_next_fire_time(None, now)
        assert fires == expected and fires.utcoffset() == expected.utcoffset(), (days, now)
        # /start announces the same, except that a slot passed today with no run is due now
        # (the bot catches up at start) and one that ran today is skipped.
        due = now.date() != expected.date() and ptb_weekday(now) in days and now.hour >= 8
        assert next_run(ctx, now) == (now if due else expected), (days, now)
        assert ptb_weekday(expected) in days


async def test_each_distinct_schedule_is_one_morning_job_for_the_people_who_have_it(fake, tmp_path):
    from bot.services import settings

    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2, 5555], time="08:00", timezone="UTC")
    await settings.change(ctx.for_person(CHAT2), "time", "06:30")
    app = build_application(ctx)
    schedule_daily(app)
    jobs = app.job_queue.get_jobs_by_name("morning")
    now = datetime(2026, 3, 2, 5, 0, tzinfo=UTC)
    fires = {tuple(j.data): j.job.trigger.get_next_fire_time(None, now) for j in jobs}
    assert fires == {
        (CHAT, 5555): datetime(2026, 3, 2, 8, 0, tzinfo=UTC),
        (CHAT2,): datetime(2026, 3, 2, 6, 30, tzinfo=UTC),
    }


async def test_a_morning_job_runs_and_delivers_for_its_own_people(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())
    async with running_bot(ctx) as app:
        from bot.services import settings

        await settings.change(ctx.for_person(CHAT2), "time", "06:30")
        schedule_daily(app)
        [bea_job] = [j for j in app.job_queue.get_jobs_by_name("morning") if j.data == (CHAT2,)]
        await bea_job.run(app)
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT2)  # the header and 3 picks
        await settled(app)
    assert fake.sent_to(CHAT) == []
    assert ctx.for_person(CHAT).store.all_runs() == []
    assert len(ctx.for_person(CHAT2).store.all_runs()) == 1
