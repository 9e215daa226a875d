"""The one path from a run to the chats (`Daily`), with a recording messenger: run once a
day, deliver what is unsent, tell the owner of a failed morning, resume a cut morning. When a
morning is due: tests/bot/services/test_schedule.py."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.services.daily import Daily
from bot.services.delivery import ChatReport
from bot.services.schedule import Mornings
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.services.support import CHAT, CHAT2, RecordingMessenger, make_ctx


class Board:
    """A collector of four fresh postings that counts its calls."""

    def __init__(self) -> None:
        self.calls = 0

    async def __call__(self, _ctx: object, _on_source: object = None) -> list[SourceResult]:
        self.calls += 1
        now = datetime.now(UTC)
        postings = [
            Posting(
                source="board",
                source_id=str(i),
                url=f"https://jobs.example.com/{i}",
                title=f"Python Backend Intern {i}",
                company=f"Company {i}",
                location="Austin, TX",
                posted_at=now - timedelta(hours=1),
                employment_type="internship",
                description="Python, Postgres, backend services.",
            )
            for i in range(4)
        ]
        return [SourceResult(source="board", postings=postings)]


async def test_run_then_deliver_runs_once_a_day_and_sends_nothing_twice(tmp_path):
    ctx = make_ctx(tmp_path, max_picks=3)
    board, m = Board(), RecordingMessenger()
    daily = Daily(ctx, m, collector=board)
    first = await daily.run_then_deliver()
    assert len(first.outcome.picks) == 3 and first.report.sent == 6
    assert [len(m.of("header", c)) for c in (CHAT, CHAT2)] == [1, 1]

    again = await Daily(ctx, m, collector=board).run_then_deliver()  # e.g. `jobpicks run` again
    assert again.outcome.already_ran and board.calls == 1
    assert again.report.sent == 0 and again.report.chats[CHAT].already_sent == 3
    assert len(m.sent) == 8


async def test_without_a_messenger_or_in_a_dry_run_nothing_is_delivered(tmp_path):
    ctx = make_ctx(tmp_path)
    dry = await Daily(ctx, RecordingMessenger(), collector=Board()).run_then_deliver(dry_run=True)
    assert dry.report is None and dry.outcome.picks
    plain = await Daily(ctx, None, collector=Board()).run_then_deliver()
    assert plain.report is None and ctx.store.finished_run(ctx.today()) is not None


async def test_a_failed_morning_tells_the_owner_and_runs_again_next_time(tmp_path):
    async def broken(_ctx, _on_source=None):
        raise RuntimeError("disk <full>")

    ctx = make_ctx(tmp_path)
    m = RecordingMessenger()
    assert await Daily(ctx, m, collector=broken).morning() is None
    assert m.sent == [("run_failed", CHAT, "RuntimeError: disk <full>")]  # the owner only
    report = await Daily(ctx, m, collector=Board()).morning()
    assert report is not None and report.sent == 6


async def test_a_morning_cut_short_resumes_with_what_is_unsent(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    board, m = Board(), RecordingMessenger()
    m.hold()
    cut = await _cut_after_one_pick(Daily(ctx, m, collector=board), m)
    assert cut.sent == 1 and board.calls == 1

    m.held = None
    report = await Daily(ctx, m, collector=board).morning([CHAT])  # a restart: today has run
    assert board.calls == 1 and report.chats[CHAT].sent == 2
    assert report.chats[CHAT].already_sent == 1 and len(m.of("header")) == 1


async def _cut_after_one_pick(daily: Daily, m: RecordingMessenger) -> ChatReport:
    """The morning, stopped (as a shutdown does) while the first pick is in flight."""
    task = asyncio.create_task(daily.morning())
    await m.waiting.wait()
    daily.stop()
    m.release()
    report = await task
    return report.chats[CHAT]


async def test_picks_again_waits_for_todays_run(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    m = RecordingMessenger()
    daily = Daily(ctx, m, collector=Board())
    assert await daily.picks_again(CHAT) is None and m.sent == []
    delivered = await daily.run_then_deliver([CHAT], asked=True, limit=2)
    assert delivered.report.chats[CHAT].sent == 2
    again = await daily.picks_again(CHAT, 1)
    assert again.sent == 1 and m.of("pick")[-1] == m.of("pick")[0]


async def test_each_person_is_due_at_their_own_time(tmp_path):
    ctx = make_ctx(tmp_path)
    owner, bea = ctx.for_person(CHAT), ctx.for_person(CHAT2)
    today = (datetime.now(UTC).weekday() + 1) % 7  # 0 = Sunday
    # Schedules as /settings would leave them: the owner's morning has passed today, Bea's
    # day is not today.
    owner.config = owner.config.model_copy(
        update={"schedule": owner.config.schedule.model_copy(update={"time": "00:00"})}
    )
    not_today = [d for d in range(7) if d != today]
    bea.config = bea.config.model_copy(
        update={"schedule": bea.config.schedule.model_copy(update={"days": not_today})}
    )
    board, m = Board(), RecordingMessenger()
    daily = Daily(ctx, m, collector=board)
    due = Mornings(ctx).due()
    assert due == [CHAT]
    report = await daily.morning(due)
    assert list(report.chats) == [CHAT] and m.of("header", CHAT2) == []
    assert bea.store.finished_run(bea.today()) is None and board.calls == 1


async def test_one_persons_failed_run_does_not_stop_the_others(tmp_path, monkeypatch):
    from bot.services import daily as daily_module

    real = daily_module.run_person

    async def broken_for_bea(pctx, *args, **kwargs):  # a bug met in one person's run only
        if pctx.person == CHAT2:
            raise RuntimeError("bea's profile <broke>")
        return await real(pctx, *args, **kwargs)

    monkeypatch.setattr(daily_module, "run_person", broken_for_bea)
    ctx = make_ctx(tmp_path)
    m = RecordingMessenger()
    report = await Daily(ctx, m, collector=Board()).morning()
    assert report is not None and list(report.chats) == [CHAT] and report.sent == 3
    assert m.of("run_failed", CHAT) == [
        "the run of 4343 failed: RuntimeError: bea's profile <broke>"
    ]
    with pytest.raises(RuntimeError, match="broke"):  # asked for alone (/picks): raised
        await Daily(ctx, m, collector=Board()).run_then_deliver([CHAT2], asked=True)
