"""Onboarding in the chat: /start from a private chat whose person has no profile yet (and
/setup, to do it again) asks what work, where, which levels and kinds of employment, the
deal-breakers, the languages and work authorisation — or takes a CV instead — shows the
drafted profile, filters and searches with a button to edit each part, and on "✅ Looks good"
saves it and sends the first picks at once. /cancel stops it, saving nothing.

python-telegram-bot's ConversationHandler holds the step each chat is at, and the answers so
far live in the chat's `chat_data`; PTB persistence keeps both in a file beside the database
(`<db>.conversations`), so after a restart the next message carries on at the same step with
the answers given before. Questions, reading answers, drafting and saving are in
`bot.services.onboarding` and `bot.services.cv`; this module parses updates and renders.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import CallbackQuery, Chat, Message, Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)
from telegram.warnings import PTBUserWarning

from bot.context import AppContext
from bot.services import cv as cv_service
from bot.services import onboarding as ob
from bot.services.cv import CVError
from bot.services.onboarding import Answers, Draft, OnboardingError
from bot.telegram import render
from bot.telegram.delivery import ChatUnreachable
from bot.telegram.keyboards import rows_markup
from bot.telegram.runtime import CONTEXT_TYPES, BotContext, runtime_of
from bot.telegram.schedule import schedule_person
from bot.telegram.today import todays_picks
from scoring.profile import Filters

log = logging.getLogger(__name__)

NAME = "onboarding"
KEY = "onboarding"  # its answers in chat_data
PERSIST_SECONDS = 5.0  # how often changed conversations are written (and at every stop)
COMMUTE, CV, REVIEW = "commute", "cv", "review"
ORDER = [q.key for q in ob.QUESTIONS]
NEXT = {key: ORDER[i + 1] if i + 1 < len(ORDER) else REVIEW for i, key in enumerate(ORDER)}
NEXT[COMMUTE] = NEXT[ob.WHERE]
# A message this long in the CV step is a CV pasted as text.
PASTED_CV_CHARS = 200

# Button data: "ob:<action>[:<value>]" (1–64 bytes, as every button of the bot).
PATTERN = r"^ob:"
EDITS = {
    ob.WORK: "✏️ What work",
    ob.WHERE: "✏️ Where",
    ob.LEVEL: "✏️ Level",
    ob.TYPE: "✏️ Type",
    ob.DEAL_BREAKERS: "✏️ Deal-breakers",
    ob.ELIGIBILITY: "✏️ Languages / permit",
}


def data(action: str, value: str = "") -> str:
    out = f"ob:{action}:{value}" if value else f"ob:{action}"
    if not 1 <= len(out.encode("utf-8")) <= 64:
        raise ValueError(f"callback data too long: {out!r}")
    return out


def parse(raw: str | None) -> tuple[str, str]:
    parts = (raw or "").split(":", 2)
    return (parts[1] if len(parts) > 1 else "", parts[2] if len(parts) > 2 else "")


# -- persistence -------------------------------------------------------------------------------
class ConversationFile(PicklePersistence):  # type: ignore[type-arg]
    """PTB's pickle persistence for the conversations and their answers only (never the
    runtime in bot_data). Written to a temporary file and moved into place, so a crash
    mid-write leaves the previous file; a damaged file is set aside with a warning instead
    of stopping the bot (those onboardings start again)."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            filepath=path,
            store_data=PersistenceInput(
                bot_data=False, chat_data=True, user_data=False, callback_data=False
            ),
            update_interval=PERSIST_SECONDS,
            context_types=CONTEXT_TYPES,
        )

    async def update_conversation(self, name: str, key: Any, new_state: object | None) -> None:
        await super().update_conversation(name, key, new_state)
        # An ended conversation keeps nothing of its chat (PTB would keep the key, set to
        # None): a forgotten person's id leaves the file too.
        if new_state is None and key in (self.conversations or {}).get(name, {}):
            del self.conversations[name][key]  # type: ignore[index]
            if not self.on_flush:
                self._dump_singlefile()

    def _load_singlefile(self) -> None:
        try:
            super()._load_singlefile()
        except TypeError:
            aside = self.filepath.with_name(self.filepath.name + ".damaged")
            os.replace(self.filepath, aside)
            log.warning("%s was damaged; set aside as %s", self.filepath.name, aside.name)
            super()._load_singlefile()

    def _dump_singlefile(self) -> None:
        final = self.filepath
        self.filepath = final.with_name(final.name + ".tmp")
        try:
            super()._dump_singlefile()
            os.replace(self.filepath, final)
        except OSError as exc:  # issue 22: a full or lost disk is one line, not a traceback;
            # the conversations stay in memory and the next dump writes them all
            log.warning("could not save the conversations to %s: %s", final, exc.strerror or exc)
        finally:
            self.filepath = final


