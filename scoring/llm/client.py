"""The one LLM client: every call (scoring, triage, learning proposals, doctor's probe) goes
through `LLMClient`.

The client holds only what is the process's: the model settings, the litellm loader, one
concurrency limit, one requests-per-minute pace, one retry policy, and what it learned about
the server (that it rejects JSON schemas). What belongs to one operation — a run, a dry run, a
learning proposal — travels with each call as a `Caller`: the ledger it books its spend in and
whose budget it must stay within, the callback that gets its progress lines, and the failure
that stopped it. Two operations in flight share the limits and nothing else. (A budget per
person is a ledger per person; an operator's total across people would be one more ledger the
client checks for every caller.)

What goes on the wire depends on the provider family:
- Anthropic's Claude caches only blocks marked `cache_control`: the static prefix (the system
  message) is sent as a content block carrying that marker.
- OpenAI, Gemini, DeepSeek cache an identical prefix by themselves from 1,024 tokens: the
  prefix is byte-identical across calls and comes first; scoring several postings per call
  pays for it once per batch.
- Ollama (and any server on localhost) computes one request at a time: one in flight by
  default, the timeout counts from when our request is sent, a timeout is retried once,
  `num_ctx` is set to fit the prompt, and a slow answer prints a progress line.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiolimiter import AsyncLimiter
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from scoring.llm.failures import LLMFailure, LLMTimeout, RateLimited, RequestRejected, classify
from scoring.llm.loader import LiteLLM
from scoring.models import Ledger, Spend
from scoring.options import LLMSettings, ScoringConfig
from scrapers.redact import redact_logs

log = logging.getLogger(__name__)

RATE_LIMIT_ATTEMPTS = 4  # a 429 is retried up to 3 times
ERROR_ATTEMPTS = 2  # a 5xx, a connection error or a timeout is retried once
RETRY_BASE_SECONDS = 1.0  # backoff when the server gives no Retry-After (doubles each time)
RETRY_MAX_SECONDS = 60.0
SLOW_NOTICE_SECONDS = 10.0  # a request still unanswered after this gets a progress line
NUM_CTX_STEP = 1024
# The guard around litellm's own timeout, for a server that trickles bytes forever.
TIMEOUT_GUARD_SECONDS = 2.0

Notice = Callable[[str], None]
Messages = list[dict[str, Any]]


@dataclass
class Caller:
    """One operation's use of the shared client: a run, a dry run, a learning proposal.

    `ledger` books what it spends and holds the budget it must stay within; `notice` gets its
    one-line news (a slow model's progress); `stopped` is the failure (a refused key, an
    unknown model) that ends its further calls at once. All three are this caller's alone: a
    proposal in flight neither sees nor clears a run's."""

    ledger: Ledger = field(default_factory=Ledger)
    notice: Notice | None = None
    stopped: LLMFailure | None = None

    def say(self, line: str) -> None:
        if self.notice is not None:
            self.notice(line)


# -- the retry policy ----------------------------------------------------------------------------
def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, LLMFailure) and exc.retry


def _stop(state: RetryCallState) -> bool:
    exc = state.outcome.exception() if state.outcome else None
    limit = RATE_LIMIT_ATTEMPTS if isinstance(exc, RateLimited) else ERROR_ATTEMPTS
    return state.attempt_number >= limit


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    if isinstance(exc, LLMFailure) and exc.retry_after is not None:
        return min(exc.retry_after, RETRY_MAX_SECONDS)
    if isinstance(exc, LLMTimeout):
        return 0.0  # the server was slow, not refusing: ask again at once
    return min(RETRY_BASE_SECONDS * 2 ** (state.attempt_number - 1), RETRY_MAX_SECONDS)


# -- prices --------------------------------------------------------------------------------------
def litellm_price(lit: Any, model: str) -> tuple[float, float] | None:
    """litellm's (input, output) dollars per token for `model`, or None when it has none."""
    try:
        info = lit.get_model_info(model=model)
    except Exception:  # noqa: BLE001 — litellm raises a bare Exception for an unknown model
        return None
    cost_in, cost_out = info.get("input_cost_per_token"), info.get("output_cost_per_token")
    if cost_in is None and cost_out is None:
        return None
    return float(cost_in or 0.0), float(cost_out or 0.0)


def unpriced_note(llm: LLMSettings, options: ScoringConfig, lit: Any) -> str | None:
    """One line when the model's spend cannot be priced (so a dollar budget cannot stop it),
    else None. A local model costs nothing and needs no price."""
    if llm.is_free or options.input_cost_per_million is not None:
        return None
    if litellm_price(lit, llm.model) is not None:
        return None
    tokens = (
        f"the daily token budget ({options.daily_token_budget:,} tokens) still applies"
        if options.daily_token_budget
        else "and no daily_token_budget is set: nothing limits its spend"
    )
    return (
        f"litellm has no price for {llm.model}: its cost shows as $0 and daily_budget_usd "
        f"cannot stop it; {tokens}. Set [scoring] input_cost_per_million and "
        "output_cost_per_million to count its cost."
    )


