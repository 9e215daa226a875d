"""Keep the bot token out of every log line.

httpx logs request URLs at INFO and python-telegram-bot logs its API URL at DEBUG; both
contain the token. Those loggers are raised to a safe level, and every log record is
redacted as it is created, as a second line of defence (e.g. an exception text).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any

REDACTED = "<token>"
_installed: set[str] = set()


def quiet_loggers() -> None:
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        # At DEBUG these print "Set Bot API URL: …/bot<token>".
        if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)


def redact_token(token: str | None) -> None:
    """Replace `token` by <token> in every log record from now on (idempotent)."""
    if not token or token in _installed:
        return
    _installed.add(token)
    previous = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return record
        if token in message:
            record.msg, record.args = message.replace(token, REDACTED), ()
        if record.exc_info and record.exc_info[1] is not None:
            text = "".join(traceback.format_exception(*record.exc_info))
            if token in text:
                record.exc_text = text.replace(token, REDACTED).rstrip("\n")
        return record

    logging.setLogRecordFactory(factory)
