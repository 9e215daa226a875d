"""The real python-telegram-bot Application against the fake Bot API: commands and buttons."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.services.run import run_daily
from bot.telegram.callbacks import decode
from tests.bot.telegram_support import (
    CHAT,
    collect_fake,
    eventually,
    make_ctx,
    not_today,
    reopen,
    running_bot,
)
from tests.fakes.telegram import visible_text


async def command(fake, text: str, chat: int = CHAT, count: int = 1) -> list:
    before = len(fake.calls_of("sendMessage", chat_id=chat))
    await fake.user_says(chat, text)
    calls = await fake.wait_for("sendMessage", count=before + count, chat_id=chat)
    return calls[before:]


async def test_start_registers_commands_and_explains(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        assert {c["command"] for c in fake.commands} >= {"start", "help", "picks", "profile"}
        (reply,) = await command(fake, "/start")
        text = visible_text(reply.params["text"], reply.params.get("parse_mode"))
        assert "Next run:" in text and "local scorer" in text and "/settings" in text
        (reply,) = await command(fake, "/help")
        for name in ("/picks", "/profile", "/settings", "/stats", "/pause", "/resume"):
            assert name in reply.params["text"]


async def test_picks_runs_now_with_progress_then_votes(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        # today has no run: a "working…" message, edited into the header, then 3 picks
        replies = await command(fake, "/picks", count=4)
        assert replies[0].params["text"].startswith("⏳ working")
        header = fake.sent_to(CHAT)[0]
        assert header.edits >= 1 and "Job picks for" in header.text
        assert "brokenboard" in header.text and "layout changed <div>" in header.text
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        picks = ctx.store.picks_for(ctx.today())
        assert len(picks) == 3
        first = fake.messages[(CHAT, picks[0].sent[str(CHAT)])]
        assert "Backend <Python> Intern" in first.text  # escaped on the way, shown as written

        # 👍 then 👎 on the same pick: the later tap wins, the keyboard shows it
        up, down = [data for _, data in fake.buttons(CHAT, first.message_id)][:2]
        qid = await fake.tap(CHAT, first.message_id, up)
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await fake.wait_for("editMessageReplyMarkup", message_id=first.message_id)
        assert ctx.store.vote_for(picks[0].key, CHAT).vote == "up"
        assert fake.buttons(CHAT, first.message_id)[0][0] == "👍 ✓"

        qid = await fake.tap(CHAT, first.message_id, down)
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await fake.wait_for("editMessageReplyMarkup", count=2, message_id=first.message_id)
        assert ctx.store.vote_for(picks[0].key, CHAT).vote == "down"
        labels = [text for text, _ in fake.buttons(CHAT, first.message_id)]
        assert "👎 ✓" in labels and "too senior" in labels
        assert any(label.startswith("🚫 Never show") for label in labels)

        # a reason tap keeps 👎 and records the reason
        senior = next(d for t, d in fake.buttons(CHAT, first.message_id) if t == "too senior")
        assert decode(senior) is not None
        qid = await fake.tap(CHAT, first.message_id, senior)
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await fake.wait_for("editMessageReplyMarkup", count=3, message_id=first.message_id)
        labels = [t for t, _ in fake.buttons(CHAT, first.message_id)]
        assert "👎 ✓ too senior" in labels and "too senior" not in labels  # the reasons close
        vote = ctx.store.vote_for(picks[0].key, CHAT)
        assert vote is not None and (vote.vote, vote.reason) == ("down", "senior")

        # /picks again: today has run, nothing is scored again, the top 2 are re-sent
        runs = len(ctx.store.all_runs())
        replies = await command(fake, "/picks 2", count=2)
        assert len(ctx.store.all_runs()) == runs
        assert [r.params["reply_markup"] is not None for r in replies] == [True, True]
        (bad,) = await command(fake, "/picks lots")
        assert "/picks N" in bad.params["text"]


async def test_never_show_company_takes_effect_next_run(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/picks", count=4)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
        message_id = pick.sent[str(CHAT)]
        down = fake.buttons(CHAT, message_id)[1][1]
        await fake.tap(CHAT, message_id, down)
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        block = fake.buttons(CHAT, message_id)[-1][1]
        qid = await fake.tap(CHAT, message_id, block)
        (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert "will not be shown again" in answer.params["text"]
        await fake.wait_for("editMessageReplyMarkup", count=2, message_id=message_id)
        assert "blocked ✓" in fake.buttons(CHAT, message_id)[-1][0]
        assert pick.company in ctx.store.current_profile().filters.blocked_companies

    # tomorrow's run: the company's other posting (still in the pool) is vetoed
    tomorrow = ctx.now() + timedelta(days=1)
    ctx.now = lambda: tomorrow  # type: ignore[method-assign]
    outcome = await run_daily(ctx, collector=collect_fake)
    assert outcome.picks, "the other companies still have postings"
    assert all(p.company != pick.company for p in outcome.picks)
    assert outcome.record.filtered_reasons


async def test_profile_set_add_history_undo(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        (shown,) = await command(fake, "/profile")
        assert "version 1" in shown.params["text"] and "Internships only." in shown.params["text"]
        (r,) = await command(fake, "/profile set I want <data> & ML roles in Berlin.")
        assert "version 2" in r.params["text"]
        assert ctx.store.current_profile().about == "I want <data> & ML roles in Berlin."
        (r,) = await command(fake, "/profile add No QA roles.")
        assert ctx.store.current_profile().directives[-1] == "No QA roles."
        (r,) = await command(fake, "/profile")
        assert "I want &lt;data&gt; &amp; ML roles" in r.params["text"]
        (r,) = await command(fake, "/profile history")
        text = visible_text(r.params["text"], "HTML")
        assert "v3" in text and "current" in text and "v1" in text
        (r,) = await command(fake, "/profile undo")
        assert "version 2" in r.params["text"]
        assert ctx.store.current_profile().directives == ["Internships only."]
        (r,) = await command(fake, "/profile set")
        assert "⚠️" in r.params["text"]
        (r,) = await command(fake, "/profile block Umbrella Corp")
        assert "Umbrella Corp" in ctx.store.current_profile().filters.blocked_companies


async def test_settings_change_and_bad_value(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        (r,) = await command(fake, "/settings")
        text = visible_text(r.params["text"], "HTML")
        assert "Delivery time: 00:00" in text and "Picks per day: 3" in text
        (r,) = await command(fake, "/settings time 25:99")
        assert "⚠️" in r.params["text"] and "not a time of day" in r.params["text"]
        (r,) = await command(fake, "/settings picks 500")
        assert "out of range" in r.params["text"]
        (r,) = await command(fake, "/settings timezone Mars/Olympus")
        assert "not a known timezone" in r.params["text"]
        (r,) = await command(fake, "/settings colour blue")
        assert "no setting" in r.params["text"]
        assert ctx.config.schedule.time == "00:00"

        (r,) = await command(fake, "/settings time 07:30")
        assert "07:30" in r.params["text"]
        (r,) = await command(fake, "/settings picks 2")
        assert ctx.config.schedule.time == "07:30" and ctx.config.selection.max_picks == 2
        (job,) = app.job_queue.get_jobs_by_name("morning")
        assert job.next_t.strftime("%H:%M") == "07:30"
    # survives a restart
    again = reopen(ctx)
    assert again.config.selection.max_picks == 2 and again.config.schedule.time == "07:30"


async def test_stats_pause_resume(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        await command(fake, "/picks", count=4)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
        message_id = pick.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[1][1])  # 👎
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await fake.user_says(CHAT, "/stats")
        (photo,) = await fake.wait_for("sendPhoto", chat_id=CHAT, within=30)
        text = visible_text(photo.params["caption"], "HTML")
        assert "Picks sent here: 3" in text and "👍 0 · 👎 1" in text
        assert "Postings seen: 6 over 1 run day" in text
        (r,) = await command(fake, "/pause")
        report = await app.bot_data["runtime"].morning()
        assert report.chats[CHAT].skipped == "paused"
        await command(fake, "/resume")
        report = await app.bot_data["runtime"].morning()
        assert report.chats[CHAT].skipped is None and report.chats[CHAT].already_sent == 3
        await command(fake, "/nonsense")
        assert "/help" in fake.calls_of("sendMessage", chat_id=CHAT)[-1].params["text"]


async def test_catch_up_runs_once_and_delivers(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake)  # due at 00:00 UTC every day: started "late"
    async with running_bot(ctx):
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT)
        sent = fake.sent_to(CHAT)
        assert sent[0].text.startswith("Job picks for")
        assert [m.reply_markup is not None for m in sent] == [False, True, True, True]
    assert len(ctx.store.all_runs()) == 1
    # a restart the same day neither runs again nor resends
    again = reopen(ctx)
    async with running_bot(again):
        await asyncio.sleep(0.3)
    assert len(again.store.all_runs()) == 1
    assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == 4


def slow_collector(seconds: float):
    """Two sources that take `seconds` in all, each reported as it finishes."""

    async def collect(ctx, on_source=lambda _done, _total: None):
        for done in (1, 2):
            await asyncio.sleep(seconds / 2)
            on_source(done, 2)
        return await collect_fake(ctx)

    return collect


async def test_picks_alongside_the_morning_job_sends_each_pick_once(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=slow_collector(0.3)) as app:
        rt = app.bot_data["runtime"]
        await fake.user_says(CHAT, "/picks")
        await fake.wait_for("sendMessage", chat_id=CHAT)  # "working…": the run has started
        morning = rt.spawn(rt.morning())  # the scheduled job fires while /picks runs
        await eventually(lambda: morning.done(), within=5)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        await asyncio.sleep(0.3)  # let a duplicate, if any, go out
    picks = [m for m in fake.sent_to(CHAT) if m.reply_markup]
    assert len(picks) == 3, [m.text.splitlines()[1] for m in picks]
    assert len(ctx.store.all_runs()) == 1


async def test_picks_survives_a_failed_progress_edit(fake, tmp_path):
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


async def test_moving_the_time_before_now_runs_today_instead_of_skipping_it(fake, tmp_path):
    # A zone where it is now about noon, so 23:00 is later today and 00:00 has passed.
    offset = 12 - datetime.now(UTC).hour  # local = UTC + offset; Etc/GMT-N is UTC+N
    zone = f"Etc/GMT{-offset:+d}" if offset else "UTC"
    ctx = make_ctx(tmp_path, fake, time="23:00", timezone=zone)
    async with running_bot(ctx):
        await asyncio.sleep(0.2)
        assert ctx.store.finished_run(ctx.today()) is None  # not due at start
        (r,) = await command(fake, "/settings time 00:00")
        assert "running it now" in r.params["text"]
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT)  # + header and 3 picks
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        (r,) = await command(fake, "/settings time 01:00")  # today has run: no second run
        assert "running it now" not in r.params["text"]
        await asyncio.sleep(0.2)
    assert len(ctx.store.all_runs()) == 1
    assert len([m for m in fake.sent_to(CHAT) if m.reply_markup]) == 3


async def test_schedule_days_count_from_sunday_in_the_configured_zone(fake, tmp_path):
    """What /start announces (next_run) is when the JobQueue fires, across a DST change."""
    from zoneinfo import ZoneInfo

    from bot.telegram.app import build_application, next_run, ptb_weekday, schedule_daily

    la = ZoneInfo("America/Los_Angeles")
    cases = [  # (days, now, when the JobQueue fires) — DST starts Sunday 2026-03-08 in LA
        ([1, 3], datetime(2026, 3, 7, 12, 0, tzinfo=la), datetime(2026, 3, 9, 8, 0, tzinfo=la)),
        ([0], datetime(2026, 3, 4, 9, 0, tzinfo=la), datetime(2026, 3, 8, 8, 0, tzinfo=la)),
        ([0], datetime(2026, 3, 8, 7, 59, tzinfo=la), datetime(2026, 3, 8, 8, 0, tzinfo=la)),
        ([6], datetime(2026, 10, 31, 7, 0, tzinfo=la), datetime(2026, 10, 31, 8, 0, tzinfo=la)),
        ([6], datetime(2026, 10, 31, 8, 1, tzinfo=la), datetime(2026, 11, 7, 8, 0, tzinfo=la)),
    ]
    assert ptb_weekday(datetime(2026, 3, 8, tzinfo=la)) == 0  # a Sunday
    for days, now, expected in cases:
        ctx = make_ctx(tmp_path / str(now.timestamp()), fake, time="08:00",
                       timezone="America/Los_Angeles", days=days)  # fmt: skip
        app = build_application(ctx)
        schedule_daily(app)
        (job,) = app.job_queue.get_jobs_by_name("morning")
        fires = job.job.trigger.get_next_fire_time(None, now)
        assert fires == expected and fires.utcoffset() == expected.utcoffset(), (days, now)
        # /start announces the same, except that a slot passed today with no run is due now
        # (the bot catches up at start) and one that ran today is skipped.
        due = now.date() != expected.date() and ptb_weekday(now) in days and now.hour >= 8
        assert next_run(ctx, now) == (now if due else expected), (days, now)
        assert ptb_weekday(expected) in days


async def test_a_tap_too_old_to_answer_still_counts(fake, tmp_path):
    """Taps made while the bot was down arrive late: Telegram refuses the answer, the vote
    must still be recorded and shown."""
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/picks", count=4)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
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
