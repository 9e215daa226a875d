"""The one path from a day's runs to the chats: for the people asked for, one shared
collection round, then each person's run (once a day) and the delivery to their chat of what
it should get now. The schedule, the start-up catch-up, /picks and `jobpicks run` all go
through `Daily.run_then_deliver`; no Telegram types here (the messenger is a
`bot.services.delivery.Messenger`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from bot.context import AppContext
from bot.services import failures
from bot.services import people as people_service
from bot.services.collect import Collection, Collector, Progress, Round, collect_configured
from bot.services.delivery import ChatReport, Delivery, DeliveryReport, Messenger
from bot.services.rescore import Rescored, rescore_today
from bot.services.run import RunOutcome, run_person

log = logging.getLogger(__name__)


def _quiet(_message: str) -> None:
    pass


@dataclass
class Delivered:
    """The runs of the people asked for and what their delivery did (no report when nothing
    was to be sent); `failed`: people whose run raised, with why."""

    outcomes: dict[int, RunOutcome] = field(default_factory=dict)
    report: DeliveryReport | None = None
    failed: dict[int, str] = field(default_factory=dict)

    @property
    def outcome(self) -> RunOutcome:
        """The first person's run (the one person of /picks, a `jobpicks run --chat`)."""
        return next(iter(self.outcomes.values()))


class Daily:
    """The process's daily path: collection rounds that never overlap, one run at a time per
    person (a second caller the same day gets the stored run), and deliveries through one
    messenger (None: run only, e.g. no bot token)."""

    def __init__(
        self,
        ctx: AppContext,
        messenger: Messenger | None,
        *,
        collector: Collector = collect_configured,
    ) -> None:
        self.ctx = ctx
        self.collection = Collection(ctx, collector)
        self.delivery = Delivery(ctx, messenger) if messenger is not None else None
        self._run_locks: dict[int, asyncio.Lock] = {}

    @property
    def collector(self) -> Collector:
        return self.collection.collector

    def _run_lock(self, person: int) -> asyncio.Lock:
        return self._run_locks.setdefault(person, asyncio.Lock())

    async def run_then_deliver(
        self,
        people: Sequence[int] | None = None,
        *,
        asked: bool = False,
        limit: int | None = None,
        progress: Progress = _quiet,
        messenger: Messenger | None = None,
        dry_run: bool = False,
        force: bool = False,
        deliver: bool = True,
    ) -> Delivered:
        """For `people` (every served person by default): one collection round for those
        whose today has not run (or all, with `force`; `dry_run` stores nothing), then each
        person's run, each delivered as soon as it is done — resuming where an earlier
        delivery of the day stopped, sending nothing twice. `asked`, `limit` and `messenger`
        are as for `Delivery.to_chat`; `deliver` False: run only. A failed round raises; a person's failed run is
        logged, the others go on, and it raises when it was the only person asked for."""
        ids = list(dict.fromkeys(people_service.served(self.ctx) if people is None else people))
        ctxs = [self.ctx.for_person(p) for p in ids]
        need = [c for c in ctxs if force or dry_run or not c.store.finished_run(c.today())]
        # Everyone's today has run: their stored runs, no round.
        found = Round(day=self.ctx.today())
        if need:
            found = await self.collection.round(
                need, dry_run=dry_run, force=force, progress=progress
            )
        delivered = Delivered()
        sends: dict[int, asyncio.Task[ChatReport]] = {}
        try:
            for pctx in ctxs:
                outcome = await self._run_one(
                    pctx,
                    found,
                    delivered,
                    len(ctxs) == 1,
                    dry_run=dry_run,
                    force=force,
                    progress=progress,
                )
                if outcome is None:
                    continue
                delivered.outcomes[pctx.person] = outcome
                if deliver and self.delivery is not None and not outcome.record.dry_run:
                    # Each person's delivery starts as their run ends; the next run goes on.
                    sends[pctx.person] = asyncio.create_task(
                        self.delivery.to_chat(
                            pctx.person,
                            outcome.record,
                            asked=asked,
                            limit=limit,
                            messenger=messenger,
                        )
                    )
            if sends:
                reports = await asyncio.gather(*sends.values())
                day = next(iter(delivered.outcomes.values())).record.day
                delivered.report = DeliveryReport(
                    day=day, chats=dict(zip(sends, reports, strict=True))
                )
        except BaseException:
            # A stop (or a failed run asked for alone): deliveries under way end with it.
            for task in sends.values():
                task.cancel()
            await asyncio.gather(*sends.values(), return_exceptions=True)
            raise
        return delivered

    async def _run_one(
        self,
        pctx: AppContext,
        found: Round,
        delivered: Delivered,
        alone: bool,
        *,
        dry_run: bool,
        force: bool,
        progress: Progress,
    ) -> RunOutcome | None:
        """One person's run; a failure is theirs (logged, in `delivered.failed`) unless
        they were asked for alone, when it is raised."""
        try:
            async with self._run_lock(pctx.person):
                return await run_person(
                    pctx, found, dry_run=dry_run, force=force, progress=progress
                )
        except Exception as exc:
            if alone:
                raise
            why = failures.one_line(pctx, exc)  # issue 22: one line, no secret
            log.error(
                "the run of person %s failed: %s",
                pctx.person,
                why,
                exc_info=failures.unforeseen(exc),
            )
            delivered.failed[pctx.person] = why
            return None

    async def morning(self, people: Sequence[int] | None = None) -> DeliveryReport | None:
        """The scheduled morning of `people` (every served person by default): run (if their
        today has not run) and deliver what is undelivered. A failed round is logged and the
        owner chat told why (None then), and so is a person's failed run. When a morning is
        due is `bot.services.schedule`'s business."""
        who = people_service.served(self.ctx) if people is None else list(people)
        if not who:
            return None
        day = self.ctx.today()
        try:
            delivered = await self.run_then_deliver(who)
        except Exception as exc:
            cause = failures.one_line(self.ctx, exc)  # issue 22: one line, no secret
            log.error(
                "the morning run of %s failed: %s", day, cause, exc_info=failures.unforeseen(exc)
            )
            await self._tell_owner(day, cause)
            return None
        for person, why in delivered.failed.items():
            await self._tell_owner(day, f"the run of {person} failed: {why}")
        report = delivered.report
        if report is not None:
            log.info("morning delivery %s: %d sent, failed: %s", day, report.sent, report.failed)
        return report

    async def picks_again(self, chat_id: int, limit: int | None = None) -> ChatReport | None:
        """/picks on a day that has run: its top `limit` picks again, each showing its vote
        (`Delivery.again`). None when today has not run: then /picks is `run_then_deliver`
        for that chat, `asked`."""
        pctx = self.ctx.for_person(chat_id)
        run = pctx.store.finished_run(pctx.today())
        if run is None or self.delivery is None:
            return None
        return await self.delivery.again(chat_id, run, limit)

    async def rescore(self, person: int) -> Rescored:
        """The person's candidates of today scored again with their profile and learned lines
        as they are now (`bot.services.rescore`), never while a run of theirs is under way;
        `send_more` then sends the new picks."""
        async with self._run_lock(person):
            return await rescore_today(self.ctx.for_person(person))

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
