"""/picks end to end (real PTB, fake Bot API): a fresh day runs now and shows its steps in a
message that becomes the header; a day that has run sends its picks again with their votes.
Which picks, and the header's rules, are tested without Telegram in
tests/bot/services/test_delivery.py."""

from __future__ import annotations

import asyncio

from bot.services import feedback
from tests.bot.telegram_support import (
    CHAT,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    settled,
    slow_collector,
)
from tests.fakes.telegram import visible_text


def _all_sent(ctx) -> bool:  # type: ignore[no-untyped-def]
    picks = ctx.store.picks_for(ctx.today())
    return bool(picks) and all(str(CHAT) in p.sent for p in picks)


async def test_a_fresh_picks_runs_now_and_its_working_message_becomes_the_header(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        replies = await command(fake, "/picks", count=4)
        assert replies[0].params["text"].startswith("⏳ working")
        header = fake.sent_to(CHAT)[0]
        assert header.edits >= 1 and "Job picks for" in header.text and "3 picks" in header.text
        assert "brokenboard" in header.text and "layout changed <div>" in header.text
        await eventually(lambda: _all_sent(ctx))
        picks = ctx.store.picks_for(ctx.today())
        first = fake.messages[(CHAT, picks[0].sent[str(CHAT)])]
        assert "Backend <Python> Intern" in first.text  # escaped on the way, shown as written
        assert [m.silent for m in fake.sent_to(CHAT)[1:]] == [False] * 3  # asked for: they ring

        # /picks again: today has run, nothing is scored again, the top 2 are sent again
        runs = len(ctx.store.all_runs())
        replies = await command(fake, "/picks 2", count=2)
        assert len(ctx.store.all_runs()) == runs
        assert [r.params["reply_markup"] is not None for r in replies] == [True, True]
        (bad,) = await command(fake, "/picks lots")
        assert "/picks N" in bad.params["text"]
        await settled(app)
    assert len(fake.sent_to(CHAT)) == 4 + 2 + 1


async def test_picks_again_show_each_vote_and_leave_out_what_is_blocked_or_too_low(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        await command(fake, "/picks", count=4)
        await eventually(lambda: _all_sent(ctx))
        first, second, _ = ctx.store.picks_for(ctx.today())
        message_id = first.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[0][1])  # 👍
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await feedback.block_company(ctx, second.company)  # 🚫 on another pick

        before = len(fake.sent_to(CHAT))
        await command(fake, "/picks", count=2)
        await settled(app)
        again = fake.sent_to(CHAT)[before:]
        assert len(again) == 2 and second.company not in " ".join(m.text for m in again)
        assert fake.buttons(CHAT, again[0].message_id)[0][0] == "👍 ✓"

        # the minimum raised during the day: /picks applies it at once, and the reply says so
        top = max(p.score for p in ctx.store.picks_for(ctx.today()))
        (reply,) = await command(fake, f"/settings min_score {top + 1}")
        assert "Applies now" in visible_text(reply.params["text"], "HTML")
        (reply,) = await command(fake, "/picks")
        await settled(app)
        assert "0 picks" in reply.params["text"]
        assert "below your minimum score" in reply.params["text"]  # why none, not a shrug
        assert len(fake.sent_to(CHAT)) == before + 4  # 2 picks again, the reply, this header


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


async def test_a_failed_picks_run_says_why_in_the_working_message(fake, tmp_path):
    async def broken(_ctx, _on_source=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk <full>")

    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=broken) as app:
        (working,) = await command(fake, "/picks")
        await settled(app)
    (message,) = fake.sent_to(CHAT)
    assert message.message_id == working.result["message_id"]
    assert "run failed" in message.text and "RuntimeError: disk <full>" in message.text
    assert ctx.store.finished_run(ctx.today()) is None


async def test_picks_alongside_the_morning_job_sends_each_pick_once(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=slow_collector(0.3)) as app:
        rt = app.bot_data["runtime"]
        await command(fake, "/picks")  # "working…": the run has started
        rt.spawn(rt.daily.morning())  # the scheduled job fires while /picks runs
        await settled(app)
    picks = [m for m in fake.sent_to(CHAT) if m.reply_markup]
    assert len(picks) == 3, [m.text.splitlines()[1] for m in picks]
    assert len(ctx.store.all_runs()) == 1 and _all_sent(ctx)


async def test_picks_survives_a_failed_progress_edit(fake, tmp_path, monkeypatch):
    monkeypatch.setattr("bot.telegram.delivery.NETWORK_RETRY_WAITS", (0.05,))
    ctx = make_ctx(tmp_path, fake, **not_today())
    fake.fail_next("editMessageText", code=500, description="Internal Server Error")
    async with running_bot(ctx, collector=slow_collector(0.1)):
        await command(fake, "/picks", count=4)
    assert fake.calls_of("editMessageText")[0].status == 500
    assert len([m for m in fake.sent_to(CHAT) if m.reply_markup]) == 3


async def test_stop_cancels_a_picks_run_instead_of_waiting_for_it(fake, tmp_path, monkeypatch):
    monkeypatch.setattr("bot.telegram.app.STOP_GRACE_SECONDS", 0.1)
    ctx = make_ctx(tmp_path, fake, **not_today())
    loop = asyncio.get_running_loop()
    async with running_bot(ctx, collector=slow_collector(60)):
        await command(fake, "/picks")  # "working…"; the collector hangs
        stopping = loop.time()
    assert loop.time() - stopping < 5
    assert ctx.store.finished_run(ctx.today()) is None  # redone at the next start
