"""Issue 14, the Telegram part: a refused message never costs the rest; people, not only
chats, are checked; handled faults log one line; the day's header survives a failed morning."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.services import chat_state
from bot.services import settings as settings_service
from bot.services.run import run_daily
from bot.telegram import delivery
from bot.telegram.client import make_bot
from bot.telegram.delivery import deliver_run
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.telegram_support import (
    CHAT,
    bot_settings,
    collect_fake,
    eventually,
    make_config,
    make_ctx,
    not_today,
    running_bot,
)
from tests.fakes.telegram import visible_text

POISON = "POISON"
REFUSED = 'Bad Request: can\'t parse entities: unsupported start tag "poison" at byte offset 40'


def twenty_postings() -> list[Posting]:
    now = datetime.now(UTC)
    return [
        Posting(
            source="fakeboard",
            source_id=f"p{i}",
            url=f"https://jobs.example.com/p{i}",
            title=f"Python backend intern {i}" + (f" {POISON}" if i == 7 else ""),
            company=f"Company {i}",
            location="Austin, TX",
            posted_at=now - timedelta(hours=1),
            employment_type="internship",
            description="Python, Postgres, machine learning.",
        )
        for i in range(20)
    ]


async def collect_twenty(_ctx, _on_source=None) -> list[SourceResult]:
    return [SourceResult(source="fakeboard", postings=twenty_postings())]


async def test_one_poisoned_pick_is_skipped_and_recorded_the_rest_go(fake, tmp_path, monkeypatch):
    monkeypatch.setattr(delivery, "PER_CHAT_INTERVAL", 0.0)
    fake.refuse(POISON, REFUSED)  # Telegram refuses it as HTML and as plain text
    ctx = make_ctx(tmp_path, fake)
    await settings_service.change(ctx, "picks", "20")
    outcome = await run_daily(ctx, collector=collect_twenty)
    assert len(outcome.picks) == 20
    poisoned = next(p for p in outcome.picks if POISON in p.title)

    report = await deliver_run(ctx, outcome)
    chat = report.chats[CHAT]
    assert chat.sent == 19 and chat.error is None
    assert list(chat.failed) == [poisoned.key] and "parse entities" in chat.failed[poisoned.key]
    assert not report.ok and "not delivered" in str(report)
    recorded = chat_state.failed_picks(ctx, ctx.today(), CHAT)
    assert list(recorded) == [poisoned.key] and "unsupported start tag" in recorded[poisoned.key]
    # tried once as HTML, once repaired as plain text; the picks after it went out
    tries = [c for c in fake.calls_of("sendMessage") if POISON in c.params["text"]]
    assert [c.status for c in tries] == [400, 400] and "parse_mode" not in tries[1].params
    titles = [m.text.splitlines()[1] for m in fake.sent_to(CHAT)[1:]]
    assert titles == [p.title for p in outcome.picks if p is not poisoned]

    calls = len(fake.calls_of("sendMessage"))
    again = await deliver_run(ctx, outcome)  # a rerun sends nothing twice, retries nothing
    assert again.chats[CHAT].sent == 0 and again.chats[CHAT].already_sent == 19
    assert len(fake.calls_of("sendMessage")) == calls


async def test_a_pick_refused_as_html_is_repaired_as_plain_text(fake, tmp_path, monkeypatch):
    monkeypatch.setattr(delivery, "PER_CHAT_INTERVAL", 0.0)
    ctx = make_ctx(tmp_path, fake)
    outcome = await run_daily(ctx, collector=collect_fake)
    fake.fail_next("sendMessage", code=400, description=REFUSED, chat_id=CHAT, after=2)
    report = await deliver_run(ctx, outcome)
    assert report.ok and report.chats[CHAT].sent == 3 and report.chats[CHAT].repaired == 1
    repaired = fake.calls_of("sendMessage", chat_id=CHAT)[3]
    assert repaired.status == 200 and "parse_mode" not in repaired.params
    assert repaired.params["reply_markup"]  # still votable
    assert all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today()))


GROUP, ADMIN, MEMBER, OUTSIDER = -100123, 5555, 6666, 7777


def group_ctx(tmp_path, fake, users: list[int] | None = None):
    from bot.context import AppContext
    from bot.store import Store

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


async def test_handled_rate_limits_and_5xx_log_one_warning_line(fake, tmp_path, caplog):
    caplog.set_level(logging.DEBUG)
    settings = bot_settings(tmp_path / "db.json", fake.token, fake.base_url)
    fake.fail_next("sendMessage", code=429, retry_after=3)
    fake.fail_next("sendMessage", code=502, description="Bad Gateway", html_page=True, after=0)
    async with make_bot(settings) as bot:
        with pytest.raises(RetryAfter):
            await bot.send_message(CHAT, "one")
        with pytest.raises(NetworkError):
            await bot.send_message(CHAT, "two")
    ours = [
        r for r in caplog.records if r.name.startswith("telegram") and r.levelno >= logging.WARNING
    ]
    assert ours, "PTB logged nothing about the faults"
    assert all(r.levelno == logging.WARNING and not r.exc_info for r in ours)
    assert "Traceback" not in caplog.text
    assert any("RetryAfter" in r.getMessage() for r in ours)
    assert any("invalid JSON" in r.getMessage() for r in ours)


async def test_after_a_morning_where_every_source_failed_a_later_run_has_its_header(fake, tmp_path):
    calls = []

    async def failing_then_fine(c, _on_source=None):
        calls.append(1)
        if len(calls) == 1:
            return [SourceResult(source="fakeboard", state="failed", reason="HTTP 503")]
        return await collect_fake(c)

    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=failing_then_fine) as app:
        rt = app.bot_data["runtime"]
        first = await rt.morning()
        assert first.chats[CHAT].sent == 0
        second = await rt.morning()  # later that day: the sources are back
        assert second.chats[CHAT].sent == 3 and second.chats[CHAT].header
    texts = [visible_text(m.html, "HTML") for m in fake.sent_to(CHAT)]
    assert "Every source failed" in texts[0]
    assert texts[1].startswith("Job picks for") and "3 picks" in texts[1]
    assert len(texts) == 5
