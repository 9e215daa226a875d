"""The application pipeline, end to end (real PTB, fake Bot API, fake boards): /saved and
/applied with places and dates, un-saving from the list, a posting's card with its stages and
a note, and the reminder that checks the posting is still open first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.services import marks
from bot.store.records import Pick
from bot.telegram.reminders import remind_chats
from tests.bot.telegram_support import (
    CHAT,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    runtime,
)
from tests.fakes.boards import BoardsFake, Job
from tests.fakes.telegram import visible_text


async def _tap(fake, message_id: int, label: str) -> str:  # type: ignore[no-untyped-def]
    qid = await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))[label])
    (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
    return answer.params.get("text", "")


def _html(fake, message_id: int) -> str:  # type: ignore[no-untyped-def]
    return visible_text(fake.messages[(CHAT, message_id)].html, "HTML")


async def test_saved_applied_stages_and_a_note_through_the_chat(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/picks", count=4)
        await eventually(
            lambda: [str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())] == [True] * 3
        )
        first, second, _ = ctx.store.picks_for(ctx.today())
        for p in (first, second):
            await _tap(fake, p.sent[str(CHAT)], "🔖 Save")
        today = datetime.now(UTC).strftime("%d %b")

        (listing,) = await command(fake, "/saved")
        saved = fake.sent_to(CHAT)[-1].message_id
        text = _html(fake, saved)
        assert f"1. {second.title}" in text and f"2. {first.title}" in text  # newest first
        assert f"{first.company} · 📍 Austin, TX · {first.score}/100" in text
        assert f"🔖 saved {today}" in text

        # un-save from the list: the list redraws in place
        assert "no longer saved" in await _tap(fake, saved, "1 🗑 unsave")
        await fake.wait_for("editMessageText", message_id=saved)
        assert second.title not in _html(fake, saved) and f"1. {first.title}" in _html(fake, saved)

        # the card: stages with a tap each; a later stage implies applied
        before = len(fake.sent_to(CHAT))
        await _tap(fake, saved, "1 ⋯")
        await fake.wait_for("sendMessage", count=before + 1, chat_id=CHAT)
        card = fake.sent_to(CHAT)[-1].message_id
        assert "good luck" in await _tap(fake, card, "🗣 Interviewing")
        await fake.wait_for("editMessageText", message_id=card)
        labels = [label for label, _ in fake.buttons(CHAT, card)]
        assert "✅ Applied ✓" in labels and "🗣 Interviewing ✓" in labels
        assert f"✅ applied {today} → 🗣 interviewing {today}" in _html(fake, card)

        # a note: the 📝 button asks, the reply is kept; a reply to the card replaces it
        await _tap(fake, card, "📝 Note")
        await fake.wait_for("sendMessage", count=before + 2, chat_id=CHAT)
        prompt = fake.sent_to(CHAT)[-1]
        assert prompt.reply_markup == {"force_reply": True, "input_field_placeholder": "Your note"}
        (r,) = await _reply(fake, prompt.message_id, "Recruiter: Anna <anna@acme>")
        assert "Noted on" in r.params["text"]
        assert marks.note_of(ctx, CHAT, first.key) == "Recruiter: Anna <anna@acme>"
        (r,) = await _reply(fake, card, "Second round on Friday")
        assert marks.note_of(ctx, CHAT, first.key) == "Second round on Friday"

        (r,) = await command(fake, "/applied")
        text = visible_text(r.params["text"], "HTML")
        assert f"1. {first.title}" in text and "📝 Second round on Friday" in text
        assert f"🔖 saved {today} → ✅ applied {today} → 🗣 interviewing {today}" in text
        (r,) = await command(fake, "/saved")
        assert "Nothing yet" in r.params["text"]


async def _reply(fake, message_id: int, text: str) -> list:  # type: ignore[no-untyped-def]
    before = len(fake.calls_of("sendMessage", chat_id=CHAT))
    await fake.user_says(CHAT, text, reply_to=message_id)
    calls = await fake.wait_for("sendMessage", count=before + 1, chat_id=CHAT)
    return calls[before:]


def _board_pick(day: str, job: str, rank: int) -> Pick:
    return Pick(
        day=day, key=f"greenhouse:acme:{job}", rank=rank, score=80, reason="r", summary="s",
        scorer="local", profile_version=1, title=f"ML Intern {job}", company="Acme",
        location="Berlin", url=f"https://job-boards.greenhouse.io/acme/jobs/{job}",
        source="greenhouse",
    )  # fmt: skip


async def test_a_reminder_checks_the_board_first_and_a_closed_posting_is_marked_not_asked(
    fake, tmp_path
):
    async with BoardsFake() as boards:
        boards.greenhouse["acme"] = [Job(id="1", title="ML Intern 1", company="Acme"),
                                     Job(id="2", title="ML Intern 2", company="Acme")]  # fmt: skip
        boards.closed = {"2"}
        ctx = make_ctx(tmp_path, fake, **not_today())  # delivery time 00:00 UTC: always past
        ctx.settings = ctx.settings.model_copy(
            update={"jobpicks_greenhouse_url": boards.urls.greenhouse}
        )
        day = ctx.today()
        picks = [_board_pick(day, "1", 1), _board_pick(day, "2", 2)]
        six_days_ago = datetime.now(UTC) - timedelta(days=6, minutes=1)
        async with ctx.store.transaction():
            ctx.store.save_picks(picks)
            for p in picks:
                ctx.store.mark_sent(p.day, p.key, CHAT, 1)
                ctx.store.mark(CHAT, p, "saved", at=six_days_ago)
        async with running_bot(ctx) as app:
            done = await remind_chats(runtime(app))
            assert done[CHAT].reminded == ["greenhouse:acme:1"]
            assert done[CHAT].closed == ["greenhouse:acme:2"]
            assert boards.count("greenhouse.job") == 2  # one light request each
            (reminder,) = fake.sent_to(CHAT)
            assert "You saved ML Intern 1 at Acme 6 days ago — applied?" in reminder.text
            assert "still open" in reminder.text and "ML Intern 2" not in reminder.text
            assert marks.one(ctx, CHAT, "greenhouse:acme:2").closed is not None

            assert "marked applied" in await _tap(fake, reminder.message_id, "✅ Applied")
            await fake.wait_for("editMessageText", message_id=reminder.message_id)
            assert marks.marks_of(ctx, CHAT, "greenhouse:acme:1") == {"saved", "applied"}
            assert await remind_chats(runtime(app)) == {}  # asked once; nothing is due
            (r,) = await command(fake, "/saved")
            text = visible_text(r.params["text"], "HTML")
            assert "ML Intern 2" in text and "🔒 closed" in text
