"""The one path from a day's run to the chats: run today (once), then deliver to each chat
what it should get now. The schedule, the start-up catch-up, /picks and `jobpicks run` all
go through `Daily.run_then_deliver`; no Telegram types here (the messenger is a
`bot.services.delivery.Messenger`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.context import AppContext
from bot.services import failures
from bot.services.delivery import ChatReport, Delivery, DeliveryReport, Messenger
from bot.services.rescore import Rescored, rescore_today
from bot.services.run import Collector, Progress, RunOutcome, collect_configured, run_daily

log = logging.getLogger(__name__)


def _quiet(_message: str) -> None:
    pass


@dataclass
class Delivered:
    """A run and what its delivery did (no report when nothing was to be sent)."""

    outcome: RunOutcome
    report: DeliveryReport | None = None


class Daily:
    """The process's daily path: one run at a time (a second caller the same day gets the
    stored run), and deliveries through one messenger (None: run only, e.g. no bot token).
    """

    def __init__(
        self,
        ctx: AppContext,
        messenger: Messenger | None,
        *,
        collector: Collector = collect_configured,
    ) -> None:
        self.ctx = ctx
        self.collector = collector
        self.delivery = Delivery(ctx, messenger) if messenger is not None else None
        self._run_lock = asyncio.Lock()

    async def run_then_deliver(
        self,
        chats: Sequence[int] | None = None,
        *,
        asked: bool = False,
        limit: int | None = None,
        progress: Progress = _quiet,
        messenger: Messenger | None = None,
        dry_run: bool = False,
        force: bool = False,
    ) -> Delivered:
        """Today's run (done once a day unless `force`; `dry_run` stores nothing), then to
        every served chat (or `chats`) what it should get now — resuming where an earlier
        delivery of the day stopped, sending nothing twice. `asked`, `limit` and `messenger`
        are as for `Delivery.to_chat`. A failed run raises."""
        async with self._run_lock:
            outcome = await run_daily(
                self.ctx, collector=self.collector, dry_run=dry_run, force=force, progress=progress
            )
        if self.delivery is None or outcome.record.dry_run:
            return Delivered(outcome)
        report = await self.delivery.to_chats(
            outcome.record, chats, asked=asked, limit=limit, messenger=messenger
        )
        return Delivered(outcome, report)

    async def morning(self, chats: Sequence[int] | None = None) -> DeliveryReport | None:
        """The scheduled morning of every served chat (or of `chats`): run (if today has not
        run) and deliver what is undelivered. A failed run is logged and the owner chat told
        why; None then. When a morning is due is `bot.services.schedule`'s business."""
        day = self.ctx.today()
        try:
            delivered = await self.run_then_deliver(chats)
        except Exception as exc:
            cause = failures.one_line(self.ctx, exc)  # issue 22: one line, no secret
            log.error(
                "the morning run of %s failed: %s", day, cause, exc_info=failures.unforeseen(exc)
            )
            await self._tell_owner(day, cause)
            return None
        report = delivered.report
        if report is not None:
            log.info("morning delivery %s: %d sent, failed: %s", day, report.sent, report.failed)
        return report

    async def picks_again(self, chat_id: int, limit: int | None = None) -> ChatReport | None:
        """/picks on a day that has run: its top `limit` picks again, each showing its vote
        (`Delivery.again`). None when today has not run: then /picks is `run_then_deliver`
        for that chat, `asked`."""
        run = self.ctx.store.finished_run(self.ctx.today())
        if run is None or self.delivery is None:
            return None
        return await self.delivery.again(chat_id, run, limit)

    async def rescore(self) -> Rescored:
        """Today's candidates scored again with the profile and learned lines as they are now
        (`bot.services.rescore`), never while a run is under way; `send_more` then sends
        the new picks."""
        async with self._run_lock:
            return await rescore_today(self.ctx)

    async def send_more(self, chat_id: int, day: str) -> ChatReport | None:
        """The picks of `day` this chat has not got (after a rescore), under its lock."""
        if self.delivery is None:
            return None
        return await self.delivery.more(chat_id, day)

    def stop(self) -> None:
        """Deliveries stop between two messages (the next start resumes them)."""
        if self.delivery is not None:
            self.delivery.stopping = True

    def close(self) -> None:
        """Flush what is stored: the last thing the bot does."""
        self.ctx.store.flush()

    async def _tell_owner(self, day: str, cause: str) -> None:
        owner = self.ctx.settings.owner_chat_id
        if owner is None or self.delivery is None:
            return
        try:
            await self.delivery.messenger.run_failed(owner, day, cause)
        except Exception:
            log.exception("could not tell the owner chat that the run failed")
