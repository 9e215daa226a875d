"""Per-chat delivery state: paused, unreachable (403), the day's header sent, the failure
notice of a day where every source failed, picks Telegram refused for good.

No Telegram types here; the morning delivery and /pause, /resume use it.
"""

from __future__ import annotations

from datetime import date

from bot.context import AppContext


def is_paused(ctx: AppContext, chat_id: int) -> bool:
    """Paused now: by /pause, and, for a pause until a date, not yet that date (in the
    configured timezone): picks come again on that day's run, with no /resume."""
    state = ctx.store.chat_state(chat_id)
    return state.paused and (state.paused_until is None or ctx.today() < state.paused_until)


def paused_until(ctx: AppContext, chat_id: int) -> date | None:
    """The day a pause ends, while the chat is paused until a date; None otherwise."""
    state = ctx.store.chat_state(chat_id)
    if not is_paused(ctx, chat_id) or state.paused_until is None:
        return None
    return date.fromisoformat(state.paused_until)


async def set_paused(
    ctx: AppContext, chat_id: int, paused: bool, until: date | None = None
) -> None:
    """Pause (until /resume, or until the day `until`) or resume this chat's mornings."""
    ends = until.isoformat() if paused and until is not None else None
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        ctx.store.save_chat_state(state.model_copy(update={"paused": paused, "paused_until": ends}))


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


# What per-day lists keep: a week is enough for resuming and reporting.
_KEEP_DAYS = 7


def notice_sent(ctx: AppContext, day: str, chat_id: int) -> bool:
    """Whether this chat was told today that every source failed."""
    return day in ctx.store.chat_state(chat_id).notices


async def mark_notice_sent(ctx: AppContext, day: str, chat_id: int) -> None:
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        days = sorted({*state.notices, day})[-_KEEP_DAYS:]
        ctx.store.save_chat_state(state.model_copy(update={"notices": days}))


def failed_picks(ctx: AppContext, day: str, chat_id: int) -> dict[str, str]:
    """Posting key -> reason, for the day's picks Telegram refused for good in this chat."""
    return dict(ctx.store.chat_state(chat_id).failed.get(day) or {})


async def mark_failed(ctx: AppContext, day: str, chat_id: int, key: str, why: str) -> None:
    """Record that a pick could not be delivered to this chat (not retried: it would be
    refused again), so a rerun skips it and the delivery report says why."""
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        failed = {d: dict(v) for d, v in state.failed.items()}
        failed.setdefault(day, {})[key] = why[:300]
        failed = {d: failed[d] for d in sorted(failed)[-_KEEP_DAYS:]}
        ctx.store.save_chat_state(state.model_copy(update={"failed": failed}))


def weekly_digest_week(ctx: AppContext, chat_id: int) -> str | None:
    return ctx.store.chat_state(chat_id).weekly_digest_week


async def mark_weekly_digest(ctx: AppContext, chat_id: int, week: str) -> None:
    async with ctx.store.transaction():
        state = ctx.store.chat_state(chat_id)
        ctx.store.save_chat_state(state.model_copy(update={"weekly_digest_week": week}))
