"""The commands end to end (real PTB, fake Bot API): the first contact, /profile, /settings
typed and tapped, /searches, /stats, /export, /pause and /resume, free text."""

from __future__ import annotations

import csv
import io

from bot.services import chat_state
from bot.services.run import run_daily
from bot.telegram import callbacks as cb
from tests.bot.telegram_support import (
    CHAT,
    collect_fake,
    command,
    eventually,
    make_ctx,
    not_today,
    reopen,
    running_bot,
)
from tests.fakes.telegram import png_size, visible_text


async def _delivered(fake, ctx) -> list:  # type: ignore[no-untyped-def]
    await command(fake, "/picks", count=4)
    await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    return ctx.store.picks_for(ctx.today())


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
        (reply,) = await command(fake, "/nonsense")
        assert "/help" in reply.params["text"]


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
        assert "2. No QA roles." in visible_text(r.params["text"], "HTML")
        (r,) = await command(fake, "/profile history")
        text = visible_text(r.params["text"], "HTML")
        assert "v3" in text and "current" in text and "v1" in text
        (r,) = await command(fake, "/profile undo")
        assert "version 2" in r.params["text"]
        assert ctx.store.current_profile().directives == ["Internships only."]
        (r,) = await command(fake, "/profile set")
        assert "⚠️" in r.params["text"]


async def test_profile_rules_and_blocks_are_edited_by_number_and_by_name(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/profile add No QA roles.")
        await command(fake, "/profile remove 1")
        assert ctx.store.current_profile().directives == ["No QA roles."]
        (r,) = await command(fake, "/profile remove 7")
        assert "no rule 7" in r.params["text"]
        (r,) = await command(fake, "/profile block Umbrella Corp")
        assert "Umbrella Corp" in ctx.store.current_profile().filters.blocked_companies
        (r,) = await command(fake, "/profile unblock umbrella corp.")
        assert ctx.store.current_profile().filters.blocked_companies == []
        (r,) = await command(fake, "/profile unblock Initech")
        assert "not blocked" in r.params["text"]


async def test_free_text_gets_a_pointer(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        (r,) = await command(fake, "hello, what can you do?")
        assert "/picks" in r.params["text"] and "/help" in r.params["text"]


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
        (r,) = await command(fake, "/settings min_score 55.5")
        assert "not a whole number" in r.params["text"]
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
        assert ctx.config.schedule.days == list(range(7)) and "every day" in r.params["text"]
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

    async def collector(c, _on_source=None):  # type: ignore[no-untyped-def]
        asked.extend(dict.fromkeys((s.keywords, s.location) for s in c.config.searches))
        return await collect_fake(c)

    again = reopen(ctx)  # after a restart, the next run asks exactly the chat's list
    await run_daily(again, collector=collector)
    assert asked == [("rust intern", "")]


async def test_stats_is_one_chart_with_the_figures(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        pick = (await _delivered(fake, ctx))[0]
        message_id = pick.sent[str(CHAT)]
        await fake.tap(CHAT, message_id, fake.buttons(CHAT, message_id)[1][1])  # 👎
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        await fake.user_says(CHAT, "/stats")
        (call,) = await fake.wait_for("sendPhoto", chat_id=CHAT, within=30)
    photo = next(m for m in fake.sent_to(CHAT) if m.photo is not None)
    assert png_size(photo.photo.data) == (990, 880) and photo.photo.filename == "stats.png"
    text = visible_text(call.params["caption"], "HTML")
    assert "Picks sent here: 3" in text and "Votes: 👍 0 · 👎 1" in text
    # what the morning's header said it looked at; no LLM, so no spend line (defect 9)
    header = next(m for m in fake.sent_to(CHAT) if m.text.startswith("Job picks for"))
    assert "Looked at 6 postings" in header.text
    assert "Postings looked at: 6 over 1 run day" in text and "LLM spend" not in text
    assert "Scores drawn: the local scorer" in text


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
    assert doc.data.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    rows = list(csv.DictReader(io.StringIO(doc.data.decode("utf-8-sig"))))
    assert len(rows) == 3
    assert rows[0]["title"] == pick.title and rows[0]["vote"] == "down"
    assert rows[0]["url"] == pick.url and rows[1]["vote"] == ""


async def test_pause_and_resume_the_mornings(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx) as app:
        (r,) = await command(fake, "/pause")
        assert "paused" in r.params["text"] and chat_state.is_paused(ctx, CHAT)
        report = await app.bot_data["runtime"].daily.morning()
        assert report.chats[CHAT].skipped == "paused" and len(fake.sent_to(CHAT)) == 1
        (r,) = await command(fake, "/resume")
        assert not chat_state.is_paused(ctx, CHAT)
        report = await app.bot_data["runtime"].daily.morning()
        assert report.chats[CHAT].sent == 3
