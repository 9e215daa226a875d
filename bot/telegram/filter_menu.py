"""/filters in the chat: every hard filter a TOML `[profile.filters]` sets, shown with buttons
(levels, types and workplace to tick, a maximum age to pick; the message edits itself) and
typed forms (`/filters places Berlin; remote`, `/filters levels entry associate`,
`/filters types internship`, `/filters workplace remote`, `/filters age 14`,
`/filters pay 60k`, `/filters reset`). Each change is a new profile version
(`bot.services.filters`); /profile undo takes it back.

Button data: ``fl:<action>[:<kind>[:<value>]]`` — ``fl:menu:<kind>`` opens a list to tick,
``fl:t:<kind>:<value>`` ticks, ``fl:age:<days>`` sets the maximum age, ``fl:how:<kind>``
says how to type places or pay, ``fl:back`` and ``fl:reset``.
"""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import CallbackQuery, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.services import filters as filters_service
from bot.services.filters import CHOICES, FiltersError
from bot.telegram import render
from bot.telegram.access import NOT_ADMIN, may_change
from bot.telegram.delivery import ChatUnreachable
from bot.telegram.keyboards import rows_markup
from bot.telegram.onboarding import filter_lines
from bot.telegram.runtime import BotContext
from scoring.profile import Filters

log = logging.getLogger(__name__)

PATTERN = r"^fl:"
AGES = (0, 1, 3, 7, 14, 30)
FIELD = {"levels": "levels", "types": "employment_types", "workplace": "workplace"}
TITLES = {"levels": "🎓 Levels", "types": "🧾 Types", "workplace": "🏢 Workplace"}
TYPED = (
    "Typed: /filters places Berlin; remote (or near Boston, or anywhere) · levels entry "
    "associate · types full-time · workplace remote hybrid · age 14 · pay 60k · reset"
)
HOW = {
    "places": "Type /filters places Berlin; Munich; remote — or near Boston — or anywhere.",
    "pay": "Type /filters pay 60000 (a year's pay; 60k works too), or /filters pay any.",
}


def _data(*parts: str) -> str:
    out = ":".join(("fl", *parts))
    if len(out.encode("utf-8")) > 64:
        raise ValueError(f"callback data too long: {out!r}")
    return out


def filters_message(f: Filters) -> str:
    lines = ["<b>Filters</b> (postings that fail one are never shown)", ""]
    lines += filter_lines(f)
    lines += ["", render.esc(TYPED, 400), "Companies: /profile block or unblock."]
    return render.fit(lines)


def main_keyboard() -> Any:
    return rows_markup(
        [
            [("📍 Places…", _data("how", "places")), ("💰 Min pay…", _data("how", "pay"))],
            [
                (TITLES["levels"], _data("menu", "levels")),
                (TITLES["types"], _data("menu", "types")),
            ],
            [
                (TITLES["workplace"], _data("menu", "workplace")),
                ("⏳ Max age", _data("menu", "age")),
            ],
            [("↺ Reset all", _data("reset"))],
        ]
    )


def menu_keyboard(kind: str, f: Filters) -> Any:
    if kind == "age":
        buttons = [
            (
                ("✓ " if f.max_age_days == d else "") + (f"{d} d" if d else "any"),
                _data("age", str(d)),
            )
            for d in AGES
        ]
    else:
        chosen = getattr(f, FIELD[kind])
        buttons = [
            (("✓ " if value in chosen else "") + label, _data("t", kind, value))
            for value, label in CHOICES[kind].items()
        ]
    rows = [buttons[i : i + 3] for i in range(0, len(buttons), 3)]
    rows.append([("↩️ back", _data("back"))])
    return rows_markup(rows)


async def _reply(context: BotContext, chat: int, html: str, markup: Any = None) -> None:
    try:
        await context.runtime.courier.send(chat, html, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def filters_command(update: Update, context: BotContext) -> None:
    """/filters, or /filters <name> <value>."""
    assert update.effective_chat is not None and update.effective_message is not None
    chat = update.effective_chat.id
    ctx = context.runtime.person(chat)
    parts = (update.effective_message.text or "").split(maxsplit=2)
    if len(parts) < 2:
        f = await filters_service.current(ctx, chat)
        await _reply(context, chat, filters_message(f), main_keyboard())
        return
    if not await may_change(update, context):
        await _reply(context, chat, render.error_message(NOT_ADMIN))
        return
    try:
        profile = await filters_service.change(
            ctx, chat, parts[1], parts[2] if len(parts) > 2 else ""
        )
    except FiltersError as exc:
        await _reply(context, chat, render.error_message(str(exc)))
        return
    text = f"✓ Filters saved (profile version {profile.version}).\n\n" + "\n".join(
        filter_lines(profile.filters)
    )
    await _reply(context, chat, text)


async def _answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    with contextlib.suppress(TelegramError):
        await query.answer(text[:190] if text else None, show_alert=alert)


async def filters_tap(update: Update, context: BotContext) -> None:
    """A /filters button: open a list, tick, pick an age, reset; the message shows the result."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    chat = update.effective_chat.id
    ctx = context.runtime.person(chat)
    parts = (query.data or "").split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "how" and len(parts) == 3 and parts[2] in HOW:
        await _answer(query, HOW[parts[2]], alert=True)
        return
    if action in ("t", "age", "reset") and not await may_change(update, context):
        await _answer(query, NOT_ADMIN, alert=True)
        return
    menu = ""
    try:
        if action == "menu" and len(parts) == 3 and parts[2] in (*FIELD, "age"):
            menu = parts[2]
        elif action == "t" and len(parts) == 4:
            await filters_service.toggle(ctx, chat, parts[2], parts[3])
            menu = parts[2]
        elif action == "age" and len(parts) == 3:
            await filters_service.change(ctx, chat, "age", parts[2])
            menu = "age"
        elif action == "reset":
            await filters_service.change(ctx, chat, "reset", "")
        elif action != "back":
            await _answer(query, "This button is not valid here.")
            return
    except FiltersError as exc:
        await _answer(query, str(exc), alert=True)
        return
    await _answer(query, "Reset: no filters" if action == "reset" else None)
    f = await filters_service.current(ctx, chat)
    markup = menu_keyboard(menu, f) if menu else main_keyboard()
    if query.message is not None:
        await context.runtime.courier.edit_text(
            chat, query.message.message_id, filters_message(f), markup
        )


def register(app: Application) -> None:  # type: ignore[type-arg]
    app.add_handler(CommandHandler("filters", filters_command))
    app.add_handler(CallbackQueryHandler(filters_tap, pattern=PATTERN))
