"""Today's picks for one chat, on demand (/picks and /start's button)."""

from __future__ import annotations

from bot.services import chat_state
from bot.telegram import render
from bot.telegram.delivery import eligible
from bot.telegram.progress import ProgressMessage
from bot.telegram.runtime import BotContext


async def todays_picks(context: BotContext, chat: int, limit: int | None = None) -> None:
    """Today's picks as the chat's settings and blocks stand now, each with its vote."""
    rt = context.runtime
    ctx = rt.ctx
    day = ctx.today()
    run = ctx.store.finished_run(day)
    if run is not None:
        chosen = eligible(ctx, ctx.store.picks_for(day))[:limit]
        if not chosen:
            await rt.courier.send(chat, render.header_message(day, run, 0))
            return
        await rt.courier.picks_again(chat, chosen)
        return
    working = await rt.courier.send(chat, "⏳ working… collecting postings")
    progress = ProgressMessage(rt.courier, chat, working.message_id)
    try:
        outcome = await rt.run_today(progress=progress.update)
    except Exception as exc:
        await progress.close()
        await progress.edit(render.run_failed_message(day, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        await progress.close()
    count = len(eligible(ctx, ctx.store.picks_for(day)))
    header = render.header_message(day, outcome.record, count)
    if not await progress.edit(header):
        await rt.courier.send(chat, header)
    if outcome.all_sources_failed:
        await chat_state.mark_notice_sent(ctx, day, chat)
        return
    await chat_state.mark_header_sent(ctx, day, chat)
    # Only what this chat has not got: a morning delivery may have run alongside.
    await rt.courier.unsent_to_chat(chat, day, limit)
