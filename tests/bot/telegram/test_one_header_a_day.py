"""/picks while the morning's catch-up runs sends the day's header once (issue 22, defect 2),
whichever starts first; the "working…" message becomes the header or says where it is. The
rule itself, in both orders and at once, is in tests/bot/services/test_delivery.py."""

from __future__ import annotations

from tests.bot.telegram_support import (
    CHAT,
    command,
    make_ctx,
    not_today,
    running_bot,
    settled,
    slow_collector,
)


async def _picks_meets_the_morning(fake, tmp_path, *, morning_first: bool) -> None:  # type: ignore[no-untyped-def]
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=slow_collector(0.3)) as app:
        rt = app.bot_data["runtime"]
        if morning_first:
            rt.spawn(rt.daily.morning())  # the catch-up's run is under way…
        (working,) = await command(fake, "/picks")  # …when the person asks
        if not morning_first:
            rt.spawn(rt.daily.morning())
        await settled(app)
    messages = fake.sent_to(CHAT)
    headers = [m for m in messages if m.text.startswith("Job picks for")]
    assert len(headers) == 1, [m.text.splitlines()[0] for m in messages]
    picks = [m for m in messages if m.reply_markup]
    assert len(picks) == 3 and len({m.text for m in picks}) == 3
    shown = fake.messages[(CHAT, working.result["message_id"])].text
    assert not shown.startswith("⏳")  # the header, or where it is
    if not shown.startswith("Job picks for"):
        assert "came with the morning's delivery" in shown


async def test_picks_asked_while_the_morning_runs_gets_no_second_header(fake, tmp_path):
    await _picks_meets_the_morning(fake, tmp_path, morning_first=True)


async def test_the_morning_while_picks_runs_sends_no_second_header(fake, tmp_path):
    await _picks_meets_the_morning(fake, tmp_path, morning_first=False)
