"""The reminders' round on the JobQueue: every hour, each served person (a chat) not paused gets
"You saved X 5 days ago — applied?" for its due saved postings (`bot.services.reminders`:
which are due, the still-open check, closed ones marked and not reminded). Nothing is asked of
any board when nothing is due."""

from __future__ import annotations

import logging
from typing import Any

from telegram.ext import Application

from bot.context import AppContext
from bot.services import chat_state, reminders
from bot.services.delivery import ChatUnreachable
from bot.services.marks import Tracked
from bot.telegram import render
from bot.telegram.keyboards import reminder_keyboard
from bot.telegram.runtime import BotContext, Runtime
from bot.telegram.schedule import LATE_IS_FINE, served_in_slices
from scrapers.still_open import Verdict

log = logging.getLogger(__name__)

REMINDERS_JOB = "reminders"
ROUND_SECONDS = 3600.0
FIRST_ROUND_SECONDS = 120.0  # after a start: the morning's catch-up goes first


async def remind_chats(rt: Runtime) -> dict[int, reminders.RemindReport]:
    """One round for every served person (a chat) who is reachable and not paused, each on
    their own saved postings, after their own delivery time."""
    due: dict[int, AppContext] = {}
    async for chat in served_in_slices(rt.ctx):  # 1,000 people's saved lists: taps go on
        pctx = rt.person(chat)
        if chat_state.is_paused(pctx, chat) or chat_state.unreachable(pctx, chat):
            continue
        if reminders.due(pctx, chat):
            due[chat] = pctx
    if not due:
        return {}

    async def send(chat: int, item: Tracked, days: int, verdict: Verdict) -> None:
        html = render.reminder_message(item, days, verdict)
        await rt.courier.send(chat, html, reminder_keyboard(item.pick))

    done: dict[int, reminders.RemindReport] = {}
    async with reminders.board_checker(rt.ctx) as check:
        for chat, pctx in due.items():
            try:
                done[chat] = await reminders.remind(pctx, chat, send, check)
            except ChatUnreachable as exc:
                log.warning("chat %s refuses messages: reminders wait (%s)", chat, exc)
            except Exception:  # one chat's failure must not stop the others
                log.exception("reminders for chat %s failed", chat)
    return done


async def _reminders_job(context: BotContext) -> None:
    # Spawned: checks take seconds and must not hold the JobQueue or delay a stop.
    rt = context.runtime
    rt.spawn(remind_chats(rt))


def schedule_reminders(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The hourly round (reminders wait for the day's delivery time themselves)."""
    assert app.job_queue is not None, "python-telegram-bot[job-queue] is required"
    for job in app.job_queue.get_jobs_by_name(REMINDERS_JOB):
        job.schedule_removal()
    app.job_queue.run_repeating(
        _reminders_job,
        interval=ROUND_SECONDS,
        first=FIRST_ROUND_SECONDS,
        name=REMINDERS_JOB,
        job_kwargs=LATE_IS_FINE,  # after a sleep or a clock jump: one round, not a warning
    )
