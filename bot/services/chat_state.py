"""Per-chat delivery state: paused, unreachable (403), the day's header sent.

No Telegram types here; the morning delivery and /pause, /resume use it.
"""

from __future__ import annotations

from bot.context import AppContext


def is_paused(ctx: AppContext, chat_id: int) -> bool:
    return ctx.store.chat_state(chat_id).paused


async def set_paused(ctx: AppContext, chat_id: int, paused: bool) -> None:
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        ctx.store.save_chat_state(state.model_copy(update={"paused": paused}))


def unreachable(ctx: AppContext, chat_id: int) -> str | None:
    return ctx.store.chat_state(chat_id).unreachable


async def set_unreachable(ctx: AppContext, chat_id: int, why: str | None) -> None:
    """Record (or, with None, clear) that Telegram refuses messages to this chat."""
    if ctx.store.chat_state(chat_id).unreachable == why:
        return
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        ctx.store.save_chat_state(state.model_copy(update={"unreachable": why}))


def header_sent(ctx: AppContext, day: str, chat_id: int) -> bool:
    return ctx.store.header_sent(day, chat_id)


async def mark_header_sent(ctx: AppContext, day: str, chat_id: int) -> None:
    async with ctx.store.transaction():
        ctx.store.mark_header_sent(day, chat_id)
