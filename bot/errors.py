"""Errors that stop the program with one clear line (exit code 2)."""


class ConfigError(Exception):
    """A missing or malformed setting or config file; the message names it."""
