"""Command handlers: parse the update, call a service, render, send. Nothing else lives here.

Buttons are in `bot.telegram.taps`, /profile and its buttons in `bot.telegram.profile`,
access checks in `bot.telegram.access`, and `register` wires all of them to the Application.
"""

from __future__ import annotations

import contextlib
import logging

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.services import chat_state, marks, preferences
from bot.services import export as export_service
from bot.services import searches as searches_service
from bot.services import settings as settings_service
from bot.services import stats as stats_service
from bot.services.chart import render_png_async
from bot.services.delivery import ChatUnreachable
from bot.services.schedule import next_run
from bot.services.searches import SearchesError
from bot.services.settings import SettingsError
from bot.telegram import callbacks as cb
from bot.telegram import profile, render, taps
from bot.telegram.access import NOT_ADMIN, guard, may_change
from bot.telegram.keyboards import settings_keyboard, start_keyboard
from bot.telegram.runtime import BotContext
from bot.telegram.schedule import reschedule
from bot.telegram.today import todays_picks

log = logging.getLogger(__name__)

MAX_PICKS_ARG = 100


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def reply(context: BotContext, update: Update, html: str, markup=None) -> None:  # type: ignore[no-untyped-def]
    """Answer in the update's chat (paced like every other message to that chat)."""
    try:
        await context.runtime.courier.send(_chat_id(update), html, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", _chat_id(update))


def _text(update: Update) -> str:
    return (update.effective_message.text if update.effective_message else "") or ""


# -- commands ----------------------------------------------------------------------------------
async def start(update: Update, context: BotContext) -> None:
    rt = context.runtime
    llm = rt.ctx.llm()
    scorer = f"LLM {llm.model}" if llm else "the local scorer (no LLM configured)"
    paused = chat_state.is_paused(rt.ctx, _chat_id(update))
    text = render.start_message(next_run(rt.ctx), scorer, paused)
    await reply(context, update, text, start_keyboard())


async def help_command(update: Update, context: BotContext) -> None:
    await reply(context, update, render.help_message())


def _limit(args: list[str]) -> int | None:
    """/picks N: N in 1–100; None for anything else."""
    try:
        limit = int(args[0])
    except ValueError:
        return None
    return limit if 1 <= limit <= MAX_PICKS_ARG else None


async def picks(update: Update, context: BotContext) -> None:
    """/picks [N]: today's picks; if today has not run yet, run now, showing the steps."""
    limit = None
    if context.args:
        limit = _limit(context.args)
        if limit is None:
            await reply(context, update, render.error_message("Use /picks or /picks N (1–100)."))
            return
    # Tracked, so a stop cancels a long run instead of waiting for it; the handler returns
    # at once, so taps are answered while the run goes on.
    context.runtime.spawn(todays_picks(context, _chat_id(update), limit))


async def settings(update: Update, context: BotContext) -> None:
    """/settings (a keyboard that edits its own message), or /settings <name> <value>."""
    rt = context.runtime
    ctx, chat = rt.ctx, _chat_id(update)
    args = context.args or []
    if not args:
        prefs = preferences.current(ctx, chat)
        text = render.settings_message(settings_service.view(ctx), prefs)
        await reply(context, update, text, settings_keyboard(prefs))
        return
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    if args[0].lower() == "weekly":
        on = " ".join(args[1:]).strip().lower()
        if on not in ("on", "off"):
            await reply(context, update, render.error_message("Use /settings weekly on|off."))
            return
        await preferences.set_weekly(ctx, chat, on == "on")
        note = "one digest a week" if on == "on" else "daily picks"
        await reply(context, update, f"✓ Weekly digest is now <b>{on}</b>: {note}.")
        return
    try:
        change = await settings_service.change(ctx, args[0], " ".join(args[1:]))
    except SettingsError as exc:
        await reply(context, update, render.error_message(str(exc)))
        return
    caught_up = change.schedule_changed and reschedule(context.application)
    await reply(context, update, render.setting_changed(change, caught_up))


async def searches(update: Update, context: BotContext) -> None:
    """/searches, /searches add <keywords> @ <place>, /searches remove N."""
    ctx = context.runtime.ctx
    parts = _text(update).split(maxsplit=2)
    sub = parts[1].lower() if len(parts) > 1 else ""
    rest = parts[2] if len(parts) > 2 else ""
    if sub in ("add", "remove") and not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    try:
        if sub == "add":
            new = await searches_service.add(ctx, rest)
            where = f" @ {render.esc(new.location, 80)}" if new.location else ""
            text = f"✓ Added “{render.esc(new.keywords, 120)}”{where}: the next run asks it."
        elif sub == "remove":
            gone = await searches_service.remove(ctx, rest)
            text = f"✓ Removed “{render.esc(gone.keywords, 120)}”: the next run leaves it out."
        elif sub == "":
            text = render.searches_message(
                searches_service.current(ctx), searches_service.stored_here(ctx)
            )
        else:
            raise SearchesError("Use /searches, /searches add <keywords> @ <place>, or remove N.")
    except SearchesError as exc:
        text = render.error_message(str(exc))
    await reply(context, update, text)


async def stats(update: Update, context: BotContext) -> None:
    """/stats: the week as a chart (drawn off the event loop) with the figures as caption."""
    rt = context.runtime
    chat = _chat_id(update)
    figures = stats_service.stats(rt.ctx, chat)
    with contextlib.suppress(TelegramError):
        await context.bot.send_chat_action(chat, "upload_photo")
    png = await render_png_async(figures)
    try:
        await rt.courier.send_photo(chat, png, render.stats_message(figures))
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def export(update: Update, context: BotContext) -> None:
    """/export [csv|json]: this chat's picks, scores, votes and marks as a file."""
    rt = context.runtime
    chat = _chat_id(update)
    fmt = (context.args[0].lower() if context.args else "csv").lstrip(".")
    if fmt not in ("csv", "json"):
        await reply(
            context, update, render.error_message("Use /export, /export csv or /export json.")
        )
        return
    data = export_service.export(rt.ctx, fmt, chat).encode("utf-8")
    name = f"jobpicks-{rt.ctx.today()}.{fmt}"
    rows = len(export_service.rows(rt.ctx, chat))
    try:
        await rt.courier.send_document(
            chat, data, name, f"{rows} picks, with your votes and marks."
        )
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def marked(update: Update, context: BotContext, kind: str) -> None:
    items = marks.listed(context.runtime.ctx, _chat_id(update), kind)
    await reply(context, update, render.marked_message(kind, items))


async def saved(update: Update, context: BotContext) -> None:
    await marked(update, context, marks.SAVED)


async def applied(update: Update, context: BotContext) -> None:
    await marked(update, context, marks.APPLIED)


async def pause(update: Update, context: BotContext) -> None:
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    await chat_state.set_paused(context.runtime.ctx, _chat_id(update), True)
    await reply(context, update, "⏸ Morning picks paused. /resume turns them back on.")


async def resume(update: Update, context: BotContext) -> None:
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    await chat_state.set_paused(context.runtime.ctx, _chat_id(update), False)
    await reply(context, update, "▶️ Morning picks are on again.")


async def unknown(update: Update, context: BotContext) -> None:
    await reply(context, update, "I don't know that command. /help lists them all.")


async def free_text(update: Update, context: BotContext) -> None:
    await reply(context, update, render.POINTER)


# -- errors ------------------------------------------------------------------------------------
def describe(update: object) -> str:
    """Where an error happened, for the log (never the token, never message contents)."""
    if not isinstance(update, Update):
        return "a job" if update is None else type(update).__name__
    parts = [f"update {update.update_id}"]
    if update.effective_chat:
        parts.append(f"chat {update.effective_chat.id}")
    if update.callback_query is not None:
        parts.append(f"button {update.callback_query.data!r}")
    elif update.effective_message and update.effective_message.text:
        parts.append(f"command {update.effective_message.text.split()[0][:40]!r}")
    return ", ".join(parts)


async def on_error(update: object, context: BotContext) -> None:
    log.error(
        "error while handling %s: %r", describe(update), context.error, exc_info=context.error
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        rt = context.runtime
        if rt.allowed(update.effective_chat.id):
            with contextlib.suppress(Exception):
                await rt.courier.send(
                    update.effective_chat.id,
                    render.error_message(
                        f"Something went wrong ({type(context.error).__name__}); it is logged."
                    ),
                )


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Every handler; another feature adds a button family with a prefix in
    `bot.telegram.callbacks` and one more `CallbackQueryHandler(..., pattern=...)`."""
    app.add_handler(TypeHandler(Update, guard), group=-1)
    for name, handler in (
        ("start", start),
        ("help", help_command),
        ("picks", picks),
        ("profile", profile.command),
        ("settings", settings),
        ("searches", searches),
        ("stats", stats),
        ("export", export),
        ("saved", saved),
        ("applied", applied),
        ("pause", pause),
        ("resume", resume),
    ):
        app.add_handler(CommandHandler(name, handler))
    app.add_handler(CallbackQueryHandler(taps.pick_tap, pattern=cb.PATTERN_PICK))
    app.add_handler(CallbackQueryHandler(taps.proposal_tap, pattern=cb.PATTERN_PROPOSAL))
    app.add_handler(CallbackQueryHandler(taps.settings_tap, pattern=cb.PATTERN_SETTINGS))
    app.add_handler(CallbackQueryHandler(taps.go_tap, pattern=cb.PATTERN_GO))
    app.add_handler(CallbackQueryHandler(profile.tap, pattern=cb.PATTERN_PROFILE))
    app.add_handler(CallbackQueryHandler(taps.rescore_tap, pattern=cb.PATTERN_RESCORE))
    app.add_handler(CallbackQueryHandler(taps.stale_button))  # anything else: stop the spinner
    app.add_handler(MessageHandler(filters.COMMAND, unknown))
    # Private chats only: in a group, people talk to each other, not to the bot.
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, free_text)
    )
    app.add_error_handler(on_error)
