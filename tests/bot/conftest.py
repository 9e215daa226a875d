"""Fixtures shared by tests/bot."""

from tests.bot.telegram_support import fake  # noqa: F401  (the fake Telegram Bot API)
