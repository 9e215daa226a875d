"""Command handlers: parse the update, call a service, render, send. Nothing else lives here.

Buttons are in `bot.telegram.taps`, /profile and its buttons in `bot.telegram.profile`,
access checks in `bot.telegram.access`, and `register` wires all of them to the Application.
"""

from __future__ import annotations

import contextlib
import difflib
import logging

from telegram import Message, Update
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
from bot.services.delivery import ChatUnreachable, sent_pick
from bot.services.records import NotSaved
from bot.services.searches import SearchesError
from bot.services.settings import AmbiguousZone, SettingsError, UnknownSetting
from bot.telegram import callbacks as cb
from bot.telegram import profile, render, taps
from bot.telegram.access import NOT_ADMIN, guard, may_change
from bot.telegram.keyboards import settings_keyboard, start_keyboard, zone_choice_keyboard
from bot.telegram.reminders import schedule_reminders
from bot.telegram.runtime import BotContext
from bot.telegram.schedule import reschedule
from bot.telegram.today import todays_list, todays_picks

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
    ctx = rt.ctx_of(update)
    llm = ctx.llm()
    scorer = f"LLM {llm.model}" if llm else "the local scorer (no LLM configured)"
    paused = chat_state.is_paused(ctx, _chat_id(update))
    until = chat_state.paused_until(ctx, _chat_id(update))
    text = render.start_message(rt.mornings.next_run(_chat_id(update)), scorer, paused, until)
    await reply(context, update, text, start_keyboard())


async def help_command(update: Update, context: BotContext) -> None:
    await reply(context, update, render.help_message())


LIST_WORDS = {"list", "compact", "lines"}


def _picks_args(args: list[str]) -> tuple[int | None, bool] | None:
    """/picks [N] [list]: N in 1–100 and whether as a list; None when the words are neither."""
    limit, as_list = None, False
    for arg in args:
        if arg.lower() in LIST_WORDS and not as_list:
            as_list = True
        elif arg.isdigit() and limit is None and 1 <= int(arg) <= MAX_PICKS_ARG:
            limit = int(arg)
        else:
            return None
    return limit, as_list


async def picks(update: Update, context: BotContext) -> None:
    """/picks [N] [list]: today's picks (as one list message with `list`, or when the
    compact view is set); if today has not run yet, run now, showing the steps."""
    parsed = _picks_args(context.args or [])
    if parsed is None:
        await reply(
            context,
            update,
            render.error_message("Use /picks, /picks N (1–100), /picks list or /picks list N."),
        )
        return
    limit, as_list = parsed
    as_list = as_list or settings_service.compact(context.runtime.ctx_of(update))  # the chat's view
    chat = _chat_id(update)
    # Tracked, so a stop cancels a long run instead of waiting for it; the handler returns
    # at once, so taps are answered while the run goes on.
    if as_list:
        context.runtime.spawn(todays_list(context, chat, limit))
    else:
        context.runtime.spawn(todays_picks(context, chat, limit))


async def settings(update: Update, context: BotContext) -> None:
    """/settings (a keyboard that edits its own message), or /settings <name> <value>."""
    rt = context.runtime
    ctx, chat = rt.ctx_of(update), _chat_id(update)
    args = context.args or []
    if not args:
        prefs = preferences.current(ctx, chat)
        text = render.settings_message(settings_service.view(ctx), prefs)
        await reply(context, update, text, settings_keyboard(prefs))
        return
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    try:
        change = await settings_service.change(ctx, args[0], " ".join(args[1:]))
    except AmbiguousZone as exc:
        text = render.zone_question(exc.said, exc.choices)
        await reply(context, update, text, zone_choice_keyboard(exc.said, exc.choices))
        return
    except UnknownSetting as exc:
        await reply(context, update, render.unknown_setting_message(str(exc)))
        return
    except SettingsError as exc:
        await reply(context, update, render.error_message(str(exc)))
        return
    caught_up = change.schedule_changed and reschedule(context.application, chat)
    await reply(context, update, render.setting_changed(change, caught_up))


async def searches(update: Update, context: BotContext) -> None:
    """/searches, /searches add <keywords> @ <place>, /searches remove N."""
    ctx = context.runtime.ctx_of(update)
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
    figures = stats_service.stats(rt.person(chat), chat)
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
    ctx = rt.person(chat)
    data = export_service.export(ctx, fmt, chat).encode("utf-8")
    name = f"jobpicks-{ctx.today()}.{fmt}"
    rows = len(export_service.rows(ctx, chat))
    try:
        await rt.courier.send_document(
            chat, data, name, f"{rows} picks, with your votes and marks."
        )
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def saved(update: Update, context: BotContext) -> None:
    """/saved: saved postings not applied to yet, with their dates, places and notes."""
    text, markup = taps.pipeline_screen(
        context.runtime.ctx_of(update), _chat_id(update), marks.SAVED
    )
    await reply(context, update, text, markup)


