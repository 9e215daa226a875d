"""Per-chat delivery state kept in the Store's meta: paused, unreachable (403), headers sent,
picks Telegram refused for good.

No Telegram types here; the morning delivery and /pause, /resume use it.
"""

from __future__ import annotations

from bot.context import AppContext

PAUSED = "paused_chats"
UNREACHABLE = "unreachable_chats"  # chat id (str) -> why (e.g. the user blocked the bot)
HEADERS = "headers_sent"  # day -> [chat ids] that got that day's header
# day -> [chat ids] told that every source failed; such a notice is not the day's header: a
# later successful run that day still sends one above its picks.
NOTICES = "failure_notices_sent"
FAILED = "failed_picks"  # day -> {chat id (str): {posting key: why Telegram refused it}}
_KEEP_DAYS = 6


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


def notice_sent(ctx: AppContext, day: str, chat_id: int) -> bool:
    """Whether this chat was told today that every source failed."""
    return chat_id in (ctx.store.get_meta(NOTICES) or {}).get(day, [])


def _add_for_day(ctx: AppContext, name: str, day: str, chat_id: int) -> None:
    days = dict(ctx.store.get_meta(name) or {})
    # Keep only the last week of days: this lives in the one meta document.
    keep = sorted(d for d in days if d != day)[-_KEEP_DAYS:]
    out = {d: days[d] for d in keep}
    out[day] = sorted(set(days.get(day, [])) | {chat_id})
    ctx.store.set_meta(name, out)


async def mark_header_sent(ctx: AppContext, day: str, chat_id: int) -> None:
    async with ctx.store.transaction():
        _add_for_day(ctx, HEADERS, day, chat_id)


async def mark_notice_sent(ctx: AppContext, day: str, chat_id: int) -> None:
    async with ctx.store.transaction():
        _add_for_day(ctx, NOTICES, day, chat_id)


def failed_picks(ctx: AppContext, day: str, chat_id: int) -> dict[str, str]:
    """Posting key -> reason, for the day's picks Telegram refused for good in this chat."""
    return dict(((ctx.store.get_meta(FAILED) or {}).get(day) or {}).get(str(chat_id)) or {})


async def mark_failed(ctx: AppContext, day: str, chat_id: int, key: str, why: str) -> None:
    """Record that a pick could not be delivered to this chat (not retried: it would fail
    again), so a rerun skips it and the delivery report can say why."""
    async with ctx.store.transaction():
        days = dict(ctx.store.get_meta(FAILED) or {})
        keep = sorted(d for d in days if d != day)[-_KEEP_DAYS:]
        out = {d: days[d] for d in keep}
        chats = {c: dict(v) for c, v in (days.get(day) or {}).items()}
        chats.setdefault(str(chat_id), {})[key] = why[:300]
        out[day] = chats
        ctx.store.set_meta(FAILED, out)
