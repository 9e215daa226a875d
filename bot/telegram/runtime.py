"""What the handlers, jobs and lifecycle hooks share while the bot runs, and the typed
context that hands it to them (``context.runtime`` instead of ``bot_data["runtime"]``)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.context import AppContext
from bot.services.run import Collector, Progress, RunOutcome, run_daily
from bot.telegram import render
from bot.telegram.delivery import Courier, DeliveryReport
from bot.telegram.tasks import TaskTracker

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """The bot's shared state; lives in ``application.bot_data`` under `KEY`."""

    ctx: AppContext
    courier: Courier
    collector: Collector
    run_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    refused: set[int] = field(default_factory=set)  # in memory only: nothing stored for them
    tracker: TaskTracker = field(default_factory=TaskTracker)

    KEY = "runtime"

    def allowed(self, chat_id: int) -> bool:
        return chat_id in self.ctx.settings.telegram_chat_ids

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self.tracker.spawn(coro)

    async def run_today(self, progress: Progress | None = None) -> RunOutcome:
        """Today's run (once per day; a second call returns the stored result)."""
        async with self.run_lock:
            if progress is None:
                return await run_daily(self.ctx, collector=self.collector)
            return await run_daily(self.ctx, collector=self.collector, progress=progress)

    async def morning(self) -> DeliveryReport | None:
        """The morning job: run (if not yet run today) and deliver what is not delivered.

        A failed run sends the owner chat a short notice with the cause."""
        day = self.ctx.today()
        try:
            outcome = await self.run_today()
        except Exception as exc:
            log.exception("the morning run of %s failed", day)
            await self.notify_owner(render.run_failed_message(day, f"{type(exc).__name__}: {exc}"))
            return None
        report = await self.courier.morning(outcome.record.day, outcome.record)
        log.info("morning delivery %s: %d sent, failed: %s", report.day, report.sent, report.failed)
        return report

    async def notify_owner(self, text: str) -> None:
        owner = self.ctx.settings.owner_chat_id
        if owner is None:
            return
        try:
            await self.courier.send(owner, text)
        except Exception:
            log.exception("could not notify the owner chat")


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context with the runtime as a typed property."""

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data[Runtime.KEY]


CONTEXT_TYPES = ContextTypes(context=BotContext)


def runtime_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    """The runtime of an application (for hooks and tests, which get no context)."""
    return app.bot_data[Runtime.KEY]
