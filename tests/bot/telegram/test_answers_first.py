"""Answers ahead of bulk sends, against the Telegram fake with its flood limits on (issue 22,
defect 1; issue 19, "delivery for many"): a tap during a 20-pick delivery changes its keyboard
at once, a command typed during /picks is answered before the picks finish, and many chats'
mornings together never go past the bot-wide rate nor leave a chat waiting for the others."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from bot.services import settings as settings_service
from bot.services.daily import Daily
from bot.telegram import delivery
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.telegram_support import (
    CHAT,
    collect_fake,
    eventually,
    make_ctx,
    not_today,
    running_bot,
)
from tests.fakes.telegram import FloodLimits


def collect_many(count: int):  # type: ignore[no-untyped-def]
    """A board with `count` fresh postings, one per company."""

    async def collect(_ctx, _on_source=None):  # type: ignore[no-untyped-def]
        now = datetime.now(UTC)
        postings = [
            Posting(
                source="fakeboard",
                source_id=f"p{i}",
                url=f"https://jobs.example.com/p{i}",
                title=f"Python backend intern {i}",
                company=f"Company {i}",
                location="Austin, TX",
                posted_at=now - timedelta(hours=1),
                employment_type="internship",
                description="Python, Postgres, machine learning.",
            )
            for i in range(count)
        ]
        return [SourceResult(source="fakeboard", postings=postings)]

    return collect


def _picks_sent(fake, chat: int = CHAT) -> list:  # type: ignore[no-untyped-def]
    """The pick messages (with buttons) sent so far."""
    return [
        c
        for c in fake.calls_of("sendMessage", chat_id=chat)
        if c.status == 200 and c.params.get("reply_markup")
    ]


async def test_a_tap_during_a_twenty_pick_morning_changes_its_keyboard_within_three_seconds(
    fake, tmp_path
):
    fake.flood_limits = FloodLimits()  # Telegram's: one message a second in a chat
    ctx = make_ctx(tmp_path, fake, **not_today())
    await settings_service.change(ctx, "picks", "20")
    async with running_bot(ctx, collector=collect_many(20), interval=1.0) as app:
        rt = app.bot_data["runtime"]
        rt.spawn(rt.daily.morning())
        await fake.wait_for("sendMessage", count=2, chat_id=CHAT, within=15)  # header, a pick
        first = _picks_sent(fake)[0]
        message_id = first.result["message_id"]
        up = fake.buttons(CHAT, message_id)[0][1]
        tapped = time.monotonic()
        await fake.tap(CHAT, message_id, up)
        (edit,) = await fake.wait_for("editMessageReplyMarkup", chat_id=CHAT, within=3)
        assert edit.at - tapped < 3.0
        # It went in the chat's next turn, while the morning still had most of its picks to go.
        assert len(_picks_sent(fake)) <= 3
        assert fake.buttons(CHAT, message_id)[0][0] != "👍"  # the vote shows on the keyboard
    assert not fake.floods, [(c.method, c.at) for c in fake.floods]


async def test_a_command_typed_during_picks_is_answered_before_the_picks_finish(
    fake, tmp_path, monkeypatch
):
    monkeypatch.setattr("bot.telegram.progress.PROGRESS_INTERVAL", 0.1)
    fake.flood_limits = FloodLimits(chat_interval=0.2)
    ctx = make_ctx(tmp_path, fake, **not_today())
    await settings_service.change(ctx, "picks", "20")
    async with running_bot(ctx, collector=collect_many(20), interval=0.2):
        await fake.user_says(CHAT, "/picks")
        await eventually(lambda: len(_picks_sent(fake)) >= 2, within=10)
        before = len(_picks_sent(fake))
        await fake.user_says(CHAT, "/help")
        await eventually(lambda: _help_reply(fake) is not None, within=5)
        reply = _help_reply(fake)
        assert reply is not None
        picks_before_reply = [c for c in _picks_sent(fake) if c.at < reply.at]
        # At most the pick already in flight went first, with most of the twenty still to go.
        assert len(picks_before_reply) <= before + 1 and len(picks_before_reply) < 10
    assert not fake.floods, [(c.method, c.at) for c in fake.floods]


def _help_reply(fake):  # type: ignore[no-untyped-def]
    return next(
        (
            c
            for c in fake.calls_of("sendMessage", chat_id=CHAT)
            if c.status == 200 and "Commands" in c.params.get("text", "")
        ),
        None,
    )


async def test_many_mornings_keep_the_bot_wide_rate_and_every_chat_is_served_in_turn(
    fake, tmp_path, monkeypatch
):
    chats = list(range(5001, 5031))  # thirty people
    for chat in chats:
        fake.add_chat(chat)
    # Scaled to keep the test quick: 100 messages a second for the bot, one every 0.25 s
    # in a chat; the fake refuses (429) anything faster.
    monkeypatch.setattr(delivery, "PER_CHAT_INTERVAL", 0.25)
    fake.flood_limits = FloodLimits(chat_interval=0.25, per_second=100)
    ctx = make_ctx(tmp_path, fake, chats=chats)
    ctx.settings = ctx.settings.model_copy(update={"telegram_max_rate": 100})
    # Every person's run first, then their thirty mornings at once: each person's delivery
    # otherwise starts as their own run ends, and the turns are the Outbox's to keep.
    async with delivery.one_off_courier(ctx.settings) as courier:
        daily = Daily(ctx, courier, collector=collect_fake)
        ran = await daily.run_then_deliver(deliver=False)
        assert daily.delivery is not None and fake.calls_of("sendMessage") == []
        records = {person: outcome.record for person, outcome in ran.outcomes.items()}
        report = await daily.delivery.to_chats(records)
    assert report.ok and report.sent == 3 * len(chats)
    assert not fake.floods, [(c.method, c.params.get("chat_id")) for c in fake.floods]
    assert fake.busiest(1.0 - 0.05) <= 100  # the fake's own count, on its arrival times
    sends = [c for c in fake.calls_of("sendMessage") if c.status == 200]
    assert len(sends) == 4 * len(chats)
    # Chats take turns: every chat's header went out before any chat's second message.
    first_round = {c.params["chat_id"] for c in sends[: len(chats)]}
    assert first_round == set(chats)
