"""Why an LLM call gave no answer: one class per case a person sees, under `JobpicksError`.

Code decides by class (`isinstance(failure, BudgetReached)`, `failure.retry`, `failure.stops`),
never by comparing words; `cause` is the few words the run summary counts postings by ("3
postings not scored (timed out 2, key refused 1)"), and `str(failure)` is one line for a person,
already redacted: a server's own message (which may echo the key it refused) is kept only
after `scrapers.redact.redact`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any, ClassVar

from scrapers.errors import JobpicksError
from scrapers.postings.text import cut
from scrapers.redact import redact

DETAIL_MAX_CHARS = 160
# litellm prefixes a provider's message with its own class names: "litellm.AuthenticationError:
# AuthenticationError: OpenAIException - …". The words after them are the server's.
_PREFIX = re.compile(r"^(?:(?:litellm\.)?\w+(?:Error|Exception|Timeout)\s*[:-]\s*)+")


class LLMFailure(JobpicksError):
    """A model call that gave no answer (the base class is also the case nobody foresaw)."""

    cause: ClassVar[str] = "LLM error"  # a few words; the run summary counts by them
    retry: ClassVar[bool] = False  # worth asking again (by the client's retry policy)
    stops: ClassVar[bool] = False  # every further call of the same run would fail the same way
    hint: ClassVar[str] = ""  # what to change, for the run summary and doctor

    def __init__(
        self, detail: str = "", *, status: int | None = None, retry_after: float | None = None
    ) -> None:
        self.detail = detail
        self.status = status
        self.retry_after = retry_after
        super().__init__(self.line())

    def line(self) -> str:
        """One line: the cause, the HTTP status, the server's words (redacted, cut)."""
        text = self.cause + (f" (HTTP {self.status})" if self.status else "")
        return f"{text}: {self.detail}" if self.detail else text


class AuthFailed(LLMFailure):
    cause = "key refused"
    stops = True
    hint = "check LLM_API_KEY (and LLM_API_BASE)"


class ModelNotFound(LLMFailure):
    cause = "model not found"
    stops = True
    hint = "check LLM_MODEL and LLM_API_BASE"


class RateLimited(LLMFailure):
    cause = "rate limited"
    retry = True


class LLMTimeout(LLMFailure):
    cause = "timed out"
    retry = True


class Unreachable(LLMFailure):
    cause = "server unreachable"
    retry = True
    hint = "check LLM_API_BASE and that the server is running"


class ServerError(LLMFailure):
    cause = "server error"
    retry = True


class RequestRejected(LLMFailure):
    """A 4xx other than the ones above: this request, as sent, will not be answered."""

    cause = "request rejected"


class BadAnswer(LLMFailure):
    """The model answered, twice, with nothing usable (not JSON, scores out of range)."""

    cause = "unreadable answer"


class BudgetReached(LLMFailure):
    """The daily budget in dollars is spent: no call was made."""

    cause = "daily budget reached"


class TokenBudgetReached(BudgetReached):
    """The daily token budget is spent: no call was made (whatever the price)."""

    cause = "daily token budget reached"


def classify(exc: BaseException, lit: Any, secrets: Iterable[str | None] = ()) -> LLMFailure:
    """The failure for an exception from a litellm call (`lit` is the litellm module, for its
    exception classes). The server's message is redacted of `secrets` before it is kept."""
    if isinstance(exc, LLMFailure):
        return exc
    detail = server_words(exc, secrets)
    status = getattr(exc, "status_code", None)
    status = status if isinstance(status, int) else None
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | lit.Timeout):
        return LLMTimeout(detail)
    if isinstance(exc, lit.APIConnectionError) or "connection error" in str(exc).lower():
        return Unreachable(detail)
    if status == 429 or isinstance(exc, lit.RateLimitError):
        return RateLimited(detail, status=429, retry_after=_retry_after(exc))
    if status in (401, 403) or isinstance(exc, lit.AuthenticationError):
        return AuthFailed(detail, status=status)
    if status == 404 or isinstance(exc, lit.NotFoundError):
        return ModelNotFound(detail, status=status)
    if status is not None and status >= 500:
        return ServerError(detail, status=status)
    if status is not None and status >= 400:
        return RequestRejected(detail, status=status)
    return LLMFailure(f"{type(exc).__name__}: {detail}" if detail else type(exc).__name__)


def server_words(exc: BaseException, secrets: Iterable[str | None] = ()) -> str:
    """What the server said, as one redacted line of at most `DETAIL_MAX_CHARS` (redacted
    before it is cut, so a cut can never leave half a key unmatched)."""
    text = " ".join(str(exc).split())
    text = _PREFIX.sub("", text).strip()
    return cut(redact(text, secrets), DETAIL_MAX_CHARS)


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        headers = getattr(getattr(exc, "response", None), "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff
