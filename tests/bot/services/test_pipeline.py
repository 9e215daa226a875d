"""The application pipeline and its reminders, as services (no Telegram, no sockets): stages
with dates, a note per posting, what learning counts, and who is reminded when."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.services import marks, reminders
from bot.services.marks import APPLIED, INTERVIEWING, OFFER, REJECTED, SAVED
from scrapers.still_open import Openness, Verdict
from tests.bot.services.support import CHAT, CHAT2, DAY, make_ctx, pick, store_day


@pytest.fixture
async def ctx(tmp_path):
    c = make_ctx(tmp_path)
    await store_day(c, [pick(1, 90), pick(2, 80), pick(3, 70)])
    return c


def _picks(ctx):  # type: ignore[no-untyped-def]
    return ctx.store.picks_for(DAY)


async def test_a_later_stage_implies_applied_and_offer_and_rejected_exclude_each_other(ctx):
    first = _picks(ctx)[0]
    assert await marks.toggle(ctx, CHAT, first, INTERVIEWING)
    assert marks.marks_of(ctx, CHAT, first.key) == {APPLIED, INTERVIEWING}
    await marks.toggle(ctx, CHAT, first, OFFER)
    await marks.toggle(ctx, CHAT, first, REJECTED)
    assert marks.marks_of(ctx, CHAT, first.key) == {APPLIED, INTERVIEWING, REJECTED}
    assert marks.one(ctx, CHAT, first.key).stage == REJECTED
    # taking "applied" back takes what came after it
    assert not await marks.toggle(ctx, CHAT, first, APPLIED)
    assert marks.marks_of(ctx, CHAT, first.key) == set()


async def test_saved_and_applied_lists_hold_each_step_with_its_date_and_the_note(ctx):
    first, second, third = _picks(ctx)
    await marks.toggle(ctx, CHAT, first, SAVED)
    await marks.toggle(ctx, CHAT, second, SAVED)
    await marks.toggle(ctx, CHAT, second, APPLIED)
    await marks.toggle(ctx, CHAT, third, INTERVIEWING)
    assert await marks.set_note(ctx, CHAT, second, "  Called  Anna, follow up Friday ") == (
        "Called Anna, follow up Friday"
    )
    assert [t.pick.key for t in marks.saved_list(ctx, CHAT)] == [first.key]
    applied = marks.applied_list(ctx, CHAT)
    assert [t.pick.key for t in applied] == [third.key, second.key]  # newest step first
    assert set(applied[1].stages) == {SAVED, APPLIED} and applied[1].note.startswith("Called")
    assert marks.saved_list(ctx, CHAT2) == []  # per chat
    assert await marks.set_note(ctx, CHAT, second, "-") == ""
    assert marks.note_of(ctx, CHAT, second.key) == ""
    assert await marks.unsave(ctx, CHAT, first) and marks.saved_list(ctx, CHAT) == []


async def test_later_stages_teach_nothing_more_than_applied(ctx):
    first = _picks(ctx)[0]
    await marks.toggle(ctx, CHAT, first, APPLIED)
    before = len(marks.votes_from_marks(ctx))
    await marks.toggle(ctx, CHAT, first, INTERVIEWING)
    await marks.toggle(ctx, CHAT, first, OFFER)
    assert len(marks.votes_from_marks(ctx)) == before == 2  # applied counts twice, no more


# A morning after the delivery time (the schedule is 08:00 UTC); marks are dated from it.
MORNING = datetime(2026, 3, 9, 9, 0, tzinfo=UTC)


async def _saved_days_ago(ctx, p, days: int) -> None:  # type: ignore[no-untyped-def]
    async with ctx.store.transaction():
        ctx.store.mark(CHAT, p, SAVED, at=MORNING - timedelta(days=days, minutes=5))


async def test_due_after_five_days_once_and_only_after_the_delivery_time(ctx):
    old, recent, applied = _picks(ctx)
    await _saved_days_ago(ctx, old, 6)
    await _saved_days_ago(ctx, recent, 2)
    await _saved_days_ago(ctx, applied, 9)
    await marks.toggle(ctx, CHAT, applied, APPLIED)
    assert [t.pick.key for t in reminders.due(ctx, CHAT, MORNING)] == [old.key]
    assert reminders.due(ctx, CHAT, MORNING.replace(hour=7)) == []  # before the morning


async def test_a_closed_posting_is_marked_closed_and_not_reminded(ctx):
    open_one, closed_one, unsure = _picks(ctx)
    for p in (open_one, closed_one, unsure):
        await _saved_days_ago(ctx, p, 6)
    verdicts = {
        open_one.key: Verdict(Openness.OPEN, "the board's API still has it"),
        closed_one.key: Verdict(Openness.CLOSED, "the board's API answers 404 for it"),
        unsure.key: Verdict(Openness.UNKNOWN, "HTTP 403"),
    }
    checked, sent = [], []

    async def check(p):  # type: ignore[no-untyped-def]
        checked.append(p.key)
        return verdicts[p.key]

    async def send(chat, item, days, verdict):  # type: ignore[no-untyped-def]
        sent.append((chat, item.pick.key, days, verdict.state))

    now = MORNING
    report = await reminders.remind(ctx, CHAT, send, check, now)
    assert sorted(checked) == sorted(verdicts)
    assert sorted(sent) == sorted(
        [(CHAT, open_one.key, 6, "open"), (CHAT, unsure.key, 6, "unknown")]
    )
    assert report.closed == [closed_one.key] and report.unknown == [unsure.key]
    assert marks.one(ctx, CHAT, closed_one.key).closed is not None
    # once: a second round checks and sends nothing
    again = await reminders.remind(ctx, CHAT, send, check, now)
    assert again.reminded == again.closed == [] and len(checked) == 3


async def test_the_export_has_every_stage_as_a_date_and_the_note(ctx):
    from bot.services import export

    first = _picks(ctx)[0]
    async with ctx.store.transaction():
        ctx.store.mark_sent(first.day, first.key, CHAT, 1)
    await marks.toggle(ctx, CHAT, first, OFFER)
    await marks.set_note(ctx, CHAT, first, "Start in May")
    (row,) = export.rows(ctx, CHAT)
    assert row["applied"] == row["offer"] == ctx.today() and row["interviewing"] == ""
    assert row["note"] == "Start in May" and row["rejected"] == row["closed"] == ""
