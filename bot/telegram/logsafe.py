"""Keep the bot token out of every log line.

httpx logs request URLs at INFO and python-telegram-bot logs its API URL at DEBUG; both
contain the token. Those loggers are raised to a safe level, and every log record is
redacted as it is created, as a second line of defence (e.g. an exception text).
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from bot.errors import ConfigError
from scrapers.redact import redact_logs

TOKEN_REJECTED = (
    "TELEGRAM_BOT_TOKEN: Telegram rejected the token "
    "(copy it again from @BotFather; check TELEGRAM_API_BASE too)"
)

# python-telegram-bot's own loggers that report, with ERROR and a traceback, faults our code
# already handles: BaseRequest a 5xx page that is not JSON (we retry), the network loop a
# failed getUpdates (it retries).
HANDLED_FAULT_LOGGERS = (
    "telegram.request.BaseRequest",
    "telegram.ext.Updater",
    "telegram.ext",  # the network loop of getUpdates logs under this name
)


class OneLineFaults(logging.Filter):
    """Turn an ERROR-with-traceback from PTB about a handled fault into one WARNING line."""

    def filter(self, record: logging.LogRecord) -> bool:
        from telegram.error import NetworkError, RetryAfter

        exc = record.exc_info[1] if record.exc_info else None
        # RetryAfter, a 5xx or a dropped connection (NetworkError), a 5xx page that is not
        # JSON (ValueError): handled by the caller. Anything else keeps its traceback.
        if record.levelno >= logging.ERROR and isinstance(
            exc, RetryAfter | NetworkError | ValueError
        ):
            why = f"{type(exc).__name__}: {exc}"
            record.msg, record.args = f"{record.getMessage()} ({why})"[:500], ()
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_ONE_LINE = OneLineFaults()


def quiet_loggers() -> None:
    for name in HANDLED_FAULT_LOGGERS:
        logger = logging.getLogger(name)
        if _ONE_LINE not in logger.filters:
            logger.addFilter(_ONE_LINE)
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    for name in ("telegram.Bot", "telegram.ext.ExtBot"):
        # At DEBUG these print "Set Bot API URL: …/bot<token>".
        if logging.getLogger(name).getEffectiveLevel() < logging.INFO:
            logging.getLogger(name).setLevel(logging.INFO)


def redact_token(token: str | None) -> None:
    """Mask `token` in every log record from now on (idempotent): the one redaction of
    `scrapers.redact`, which the LLM key goes through too."""
    redact_logs(token)


@contextlib.contextmanager
def token_errors_named_not_shown() -> Iterator[None]:
    """Turn PTB's InvalidToken into a ConfigError that names the setting, not its value.

    `Bot.initialize()` raises ``InvalidToken("The token `<the token>` was rejected …")``: left
    alone, that traceback prints the token on stderr (the journal, `docker logs`)."""
    from telegram.error import InvalidToken

    try:
        yield
    except InvalidToken:
        raise ConfigError(TOKEN_REJECTED) from None
