"""The one factory of `Bot` objects: the bot (`jobpicks bot`) and one-off delivery
(`jobpicks run`) talk to Telegram through the same configuration."""

from __future__ import annotations

from typing import Any

from telegram.ext import ExtBot

from bot.settings import Settings
from bot.telegram.logsafe import quiet_loggers, redact_token


def make_bot(settings: Settings) -> ExtBot[Any]:
    """A Bot for the configured API base. No rate limiter of PTB's: every message goes
    through the Courier's `Outbox`, which paces per chat and bot-wide with answers first (a
    FIFO limiter under it would queue answers behind the morning again)."""
    token = settings.token
    if not token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    quiet_loggers()
    redact_token(token)
    return ExtBot(
        token,
        base_url=settings.telegram_api_base,
        base_file_url=file_base_url(settings.telegram_api_base),  # issue 19: CV downloads
    )


def file_base_url(api_base: str) -> str:
    """Where the same server serves files: the Bot API's `…/bot<token>/<method>` has its
    files at `…/file/bot<token>/<file_path>` (getFile), on Telegram and a Local Bot API
    Server alike."""
    root, found, _rest = api_base.rstrip("/").rpartition("/bot")
    return f"{root}/file/bot" if found else f"{api_base.rstrip('/')}/file/bot"
