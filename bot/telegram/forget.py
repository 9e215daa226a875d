"""/forget: delete everything about the chat's person after a confirmation tap.

"Yes, delete everything" calls `people.forget` (every record of theirs, and a new snapshot so
the journal's earlier lines no longer hold them), then drops what the running bot keeps of
the chat: an unfinished onboarding (its answers and state, written out at once), its
morning job. Afterwards the chat is as new: /start onboards it again where the access mode
admits it.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ConversationHandler

from bot.services import access, people
from bot.services.delivery import ChatUnreachable
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.access import NOT_ADMIN, may_change
from bot.telegram.runtime import BotContext
from bot.telegram.schedule import schedule_person

log = logging.getLogger(__name__)

ASK = (
    "🗑 <b>Delete everything about you?</b>\n"
    "Your profile and every version of it, what your votes taught, your searches, filters "
    "and settings, your picks, votes, saved and applied postings with their notes, stats and "
    "LLM spend. This cannot be undone."
)
CANCELLED = "Cancelled: nothing was deleted."
YES, NO = "Yes, delete everything", "Cancel"


def confirm_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(YES, callback_data=cb.erase("yes")),
                InlineKeyboardButton(NO, callback_data=cb.erase("no")),
            ]
        ]
    )


def done_message(ctx_mode: str, still_served: bool) -> str:
    """What the chat is told after the deletion: how to start again, if it can."""
    head = "🗑 Everything about you is deleted."
    if still_served or ctx_mode in (access.OPEN, access.ALLOWLIST):
        return head + " /start begins again from the first question."
    if ctx_mode == access.INVITE:
        return head + " To come back, ask for a new invite link."
    return head


async def command(update: Update, context: BotContext) -> None:
    """/forget: ask first (in a group, only its admins may)."""
    assert update.effective_chat is not None
    chat = update.effective_chat.id
    text, markup = ASK, confirm_keyboard()
    if not await may_change(update, context):
        text, markup = render.error_message(NOT_ADMIN), None
    try:
        await context.runtime.courier.send(chat, text, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text)


async def tap(update: Update, context: BotContext) -> None:
    """ "Yes, delete everything" or "Cancel" under the /forget question."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    rt = context.runtime
    chat = update.effective_chat.id
    answer = cb.parse_erase(query.data or "")
    message = query.message
    if answer is None or message is None:
        await _answer(query, "This button is not valid here.")
        return
    if not await may_change(update, context):
        await _answer(query, NOT_ADMIN)
        return
    if answer == "no":
        await _answer(query)
        await rt.courier.edit_text(chat, message.message_id, CANCELLED)
        return
    gone = await people.forget(rt.ctx, chat)
    await _drop_chat(context.application, chat)
    schedule_person(context.application, chat)  # their morning job goes with them
    log.info("forgot chat %s (%d records)", chat, gone)
    await _answer(query)
    text = done_message(rt.ctx.settings.jobpicks_access, rt.allowed(chat))
    await rt.courier.edit_text(chat, message.message_id, text)


async def _drop_chat(app: Application[Any, Any, Any, Any, Any, Any], chat: int) -> None:
    """What the running bot keeps of the chat: an unfinished onboarding's state and answers
    (in `<db>.conversations`, rewritten now so the file no longer holds them)."""
    for handler in app.handlers.get(0, []):
        if isinstance(handler, ConversationHandler):
            # PTB has no public way to end another chat's conversation; its state map is
            # keyed (chat, user) for per-chat conversations.
            for key in [k for k in handler._conversations if k and k[0] == chat]:
                handler._update_state(ConversationHandler.END, key)
    app.drop_chat_data(chat)
    if app.persistence is not None:
        await app.update_persistence()


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/forget and its buttons (before `handlers.register`, whose catch-all button handler
    would otherwise answer them)."""
    app.add_handler(CommandHandler("forget", command))
    app.add_handler(CallbackQueryHandler(tap, pattern=cb.PATTERN_ERASE))
