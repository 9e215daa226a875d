"""What the handlers, jobs and lifecycle hooks share while the bot runs, and the typed
context that hands it to them (``context.runtime`` instead of ``bot_data["runtime"]``)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.context import AppContext
from bot.services.daily import Daily
from bot.services.schedule import Mornings
from bot.telegram.delivery import Courier
from bot.telegram.tasks import TaskTracker


@dataclass
class Runtime:
    """The bot's shared state; lives in ``application.bot_data`` under `KEY`."""

    ctx: AppContext
    courier: Courier
    daily: Daily  # the run, then the delivery to the chats, through `courier`
    mornings: Mornings  # which chats' mornings are due, and which this process started
    refused: set[int] = field(default_factory=set)  # in memory only: nothing stored for them
    tracker: TaskTracker = field(default_factory=TaskTracker)

    KEY = "runtime"

    def allowed(self, chat_id: int) -> bool:
        return chat_id in self.ctx.settings.telegram_chat_ids

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        return self.tracker.spawn(coro)


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The callback context with the runtime as a typed property."""

    @property
    def runtime(self) -> Runtime:
        return self.application.bot_data[Runtime.KEY]


CONTEXT_TYPES = ContextTypes(context=BotContext)


def runtime_of(app: Application[Any, Any, Any, Any, Any, Any]) -> Runtime:
    """The runtime of an application (for hooks and tests, which get no context)."""
    return app.bot_data[Runtime.KEY]