async def applied(update: Update, context: BotContext) -> None:
    """/applied: postings applied to, at every stage since (interviewing, offer, rejected)."""
    text, markup = taps.pipeline_screen(
        context.runtime.ctx_of(update), _chat_id(update), marks.APPLIED
    )
    await reply(context, update, text, markup)


class _NoteReply(filters.MessageFilter):
    """A reply to one of the bot's cards or note prompts (they end with a ``ref`` line)."""

    def filter(self, message: Message) -> bool:
        replied = message.reply_to_message
        return bool(
            replied
            and replied.from_user is not None
            and replied.from_user.is_bot
            and replied.text
            and render.NOTE_REF.search(replied.text)
        )


NOTE_REPLY = _NoteReply()


async def note_reply(update: Update, context: BotContext) -> None:
    """A reply to a card or a note prompt: the posting's note (a "-" removes it)."""
    message = update.effective_message
    assert message is not None and message.reply_to_message is not None
    ctx, chat = context.runtime.ctx_of(update), _chat_id(update)
    found = render.NOTE_REF.search(message.reply_to_message.text or "")
    assert found is not None
    day, pid = found.groups()
    pick = sent_pick(ctx, chat, day, lambda key: cb.pick_id(key) == pid)
    if pick is None:
        await reply(context, update, render.error_message("That posting is not one of yours."))
        return
    try:
        kept = await marks.set_note(ctx, chat, pick, message.text or "")
    except NotSaved:
        await reply(context, update, taps.NOT_SAVED)
        return
    title = render.esc(pick.title, 120)
    if kept:
        await reply(context, update, f"📝 Noted on <b>{title}</b>: /saved and /applied show it.")
    else:
        await reply(context, update, f"📝 The note on <b>{title}</b> is removed.")


async def pause(update: Update, context: BotContext) -> None:
    """/pause (until /resume), or /pause until 2027-01-05 · 2 weeks · next monday."""
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    try:
        until = await preferences.pause(
            context.runtime.ctx_of(update), _chat_id(update), " ".join(context.args or [])
        )
    except SettingsError as exc:
        await reply(context, update, render.error_message(str(exc)))
        return
    if until is None:
        text = "⏸ Morning picks paused. /resume turns them back on."
    else:
        text = (
            f"⏸ Morning picks paused until <b>{until.strftime('%A %d %B %Y')}</b>: they come "
            "again that morning by themselves (/resume sooner)."
        )
    await reply(context, update, text)


async def resume(update: Update, context: BotContext) -> None:
    if not await may_change(update, context):
        await reply(context, update, render.error_message(NOT_ADMIN))
        return
    await chat_state.set_paused(context.runtime.ctx_of(update), _chat_id(update), False)
    await reply(context, update, "▶️ Morning picks are on again.")


def nearest_command(typed: str) -> str | None:
    """The command a mistyped one most likely meant ("/pick" → "picks"), or None.

    `difflib` (the standard library's similarity ratio) is enough for a dozen names."""
    name = typed.lstrip("/").split("@", 1)[0].lower()
    names = [n for n, _ in render.COMMANDS] + ["cancel"]
    found = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return found[0] if found else None


async def unknown(update: Update, context: BotContext) -> None:
    typed = _text(update).split(maxsplit=1)[0] if _text(update).strip() else ""
    near = nearest_command(typed)
    if near:
        text = f"I don't know that command — did you mean /{near}? /help lists them all."
    else:
        text = "I don't know that command. /help lists them all."
    await reply(context, update, text)


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
    app.add_handler(CallbackQueryHandler(taps.track_tap, pattern=cb.PATTERN_TRACK))
    app.add_handler(CallbackQueryHandler(profile.tap, pattern=cb.PATTERN_PROFILE))
    app.add_handler(CallbackQueryHandler(taps.rescore_tap, pattern=cb.PATTERN_RESCORE))
    app.add_handler(CallbackQueryHandler(taps.stale_button))  # anything else: stop the spinner
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & NOTE_REPLY, note_reply))
    app.add_handler(MessageHandler(filters.COMMAND, unknown))
    # Private chats only: in a group, people talk to each other, not to the bot.
    app.add_handler(
        MessageHandler(filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE, free_text)
    )
    app.add_error_handler(on_error)
    schedule_reminders(app)
