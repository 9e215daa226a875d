"""Only configured chats are served; buttons are checked; the token never reaches the logs."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from pydantic import SecretStr

from bot.services.run import run_daily
from bot.telegram.callbacks import encode
from bot.telegram.delivery import deliver_run
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    STRANGER,
    collect_fake,
    eventually,
    make_ctx,
    not_today,
    running_bot,
)
from tests.conftest import REPO  # noqa: E402


async def test_unknown_chat_gets_one_refusal_and_nothing_is_stored(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await fake.user_says(CHAT, "/picks")
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
        db_before = [f.read_bytes() for f in ctx.store.files()]

        for text in ("/start", "/picks", "/profile set I am an intruder", "/settings picks 1"):
            await fake.user_says(STRANGER, text)
        qid = await fake.tap(STRANGER, pick.sent[str(CHAT)], encode("v", pick.day, pick.key, "u"))
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await fake.user_says(CHAT, "/help")  # processed after the stranger's updates
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT)

        refusals = fake.calls_of("sendMessage", chat_id=STRANGER)
        assert len(refusals) == 1 and "private" in refusals[0].params["text"]
        assert str(STRANGER) in refusals[0].params["text"]  # what the owner needs to add it
        assert "text" not in answer.params  # a bare answer: no information given
        assert [f.read_bytes() for f in ctx.store.files()] == db_before
        assert ctx.store.vote_for(pick.key, STRANGER) is None
        assert ctx.config.selection.max_picks == 3


async def test_button_of_a_pick_not_sent_to_this_chat_is_refused(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, chats=[CHAT, CHAT2], **not_today())
    async with running_bot(ctx):
        await fake.user_says(CHAT, "/picks 1")
        await fake.wait_for("sendMessage", count=2, chat_id=CHAT)
        await eventually(lambda: ctx.store.picks_for(ctx.today())[0].sent)
        pick = ctx.store.picks_for(ctx.today())[0]
        second = ctx.store.picks_for(ctx.today())[1]
        taps = [
            (CHAT2, encode("v", pick.day, pick.key, "d")),  # sent to CHAT, not to CHAT2
            (CHAT, encode("v", second.day, second.key, "u")),  # picked, but not sent (/picks 1)
            (CHAT, "v:u:2020-01-01:000000000000"),  # no such pick
            (CHAT, "v:x:" + pick.day),  # malformed
        ]
        for chat, data in taps:
            qid = await fake.tap(chat, 1, data)
            (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
            assert answer.params["text"] == "This button is not valid here."
        # A button no handler knows (e.g. from an older version) is answered, not left spinning.
        qid = await fake.tap(CHAT, 1, "zz:unknown")
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert answer.params["text"] == "This button is no longer active."
        assert ctx.store.votes() == []
        assert not fake.calls_of("editMessageReplyMarkup")


async def test_token_never_in_logs(fake, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    ctx = make_ctx(tmp_path, fake)  # due now: the catch-up run and delivery happen too
    async with running_bot(ctx):
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
        qid = await fake.tap(CHAT, pick.sent[str(CHAT)], encode("v", pick.day, pick.key, "u"))
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        # an error inside a handler goes through the error handler, with context
        fake.fail_next("sendPhoto", code=400, description="Bad Request: boom", chat_id=CHAT)
        await fake.user_says(CHAT, "/stats")
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT, within=30)
        await asyncio.sleep(0.05)
    assert len(caplog.records) > 20  # the logs were really captured at DEBUG
    assert "error while handling update" in caplog.text and "'/stats'" in caplog.text
    assert fake.token not in caplog.text
    assert fake.token.split(":")[1] not in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING


async def test_rejected_token_is_named_not_shown(fake, tmp_path):
    """PTB's initialize() puts the token in its InvalidToken message; it must not get out."""
    wrong = "999:wrong-SECRET-token"
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "JOBPICKS_DB": str(tmp_path / "db.json"),
        "TELEGRAM_BOT_TOKEN": wrong,
        "TELEGRAM_CHAT_IDS": str(CHAT),
        "TELEGRAM_API_BASE": fake.base_url,
        "LLM_MODEL": "",
    }
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "bot",
        cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 30)
    text = out.decode()
    assert proc.returncode == 2, text
    assert "TELEGRAM_BOT_TOKEN" in text and "rejected" in text
    assert "SECRET" not in text and "Traceback" not in text

    # `jobpicks run` delivers through deliver_run: the run stays, the delivery reports why.
    ctx = make_ctx(tmp_path, fake)
    ctx.settings = ctx.settings.model_copy(update={"telegram_bot_token": SecretStr(wrong)})
    outcome = await run_daily(ctx, collector=collect_fake)
    report = await deliver_run(ctx, outcome)
    assert not report.ok and "rejected" in report.chats[CHAT].error
    assert "SECRET" not in str(report)
    assert ctx.store.finished_run(ctx.today()) is not None
