"""Onboarding in the chat, end to end against the fake Bot API: a new person gets from /start
to their first picks by answers or by a CV, every bad input gets a clear reply and the
conversation goes on, a restart in the middle resumes it, and /filters sets every filter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.config import Config, default_config
from bot.context import AppContext
from bot.settings import Settings
from bot.store import Store
from tests.bot.cv_files import ENGLISH_CV, GERMAN_CV, docx_file, scanned_pdf, text_pdf
from tests.bot.onboarding_support import GERMAN_DRAFT, drafting_model, is_onboarding
from tests.bot.telegram_support import CHAT, eventually, not_today, reopen, running_bot
from tests.fakes.llm import FakeLLM
from tests.fakes.telegram import FakeTelegram, visible_text


def new_person_config() -> Config:
    """The built-in example (nobody's own profile), a schedule not due today, every pick kept."""
    base = default_config()
    return base.model_copy(
        update={
            "schedule": base.schedule.model_copy(update={"timezone": "UTC", **not_today()}),
            "selection": base.selection.model_copy(update={"min_score": 0, "max_picks": 3}),
        }
    )


def new_person(tmp_path: Path, fake: FakeTelegram, llm: FakeLLM | None = None) -> AppContext:
    env: dict[str, Any] = {
        "jobpicks_db": tmp_path / "db.json",
        "telegram_bot_token": fake.token,
        "telegram_chat_ids": [CHAT],
        "telegram_api_base": fake.base_url,
    }
    if llm is not None:
        env |= {"llm_model": "openai/fake", "llm_api_base": llm.base, "llm_api_key": "dummy"}
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    return AppContext(
        settings=settings, config=new_person_config(), store=Store(tmp_path / "db.json")
    )


def _text(call: Any) -> str:
    return visible_text(call.params["text"], call.params.get("parse_mode"))


async def replies_to(fake: FakeTelegram, act: Any, count: int = 1) -> list[str]:
    """Do `act` (a message or a tap) and return the next `count` messages the bot sends."""
    before = len(fake.calls_of("sendMessage", chat_id=CHAT))
    await act
    calls = await fake.wait_for("sendMessage", count=before + count, chat_id=CHAT)
    return [_text(c) for c in calls[before : before + count]]


async def says(fake: FakeTelegram, text: str, count: int = 1) -> list[str]:
    return await replies_to(fake, fake.user_says(CHAT, text), count)


def button(fake: FakeTelegram, label: str) -> tuple[int, str]:
    """(message id, data) of the newest button whose label starts with `label`."""
    for message in reversed(fake.sent_to(CHAT)):
        if message.reply_markup is None:
            continue
        for text, data in fake.buttons(CHAT, message.message_id):
            if text.startswith(label):
                return message.message_id, data
    raise AssertionError(f"no button {label!r}")


async def taps(fake: FakeTelegram, label: str, count: int = 1) -> list[str]:
    message_id, data = button(fake, label)
    return await replies_to(fake, fake.tap(CHAT, message_id, data), count)


async def ticks(fake: FakeTelegram, label: str) -> None:
    """Tick a choice: the question's message is edited to show it ticked."""
    message_id, data = button(fake, label)
    edits = len(fake.calls_of("editMessageText", message_id=message_id))
    await fake.tap(CHAT, message_id, data)
    await fake.wait_for("editMessageText", count=edits + 1, message_id=message_id)


async def first_picks_arrive(fake: FakeTelegram, ctx: AppContext) -> None:
    await eventually(
        lambda: (
            bool(ctx.store.picks_for(ctx.today()))
            and all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today()))
        ),
        within=10,
    )
    version = ctx.store.current_profile().version
    assert all(p.profile_version == version for p in ctx.store.picks_for(ctx.today()))


