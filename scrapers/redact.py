"""One redaction for every message shown or logged: no secret leaves in an error's text.

A server may echo what it was sent: a Telegram endpoint or proxy the request path (which holds
the bot token), an LLM gateway the key of a request it refused. So every message a person sees
(doctor's lines, the run summary, a chat message) and every log record goes through `redact`
with the secrets the caller knows (the configured key, the token). Text shaped like a secret,
whoever's it is (a bearer credential, an `sk-…` key, a bot token), is masked too: with no
LLM_API_KEY set, litellm sends the provider's own variable, which we never see.

It lives at the bottom layer so that scrapers, scoring and the bot all share it.
"""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

REDACTED = "<redacted>"
# Shorter "keys" are placeholders ("none", "dummy"), not secrets: masking them would garble
# every message that happens to contain the word.
MIN_SECRET_CHARS = 8
# A run of this many characters of a known secret is masked even when the rest is missing (a
# server that echoes a truncated key).
FRAGMENT_CHARS = 12

_SHAPES = re.compile(
    r"(?P<bearer>\b[Bb]earer\s+)[A-Za-z0-9._~+/=-]{8,}"  # an Authorization header, echoed
    r"|\bsk-[A-Za-z0-9_-]{16,}"  # OpenAI (sk-, sk-proj-), Anthropic (sk-ant-), DeepSeek, …
    r"|\bAIza[0-9A-Za-z_-]{30,}"  # Google
    r"|\b(?:gsk|xai|hf)[-_][A-Za-z0-9]{20,}"  # Groq, xAI, Hugging Face
    r"|(?<![0-9])\d{6,12}:[A-Za-z0-9_-]{30,}"  # a Telegram bot token (also inside a path)
)


def redact(text: str, secrets: Iterable[str | None] = ()) -> str:
    """`text` with every known secret (as is, or URL-encoded), any run of `FRAGMENT_CHARS` of
    one, and anything shaped like a credential replaced by `REDACTED`."""
    known = sorted({s for s in secrets if s and len(s) >= MIN_SECRET_CHARS}, key=len, reverse=True)
    for secret in known:
        for form in {secret, quote(secret, safe="")}:
            text = text.replace(form, REDACTED)
    # Whole secrets first: a fragment one shares with another would otherwise cut that one
    # in two before it is found, leaving its ends in the text.
    for secret in known:
        text = _mask_fragments(text, secret)
    return _SHAPES.sub(lambda m: (m.group("bearer") or "") + REDACTED, text)


def _mask_fragments(text: str, secret: str) -> str:
    """Mask every run of at least `FRAGMENT_CHARS` characters that also occurs in `secret`."""
    if len(secret) < FRAGMENT_CHARS or len(text) < FRAGMENT_CHARS:
        return text
    grams = {secret[i : i + FRAGMENT_CHARS] for i in range(len(secret) - FRAGMENT_CHARS + 1)}
    i = 0
    while i <= len(text) - FRAGMENT_CHARS:
        if text[i : i + FRAGMENT_CHARS] in grams:
            end = i + FRAGMENT_CHARS
            while end < len(text) and text[i : end + 1] in secret:
                end += 1
            text = text[:i] + REDACTED + text[end:]
            i += len(REDACTED)
        else:
            i += 1
    return text


# -- logs ---------------------------------------------------------------------------------------
class _LogSecrets:
    """The secrets every log record is cleaned of. One per process, because logging is: one
    record factory for the whole process, installed once, that every secret joins."""

    def __init__(self) -> None:
        # Replaced, never changed in place: a thread logging while another adds a secret reads
        # one whole set or the other.
        self.secrets: frozenset[str] = frozenset()
        self.installed = False

    def add(self, secret: str | None) -> None:
        if not self.installed:
            self.installed = True
            self._install()
        if secret and len(secret) >= MIN_SECRET_CHARS:
            self.secrets = self.secrets | {secret}

    def _install(self) -> None:
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            secrets = self.secrets
            try:
                message = record.getMessage()
            except Exception:  # a bad format string: leave it to the handler to report
                return record
            clean = redact(message, secrets)
            if clean != message:
                record.msg, record.args = clean, ()
            if record.exc_info and record.exc_info[1] is not None:
                text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
                clean = redact(text, secrets)
                if clean != text:
                    record.exc_text = clean
            return record

        logging.setLogRecordFactory(factory)


_LOGS = _LogSecrets()


def redact_logs(secret: str | None = None) -> None:
    """From now on, mask `secret` (and anything shaped like a credential) in every log record's
    message and traceback, whoever logs it (litellm, httpx, python-telegram-bot, our code)."""
    _LOGS.add(secret)