def conversation_file(ctx: AppContext) -> ConversationFile:
    """The persistence of onboarding conversations, beside the database."""
    return ConversationFile(ob.conversations_path(ctx))


# -- small helpers -----------------------------------------------------------------------------
def _chat(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def _state(context: BotContext) -> dict[str, Any]:
    assert context.chat_data is not None
    return context.chat_data.setdefault(KEY, {})


def _answers(context: BotContext) -> Answers:
    return Answers.model_validate(_state(context).get("answers") or {})


def _keep(context: BotContext, answers: Answers) -> None:
    _state(context)["answers"] = answers.model_dump()


def _forget(context: BotContext) -> None:
    if context.chat_data is not None:
        context.chat_data.pop(KEY, None)


async def _say(context: BotContext, chat: int, html: str, markup: Any = None) -> Message | None:
    try:
        return await context.runtime.courier.send(chat, html, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)
        return None


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text[:190] if text else None)


# -- asking ------------------------------------------------------------------------------------
def question_text(key: str, answers: Answers) -> str:
    q = ob.QUESTION[key]
    number = ORDER.index(key) + 1
    lines = [
        f"<b>{number}/{len(ORDER)}</b> {render.esc(q.text)}",
        f"<i>e.g. {render.esc(q.example)}</i>",
    ]
    if q.multiple:
        chosen = answers.levels if key == ob.LEVEL else answers.employment_types
        lines.append("Ticked: " + (render.esc(", ".join(chosen)) if chosen else "none (= any)"))
    return "\n".join(lines)