async def test_a_new_person_answers_six_questions_and_gets_first_picks(fake, tmp_path):
    ctx = new_person(tmp_path, fake)
    async with running_bot(ctx):
        assert {"setup", "filters"} <= {c["command"] for c in fake.commands}
        (welcome,) = await says(fake, "/start")
        assert "six short questions" in welcome and "1/6 What work" in welcome
        (where,) = await says(fake, "Backend developer, Python")
        assert where.startswith("2/6 Where?")
        await taps(fake, "🚆 Commuting")
        (levels,) = await says(fake, "Austin, TX")
        assert levels.startswith("3/6 Which levels?")
        await ticks(fake, "Internship")
        await ticks(fake, "Entry level")
        assert button(fake, "✓ Internship") and button(fake, "✓ Entry level")
        await taps(fake, "✔️ Done")
        await ticks(fake, "Internship")
        (breakers,) = await taps(fake, "✔️ Done")
        assert breakers.startswith("5/6 Any deal-breakers?")
        question5, old_skip = button(fake, "Skip")
        await says(fake, "no sales roles; companies: Globex & Sons")
        # An answered question's buttons go, and an old button is answered, not obeyed.
        await fake.wait_for("editMessageReplyMarkup", message_id=question5)
        assert fake.buttons(CHAT, question5) == []
        qid = await fake.tap(CHAT, question5, old_skip)
        (stale,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert "earlier step" in stale.params["text"]
        (review,) = await taps(fake, "Skip")
        assert "drafted by the local reader" in review
        assert "Backend developer, Python" in review
        assert "Places: Austin, TX\n" in review and "Levels: internship, entry" in review
        assert "Companies: Globex & Sons" in review
        assert "1. Backend developer intern @ Austin, TX" in review
        (saved,) = await taps(fake, "✅ Looks good")
        assert "✓ Saved: profile version 2, 1 search" in saved
        await first_picks_arrive(fake, ctx)
        picks = ctx.store.picks_for(ctx.today())
        assert all(p.company != "Globex & Sons" for p in picks)  # the block is a hard filter
        # From now on /start is the usual welcome, not onboarding.
        (start,) = await says(fake, "/start")
        assert "Next run:" in start
    profile = ctx.store.current_profile()
    assert profile.about == "Backend developer, Python"
    assert profile.filters.locations == ["Austin, TX"]
    assert [s.keywords for s in ctx.config.searches] == ["Backend developer intern"]


async def test_a_new_person_sends_a_cv_and_gets_first_picks(fake, tmp_path):
    ctx = new_person(tmp_path, fake)
    async with running_bot(ctx):
        await says(fake, "/start")
        (prompt,) = await taps(fake, "📎 Send my CV instead")
        assert "PDF, DOCX or text, up to 20 MB" in prompt
        reading, review = await replies_to(
            fake,
            fake.user_sends_document(CHAT, text_pdf(ENGLISH_CV), "cv.pdf", "application/pdf"),
            2,
        )
        assert reading == "📄 Reading your CV…"
        assert "Final-year computer science student" in review
        assert "ada@example.com" not in review and "555" not in review
        assert "Places: Boston\n" in review  # the filter measures the commute
        assert fake.downloads == ["documents/file-1"]
        # Change one part: where.
        (where,) = await taps(fake, "✏️ Where")
        assert where.startswith("2/6 Where?")
        (review,) = await says(fake, "Austin, TX; remote")
        assert "Places: Austin, TX, remote" in review
        await taps(fake, "✅ Looks good")
        await first_picks_arrive(fake, ctx)
    assert ctx.store.current_profile().about.startswith("Final-year computer science student")


async def test_bad_input_gets_a_clear_reply_and_the_conversation_goes_on(fake, tmp_path):
    ctx = new_person(tmp_path, fake)
    async with running_bot(ctx):
        await says(fake, "/start")
        (empty,) = await says(fake, " ")
        assert empty.startswith("⚠️ Tell me in a few words what work you want")
        # A 25 MB file: refused from its size, never downloaded.
        (big,) = await replies_to(
            fake, fake.user_sends_document(CHAT, b"%PDF", "cv.pdf", file_size=25_000_000)
        )
        assert "25.0 MB" in big and "up to 20.0 MB" in big
        assert fake.calls_of("getFile") == [] and fake.downloads == []
        # A scan: no text layer.
        _reading, scan = await replies_to(
            fake, fake.user_sends_document(CHAT, scanned_pdf(), "scan.pdf", "application/pdf"), 2
        )
        assert "no text I can read" in scan and "type your answers" in scan
        (photo,) = await replies_to(fake, fake.user_sends_photo(CHAT, b"\xff\xd8jpeg"))
        assert "picture" in photo
        (old_word,) = await replies_to(fake, fake.user_sends_document(CHAT, b"x", "cv.doc"))
        assert "can't read .doc files" in old_word
        # A CV in German, no LLM: told which language, then asked what work in English.
        _reading, german = await replies_to(
            fake, fake.user_sends_document(CHAT, docx_file(GERMAN_CV), "lebenslauf.docx"), 2
        )
        assert "looks written in German" in german and "English words" in german
        assert "1/6 What work" in german
        (review,) = await says(fake, "Backend developer, Python and Django")
        assert "Your profile, drafted by the local reader" in review
        assert "Places: Munchen, remote" in review  # what the German CV said about place was kept
        await taps(fake, "✏️ Level")
        (wrong,) = await says(fake, "wizard")
        assert "'wizard' is not one of" in wrong
        (review,) = await says(fake, "entry associate")
        assert "Levels: entry, associate" in review
        (cancelled,) = await says(fake, "/cancel")
        assert "nothing was saved" in cancelled
    assert ctx.store.profile_history() == []  # nothing saved: the example stays unstored


async def test_a_restart_in_the_middle_of_onboarding_resumes_it(fake, tmp_path):
    ctx = new_person(tmp_path, fake)
    async with running_bot(ctx):
        await says(fake, "/start")
        await says(fake, "Data analyst, SQL and Tableau")
        (levels,) = await says(fake, "Chicago; remote")
        assert levels.startswith("3/6")
    assert (tmp_path / "db.json.conversations").exists()
    async with running_bot(reopen(ctx)):
        # The next answer is taken as the answer to question 3, with 1 and 2 remembered.
        (types,) = await says(fake, "entry")
        assert types.startswith("4/6 Which kinds of employment?")
        await taps(fake, "✔️ Done")
        await taps(fake, "Skip")
        (review,) = await taps(fake, "Skip")
        assert "Data analyst, SQL and Tableau" in review
        assert "Places: Chicago, remote" in review and "Levels: entry" in review


async def test_with_an_llm_the_model_drafts_the_profile_from_a_cv(fake, tmp_path):
    # What the model makes of the CV, moved to where the fake board's postings are.
    moved = GERMAN_DRAFT | {"places": ["Austin, TX"], "employment_types": ["internship"]}
    async with FakeLLM(responder=drafting_model(moved)) as llm:
        ctx = new_person(tmp_path, fake, llm)
        async with running_bot(ctx):
            await says(fake, "/start")
            _reading, review = await replies_to(
                fake, fake.user_sends_document(CHAT, text_pdf(GERMAN_CV), "cv.pdf"), 2
            )
            assert "drafted by openai/fake" in review
            assert "looks written in German; the LLM read it" in review
            assert "backend developer @ Austin, TX" in review
            await taps(fake, "✅ Looks good")
            await first_picks_arrive(fake, ctx)
        assert sum(is_onboarding(r) for r in llm.requests) == 1
        assert ctx.store.current_profile().directives[0] == "Works in German and English."


async def test_filters_by_typed_forms_and_buttons(fake, tmp_path):
    ctx = new_person(tmp_path, fake)
    async with running_bot(ctx):
        (shown,) = await says(fake, "/filters")
        assert "Places: United States, Remote" in shown and "Max age: 14 days" in shown
        (saved,) = await says(fake, "/filters places near Boston; remote")
        assert "Places: Boston, remote" in saved
        (saved,) = await says(fake, "/filters pay 60k")
        assert "Min pay: 60,000 a year" in saved
        (bad,) = await says(fake, "/filters levels wizard")
        assert "'wizard' is not one of" in bad
        await says(fake, "/filters")
        message_id, menu = button(fake, "🏢 Workplace")
        await fake.tap(CHAT, message_id, menu)
        await fake.wait_for("editMessageText", message_id=message_id)
        await ticks(fake, "Hybrid")
        assert button(fake, "✓ Hybrid")
        assert "Workplace: hybrid" in fake.messages[(CHAT, message_id)].text
        (reset,) = await says(fake, "/filters reset")
        assert "Places: anywhere" in reset and "Min pay: any" in reset
    history = ctx.store.profile_history()
    assert [v.note for v in history[1:]] == [
        "places set from chat",
        "min pay set from chat",
        "workplace set from chat",
        "filters reset from chat",
    ]


async def test_setup_in_a_group_points_to_the_typed_commands(fake, tmp_path):
    fake.add_group(-100, "Careers club", {CHAT: "creator"})
    ctx = new_person(tmp_path, fake)
    ctx.settings.telegram_chat_ids.append(-100)
    async with running_bot(ctx):
        before = len(fake.calls_of("sendMessage", chat_id=-100))
        await fake.user_says(-100, "/setup", user_id=CHAT)
        (reply,) = (await fake.wait_for("sendMessage", count=before + 1, chat_id=-100))[before:]
        assert "private chat" in _text(reply) and "/filters" in _text(reply)


async def test_the_conversations_file_on_a_lost_disk_is_one_warning_then_saved_again(
    tmp_path, caplog
):
    """Its folder turns into a file (the disk is gone): a save is one warning, not a job's
    traceback, and the next save writes everything (issue 22)."""
    from bot.telegram.onboarding import ConversationFile

    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "db.json.conversations"
    saving = ConversationFile(path)
    folder.rename(tmp_path / "aside")
    folder.write_text("the disk is gone")
    await saving.update_chat_data(CHAT, {"step": "where"})
    assert "could not save the conversations" in caplog.text and "Traceback" not in caplog.text
    folder.unlink()
    (tmp_path / "aside").rename(folder)
    await saving.update_chat_data(CHAT, {"step": "levels"})
    assert (await ConversationFile(path).get_chat_data())[CHAT] == {"step": "levels"}
