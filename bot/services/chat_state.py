"""Per-chat delivery state kept in the Store's meta: paused, unreachable (403), headers sent.

No Telegram types here; the morning delivery and /pause, /resume use it.
"""

from __future__ import annotations

from bot.context import AppContext

PAUSED = "paused_chats"
UNREACHABLE = "unreachable_chats"  # chat id (str) -> why (e.g. the user blocked the bot)
HEADERS = "headers_sent"  # day -> [chat ids] that got that day's header


def is_paused(ctx: AppContext, chat_id: int) -> bool:
    return chat_id in (ctx.store.get_meta(PAUSED) or [])


async def set_paused(ctx: AppContext, chat_id: int, paused: bool) -> None:
    async with ctx.store.transaction():
        chats = set(ctx.store.get_meta(PAUSED) or [])
        chats = chats | {chat_id} if paused else chats - {chat_id}
        ctx.store.set_meta(PAUSED, sorted(chats))


def unreachable(ctx: AppContext, chat_id: int) -> str | None:
    return (ctx.store.get_meta(UNREACHABLE) or {}).get(str(chat_id))


async def set_unreachable(ctx: AppContext, chat_id: int, why: str | None) -> None:
    """Record (or, with None, clear) that Telegram refuses messages to this chat."""
    current = ctx.store.get_meta(UNREACHABLE) or {}
    if current.get(str(chat_id)) == why:
        return
    async with ctx.store.transaction():
        chats = dict(ctx.store.get_meta(UNREACHABLE) or {})
        if why is None:
            chats.pop(str(chat_id), None)
        else:
            chats[str(chat_id)] = why
        ctx.store.set_meta(UNREACHABLE, chats)


def header_sent(ctx: AppContext, day: str, chat_id: int) -> bool:
    return chat_id in (ctx.store.get_meta(HEADERS) or {}).get(day, [])


async def mark_header_sent(ctx: AppContext, day: str, chat_id: int) -> None:
    async with ctx.store.transaction():
        headers = dict(ctx.store.get_meta(HEADERS) or {})
        # Keep only the last week of days: this lives in the one meta document.
        keep = sorted(headers)[-6:]
        headers = {d: headers[d] for d in keep if d != day}
        headers[day] = sorted(set((ctx.store.get_meta(HEADERS) or {}).get(day, [])) | {chat_id})
        ctx.store.set_meta(HEADERS, headers)
