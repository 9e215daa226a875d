"""With LLM_MODEL set the bot answers at once while litellm loads (seconds) in the background."""

from __future__ import annotations

import logging

from pydantic import SecretStr

from scoring.llm.loader import LiteLLM
from tests.bot.telegram_support import CHAT, eventually, make_ctx, not_today, running_bot
from tests.fakes.llm import GatedImport
from tests.fakes.telegram import visible_text


async def test_start_is_answered_while_litellm_is_still_loading(fake, tmp_path, caplog):
    ctx = make_ctx(tmp_path, fake, **not_today())
    ctx.settings = ctx.settings.model_copy(
        update={
            "llm_model": "anthropic/claude-3-5-haiku-20241022",  # litellm has no price for it
            "llm_api_base": "http://127.0.0.1:9",  # never called: the bot only starts
            "llm_api_key": SecretStr("dummy-key"),
        }
    )
    gate = GatedImport()  # the import waits until this test releases it
    ctx.litellm = LiteLLM(gate)
    caplog.set_level(logging.WARNING)
    async with running_bot(ctx):
        await fake.user_says(CHAT, "/start")
        (reply,) = await fake.wait_for("sendMessage", chat_id=CHAT)
        assert gate.started.is_set() and ctx.litellm.loaded is None  # answered mid-import
        text = visible_text(reply.params["text"], reply.params.get("parse_mode"))
        assert "LLM anthropic/claude-3-5-haiku-20241022" in text
        gate.release.set()
        # Loaded after all, and the model litellm cannot price is named once, at start.
        await eventually(lambda: any("has no price" in r.getMessage() for r in caplog.records), 30)
    assert gate.calls == 1 and ctx.litellm.loaded is not None
    said = [r.getMessage() for r in caplog.records if "has no price" in r.getMessage()]
    assert len(said) == 1 and "input_cost_per_million" in said[0]
