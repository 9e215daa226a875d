"""What a job seeker expects of the bot, end to end against the fake Bot API: the facts on a
pick, quiet mornings, settings by tapping, searches, saved / applied, the week's chart,
export, and the first contact."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from bot.services import chat_state, marks
from bot.services.feedback import learned_weights
from bot.services.run import run_daily
from bot.telegram import callbacks as cb
from tests.bot.telegram.test_bot import command
from tests.bot.telegram_support import (
    CHAT,
    collect_fake,
    eventually,
    make_ctx,
    not_today,
    reopen,
    running_bot,
)
from tests.fakes.telegram import png_size, visible_text


async def _delivered(fake, ctx) -> list:
    await command(fake, "/picks", count=4)
    await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    return ctx.store.picks_for(ctx.today())


async def test_a_quiet_morning_header_rings_picks_do_not(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake)  # due now: the catch-up morning delivery
    async with running_bot(ctx):
        await fake.wait_for("sendMessage", count=4, chat_id=CHAT)
    header, *picks = fake.sent_to(CHAT)
    assert header.text.startswith("Job picks for") and not header.silent
    assert len(picks) == 3 and all(m.silent for m in picks)


async def test_first_contact_descriptions_and_todays_picks_button(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        assert "score" in fake.descriptions["description"]
        assert 0 < len(fake.descriptions["short_description"]) <= 120
        (start,) = await command(fake, "/start")
        (label, data), *_ = fake.buttons(CHAT, fake.sent_to(CHAT)[-1].message_id)
        assert label == "📬 Today's picks now" and data == cb.TODAY_PICKS
        assert "Next run:" in visible_text(start.params["text"], "HTML")
        qid = await fake.tap(CHAT, fake.sent_to(CHAT)[-1].message_id, data)
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT)  # working… + 3 picks
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))


async def test_settings_by_tapping_edit_their_own_message(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    await run_daily(ctx, collector=collect_fake)  # today has run: no schedule change is due
    await chat_state.set_paused(ctx, CHAT, True)  # and its picks are not delivered meanwhile
    async with running_bot(ctx) as app:
        await command(fake, "/settings")
        message = fake.sent_to(CHAT)[-1]
        buttons = dict(fake.buttons(CHAT, message.message_id))

        async def tap(label: str, edits: int) -> str:
            data = dict(fake.buttons(CHAT, message.message_id))[label]
            qid = await fake.tap(CHAT, message.message_id, data)
            (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
            await fake.wait_for("editMessageText", count=edits, message_id=message.message_id)
            return a.params.get("text", "")

        assert "+1 h" in buttons and "picks +1" in buttons
        await tap("+1 h", 1)
        await tap("picks +1", 2)
        await tap("min +5", 3)
        await tap("📅 every day", 4)  # from the config's custom days
        await tap("📅 weekdays only", 5)
        await tap("🗞 weekly digest", 6)
        await tap("▶️ resume", 7)
        text = visible_text(fake.messages[(CHAT, message.message_id)].html, "HTML")
        assert "Delivery time: 01:00" in text and "Picks per day: 4" in text
        assert "Minimum score: 5" in text and "Delivery days: weekdays" in text
        assert "Weekly digest: on" in text and "Morning push: on" in text
        assert ctx.config.schedule.days == [1, 2, 3, 4, 5]
        (job,) = app.job_queue.get_jobs_by_name("morning")
        assert job.next_t.strftime("%H:%M") == "01:00"
        # the timezone list replaces the keyboard; a tap picks one and comes back
        await tap("🌍 timezone…", 8)
        assert "Europe/Berlin" in dict(fake.buttons(CHAT, message.message_id))
        answer = await tap("Europe/Berlin", 9)
        assert "Europe/Berlin" in answer and ctx.config.schedule.timezone == "Europe/Berlin"
        assert len(fake.sent_to(CHAT)) == 1  # all of it in one message
        # typed sub-commands stay
        (r,) = await command(fake, "/settings days daily")
        assert ctx.config.schedule.days == list(range(7)) and "daily" in r.params["text"]
    again = reopen(ctx)
    assert (
        again.config.selection.max_picks == 4 and again.config.schedule.timezone == "Europe/Berlin"
    )


async def test_searches_from_the_chat_are_what_the_next_run_asks(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        (r,) = await command(fake, "/searches")
        assert "/searches add" in visible_text(r.params["text"], "HTML")
        (r,) = await command(fake, "/searches add data engineer intern @ Boston, MA")
        assert "next run" in r.params["text"]
        (r,) = await command(fake, "/searches add rust intern")
        (r,) = await command(fake, "/searches")
        text = visible_text(r.params["text"], "HTML")
        assert "1. data engineer intern @ Boston, MA" in text and "2. rust intern" in text
        (r,) = await command(fake, "/searches remove 1")
        (r,) = await command(fake, "/searches remove 9")
        assert "no search 9" in r.params["text"]
        (r,) = await command(fake, "/searches add rust intern")
        assert "already" in r.params["text"]
    asked = []

    async def collector(c, _on_source=None):
        asked.extend((s.keywords, s.location) for s in c.config.searches)
        return await collect_fake(c)

    again = reopen(ctx)  # after a restart, the next run asks exactly the chat's list
    await run_daily(again, collector=collector)
    assert asked == [("rust intern", "")]


async def test_save_and_applied_buttons_lists_and_learning(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        first, second, _ = await _delivered(fake, ctx)
        before = learned_weights(ctx)
        for pick, label in ((first, "🔖 Save"), (second, "✅ Applied")):
            message_id = pick.sent[str(CHAT)]
            qid = await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))[label])
            await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
            await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        assert "🔖 Saved ✓" in dict(fake.buttons(CHAT, first.sent[str(CHAT)]))
        assert "✅ Applied ✓" in dict(fake.buttons(CHAT, second.sent[str(CHAT)]))
        (r,) = await command(fake, "/saved")
        saved = visible_text(r.params["text"], "HTML")
        assert first.title in saved and second.title not in saved
        (r,) = await command(fake, "/applied")
        assert second.title in visible_text(r.params["text"], "HTML")
        # both are strong positives for learning, applied more than saved
        after = learned_weights(ctx)

        def ups(w, fid="type:internship"):  # both picks are internships
            return w.features[fid].ups if fid in w.features else 0

        assert ups(after) == ups(before) + 1 + 2
        assert after.features != before.features
        # a second tap takes the mark back
        message_id = first.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))["🔖 Saved ✓"])
        await eventually(lambda: not marks.listed(ctx, CHAT, marks.SAVED))


async def test_stats_is_one_chart_with_the_figures(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[0][1])
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await fake.user_says(CHAT, "/stats")
        (call,) = await fake.wait_for("sendPhoto", chat_id=CHAT, within=30)
    photo = next(m for m in fake.sent_to(CHAT) if m.photo is not None)
    width, height = png_size(photo.photo.data)
    assert (width, height) == (990, 880) and photo.photo.filename == "stats.png"
    assert "Votes: 👍 1 · 👎 0" in photo.text and "Picks sent here: 3" in photo.text


async def test_export_sends_a_csv_file(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[1][1])  # 👎
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await fake.user_says(CHAT, "/export")
        await fake.wait_for("sendDocument", chat_id=CHAT)
        (r,) = await command(fake, "/export xml")
        assert "/export csv" in r.params["text"]
    doc = next(m for m in fake.sent_to(CHAT) if m.document is not None).document
    assert doc.filename == f"jobpicks-{ctx.today()}.csv"
    rows = list(csv.DictReader(io.StringIO(doc.data.decode("utf-8"))))
    assert len(rows) == 3
    assert rows[0]["title"] == pick.title and rows[0]["vote"] == "down"
    assert rows[0]["url"] == pick.url and rows[1]["vote"] == ""


async def test_weekly_digest_is_one_message_on_the_weeks_first_run(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        rt = app.bot_data["runtime"]
        await command(fake, "/settings weekly on")
        report = await rt.morning()
        assert report.chats[CHAT].weekly
        digest = fake.sent_to(CHAT)[-1]
        assert "week's best" in digest.text and digest.reply_markup is None
        assert sum(p.title in digest.text for p in ctx.store.picks_for(ctx.today())) == 3
        # the next day of the same week: nothing (the digest is sent)
        tomorrow = ctx.now() + timedelta(days=1)
        if tomorrow.isocalendar()[1] == ctx.now().isocalendar()[1]:
            ctx.now = lambda: tomorrow  # type: ignore[method-assign]
            report = await rt.morning()
            assert report.chats[CHAT].skipped.startswith("weekly digest mode")
        assert len([m for m in fake.sent_to(CHAT) if m.reply_markup]) == 0
