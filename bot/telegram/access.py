"""Who may do what: served chats (TELEGRAM_CHAT_IDS, and anyone admitted otherwise: the
served people of `bot.services.people`), new chats admitted by the access mode
(JOBPICKS_ACCESS, `bot.services.access`), people (TELEGRAM_USER_IDS), and in a group, its
admins for changes to the profile and settings.

The guard runs in handler group -1, before every handler. A chat that is not served yet is
admitted on its /start when the mode allows (the /start then goes on: onboarding, or the
welcome); a wrong invite code gets one clear line; anything else from such a chat gets at
most one refusal per process (naming what the operator must do) and nothing from it is
stored or acted on. A person not allowed to act in a served chat (TELEGRAM_USER_IDS, see
`access.may_act`) is ignored the same way. In a group anyone may vote, save and read, but
only the group's admins (getChatMember) may change what the bot believes.
"""

from __future__ import annotations

import contextlib
import logging
import time

from telegram import Chat, ChatMember, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop

from bot.services import access, chat_state
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
    if chat is not None and rt.allowed(chat.id):
        if access.may_act(rt.ctx, chat.id, user.id if user else None):
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
    elif chat is not None:
        admission = await _admission(update, context)
        if admission.admitted:
            assert admission.person is not None
            log.info("admitted chat %s (%s)", chat.id, admission.person.via.split(":")[0])
            return
        await _refuse(context, chat, user.id if user else None, admission.reply)
    log.info("ignored an update from a chat that is not served")
    raise ApplicationHandlerStop


def start_payload(update: Update) -> tuple[bool, str]:
    """Whether the message is /start (or /start@bot), and its payload (an invite code)."""
    text = (update.effective_message.text if update.effective_message else "") or ""
    parts = text.split()
    if not parts or parts[0].split("@", 1)[0].lower() != "/start":
        return False, ""
    return True, parts[1] if len(parts) > 1 else ""


async def _admission(update: Update, context: BotContext) -> access.Admission:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    starting, code = start_payload(update)
    group = chat.type != Chat.PRIVATE
    mode = context.runtime.ctx.settings.jobpicks_access
    is_admin = False
    if starting and group and user is not None and mode in (access.INVITE, access.OPEN):
        is_admin = await _is_admin(context, chat.id, user.id)
    name = (chat.title if group else (user.first_name if user else "")) or ""
    return await access.admit(
        context.runtime.ctx,
        chat.id,
        user.id if user else None,
        group=group,
        starting=starting,
        code=code,
        user_is_admin=is_admin,
        name=name,
    )


async def _refuse(context: BotContext, chat: Chat, user: int | None, reply: str) -> None:
    """A clear line about their /start (each time: they asked), else the mode's refusal
    once per process."""
    rt = context.runtime
    if not reply:
        if chat.id in rt.refused:
            return
        rt.refused.add(chat.id)
        reply = access.refusal(rt.ctx, chat.id, user, group=chat.type != Chat.PRIVATE)
    with contextlib.suppress(TelegramError):
        await context.bot.send_message(chat.id, reply)


async def _is_admin(context: BotContext, chat: int, user: int) -> bool:
    """Whether `user` is an admin of group `chat` (asked, then cached for a minute)."""
    key = (chat, user)
    cached = _admins.get(key)
    now = time.monotonic()
    if cached is not None and now - cached[1] < ADMIN_CACHE_SECONDS:
        return cached[0]
    try:
        member = await context.bot.get_chat_member(chat, user)
    except TelegramError as exc:
        log.warning("could not check the admins of chat %s: %s", chat, exc)
        return False
    allowed = member.status in ADMINS
    _admins[key] = (allowed, now)
    return allowed


async def may_change(update: Update, context: BotContext) -> bool:
    """Whether this person may change the profile or settings in this chat: anyone in a
    private chat or on TELEGRAM_USER_IDS; in a group, its admins (asked, then cached)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return False
    if chat.type == Chat.PRIVATE:
        return True
    rt = context.runtime
    if rt.ctx.settings.telegram_user_ids and access.user_list_decides(rt.ctx, chat.id):
        return True  # the list decided who acts here (the guard)
    return await _is_admin(context, chat.id, user.id)
