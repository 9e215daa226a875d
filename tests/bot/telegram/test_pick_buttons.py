"""The buttons under a pick, end to end (real PTB, fake Bot API): 👍/👎 and the reasons,
"never show this company", 🔖 Save and ✅ Applied; each answered at once, recorded, and shown
on the keyboard."""

from __future__ import annotations

from datetime import timedelta

from bot.services import marks
from bot.services.feedback import learned_weights
from bot.services.run import run_daily
from bot.telegram.callbacks import decode
from tests.bot.telegram_support import (
    CHAT,
    collect_fake,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    settled,
)
from tests.fakes.telegram import visible_text


async def _delivered(fake, ctx) -> list:  # type: ignore[no-untyped-def]
    await command(fake, "/picks", count=4)
    await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    return ctx.store.picks_for(ctx.today())


def _labels(fake, message_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [label for label, _ in fake.buttons(CHAT, message_id)]


async def _tap(fake, message_id: int, label: str, edits: int) -> str:  # type: ignore[no-untyped-def]
    """Tap the button with this label; its answer, once the keyboard shows the change."""
    qid = await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))[label])
    (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
    await fake.wait_for("editMessageReplyMarkup", count=edits, message_id=message_id)
    return answer.params.get("text", "")


async def test_votes_then_a_reason_the_later_tap_wins_and_the_keyboard_shows_it(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        assert _labels(fake, message_id) == ["👍", "👎", "🔖 Save", "✅ Applied"]

        assert await _tap(fake, message_id, "👍", 1) == "👍 noted"
        assert ctx.store.vote_for(pick.key, CHAT).vote == "up"
        assert _labels(fake, message_id)[0] == "👍 ✓"

        assert (await _tap(fake, message_id, "👎", 2)).startswith("changed to 👎")
        assert ctx.store.vote_for(pick.key, CHAT).vote == "down"
        labels = _labels(fake, message_id)
        assert "👎 ✓" in labels and "too senior" in labels
        assert any(label.startswith("🚫 Never show") for label in labels)

        # a reason keeps 👎, records the reason, and the reasons close
        assert decode(dict(fake.buttons(CHAT, message_id))["too senior"]) is not None
        await _tap(fake, message_id, "too senior", 3)
        labels = _labels(fake, message_id)
        assert "👎 ✓ too senior" in labels and "too senior" not in labels
        vote = ctx.store.vote_for(pick.key, CHAT)
        assert (vote.vote, vote.reason) == ("down", "senior")


async def test_never_show_company_takes_effect_next_run(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        await _tap(fake, message_id, "👎", 1)
        block = next(label for label in _labels(fake, message_id) if label.startswith("🚫"))
        assert "will not be shown again" in await _tap(fake, message_id, block, 2)
        assert "blocked ✓" in _labels(fake, message_id)[-1]
        assert pick.company in ctx.store.current_profile().filters.blocked_companies

    # tomorrow's run: the company's other posting (still in the pool) is vetoed
    tomorrow = ctx.now() + timedelta(days=1)
    ctx.now = lambda: tomorrow  # type: ignore[method-assign]
    outcome = await run_daily(ctx, collector=collect_fake)
    assert outcome.picks, "the other companies still have postings"
    assert all(p.company != pick.company for p in outcome.picks)
    assert outcome.record.filtered_reasons == {"blocked company": 1}


async def test_save_and_applied_list_count_for_learning_and_toggle_back(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        first, second, _ = await _delivered(fake, ctx)
        before = learned_weights(ctx)
        await _tap(fake, first.sent[str(CHAT)], "🔖 Save", 1)
        await _tap(fake, second.sent[str(CHAT)], "✅ Applied", 1)
        assert "🔖 Saved ✓" in _labels(fake, first.sent[str(CHAT)])
        assert "✅ Applied ✓" in _labels(fake, second.sent[str(CHAT)])
        (r,) = await command(fake, "/saved")
        saved = visible_text(r.params["text"], "HTML")
        assert first.title in saved and second.title not in saved
        (r,) = await command(fake, "/applied")
        assert second.title in visible_text(r.params["text"], "HTML")
        # both are strong positives for learning, applied more than saved
        after = learned_weights(ctx)

        def ups(w, fid="type:internship"):  # both picks are internships
            return w.features[fid].ups if fid in w.features else 0

        assert ups(after) == ups(before) + 1 + 2
        assert after.features != before.features
        # a second tap takes the mark back
        await _tap(fake, first.sent[str(CHAT)], "🔖 Saved ✓", 2)
        assert not marks.listed(ctx, CHAT, marks.SAVED)


async def test_a_tap_on_a_message_that_can_no_longer_be_edited_is_quiet(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        fake.uneditable.add((CHAT, message_id))
        qid = await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))["👎"])
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await eventually(
            lambda: [c.status for c in fake.calls_of("editMessageReplyMarkup")] == [400]
        )
        await settled(app)
        # Updates are handled one at a time: once /help is answered, the tap's handler is
        # done, and an error of it would have been said before.
        (reply,) = await command(fake, "/help")
        assert "/picks" in reply.params["text"]
        assert not any("⚠️" in m.text for m in fake.sent_to(CHAT))
        assert ctx.store.vote_for(pick.key, CHAT).vote == "down"


async def test_a_tap_too_old_to_answer_still_counts(fake, tmp_path):
    """Taps made while the bot was down arrive late: Telegram refuses the answer, the vote
    must still be recorded and shown."""
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        fake.fail_next(
            "answerCallbackQuery",
            code=400,
            description="Bad Request: query is too old and response timeout expired or "
            "query ID is invalid",
        )
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[0][1])
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        assert ctx.store.vote_for(pick.key, CHAT).vote == "up"
        assert fake.calls_of("answerCallbackQuery")[-1].status == 400


async def test_the_same_vote_tapped_again_is_withdrawn_from_the_keyboard_and_learning(
    fake, tmp_path
):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        await _tap(fake, message_id, "👍", 1)
        assert learned_weights(ctx).votes == 1
        assert await _tap(fake, message_id, "👍 ✓", 2) == "👍 withdrawn"
        assert _labels(fake, message_id) == ["👍", "👎", "🔖 Save", "✅ Applied"]
        assert ctx.store.vote_for(pick.key, CHAT) is None and learned_weights(ctx).votes == 0

        await _tap(fake, message_id, "👎", 3)
        await _tap(fake, message_id, "location", 4)
        assert await _tap(fake, message_id, "👎 ✓ location", 5) == "👎 withdrawn"
        assert _labels(fake, message_id) == ["👍", "👎", "🔖 Save", "✅ Applied"]
        assert ctx.store.votes() == []
