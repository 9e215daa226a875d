"""/picks, /picks list and /start's button: today's picks for one chat, now.

Which picks, and whether today must run first, is the services' business
(`Daily.picks_again`, `Daily.run_then_deliver`); here a run started by /picks shows its
steps in a "working…" message that then becomes the day's header (or the failure).
"""

from __future__ import annotations

import logging

from bot.services import failures
from bot.services.delivery import PickState, Sent, todays_run
from bot.services.records import Pick, RunRecord
from bot.telegram import render
from bot.telegram.delivery import Courier
from bot.telegram.keyboards import list_keyboard
from bot.telegram.progress import ProgressMessage
from bot.telegram.runtime import BotContext

log = logging.getLogger(__name__)


class InPlace:
    """The Courier, except that the header, or the run's failure, replaces the "working…"
    message (sent anew only when Telegram refuses the edit)."""

    def __init__(self, courier: Courier, progress: ProgressMessage) -> None:
        self.courier, self.progress = courier, progress
        self.replaced = False

    async def ready(self) -> None:
        await self.courier.ready()

    async def _replace(self, chat_id: int, html: str) -> None:
        self.replaced = True
        await self.progress.close()
        if not await self.progress.edit(html):
            await self.courier.send(chat_id, html)

    async def header(self, chat_id: int, day: str, record: RunRecord, picks: int) -> None:
        await self._replace(chat_id, render.header_message(day, record, picks))

    async def pick(self, chat_id: int, pick: Pick, state: PickState, *, quiet: bool) -> Sent:
        return await self.courier.pick(chat_id, pick, state, quiet=quiet)

    async def weekly_digest(self, chat_id: int, day: str, picks: list[Pick]) -> None:
        await self.courier.weekly_digest(chat_id, day, picks)

    async def pick_list(self, chat_id: int, day: str, record: RunRecord, picks: list[Pick]) -> Sent:
        """The list replaces the "working…" message (sent anew if Telegram refuses the edit)."""
        await self.progress.close()
        html = render.picks_list_message(day, record, picks)
        markup = list_keyboard(picks)
        if await self.courier.edit_text(chat_id, self.progress.message_id, html, markup):
            return Sent(self.progress.message_id)
        return await self.courier.pick_list(chat_id, day, record, picks)

    async def run_failed(self, chat_id: int, day: str, cause: str) -> None:
        await self._replace(chat_id, render.run_failed_message(day, cause))

    async def settle(self, chat_id: int, day: str) -> None:
        """No header came: the morning's delivery sent the day's first (one a day), so the
        "working…" message points at it."""
        if not self.replaced:
            await self._replace(chat_id, render.header_elsewhere_message(day))


async def todays_picks(context: BotContext, chat: int, limit: int | None = None) -> None:
    """Today's picks as the chat's settings and blocks stand now, each with its vote; if
    today has not run, run it now, showing the steps."""
    rt = context.runtime
    if await rt.daily.picks_again(chat, limit) is not None:
        return
    working = await rt.courier.send(chat, "⏳ working… collecting postings")
    progress = ProgressMessage(rt.courier, chat, working.message_id)
    in_place = InPlace(rt.courier, progress)
    try:
        delivered = await rt.daily.run_then_deliver(
            [chat], asked=True, limit=limit, progress=progress.update, messenger=in_place
        )
    except Exception as exc:
        cause = failures.one_line(rt.ctx, exc)  # issue 22: one line, no secret
        await in_place.run_failed(chat, rt.person(chat).today(), cause)
        if failures.unforeseen(exc):
            raise
        log.warning("/picks in chat %s: %s", chat, cause)
        return
    finally:
        await progress.close()
    report = delivered.report
    if report is not None and not report.chats[chat].error:
        await in_place.settle(chat, delivered.outcome.record.day)


async def todays_list(context: BotContext, chat: int, limit: int | None = None) -> None:
    """/picks list: today's picks as one message (the compact view); if today has not run,
    run it first, showing the steps in the message that becomes the list."""
    rt = context.runtime
    delivery = rt.daily.delivery
    assert delivery is not None, "the bot always delivers"
    run = todays_run(rt.person(chat))
    if run is not None:
        await delivery.listed(chat, run, limit)
        return
    working = await rt.courier.send(chat, "⏳ working… collecting postings")
    progress = ProgressMessage(rt.courier, chat, working.message_id)
    in_place = InPlace(rt.courier, progress)
    try:
        # Run only (the chat gets none of the usual messages), then it gets the list.
        delivered = await rt.daily.run_then_deliver([chat], progress=progress.update, deliver=False)
        await delivery.listed(chat, delivered.outcome.record, limit, messenger=in_place)
    except Exception as exc:
        cause = failures.one_line(rt.ctx, exc)  # one line, no secret
        await in_place.run_failed(chat, rt.person(chat).today(), cause)
        if failures.unforeseen(exc):
            raise
        log.warning("/picks list in chat %s: %s", chat, cause)
    finally:
        await progress.close()