def question_keyboard(key: str, answers: Answers) -> Any:
    q = ob.QUESTION[key]
    rows: list[list[tuple[str, str]]] = []
    if key == ob.WORK:
        rows.append([("📎 Send my CV instead", data("cv"))])
    elif q.multiple:
        chosen = answers.levels if key == ob.LEVEL else answers.employment_types
        buttons = [
            (f"✓ {label}" if value in chosen else label, data("tick", f"{key}.{value}"))
            for value, label in q.choices
        ]
        rows += [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        rows.append([("✔️ Done", data("done", key))])
    elif q.choices:
        rows += [[(label, data("pick", value))] for value, label in q.choices]
    if q.optional and not q.multiple and not q.choices:
        rows.append([("Skip", data("skip", key))])
    return rows_markup(rows) if rows else None


async def ask(context: BotContext, chat: int, key: str, intro: str = "") -> str:
    answers = _answers(context)
    text = question_text(key, answers)
    markup = question_keyboard(key, answers)
    sent = await _say(context, chat, f"{intro}\n\n{text}" if intro else text, markup)
    if sent is not None and markup is not None:
        _state(context)["asked"] = sent.message_id
    return key


def _close_question(context: BotContext, chat: int) -> None:
    """Once a question is answered (typed or tapped), its buttons go: an old button is not
    left to be tapped later."""
    asked = _state(context).pop("asked", None)
    if asked is not None:
        context.runtime.courier.edit_markup_soon(chat, asked, None)


WELCOME = (
    "👋 <b>Hi! I send you fresh job postings every morning, picked for you.</b>\n"
    "First, six short questions (about a minute) — or tap 📎 and send your CV, and I'll read "
    "it instead. /cancel stops at any time."
)
AGAIN = (
    "Let's set up your profile again. What you answer replaces your about, rules, filters and "
    "searches; your blocked companies and what your votes taught me stay. /cancel stops "
    "without changing anything."
)
CV_PROMPT = (
    "📎 Send your CV here as a file — PDF, DOCX or text, up to 20 MB — or paste its text as a "
    "message. It is read here and drafted into a profile; the file is not kept."
)


async def begin(update: Update, context: BotContext) -> str:
    """/start (a new person) or /setup: the first question."""
    chat = _chat(update)
    _forget(context)
    _state(context)["answers"] = Answers().model_dump()
    again = ob.has_profile(context.runtime.ctx, chat)
    return await ask(context, chat, ob.WORK, AGAIN if again else WELCOME)


async def setup(update: Update, context: BotContext) -> str | int:
    """/setup: onboarding again. A group is set up with the typed commands by its admins."""
    if update.effective_chat is not None and update.effective_chat.type != Chat.PRIVATE:
        await _say(
            context,
            _chat(update),
            "Set up in a private chat with me, or here with /profile set, /filters and "
            "/searches (group admins).",
        )
        return ConversationHandler.END
    return await begin(update, context)


async def cancel(update: Update, context: BotContext) -> int:
    _close_question(context, _chat(update))
    _forget(context)
    if update.callback_query is not None:
        await _answer(update.callback_query)
    await _say(context, _chat(update), "Setup stopped; nothing was saved. /setup starts again.")
    return ConversationHandler.END


# -- moving on ---------------------------------------------------------------------------------
async def after(context: BotContext, chat: int, key: str) -> str:
    """The next question, or the review once the last is answered (or when the person came
    from the review to change one answer)."""
    _close_question(context, chat)
    nxt = NEXT[key]
    if _state(context).get("editing") or nxt == REVIEW:
        return await review(context, chat)
    return await ask(context, chat, nxt)


async def review(context: BotContext, chat: int) -> str:
    answers = _answers(context)
    if not answers.work:
        return await ask(context, chat, ob.WORK)
    ctx = context.runtime.person(chat)
    if ctx.llm() is not None:
        await _say(context, chat, "✍️ Drafting your profile…")
    return await show(context, chat, await ob.draft_from_answers(ctx, chat, answers))


async def show(context: BotContext, chat: int, draft: Draft) -> str:
    state = _state(context)
    state["draft"] = draft.model_dump(mode="json")
    state["editing"] = True
    _close_question(context, chat)
    sent = await _say(context, chat, review_message(draft), review_keyboard())
    if sent is not None:
        state["asked"] = sent.message_id
    return REVIEW


def review_message(draft: Draft) -> str:
    f = draft.filters
    lines = [
        f"<b>Your profile, drafted by {render.esc(draft.drafted_by, 80)}</b>",
        "",
        "<b>About</b>",
    ]
    lines.append(render.esc(draft.about, 1200))
    if draft.directives:
        lines += ["", "<b>Rules</b>"] + [f"• {render.esc(d, 200)}" for d in draft.directives]
    lines += ["", "<b>Filters</b> (postings that fail one are never shown)"]
    lines += filter_lines(f)
    lines += ["", "<b>Searches</b> (LinkedIn and Indeed; company boards filter by the words)"]
    for i, s in enumerate(draft.searches, 1):
        where = f" @ {render.esc(s.location, 80)}" if s.location else ""
        lines.append(f"{i}. {render.esc(s.keywords, 120)}{where}")
    for note in draft.notes:
        lines += ["", f"<i>{render.esc(note, 400)}</i>"]
    lines += ["", "Tap ✅ if it looks right, or ✏️ to change a part."]
    return render.fit(lines)


def filter_lines(f: Filters) -> list[str]:
    """The filters as a person reads them (the review and /filters)."""
    where = render.esc(", ".join(f.locations), 300) if f.locations else "anywhere"
    pay = f"{f.min_salary:,.0f} a year" if f.min_salary else "any"
    return [
        f"📍 Places: {where}",
        f"🎓 Levels: {render.esc(', '.join(f.levels)) or 'any'}",
        f"🧾 Types: {render.esc(', '.join(f.employment_types)) or 'any'}",
        f"🏢 Workplace: {render.esc(', '.join(f.workplace)) or 'any'}",
        f"⏳ Max age: {f'{f.max_age_days} days' if f.max_age_days else 'any'}",
        f"💰 Min pay: {pay}",
        f"🚫 Companies: {render.esc(', '.join(f.blocked_companies), 300) or 'none'}",
        f"✂️ Title words: {render.esc(', '.join(f.excluded_title_words), 200) or 'none'}",
    ]


def review_keyboard() -> Any:
    edits = [(label, data("edit", key)) for key, label in EDITS.items()]
    rows = [[("✅ Looks good", data("ok"))]]
    rows += [edits[i : i + 2] for i in range(0, len(edits), 2)]
    rows.append([("📎 Use my CV", data("cv")), ("✖️ Cancel", data("cancel"))])
    return rows_markup(rows)


async def send_first_picks(context: BotContext, chat: int) -> None:
    """The person's own "run, then deliver" — what /picks does — in the background."""
    if ob.picked_today_already(context.runtime.ctx, chat):
        await _say(
            context,
            chat,
            "Today's picks were chosen before your profile was set; from tomorrow's run on "
            "they follow it.",
        )
    context.runtime.spawn(todays_picks(context, chat))


async def save(update: Update, context: BotContext) -> str | int:
    chat = _chat(update)
    raw = _state(context).get("draft")
    if not raw:
        return await review(context, chat)
    draft = Draft.model_validate(raw)
    profile = await ob.apply_draft(context.runtime.ctx, chat, draft)
    schedule_person(context.application, chat)  # a new person: a morning job of their own
    _forget(context)
    searches = len(draft.searches)
    await _say(
        context,
        chat,
        f"✓ Saved: profile version {profile.version}, {searches} search"
        f"{'es' if searches != 1 else ''}. Your first picks are on their way.\n"
        "/profile shows it, /filters and /searches change parts, /setup starts over.",
    )
    await send_first_picks(context, chat)
    return ConversationHandler.END


# -- typed answers -----------------------------------------------------------------------------
def typed(key: str) -> Any:
    """The handler of a typed answer to question `key`."""

    async def handler(update: Update, context: BotContext) -> str | None:
        chat = _chat(update)
        text = (update.effective_message.text if update.effective_message else "") or ""
        try:
            answers = ob.answer(_answers(context), key, text)
        except OnboardingError as exc:
            await _say(context, chat, render.error_message(str(exc)))
            return None
        _keep(context, answers)
        return await after(context, chat, key)

    return handler


async def pasted_cv(update: Update, context: BotContext) -> str | None:
    text = (update.effective_message.text if update.effective_message else "") or ""
    if len(text.strip()) < PASTED_CV_CHARS:
        await _say(
            context,
            _chat(update),
            "Send the CV as a file (PDF, DOCX or text) or paste all of its text; "
            "/setup answers the questions instead.",
        )
        return None
    return await read_and_draft(context, _chat(update), lambda: cv_service.cv_from_message(text))


# -- a CV --------------------------------------------------------------------------------------
async def document(update: Update, context: BotContext) -> str | None:
    """A file sent at any step: checked before it is downloaded (size, kind), then read."""
    message = update.effective_message
    assert message is not None and message.document is not None
    chat = _chat(update)
    doc = message.document
    try:
        cv_service.check_size(doc.file_size)
        kind = cv_service.kind_of(doc.file_name, doc.mime_type)
    except CVError as exc:
        await _say(context, chat, render.error_message(str(exc)))
        return None

    async def fetch() -> cv_service.CV:
        try:
            file = await context.bot.get_file(doc.file_id)
            data = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            if "too big" in str(exc).lower():
                raise cv_service.too_big(doc.file_size) from None
            log.warning("chat %s: CV download failed: %s", chat, type(exc).__name__)
            raise CVError("I couldn't download that file from Telegram. Send it again.") from None
        return await cv_service.read_cv(data, kind)

    return await read_and_draft(context, chat, fetch)


async def read_and_draft(
    context: BotContext, chat: int, get: Callable[[], Awaitable[cv_service.CV]]
) -> str | None:
    """Read a CV (`get` fetches and parses it) and show its draft, or ask "what work" first."""
    await _say(context, chat, "📄 Reading your CV…")
    try:
        cv = await get()
    except CVError as exc:
        await _say(context, chat, render.error_message(str(exc)))
        return None
    result = await ob.draft_from_cv(context.runtime.ctx, chat, cv)
    _keep(context, result.answers)  # what is kept of a CV: the answers and draft made of it
    if result.draft is None:
        _state(context)["editing"] = True
        intro = f"{render.esc(result.note)} Tell me in a few English words what work you want."
        return await ask(context, chat, ob.WORK, intro)
    return await show(context, chat, result.draft)


async def picture(update: Update, context: BotContext) -> None:
    await _say(
        context,
        _chat(update),
        render.error_message(
            "That is a picture, and I read text only. Send the CV as PDF, DOCX or text, or "
            "type your answer."
        ),
    )


async def other(update: Update, context: BotContext) -> None:
    await _say(context, _chat(update), "I read typed answers and files (PDF, DOCX, text) here.")


async def busy(update: Update, context: BotContext) -> None:
    """While a CV is read or a draft made, a message or tap gets a short answer."""
    if update.callback_query is not None:
        await _answer(update.callback_query, "One moment, still working on the last step…")
        return
    await _say(context, _chat(update), "⏳ One moment, still working on the last step…")


# -- buttons -----------------------------------------------------------------------------------
def tapped(key: str) -> Any:
    """The handler of a button tapped while at step `key`."""

    async def handler(update: Update, context: BotContext) -> str | int | None:
        query = update.callback_query
        assert query is not None
        chat = _chat(update)
        action, value = parse(query.data)
        answers = _answers(context)
        if action == "cancel":
            return await cancel(update, context)
        if action == "cv":
            await _answer(query)
            await _say(context, chat, CV_PROMPT)
            return CV
        if key == REVIEW and action == "ok":
            await _answer(query, "Saved")
            _close_question(context, chat)
            return await save(update, context)
        if key == REVIEW and action == "edit" and value in EDITS:
            await _answer(query)
            _close_question(context, chat)
            return await ask(context, chat, value)
        asked, _, value = value.rpartition(".") if action == "tick" else (value, "", value)
        if key in (ob.LEVEL, ob.TYPE) and action == "tick" and asked == key:
            try:
                answers = ob.toggled(answers, key, value)
            except OnboardingError as exc:
                await _answer(query, str(exc))
                return None
            _keep(context, answers)
            await _answer(query)
            if query.message is not None:
                await context.runtime.courier.edit_text(
                    chat,
                    query.message.message_id,
                    question_text(key, answers),
                    question_keyboard(key, answers),
                )
            return None
        if key in (ob.LEVEL, ob.TYPE) and action == "done" and value == key:
            await _answer(query)
            return await after(context, chat, key)
        if key == ob.WHERE and action == "pick" and value in ("remote", "any", "commute"):
            await _answer(query)
            _close_question(context, chat)
            if value == "commute":
                await _say(context, chat, "🚆 Which town do you commute from?")
                return COMMUTE
            where = {"places": [], "remote": value == "remote", "commute_from": ""}
            _keep(context, answers.model_copy(update=where))
            return await after(context, chat, key)
        if action == "skip" and value == key and ob.QUESTION[key].optional:
            await _answer(query)
            if key in (ob.DEAL_BREAKERS, ob.ELIGIBILITY):
                _keep(context, answers.model_copy(update={key: ""}))
            return await after(context, chat, key)
        await _answer(query, "That button belongs to an earlier step.")
        return None

    return handler


# -- wiring ------------------------------------------------------------------------------------
class NoProfileYet(filters.MessageFilter):
    """Messages from a chat whose person has no profile of their own yet."""

    def __init__(self, app: Application) -> None:  # type: ignore[type-arg]
        super().__init__(name="NoProfileYet")
        self.app = app

    def filter(self, message: Message) -> bool:
        return not ob.has_profile(runtime_of(self.app).ctx, message.chat.id)


_ANSWER = filters.TEXT & ~filters.COMMAND


async def review_text(update: Update, context: BotContext) -> None:
    await _say(context, _chat(update), "Tap ✅ Looks good to save it, or ✏️ to change a part.")


def _step(key: str) -> list[Any]:
    """The handlers at one step: typed answers, files and pictures, buttons, anything else.
    What may wait on the LLM or read a CV (answers, files, most buttons) does not block the
    bot's other chats; quick buttons (ticks, edits) do, so fast taps keep their order."""
    if key == CV:
        text = MessageHandler(_ANSWER, pasted_cv, block=False)
    elif key == REVIEW:
        text = MessageHandler(_ANSWER, review_text)
    else:
        text = MessageHandler(_ANSWER, typed(key), block=False)
    return [
        text,
        MessageHandler(filters.Document.ALL, document, block=False),
        MessageHandler(filters.PHOTO, picture),
        CallbackQueryHandler(tapped(key), pattern=r"^ob:(tick|cv|cancel|edit)\b"),
        CallbackQueryHandler(tapped(key), pattern=PATTERN, block=False),
        MessageHandler(~filters.COMMAND, other),
    ]


def conversation(app: Application) -> ConversationHandler:  # type: ignore[type-arg]
    states: dict[object, list[Any]] = {key: _step(key) for key in [*ORDER, COMMUTE, CV, REVIEW]}
    states[ConversationHandler.WAITING] = [
        MessageHandler(~filters.COMMAND, busy),
        CallbackQueryHandler(busy, pattern=PATTERN),
    ]
    with warnings.catch_warnings():
        # PTB warns that buttons are tracked per chat, not per message: that is the intent
        # (one onboarding per chat; an old question's button is answered, not obeyed).
        warnings.filterwarnings("ignore", category=PTBUserWarning, message=".*per_message.*")
        return ConversationHandler(
            entry_points=[
                CommandHandler(
                    "start", begin, filters=filters.ChatType.PRIVATE & NoProfileYet(app)
                ),
                CommandHandler("setup", setup),
            ],
            states=states,
            fallbacks=[CommandHandler("cancel", cancel)],
            allow_reentry=True,
            name=NAME,
            persistent=True,
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Onboarding's handlers, first in group 0: its /start meets a chat with no profile
    before the usual /start does, and its steps see answers before the free-text pointer."""
    app.add_handler(conversation(app))
