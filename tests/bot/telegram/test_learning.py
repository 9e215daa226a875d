"""Votes in Telegram → an LLM proposal with Apply / Reject → a new profile version."""

from __future__ import annotations

import json

from pydantic import SecretStr

from tests.bot.telegram_support import (
    CHAT,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    settled,
)
from tests.fakes.llm import FakeLLM, Reply, invalid
from tests.fakes.telegram import visible_text

PROPOSAL = ["prefers backend internships with Python", "avoids <b>Initech</b>"]


async def _use_llm(fake, ctx, llm: FakeLLM) -> list:  # type: ignore[no-untyped-def]
    """Today's picks, sent (scored locally), then an LLM for proposals from 2 votes on."""
    ctx.config.learning.propose_every = 2
    ctx.config.learning.propose_min_votes = 2
    await command(fake, "/picks", count=4)
    await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    # An LLM from now on (the picks above were scored locally, so the fake sees only proposals).
    ctx.settings = ctx.settings.model_copy(
        update={
            "llm_model": "openai/fake",
            "llm_api_base": llm.base,
            "llm_api_key": SecretStr("dummy"),
        }
    )
    return ctx.store.picks_for(ctx.today())


async def _vote_until_proposal(fake, ctx, llm: FakeLLM) -> tuple[int, list[tuple[str, str]]]:
    picks = await _use_llm(fake, ctx, llm)
    llm.queue(Reply(kind="text", content=json.dumps({"proposal": PROPOSAL})))
    for pick, button in ((picks[0], 0), (picks[1], 1)):  # 👍 then 👎
        message_id = pick.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[button][1])
    # within: the first proposal imports litellm (seconds, in a worker thread)
    await eventually(lambda: any("What I learned" in m.text for m in fake.sent_to(CHAT)), 30)
    message = next(m for m in fake.sent_to(CHAT) if "What I learned" in m.text)
    return message.message_id, fake.buttons(CHAT, message.message_id)


async def test_proposal_apply_makes_a_new_profile_version(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with FakeLLM() as llm, running_bot(ctx):
        message_id, buttons = await _vote_until_proposal(fake, ctx, llm)
        before = ctx.store.current_profile()
        assert llm.calls == 1
        text = fake.messages[(CHAT, message_id)].text
        assert (
            "prefers backend internships with Python" in text and "<b>" not in text
        )  # markup stripped
        assert [label for label, _ in buttons] == ["✅ Apply", "✖️ Reject"]

        qid = await fake.tap(CHAT, message_id, buttons[0][1])
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert answer.params["text"] == "✅ applied"
        await fake.wait_for("editMessageText", message_id=message_id)
        after = ctx.store.current_profile()
        assert after.version > before.version
        assert after.learned[0] == "prefers backend internships with Python"
        assert after.about == before.about and after.directives == before.directives
        shown = visible_text(fake.messages[(CHAT, message_id)].text, "HTML")
        assert f"profile version {after.version}" in shown
        # Apply keeps no button of its own; today's picks were chosen, so a rescore is offered.
        assert fake.buttons(CHAT, message_id) == [
            ("🔄 Rescore today's postings", f"rs:{ctx.today()}")
        ]
        # The rescore scores today's candidates with the LLM, for the new version.
        sent = len(fake.sent_to(CHAT))
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[0][1])
        await eventually(lambda: any("rescored" in m.text for m in fake.sent_to(CHAT)[sent:]))
        assert llm.calls > 1
        day = ctx.store.picks_for(ctx.today())
        assert {p.scorer for p in day if not p.dropped} == {"openai/fake"}
        assert {p.profile_version for p in day if not p.dropped} == {after.version}

        # A second tap on the same proposal is refused, nothing changes.
        qid = await fake.tap(CHAT, message_id, buttons[0][1])
        (again,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert (
            again.params.get("show_alert") and ctx.store.current_profile().version == after.version
        )

        # The local scorer's lessons are visible too, in words with their votes.
        (shown,) = await command(fake, "/profile")
        assert "Learned from your votes" in shown.params["text"]
        assert "👍 1" in shown.params["text"] and "👎 1" in shown.params["text"]

        (undo,) = await command(fake, "/profile undo")
        assert ctx.store.current_profile().version == before.version


async def test_proposal_reject_keeps_the_profile(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with FakeLLM() as llm, running_bot(ctx):
        message_id, buttons = await _vote_until_proposal(fake, ctx, llm)
        before = ctx.store.current_profile()
        qid = await fake.tap(CHAT, message_id, buttons[1][1])
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert answer.params["text"] == "✖️ rejected"
        await fake.wait_for("editMessageText", message_id=message_id)
        assert ctx.store.current_profile() == before
        assert "Rejected proposal" in fake.messages[(CHAT, message_id)].text


async def test_a_model_litellm_cannot_price_is_named_once_at_bot_start(fake, tmp_path, caplog):
    ctx = make_ctx(tmp_path, fake, **not_today())
    ctx.settings = ctx.settings.model_copy(
        update={
            "llm_model": "anthropic/claude-3-5-haiku-20241022",  # litellm has no price for it
            "llm_api_base": "http://127.0.0.1:9",  # never called: the bot only starts
            "llm_api_key": SecretStr("dummy"),
        }
    )
    with caplog.at_level("WARNING"):
        async with running_bot(ctx):
            await command(fake, "/help")
            # litellm loads in the background (commands are answered meanwhile); then the line
            await eventually(
                lambda: any("has no price" in r.getMessage() for r in caplog.records), 30
            )
    said = [r.getMessage() for r in caplog.records if "has no price" in r.getMessage()]
    assert len(said) == 1 and "claude-3-5-haiku-20241022" in said[0]
    assert "input_cost_per_million" in said[0]


async def test_a_failed_proposal_is_said_once_and_later_taps_cost_no_llm_call(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with FakeLLM(responder=lambda body: invalid()) as llm, running_bot(ctx) as app:
        picks = await _use_llm(fake, ctx, llm)
        for pick, button in ((picks[0], 0), (picks[1], 1)):  # 👍 then 👎: a proposal is due
            message_id = pick.sent[str(CHAT)]
            await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[button][1])
        # within: the first proposal imports litellm (seconds, in a worker thread)
        await eventually(lambda: any("Couldn't draft" in m.text for m in fake.sent_to(CHAT)), 30)
        await settled(app)
        calls = llm.calls
        # Choosing the 👎's reason, saving, a 👍 on the third pick: no call, no warning again.
        message_id = picks[1].sent[str(CHAT)]
        reason = dict(fake.buttons(CHAT, message_id))["wrong field"]
        await fake.tap(CHAT, message_id, reason)
        await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))["🔖 Save"])
        third = picks[2].sent[str(CHAT)]
        await fake.tap(CHAT, third, fake.buttons(CHAT, third)[0][1])
        await eventually(lambda: len(ctx.store.votes()) == 3 and ctx.store.marks(CHAT))
        await settled(app)
        warnings = [m for m in fake.sent_to(CHAT) if "Couldn't draft" in m.text]
        assert len(warnings) == 1 and llm.calls == calls
        assert "after 2 more votes or tomorrow" in warnings[0].text
