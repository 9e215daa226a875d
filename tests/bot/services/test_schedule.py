"""When a chat's morning is due and when it runs next (`Mornings`), on an injected clock: on
time, after a sleep or a forward clock jump past the slot (issue 22, fault 1), not twice, a
failed morning again only at a new time, and "next run" never in the past. The JobQueue side
is in tests/bot/telegram/test_schedule.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import settings as settings_service
from bot.services.daily import Daily
from bot.services.schedule import Mornings, next_run
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.services.support import CHAT, CHAT2, RecordingMessenger, make_ctx

TODAY = datetime.now(UTC).date()
SLOT = datetime.combine(TODAY, datetime.min.time(), tzinfo=UTC).replace(hour=8)  # make_ctx's


class Clock:
    """The wall clock the context reads, moved by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


async def board(_ctx, _on_source=None) -> list[SourceResult]:  # type: ignore[no-untyped-def]
    """Three fresh postings."""
    postings = [
        Posting(
            source="board",
            source_id=str(i),
            url=f"https://jobs.example.com/{i}",
            title=f"Python Backend Intern {i}",
            company=f"Company {i}",
            location="Austin, TX",
            posted_at=datetime.now(UTC) - timedelta(hours=1),
            employment_type="internship",
            description="Python, Postgres, backend services.",
        )
        for i in range(3)
    ]
    return [SourceResult(source="board", postings=postings)]


async def move_both(ctx, time: str) -> None:  # type: ignore[no-untyped-def]
    """Each person's /settings time (a person's time is their own)."""
    for chat in (CHAT, CHAT2):
        await settings_service.change(ctx.for_person(chat), "time", time)


def clocked(tmp_path, now: datetime):  # type: ignore[no-untyped-def]
    ctx = make_ctx(tmp_path)
    clock = Clock(now)
    ctx.now = clock  # type: ignore[method-assign]
    return ctx, clock


async def test_a_forward_clock_jump_past_the_slot_still_gives_the_day_its_run(tmp_path):
    ctx, clock = clocked(tmp_path, SLOT - timedelta(hours=1))
    mornings, m = Mornings(ctx), RecordingMessenger()
    assert mornings.due() == [] and mornings.next_run(CHAT) == SLOT
    clock.now = SLOT + timedelta(hours=2)  # an NTP step, a laptop waking, a VM restored
    assert mornings.due() == [CHAT, CHAT2]
    assert mornings.next_run(CHAT) == clock.now  # due: it starts at once, not "07:00" past

    mornings.started([CHAT, CHAT2])
    report = await Daily(ctx, m, collector=board).morning([CHAT, CHAT2])
    assert report is not None and report.sent == 6 and len(m.of("header")) == 2
    clock.now += timedelta(minutes=1)  # the watchdog looks again: nothing twice
    assert mornings.due() == []
    assert mornings.next_run(CHAT) == SLOT + timedelta(days=1)
    clock.now = SLOT + timedelta(days=1, minutes=3)  # and tomorrow's comes round
    assert mornings.due() == [CHAT, CHAT2]


async def test_each_chats_morning_is_due_once_a_day_when_its_time_has_passed(tmp_path):
    ctx, _clock = clocked(tmp_path, SLOT)
    mornings = Mornings(ctx)
    assert mornings.due(SLOT - timedelta(seconds=1)) == []
    assert mornings.due(SLOT) == [CHAT, CHAT2]
    mornings.started([CHAT], SLOT)  # one chat's job fired first
    assert mornings.due(SLOT) == [CHAT2]
    assert mornings.due(SLOT + timedelta(hours=12)) == [CHAT2]
    assert mornings.due(SLOT + timedelta(hours=20)) == []  # tomorrow, before its time
    assert mornings.due(SLOT + timedelta(days=1)) == [CHAT, CHAT2]


async def test_a_failed_morning_waits_for_a_new_time_not_the_next_minute(tmp_path):
    ctx, clock = clocked(tmp_path, SLOT + timedelta(minutes=1))

    async def broken(_ctx, _on_source=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    mornings, m = Mornings(ctx), RecordingMessenger()
    mornings.started(mornings.due())
    assert await Daily(ctx, m, collector=broken).morning() is None
    clock.now += timedelta(minutes=5)
    assert mornings.due() == []  # not retried (and the owner told again) every minute
    assert mornings.next_run(CHAT) == SLOT + timedelta(days=1)
    await move_both(ctx, "08:04")  # moved: due again, as before
    assert mornings.due() == [CHAT, CHAT2]
    mornings.started([CHAT, CHAT2])
    await move_both(ctx, "08:05")  # moved again: still no finished run
    assert mornings.due() == [CHAT, CHAT2]
    await Daily(ctx, m, collector=board).morning()
    await move_both(ctx, "08:02")  # today has run: nothing more
    assert mornings.due() == []


async def test_next_run_is_never_in_the_past(tmp_path):
    ctx, clock = clocked(tmp_path, SLOT)
    mornings = Mornings(ctx)
    start = SLOT - timedelta(hours=8)
    for step in range(0, 48):
        clock.now = start + timedelta(minutes=30 * step)
        for chat in (CHAT, None):
            when = mornings.next_run(chat)
            assert when is not None and when >= clock.now, (clock.now, when)
        if clock.now >= SLOT and step % 7 == 0:
            mornings.started([CHAT])  # a started morning moves it to the next day
    assert next_run(ctx) is not None and next_run(ctx) >= clock.now
