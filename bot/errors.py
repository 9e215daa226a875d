"""Errors that stop the program with one clear line (exit code 2)."""


class ConfigError(Exception):
    """A missing or malformed setting or config file; the message names it."""


def not_utf8(exc: UnicodeDecodeError) -> str:
    """How a one-line error ends for a file that is not UTF-8 text (the config, `.env`)."""
    bad = exc.object[exc.start : exc.start + 1].hex()
    return f"is not UTF-8 text (byte 0x{bad} at offset {exc.start}); save it as UTF-8"
