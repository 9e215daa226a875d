"""The LLM scorer: one litellm call per posting, validated, paced, retried where it helps.

litellm is imported lazily (it costs seconds and hundreds of MB) and only when a call is made.
Its own retries are off so the request counts we report are the requests really made; our
retries (429 with Retry-After, one retry on 5xx/connection errors, one on an invalid answer)
are explicit. A failure is reported with a cause, never turned into a score.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from scoring.models import Score, Spend
from scoring.options import LLMSettings, ScoringConfig
from scoring.prompt import build_messages
from scoring.text import plain_line
from scrapers.models import Posting
from scrapers.text import cut

log = logging.getLogger(__name__)

TEXT_MAX_CHARS = 200
RATE_LIMIT_ATTEMPTS = 4  # a 429 is retried up to 3 times
ERROR_ATTEMPTS = 2  # a 5xx or connection error is retried once
RETRY_BASE_SECONDS = 1.0  # backoff when the server gives no Retry-After (doubles each time)
RETRY_MAX_SECONDS = 60.0
CORRECTION = (
    "That reply was not the JSON object asked for. Reply with only "
    '{"reason": "<one line>", "score": <integer 0-100>, "summary": "<one line>"}.'
)


class JobScore(BaseModel):
    """The answer schema sent as `response_format` to models that support it."""

    model_config = ConfigDict(extra="forbid")

    reason: str
    score: int
    summary: str


class Answer(BaseModel):
    """What we accept back: lenient on form (85.0, "85", extra keys), strict on content."""

    reason: str
    score: int
    summary: str

    @field_validator("score", mode="before")
    @classmethod
    def _number(cls, v: Any) -> int:
        # null, lists and objects must fail validation here, not escape as TypeError.
        if isinstance(v, bool) or not isinstance(v, int | float | str):
            raise ValueError("score is not a number")
        if isinstance(v, str):
            v = v.strip().removesuffix("/100").strip()
        number = float(v)
        if not math.isfinite(number):  # NaN, Infinity, 1e999: round() would raise
            raise ValueError("score is not a number")
        return max(0, min(100, round(number)))  # clamp: 140 -> 100

    @field_validator("reason", "summary", mode="before")
    @classmethod
    def _line(cls, v: Any) -> str:
        if not isinstance(v, str):
            raise ValueError("not text")
        text = clean_text(v)
        if not text:
            raise ValueError("empty")
        return text


_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


def clean_text(text: str, limit: int = TEXT_MAX_CHARS) -> str:
    """One plain line: markup stripped, whitespace collapsed, length capped."""
    return cut(plain_line(text), limit)


def parse_answer(content: str) -> Answer:
    """The model's reply as a validated Answer; ValueError when it is not one."""
    text = content.strip()
    fence = _FENCE.search(text)
    if fence:
        text = fence.group(1).strip()
    if not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end < start:
            raise ValueError("no JSON object in the reply")
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise ValueError("JSON is not an object")
    data = {str(k).lower(): v for k, v in data.items()}
    try:
        return Answer.model_validate(data)
    except ValidationError as e:
        raise ValueError(f"wrong shape: {e.error_count()} errors") from None


_litellm_mod: Any = None


def load_litellm() -> Any:
    """Import litellm on first use, offline and quiet."""
    global _litellm_mod
    if _litellm_mod is None:
        # Without this litellm fetches a price map from the internet at import, and retries
        # for seconds when offline.
        os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        import litellm

        litellm.suppress_debug_info = True
        litellm.telemetry = False
        for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx"):
            logging.getLogger(name).setLevel(logging.WARNING)
        _litellm_mod = litellm
    return _litellm_mod


class LLMFailure(Exception):
    """A posting could not be scored; `cause` is a short tag for the run summary."""

    def __init__(self, cause: str, *, fatal: bool = False, retry_after: float | None = None):
        super().__init__(cause)
        self.cause = cause
        self.fatal = fatal  # every further call would fail the same way (bad key, no model)
        self.retry_after = retry_after


@dataclass
class Outcome:
    """One posting's LLM result: a score or a failure cause."""

    score: Score | None = None
    cause: str | None = None
    spend: Spend = field(default_factory=Spend)


def _classify(exc: BaseException) -> LLMFailure:
    """Turn a litellm/openai exception into a cause tag."""
    if isinstance(exc, LLMFailure):
        return exc
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return LLMFailure("timeout")
    lit = load_litellm()
    if isinstance(exc, lit.Timeout):
        return LLMFailure("timeout")
    status = getattr(exc, "status_code", None)
    if "connection error" in str(exc).lower() or isinstance(exc, lit.APIConnectionError):
        return LLMFailure("connection")
    if status == 429:
        return LLMFailure("rate-limited", retry_after=_retry_after(exc))
    if status in (401, 403):
        return LLMFailure("auth", fatal=True)
    if status == 404:
        return LLMFailure("http-404", fatal=True)
    if isinstance(status, int):
        return LLMFailure(f"http-{status}")
    return LLMFailure(f"error-{type(exc).__name__}")


def _retry_after(exc: BaseException) -> float | None:
    headers = getattr(exc, "litellm_response_headers", None)
    if headers is None:
        resp = getattr(exc, "response", None)
        headers = getattr(resp, "headers", None)
    if not headers:
        return None
    value = headers.get("retry-after") or headers.get("Retry-After")
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None  # an HTTP date: fall back to our own backoff


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, LLMFailure) and (
        exc.cause in ("rate-limited", "connection") or exc.cause.startswith("http-5")
    )


