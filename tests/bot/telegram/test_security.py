"""Only configured chats are served, and in a group only its admins (or the listed people)
change things; buttons are checked; the token never reaches the logs."""

from __future__ import annotations

import asyncio
import logging
import os
import sys

from pydantic import SecretStr

from bot.context import AppContext
from bot.store import Store
from bot.telegram.callbacks import encode
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    STRANGER,
    bot_settings,
    deliver_once,
    eventually,
    make_config,
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

    # `jobpicks run` delivers after its run is stored: the run stays, the delivery says why.
    ctx = make_ctx(tmp_path, fake)
    ctx.settings = ctx.settings.model_copy(update={"telegram_bot_token": SecretStr(wrong)})
    report = await deliver_once(ctx)
    assert not report.ok and "rejected" in report.chats[CHAT].error
    assert "SECRET" not in str(report)
    assert ctx.store.finished_run(ctx.today()) is not None


GROUP, ADMIN, MEMBER, OUTSIDER = -100123, 5555, 6666, 7777


def group_ctx(tmp_path, fake, users: list[int] | None = None) -> AppContext:  # type: ignore[no-untyped-def]
    fake.add_group(
        GROUP, "Job hunt", {ADMIN: "administrator", MEMBER: "member", OUTSIDER: "member"}
    )
    db = tmp_path / "db.json"
    settings = bot_settings(db, fake.token, fake.base_url, [GROUP])
    settings = settings.model_copy(update={"telegram_user_ids": users or []})
    return AppContext(settings=settings, config=make_config(**not_today()), store=Store(db))


async def test_in_a_group_only_admins_change_the_profile_and_settings(fake, tmp_path):
    ctx = group_ctx(tmp_path, fake)
    async with running_bot(ctx):
        await fake.user_says(GROUP, "/settings picks 2", user_id=MEMBER)
        (r,) = await fake.wait_for("sendMessage", chat_id=GROUP)
        assert "admins" in r.params["text"] and ctx.config.selection.max_picks == 3
        await fake.user_says(GROUP, "/profile set I am someone else", user_id=MEMBER)
        await fake.wait_for("sendMessage", count=2, chat_id=GROUP)
        assert ctx.store.current_profile().about != "I am someone else"
        assert fake.calls_of("getChatMember", user_id=MEMBER)

        await fake.user_says(GROUP, "/settings picks 2", user_id=ADMIN)
        await fake.wait_for("sendMessage", count=3, chat_id=GROUP)
        assert ctx.config.selection.max_picks == 2

        # anyone may vote on a pick in the group, but not block a company for everyone
        await fake.user_says(GROUP, "/picks", user_id=MEMBER)
        await eventually(
            lambda: any(str(GROUP) in p.sent for p in ctx.store.picks_for(ctx.today()))
        )
        pick = next(p for p in ctx.store.picks_for(ctx.today()) if str(GROUP) in p.sent)
        message_id = pick.sent[str(GROUP)]
        await fake.tap(GROUP, message_id, fake.buttons(GROUP, message_id)[1][1], user_id=MEMBER)
        await eventually(lambda: ctx.store.vote_for(pick.key, GROUP) is not None)
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        block = fake.buttons(GROUP, message_id)[-1][1]
        qid = await fake.tap(GROUP, message_id, block, user_id=MEMBER)
        (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert "admins" in a.params["text"]
        assert ctx.store.current_profile().filters.blocked_companies == []


async def test_telegram_user_ids_lets_only_those_people_act(fake, tmp_path):
    ctx = group_ctx(tmp_path, fake, users=[ADMIN, MEMBER])
    async with running_bot(ctx):
        await fake.user_says(GROUP, "/settings picks 2", user_id=OUTSIDER)
        await fake.user_says(GROUP, "/settings picks 4", user_id=MEMBER)  # listed: may act
        (r,) = await fake.wait_for("sendMessage", chat_id=GROUP)
        assert "is now" in r.params["text"] and ctx.config.selection.max_picks == 4
        assert len(fake.calls_of("sendMessage", chat_id=GROUP)) == 1  # the outsider: nothing
        assert not fake.calls_of("getChatMember")  # the list decides, not group roles


async def test_a_forged_settings_button_with_a_huge_number_is_answered_and_changes_nothing(
    fake, tmp_path
):
    """`st:time:+99999999999999999999` from a served chat raised OverflowError in the handler
    and the tap was never answered; now the parser refuses any number past its bound."""
    ctx = make_ctx(tmp_path, fake, **not_today())
    before = (ctx.config.schedule.time, ctx.config.selection.max_picks)
    async with running_bot(ctx):
        await fake.user_says(CHAT, "/settings")
        (menu,) = await fake.wait_for("sendMessage", chat_id=CHAT)
        message_id = menu.result["message_id"]
        forged = ("st:time:+99999999999999999999", "st:picks:-9999999", "st:tz:99999999999")
        for data in forged:
            qid = await fake.tap(CHAT, message_id, data)
            (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
            assert answer.params["text"] == "This button is not valid here.", data
        # The real buttons still work: the bound is above every step they carry.
        qid = await fake.tap(CHAT, message_id, "st:time:+60")
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
    assert (ctx.config.schedule.time, ctx.config.selection.max_picks) != before
    assert ctx.config.selection.max_picks == before[1]
