"""What the handlers, jobs and lifecycle hooks share while the bot runs, and the typed
context that hands it to them (``context.runtime`` instead of ``bot_data["runtime"]``)."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

from bot.context import AppContext
from bot.services import people
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
    clock_watch: asyncio.Task[None] | None = None  # see bot.telegram.schedule.watch_the_clock
    # Chats whose morning job fired and whose morning has not been started yet: the jobs that
    # fire together start together, in one round (bot.telegram.schedule).
    fired: dict[int, None] = field(default_factory=dict)

    KEY = "runtime"

    def allowed(self, chat_id: int) -> bool:
        """Whether this chat's person is served (TELEGRAM_CHAT_IDS, or admitted otherwise)."""
        return people.is_served(self.ctx, chat_id)

    def person(self, chat_id: int) -> AppContext:
        """The context of the person of this chat (a chat is a person): services called
        with it read and change only that person's data."""
        return self.ctx.for_person(chat_id)

    def ctx_of(self, update: Update) -> AppContext:
        """The context of the person an update comes from (its chat)."""
        assert update.effective_chat is not None
        return self.person(update.effective_chat.id)

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