# -- the client ----------------------------------------------------------------------------------
class LLMClient:
    """Calls the configured model within one concurrency limit, one requests-per-minute pace
    and one retry policy, each call within its caller's budget and booked in its caller's
    ledger. Build one per process (`AppContext.llm_client`); scoring, triage and proposals
    share it, so their calls share the limits. `litellm` is the loader it imports litellm
    with (one per process, so the import happens once)."""

    def __init__(
        self, settings: LLMSettings, options: ScoringConfig, *, litellm: LiteLLM | None = None
    ) -> None:
        self.settings = settings
        self.options = options
        self.litellm = litellm or LiteLLM()
        # Whoever logs an error about these calls (litellm, httpx, we), the key is masked.
        redact_logs(settings.api_key)
        self.concurrency = options.concurrency_for(settings)
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self._limiter = AsyncLimiter(options.requests_per_minute, 60)
        self._use_schema = True  # dropped for the client's life if the server rejects it
        self._price: tuple[float, float] | None | bool = False  # False = not looked up yet

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no message about this client's calls may show (for `scrapers.redact`)."""
        return (self.settings.api_key,) if self.settings.api_key else ()

    # -- public ------------------------------------------------------------------------------
    async def complete(
        self,
        messages: Messages,
        *,
        purpose: str,
        caller: Caller,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 512,
    ) -> str:
        """The model's answer text. Paces, retries (429 honouring Retry-After up to 3 times;
        5xx, connection errors and timeouts once), stops for the caller's budget, and books
        each request under `purpose` in the caller's ledger. Raises an `LLMFailure` subclass;
        one that `stops` (a refused key) also ends the caller's later calls at once."""
        if caller.stopped is not None:
            raise caller.stopped
        lit = await self.litellm.module()
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable), stop=_stop, wait=_wait, reraise=True
        )
        async for attempt in retrying:
            with attempt:
                resp = await self._attempt(lit, messages, purpose, caller, schema, max_tokens)
        content = resp.choices[0].message.content if resp.choices else None
        return content if isinstance(content, str) else ""

    async def probe(self, seconds: float) -> None:
        """One tiny request, no retry, no ledger: does the model answer within `seconds`?
        (`jobpicks doctor`) Raises an `LLMFailure` subclass saying why not."""
        lit = await self.litellm.module()
        kwargs = {
            **self.request_kwargs(lit, [{"role": "user", "content": "Reply with OK."}], None, 2),
            "timeout": seconds,
        }
        try:
            async with asyncio.timeout(seconds + TIMEOUT_GUARD_SECONDS):
                await lit.acompletion(**kwargs)
        except Exception as exc:
            raise classify(exc, lit, self.secrets) from None

    async def counter(self) -> Callable[[str], int]:
        """Tokens of a text by litellm's counter for this model (after litellm is loaded)."""
        lit = await self.litellm.module()
        model = self.settings.model
        return lambda text: int(lit.token_counter(model=model, text=text)) if text else 0

    async def price_note(self) -> str | None:
        """One line when litellm has no price for this model (so only the token budget can
        stop it), else None. Loads litellm if it is not yet."""
        return unpriced_note(self.settings, self.options, await self.litellm.module())

    # -- one request -------------------------------------------------------------------------
    async def _attempt(
        self,
        lit: Any,
        messages: Messages,
        purpose: str,
        caller: Caller,
        schema: type[BaseModel] | None,
        max_tokens: int,
    ) -> Any:
        async with self._semaphore:
            if caller.stopped is not None:
                raise caller.stopped
            over = caller.ledger.exhausted()
            if over is not None:
                raise over
            await self._limiter.acquire()
            kwargs = self.request_kwargs(lit, messages, schema, max_tokens)
            try:
                return await self._send(lit, kwargs, purpose, caller)
            except RequestRejected as failure:
                if failure.status != 400 or "response_format" not in kwargs:
                    raise
                # Some servers reject a JSON schema: ask again without one (and stop asking
                # for the client's life: it is the server's way, not this request's).
                log.info("LLM rejected response_format; asking again without a schema")
                self._use_schema = False
                kwargs.pop("response_format")
                return await self._send(lit, kwargs, purpose, caller)

    async def _send(self, lit: Any, kwargs: dict[str, Any], purpose: str, caller: Caller) -> Any:
        spend = Spend(calls=1)
        watcher = asyncio.create_task(self._watch(time.monotonic(), purpose, caller))
        try:
            # The timeout starts here, when the request is sent (not while it waited for our
            # own limits).
            async with asyncio.timeout(self.options.timeout_seconds + TIMEOUT_GUARD_SECONDS):
                resp = await lit.acompletion(**kwargs)
        except Exception as exc:
            caller.ledger.record(purpose, spend)
            failure = classify(exc, lit, self.secrets)
            if failure.stops and caller.stopped is None:
                caller.stopped = failure
            log.info("LLM call failed (%s): %s", purpose, failure)
            raise failure from None
        finally:
            watcher.cancel()
        spend.add(self._usage(lit, resp))
        spend.calls = 1
        caller.ledger.record(purpose, spend)
        return resp

    def request_kwargs(
        self,
        lit: Any,
        messages: Messages,
        schema: type[BaseModel] | None,
        max_tokens: int,
    ) -> dict[str, Any]:
        """The keyword arguments of one `litellm.acompletion` call for this provider."""
        s = self.settings
        kwargs: dict[str, Any] = {
            **s.connection(),
            "messages": self._mark_prefix(messages),
            "timeout": self.options.timeout_seconds,
            "temperature": 0,
            "max_tokens": max_tokens,
            "max_retries": 0,  # the OpenAI client's own retries: off, we count and retry
            "num_retries": 0,
            "drop_params": True,  # a model without temperature/response_format still answers
        }
        if schema is not None and self._use_schema:
            kwargs["response_format"] = schema
        if s.is_ollama:
            # Ollama's default context window is small and silently truncates the prompt's
            # start, which is the rubric: ask for a window that holds prompt and answer.
            need = lit.token_counter(model=s.model, messages=_flat(messages)) + max_tokens
            kwargs["num_ctx"] = NUM_CTX_STEP * math.ceil(need * 1.25 / NUM_CTX_STEP)
        return kwargs

    def _mark_prefix(self, messages: Messages) -> Messages:
        """For providers that cache only marked blocks, send the system message (the static
        prefix) as one text block carrying `cache_control`."""
        if not self.settings.marks_cache:
            return messages
        out = []
        for m in messages:
            if m.get("role") == "system" and isinstance(m.get("content"), str):
                block = {
                    "type": "text",
                    "text": m["content"],
                    "cache_control": {"type": "ephemeral"},
                }
                out.append({**m, "content": [block]})
            else:
                out.append(m)
        return out

    async def _watch(self, started: float, purpose: str, caller: Caller) -> None:
        """A progress line every SLOW_NOTICE_SECONDS while one request is unanswered: to the
        log and to the caller whose request it is."""
        while True:
            await asyncio.sleep(SLOW_NOTICE_SECONDS)
            waited = time.monotonic() - started
            line = f"waiting for {self.settings.model} ({purpose}): {waited:.0f} s on this request"
            log.info(line)
            caller.say(line)

    # -- money -------------------------------------------------------------------------------
    def _price_per_token(self, lit: Any) -> tuple[float, float] | None:
        """Dollars per (input, output) token: the configured price, else litellm's, else None."""
        o = self.options
        if o.input_cost_per_million is not None or o.output_cost_per_million is not None:
            return (
                (o.input_cost_per_million or 0.0) / 1e6,
                (o.output_cost_per_million or 0.0) / 1e6,
            )
        if self._price is False:
            self._price = (
                None if self.settings.is_local else litellm_price(lit, self.settings.model)
            )
        return self._price  # type: ignore[return-value]

    def _usage(self, lit: Any, resp: Any) -> Spend:
        usage = getattr(resp, "usage", None)
        spend = Spend()
        if usage is not None:
            spend.tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
            spend.tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
            details = getattr(usage, "prompt_tokens_details", None)
            spend.cached_tokens = int(getattr(details, "cached_tokens", 0) or 0) if details else 0
        o = self.options
        if o.input_cost_per_million is not None or o.output_cost_per_million is not None:
            cost_in, cost_out = self._price_per_token(lit) or (0.0, 0.0)
            spend.cost_usd = spend.tokens_in * cost_in + spend.tokens_out * cost_out
            return spend
        hidden = getattr(resp, "_hidden_params", None) or {}
        cost = hidden.get("response_cost")
        if cost is None and self._price_per_token(lit) is not None:
            try:
                cost = lit.completion_cost(completion_response=resp)
            except Exception:  # noqa: BLE001 — tokens still count against the token budget
                cost = 0.0
        spend.cost_usd = float(cost or 0.0)
        return spend


def _flat(messages: Messages) -> list[dict[str, Any]]:
    """Messages with string content (for the token counter)."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        out.append({"role": m.get("role", "user"), "content": content or ""})
    return out
