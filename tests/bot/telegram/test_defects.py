"""Issue 13's defects, each with the test that would have caught it (real PTB, fake Bot API)."""

from __future__ import annotations

import asyncio

from bot.services import feedback
from tests.bot.telegram.test_bot import command, slow_collector
from tests.bot.telegram_support import CHAT, eventually, make_ctx, not_today, running_bot
from tests.fakes.telegram import visible_text


async def _picks_delivered(fake, ctx) -> list:
    await command(fake, "/picks", count=4)
    await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    return ctx.store.picks_for(ctx.today())


def _labels(fake, message_id: int) -> list[str]:
    return [t for t, _ in fake.buttons(CHAT, message_id)]


async def test_picks_again_shows_the_vote_and_leaves_out_blocked_and_low_scores(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        picks = await _picks_delivered(fake, ctx)
        first, second = picks[0], picks[1]
        message_id = first.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[0][1])  # 👍
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await feedback.block_company(ctx, second.company)  # 🚫 on another pick

        # /picks again: the voted pick shows its vote; the blocked company is not re-sent
        before = len(fake.sent_to(CHAT))
        await fake.user_says(CHAT, "/picks")
        await fake.wait_for("sendMessage", count=before + 2, chat_id=CHAT)
        await asyncio.sleep(0.2)  # a third message, if any, would be the blocked one
        again = fake.sent_to(CHAT)[before:]
        assert len(again) == 2
        assert second.company not in " ".join(m.text for m in again)
        assert _labels(fake, again[0].message_id)[0] == "👍 ✓"

        # min_score raised during the day: /picks applies it at once, and the reply says so
        top = max(p.score for p in picks)
        (reply,) = await command(fake, f"/settings min_score {top + 1}")
        assert "Applies now" in visible_text(reply.params["text"], "HTML")
        (reply,) = await command(fake, "/picks")
        await asyncio.sleep(0.2)
        assert (
            "0 picks" in reply.params["text"]
            and "Nothing scored high enough" in reply.params["text"]
        )
        assert len(fake.sent_to(CHAT)) == before + 4  # 2 picks again, the reply, this header


async def test_a_tap_on_a_message_that_can_no_longer_be_edited_is_quiet(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _picks_delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        fake.uneditable.add((CHAT, message_id))
        sent_before = len(fake.calls_of("sendMessage", chat_id=CHAT))
        qid = await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[1][1])  # 👎
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await eventually(
            lambda: [c.status for c in fake.calls_of("editMessageReplyMarkup")] == [400]
        )
        await asyncio.sleep(0.2)  # an error message, if any, would go out now
        assert ctx.store.vote_for(pick.key, CHAT).vote == "down"
        assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == sent_before  # no "⚠️"


async def test_a_changed_vote_says_so(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _picks_delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        up, down = [d for _, d in fake.buttons(CHAT, message_id)][:2]
        answers = []
        for data in (up, down):
            qid = await fake.tap(CHAT, message_id, data)
            (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
            answers.append(a.params["text"])
            await fake.wait_for("editMessageReplyMarkup", count=len(answers), message_id=message_id)
        assert answers[0] == "👍 noted" and answers[1].startswith("changed to 👎")


async def test_a_fresh_picks_shows_the_steps(fake, tmp_path, monkeypatch):
    monkeypatch.setattr("bot.telegram.progress.PROGRESS_INTERVAL", 0.05)
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=slow_collector(0.5)):
        await command(fake, "/picks", count=4)
    texts = [visible_text(c.params["text"], "HTML") for c in fake.calls_of("editMessageText")]
    steps = [t for t in texts if t.startswith("⏳")]
    assert steps and "collecting postings" in steps[0]
    assert any("collecting 1/2 sources" in t for t in steps), steps  # counted as they finish
    assert any(" s)" in t for t in steps)  # the time so far, so it visibly moves
    assert texts[-1].startswith("Job picks for")  # and it ends as the header


async def test_free_text_gets_a_pointer_and_profile_edits_are_complete(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        (r,) = await command(fake, "hello, what can you do?")
        assert "/picks" in r.params["text"] and "/help" in r.params["text"]
        await command(fake, "/profile add No QA roles.")
        (r,) = await command(fake, "/profile")
        assert "2. No QA roles." in visible_text(r.params["text"], "HTML")
        (r,) = await command(fake, "/profile remove 1")
        assert ctx.store.current_profile().directives == ["No QA roles."]
        (r,) = await command(fake, "/profile remove 7")
        assert "no rule 7" in r.params["text"]
        await command(fake, "/profile block Umbrella Corp")
        (r,) = await command(fake, "/profile unblock umbrella corp.")
        assert ctx.store.current_profile().filters.blocked_companies == []
        (r,) = await command(fake, "/profile unblock Initech")
        assert "not blocked" in r.params["text"]
        (r,) = await command(fake, "/settings min_score 55.5")
        assert "not a whole number" in r.params["text"]
