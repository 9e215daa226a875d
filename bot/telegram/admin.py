"""/admin: the operator's view (`bot.services.users`) in the owner's chat, paged — the same
lines `jobpicks users` prints. Nobody else may use it: another chat is told so in one line.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import users
from bot.services.delivery import ChatUnreachable
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.runtime import BotContext

log = logging.getLogger(__name__)

PAGE_CHARS = 3500  # under Telegram's 4096 with the page line and markup around it
NOT_OWNER = "/admin is for the bot's owner only."


def pages(lines: list[str]) -> list[str]:
    """The view's lines as HTML pages of at most PAGE_CHARS (a heading in bold)."""
    out: list[str] = []
    page: list[str] = []
    size = 0
    for raw in lines:
        is_heading = raw.startswith(("People (", "Sources ("))
        line = f"<b>{render.esc(raw, 40)}</b>" if is_heading else render.esc(raw, 600)
        if page and size + len(line) + 1 > PAGE_CHARS:
            out.append("\n".join(page))
            page, size = [], 0
        page.append(line)
        size += len(line) + 1
    if page:
        out.append("\n".join(page))
    return out or ["(empty)"]


def page_view(lines: list[str], number: int) -> tuple[str, InlineKeyboardMarkup | None]:
    """Page `number` (0-based, clamped) and its ◀ / ▶ buttons."""
    all_pages = pages(lines)
    number = max(0, min(number, len(all_pages) - 1))
    text = all_pages[number]
    if len(all_pages) == 1:
        return text, None
    row = []
    if number > 0:
        row.append(InlineKeyboardButton("◀", callback_data=cb.admin_page(number - 1)))
    row.append(
        InlineKeyboardButton(f"{number + 1}/{len(all_pages)}", callback_data=cb.admin_page(number))
    )
    if number < len(all_pages) - 1:
        row.append(InlineKeyboardButton("▶", callback_data=cb.admin_page(number + 1)))
    return text, InlineKeyboardMarkup([row])


def _is_owner(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.id == context.runtime.ctx.settings.owner_chat_id


async def command(update: Update, context: BotContext) -> None:
    assert update.effective_chat is not None
    chat = update.effective_chat.id
    rt = context.runtime
    if _is_owner(update, context):
        text, markup = page_view(users.overview(rt.ctx), 0)
    else:
        text, markup = render.error_message(NOT_OWNER), None
    try:
        await rt.courier.send(chat, text, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def tap(update: Update, context: BotContext) -> None:
    """◀ / ▶ under the view: the same message shows another page (the view read again)."""
    query = update.callback_query
    assert query is not None
    number = cb.parse_admin_page(query.data or "")
    if number is None or query.message is None or not _is_owner(update, context):
        with contextlib.suppress(TelegramError):
            await query.answer("This button is not valid here.")
        return
    with contextlib.suppress(TelegramError):
        await query.answer()
    rt = context.runtime
    text, markup = page_view(users.overview(rt.ctx), number)
    await rt.courier.edit_text(query.message.chat.id, query.message.message_id, text, markup)


def register(app: Application) -> None:  # type: ignore[type-arg]
    """/admin and its page buttons (before `handlers.register`'s catch-all button handler)."""
    app.add_handler(CommandHandler("admin", command))
    app.add_handler(CallbackQueryHandler(tap, pattern=cb.PATTERN_ADMIN))