def _stop(state: RetryCallState) -> bool:
    exc = state.outcome.exception() if state.outcome else None
    limit = (
        RATE_LIMIT_ATTEMPTS
        if isinstance(exc, LLMFailure) and exc.cause == "rate-limited"
        else ERROR_ATTEMPTS
    )
    return state.attempt_number >= limit


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, LLMFailure) and exc.retry_after is not None:
        return min(exc.retry_after, RETRY_MAX_SECONDS)
    return min(RETRY_BASE_SECONDS * 2 ** (state.attempt_number - 1), RETRY_MAX_SECONDS)


def _usage(resp: Any) -> Spend:
    usage = getattr(resp, "usage", None)
    spend = Spend()
    if usage is not None:
        spend.tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        spend.tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        details = getattr(usage, "prompt_tokens_details", None)
        spend.cached_tokens = int(getattr(details, "cached_tokens", 0) or 0) if details else 0
    hidden = getattr(resp, "_hidden_params", None) or {}
    cost = hidden.get("response_cost")
    # litellm prices each response itself; None there means the model has no price, and
    # asking again costs milliseconds per call for the same answer.
    if cost is None and "response_cost" not in hidden:
        try:
            cost = load_litellm().completion_cost(completion_response=resp)
        except Exception:  # an unknown or local model has no price: tokens still count
            cost = 0.0
    spend.cost_usd = float(cost or 0.0)
    return spend


class LLMScorer:
    """Scores postings one call each, within a concurrency limit and a requests-per-minute pace.

    One instance per run: it holds the static prefix, the limits, the running spend and the
    budget. `score` never raises for a failed call; it returns an Outcome with a cause."""

    def __init__(
        self,
        settings: LLMSettings,
        options: ScoringConfig,
        prefix: str,
        profile_version: int,
        *,
        spent_before_usd: float = 0.0,
    ) -> None:
        self.settings = settings
        self.options = options
        self.prefix = prefix
        self.profile_version = profile_version
        self.semaphore = asyncio.Semaphore(options.concurrency)
        self.limiter = AsyncLimiter(options.requests_per_minute, 60)
        self.spend = Spend()
        self.spent_before_usd = spent_before_usd
        self.use_schema = True  # dropped for the run if the server rejects response_format
        self.fatal: LLMFailure | None = None

    def budget_reached(self) -> bool:
        budget = self.options.daily_budget_usd
        return budget > 0 and self.spent_before_usd + self.spend.cost_usd >= budget

    async def score(self, posting: Posting) -> Outcome:
        async with self.semaphore:
            if self.fatal is not None:
                return Outcome(cause=self.fatal.cause)
            if self.budget_reached():
                return Outcome(cause="budget")
            messages = build_messages(self.prefix, posting)
            outcome = Outcome()
            try:
                for attempt in (1, 2):  # one retry on an invalid answer
                    content = await self._complete(messages, outcome.spend)
                    try:
                        answer = parse_answer(content)
                    except ValueError as e:
                        log.info("invalid LLM answer for %s (try %d): %s", posting.key, attempt, e)
                        messages = [
                            *messages,
                            {"role": "assistant", "content": content[:2000]},
                            {"role": "user", "content": CORRECTION},
                        ]
                        continue
                    outcome.score = Score(
                        posting_key=posting.key,
                        score=answer.score,
                        reason=answer.reason,
                        summary=answer.summary,
                        scorer=self.settings.model,
                        profile_version=self.profile_version,
                    )
                    return outcome
                outcome.cause = "invalid-json"
            except LLMFailure as failure:
                if failure.fatal and self.fatal is None:
                    self.fatal = failure
                outcome.cause = failure.cause
            except Exception as exc:  # a surprise in one answer must not sink the whole batch
                log.exception("scoring %s failed unexpectedly", posting.key)
                outcome.cause = f"error-{type(exc).__name__}"
            return outcome

    async def _complete(self, messages: list[dict[str, str]], spend: Spend) -> str:
        """One answer's text; paces, retries 429/5xx, counts every request in `spend`."""
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable), stop=_stop, wait=_wait, reraise=True
        )
        async for attempt in retrying:
            with attempt:
                resp = await self._request(messages, spend)
        content = resp.choices[0].message.content if resp.choices else None
        return content if isinstance(content, str) else ""

    async def _request(self, messages: list[dict[str, str]], spend: Spend) -> Any:
        lit = load_litellm()
        s = self.settings
        kwargs: dict[str, Any] = {
            **s.connection(),
            "messages": messages,
            "timeout": self.options.timeout_seconds,
            "temperature": 0,
            "max_retries": 0,  # the OpenAI client's own retries: off, we count and retry
            "num_retries": 0,
            "drop_params": True,  # a model without temperature/response_format still answers
        }
        if self.use_schema:
            kwargs["response_format"] = JobScore
        await self.limiter.acquire()
        spend.calls += 1
        call = spend.calls
        try:
            # A guard above litellm's own timeout, for a server that trickles bytes forever.
            async with asyncio.timeout(self.options.timeout_seconds + 5):
                resp = await lit.acompletion(**kwargs)
        except Exception as exc:
            failure = _classify(exc)
            if failure.cause == "http-400" and self.use_schema:
                # Some servers reject a JSON schema; ask again without it (and stop asking).
                log.info("LLM rejected response_format; retrying without a schema")
                self.use_schema = False
                return await self._request(messages, spend)
            log.info("LLM call failed (%s, request %d)", failure.cause, call)
            self.spend.calls += 1
            raise failure from None
        got = _usage(resp)
        spend.tokens_in += got.tokens_in
        spend.tokens_out += got.tokens_out
        spend.cached_tokens += got.cached_tokens
        spend.cost_usd += got.cost_usd
        got.calls = 1
        self.spend.add(got)  # the run total the budget check reads
        return resp
