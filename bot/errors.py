"""The bot's errors a person sees: a bad setting (exit code 2) or a bad typed input."""

from scrapers.errors import JobpicksError


class ConfigError(JobpicksError):
    """A missing or malformed setting or config file; the message names it."""


class InputError(JobpicksError, ValueError):
    """What a person typed or tapped cannot be used; the message says why and what works."""


def not_utf8(exc: UnicodeDecodeError) -> str:
    """How a one-line error ends for a file that is not UTF-8 text (the config, `.env`)."""
    bad = exc.object[exc.start : exc.start + 1].hex()
    return f"is not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8"
