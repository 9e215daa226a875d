"""/profile: what the bot believes about you and what your votes taught it, and every way back.

`/profile` shows the profile, the learned lines strongest first with their votes (✖️ removes
one) and the blocked companies (🔓 unblocks one). The typed forms: set, add, remove N, block,
unblock (a partial name; several fits are asked about with buttons), forget N, relearn,
versions (or history), undo, restore N. A change is answered with the offer to rescore
today's postings when today's picks were already chosen.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update

from bot.context import AppContext
from bot.services import feedback
from bot.services import profile as profile_service
from bot.services.delivery import ChatUnreachable
from bot.services.profile import ProfileError, WhichCompany
from bot.services.records import NotSaved
from bot.services.rescore import can_rescore
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.access import NOT_ADMIN, may_change
from bot.telegram.keyboards import profile_keyboard, unblock_keyboard
from bot.telegram.runtime import BotContext
from bot.telegram.taps import NOT_SAVED, NOT_VALID, answer, offer_markup

log = logging.getLogger(__name__)

CHANGES = {"set", "add", "remove", "block", "unblock", "undo", "restore", "forget", "relearn"}
USAGE = (
    "Use /profile, or /profile set | add | remove | block | unblock | forget | relearn | "
    "versions | undo | restore."
)
Reply = tuple[str, InlineKeyboardMarkup | None]


async def screen(ctx: AppContext, *, changed: bool = False) -> Reply:
    """The /profile message and its buttons (with the rescore after a change)."""
    shown = await profile_service.current(ctx)
    lines = profile_service.learned_lines(ctx, shown)
    forgotten = list(feedback.forgotten_lines(ctx).values())
    text = render.profile_message(shown, lines, forgotten)
    rescore_day = ctx.today() if changed and can_rescore(ctx) else None
    markup = profile_keyboard(
        [(ln.id, feedback.phrase(ln)) for ln in lines],
        shown.filters.blocked_companies,
        rescore_day,
    )
    return text, markup


async def _change(ctx: AppContext, sub: str, rest: str) -> Reply:
    """One typed change, its reply, and the offer to rescore today."""
    if sub == "set":
        shown = await profile_service.set_about(ctx, rest)
        text = f"✓ About replaced (version {shown.version})."
    elif sub == "add":
        shown = await profile_service.add_directive(ctx, rest)
        text = f"✓ Rule added (version {shown.version})."
    elif sub == "remove":
        shown, gone = await profile_service.remove_directive(ctx, rest)
        text = f"✓ Removed “{render.esc(gone, 200)}” (version {shown.version})."
    elif sub == "block":
        shown = await profile_service.block(ctx, rest)
        text = f"✓ {render.esc(rest, 120)} is blocked (version {shown.version})."
    elif sub == "unblock":
        try:
            shown = await profile_service.unblock(ctx, rest)
        except WhichCompany as which:
            return f"🔓 {render.esc(str(which), 300)}", unblock_keyboard(which.choices)
        text = f"✓ {render.esc(rest, 120)} is no longer blocked (version {shown.version})."
    elif sub == "undo":
        shown = await profile_service.undo(ctx)
        text = f"↩️ Back to version {shown.version} (/profile versions lists every one)."
    elif sub == "restore":
        shown = await profile_service.restore(ctx, rest)
        text = f"✓ Version {render.esc(rest.strip(), 12)} is back, as version {shown.version}."
    elif sub == "forget":
        words = await profile_service.forget(ctx, rest)
        text = f"✓ Forgot “{render.esc(words, 200)}”: your votes no longer teach it."
    else:  # relearn
        back = await profile_service.relearn(ctx)
        text = f"✓ Learning again: {render.esc(', '.join(back), 400)}."
    return text, offer_markup(ctx)


async def command(update: Update, context: BotContext) -> None:
    """/profile [set <text> | add <rule> | remove N | block <company> | unblock <company> |
    forget N | relearn | versions | undo | restore N]."""
    rt = context.runtime
    ctx = rt.ctx_of(update)
    assert update.effective_chat is not None and update.effective_message is not None
    chat = update.effective_chat.id
    parts = (update.effective_message.text or "").split(maxsplit=2)
    sub = parts[1].lower() if len(parts) > 1 else ""
    rest = parts[2] if len(parts) > 2 else ""
    markup: InlineKeyboardMarkup | None = None
    if sub in CHANGES and not await may_change(update, context):
        text = render.error_message(NOT_ADMIN)
    else:
        try:
            if sub == "":
                text, markup = await screen(ctx)
            elif sub in ("history", "versions"):
                text = render.history_message(await profile_service.history(ctx))
            elif sub in CHANGES:
                text, markup = await _change(ctx, sub, rest)
            else:
                raise ProfileError(USAGE)
        except ProfileError as exc:
            text = render.error_message(str(exc))
        except NotSaved as exc:
            log.warning("chat %s: a /profile change was not saved: %s", chat, exc)
            text = NOT_SAVED
    try:
        await rt.courier.send(chat, text, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", chat)


async def tap(update: Update, context: BotContext) -> None:
    """✖️ under a learned line, 🔓 beside a blocked company: the change, then the message
    shows the profile as it is now (with the rescore)."""
    query = update.callback_query
    assert query is not None and update.effective_chat is not None
    rt = context.runtime
    ctx = rt.ctx_of(update)
    parsed = cb.parse_profile(query.data or "")
    if parsed is None:
        await answer(query, NOT_VALID)
        return
    if not await may_change(update, context):
        await answer(query, NOT_ADMIN, alert=True)
        return
    kind, ref = parsed
    try:
        if kind == "forget":
            line = next(
                (ln for ln in profile_service.learned_lines(ctx) if cb.ref(ln.id) == ref), None
            )
            gone = None if line is None else await profile_service.forget_id(ctx, line.id)
            said = f"✖️ forgot: {gone}" if gone else None
        else:
            profile = await profile_service.current(ctx)
            names = profile.filters.blocked_companies
            name = next((n for n in names if cb.ref(n) == ref), None)
            if name is not None:
                await profile_service.unblock(ctx, name)
            said = f"🔓 {name} unblocked" if name else None
    except NotSaved as exc:
        log.warning("chat %s: a /profile tap was not saved: %s", update.effective_chat.id, exc)
        await answer(query, NOT_SAVED, alert=True)
        return
    if said is None:
        await answer(query, "That is no longer in your profile; /profile shows it as it is.")
        return
    await answer(query, render.clip(said, 190))
    message = query.message
    if message is not None:
        text, markup = await screen(ctx, changed=True)
        await rt.courier.edit_text(update.effective_chat.id, message.message_id, text, markup)
