"""Who may do what: served chats (TELEGRAM_CHAT_IDS, and anyone admitted otherwise: the
served people of `bot.services.people`), people (TELEGRAM_USER_IDS), and in a group, its
admins for changes to the profile and settings.

The guard runs in handler group -1, before every handler: a chat that is not served gets
at most one refusal per process (naming its chat id, which is what its owner needs) and
nothing from it is stored or acted on; a person not in TELEGRAM_USER_IDS, when that is set,
is ignored the same way. In a group without TELEGRAM_USER_IDS anyone may vote, save and
read, but only the group's admins (getChatMember) may change what the bot believes.
"""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.services import chat_state
from bot.telegram import render
from bot.telegram.runtime import BotContext

log = logging.getLogger(__name__)

ADMIN_CACHE_SECONDS = 60.0
ADMINS = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)
NOT_ADMIN = "Only this group's admins can change the profile or settings."
_admins: dict[tuple[int, int], tuple[bool, float]] = {}


async def guard(update: object, context: BotContext) -> None:
    if not isinstance(update, Update):
        return
    rt = context.runtime
    chat = update.effective_chat
    user = update.effective_user
    people = rt.ctx.settings.telegram_user_ids
    if chat is not None and rt.allowed(chat.id):
        if not people or (user is not None and user.id in people):
            ctx = rt.person(chat.id)
            if chat_state.unreachable(ctx, chat.id):
                # They talk to us again, so they unblocked the bot: deliver to them again.
                await chat_state.set_unreachable(ctx, chat.id, None)
            return
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer("Only the bot's owners can use it.")
        log.info("ignored an update from a person not in TELEGRAM_USER_IDS")
        raise ApplicationHandlerStop
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):
            await update.callback_query.answer()
    elif chat is not None and chat.id not in rt.refused:
        rt.refused.add(chat.id)
        with contextlib.suppress(TelegramError):
            await context.bot.send_message(chat.id, render.refusal_message(chat.id))
    log.info("ignored an update from a chat that is not configured")
    raise ApplicationHandlerStop


async def may_change(update: Update, context: BotContext) -> bool:
    """Whether this person may change the profile or settings in this chat: anyone in a
    private chat or on TELEGRAM_USER_IDS; in a group, its admins (asked, then cached)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == Chat.PRIVATE or context.runtime.ctx.settings.telegram_user_ids:
        return True
    key = (chat.id, user.id)
    cached = _admins.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[1] < ADMIN_CACHE_SECONDS:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except TelegramError as exc:
        log.warning("could not check the admins of chat %s: %s", chat.id, exc)
        return False
    allowed = member.status in ADMINS
    _admins[key] = (allowed, now)
    return allowed
