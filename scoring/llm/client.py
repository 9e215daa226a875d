"""The one LLM client: every call (scoring, triage, learning proposals) goes through here.

One retry policy, one rate limit, one concurrency limit, the daily budget and the spend ledger
live in `LLMClient`. litellm is imported lazily (it costs seconds and hundreds of MB), and off
the event loop: `warm_up()` imports it in a worker thread, and the client awaits that same
import, so a bot answering taps never stalls on it.

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
import concurrent.futures
import logging
import math
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from aiolimiter import AsyncLimiter
from pydantic import BaseModel
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception

from scoring.models import Ledger, Spend
from scoring.options import LLMSettings, ScoringConfig
from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)

RATE_LIMIT_ATTEMPTS = 4  # a 429 is retried up to 3 times
ERROR_ATTEMPTS = 2  # a 5xx, a connection error or a timeout is retried once
RETRY_BASE_SECONDS = 1.0  # backoff when the server gives no Retry-After (doubles each time)
RETRY_MAX_SECONDS = 60.0
SLOW_NOTICE_SECONDS = 10.0  # a request still unanswered after this gets a progress line
NUM_CTX_STEP = 1024

Notice = Callable[[str], None]

# -- litellm, imported once, off the event loop ------------------------------------------------
_litellm_mod: Any = None
_import_lock = threading.Lock()  # held for the whole import
_future_lock = threading.Lock()  # held only to start it: never waits on the import
_import_future: concurrent.futures.Future[Any] | None = None


def load_litellm() -> Any:
    """Import litellm (offline, quiet) and return it. Blocks for seconds the first time: call it
    from a worker thread (`warm_up`, `litellm_async`), never on a serving event loop."""
    global _litellm_mod
    with _import_lock:
        if _litellm_mod is None:
            # Without these litellm fetches a price map (at import) and Anthropic header
            # tables (at first use) from the internet, retrying for seconds when offline.
            os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
            os.environ.setdefault("LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS", "True")
            os.environ.setdefault("LITELLM_OFFLINE_MODE", "true")
            import litellm

            litellm.suppress_debug_info = True
            litellm.telemetry = False
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx"):
                logging.getLogger(name).setLevel(logging.WARNING)
            # The token counter loads its tokenizer on first use: do that here too.
            litellm.token_counter(model="gpt-4o-mini", text="warm up")
            _litellm_mod = litellm
    return _litellm_mod


def _start_import() -> concurrent.futures.Future[Any]:
    global _import_future
    with _future_lock:
        if _import_future is None:
            pool = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="litellm-import")
            _import_future = pool.submit(load_litellm)
            pool.shutdown(wait=False)
    return _import_future


async def litellm_async() -> Any:
    """litellm, imported in a worker thread if it is not yet: the event loop keeps serving."""
    if _litellm_mod is not None:
        return _litellm_mod
    return await asyncio.wrap_future(_start_import())


async def warm_up() -> None:
    """Import litellm in a worker thread now, so the first LLM call does not pay for it.
    Call it at bot start (and wherever a process will need the LLM soon); failures are only
    logged — the first real call reports them."""
    try:
        await litellm_async()
    except Exception as exc:  # noqa: BLE001 — the first call will say what is wrong
        log.warning("could not load litellm: %s", exc)


# -- failures and the retry policy -------------------------------------------------------------
class LLMFailure(JobpicksError):
    """A call that gave no answer; `cause` is a short tag for the run summary."""

    def __init__(self, cause: str, *, fatal: bool = False, retry_after: float | None = None):
        super().__init__(cause)
        self.cause = cause
        self.fatal = fatal  # every further call would fail the same way (bad key, no model)
        self.retry_after = retry_after


def _classify(exc: BaseException, lit: Any) -> LLMFailure:
    """Turn a litellm/openai exception into a cause tag."""
    if isinstance(exc, LLMFailure):
        return exc
    if isinstance(exc, TimeoutError | asyncio.TimeoutError | lit.Timeout):
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
        exc.cause in ("rate-limited", "connection", "timeout") or exc.cause.startswith("http-5")
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
    if isinstance(exc, LLMFailure) and exc.cause == "timeout":
        return 0.0  # the server was slow, not refusing: ask again at once
    return min(RETRY_BASE_SECONDS * 2 ** (state.attempt_number - 1), RETRY_MAX_SECONDS)


# -- prices ------------------------------------------------------------------------------------
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


# -- the client --------------------------------------------------------------------------------
class LLMClient:
    """Calls the configured model within one concurrency limit, one requests-per-minute pace,
    one retry policy and the caller's budget, and books every request in the caller's ledger.

    One instance per process (or per run); scoring, triage and proposals share it, so their
    calls share the limits."""

    def __init__(
        self, settings: LLMSettings, options: ScoringConfig, *, notice: Notice | None = None
    ) -> None:
        self.settings = settings
        self.options = options
        self.notice = notice
        self.concurrency = options.concurrency_for(settings)
        self.semaphore = asyncio.Semaphore(self.concurrency)
        self.limiter = AsyncLimiter(options.requests_per_minute, 60)
        self.use_schema = True  # dropped for the client's life if the server rejects it
        self.fatal: LLMFailure | None = None
        self._price: tuple[float, float] | None | bool = False  # False = not looked up yet
        self._noted_unpriced = False
        self.price_note: str | None = None  # set on first use when the model has no price

    # -- public ------------------------------------------------------------------------------
    async def complete(
        self,
        messages: list[dict[str, Any]],
        *,
        purpose: str,
        ledger: Ledger,
        schema: type[BaseModel] | None = None,
        max_tokens: int = 512,
    ) -> str:
        """The model's answer text. Paces, retries (429 honouring Retry-After up to 3 times;
        5xx, connection errors and timeouts once), stops for the budget, and records each
        request under `purpose` in `ledger`. Raises LLMFailure with a cause."""
        if self.fatal is not None:
            raise self.fatal
        lit = await litellm_async()
        self.note_price(lit)
        retrying = AsyncRetrying(
            retry=retry_if_exception(_retryable), stop=_stop, wait=_wait, reraise=True
        )
        async for attempt in retrying:
            with attempt:
                resp = await self._attempt(lit, messages, purpose, ledger, schema, max_tokens)
        content = resp.choices[0].message.content if resp.choices else None
        return content if isinstance(content, str) else ""

    def count_tokens(self, messages: list[dict[str, Any]]) -> int:
        """Prompt tokens by litellm's counter for this model (needs litellm loaded)."""
        lit = _litellm_mod if _litellm_mod is not None else load_litellm()
        return int(lit.token_counter(model=self.settings.model, messages=_flat(messages)))

    # -- one request -------------------------------------------------------------------------
    async def _attempt(
        self,
        lit: Any,
        messages: list[dict[str, Any]],
        purpose: str,
        ledger: Ledger,
        schema: type[BaseModel] | None,
        max_tokens: int,
    ) -> Any:
        async with self.semaphore:
            if self.fatal is not None:
                raise self.fatal
            why = ledger.exhausted()
            if why:
                raise LLMFailure(why)
            await self.limiter.acquire()
            kwargs = self.request_kwargs(lit, messages, schema, max_tokens)
            spend = Spend(calls=1)
            started = time.monotonic()
            watcher = asyncio.create_task(self._watch(started, purpose))
            try:
                # The timeout starts here, when the request is sent; the guard is a little
                # longer than litellm's own, for a server that trickles bytes forever.
                async with asyncio.timeout(self.options.timeout_seconds + 2):
                    resp = await lit.acompletion(**kwargs)
            except Exception as exc:
                ledger.record(purpose, spend)
                failure = _classify(exc, lit)
                if failure.cause == "http-400" and "response_format" in kwargs:
                    # Some servers reject a JSON schema: ask again without one (and stop
                    # asking for the client's life).
                    log.info("LLM rejected response_format; asking again without a schema")
                    self.use_schema = False
                    return await self._resend(lit, messages, purpose, ledger, max_tokens)
                if failure.fatal and self.fatal is None:
                    self.fatal = failure
                log.info("LLM call failed (%s, %s)", failure.cause, purpose)
                raise failure from None
            finally:
                watcher.cancel()
            spend.add(self._usage(lit, resp))
            spend.calls = 1
            ledger.record(purpose, spend)
            return resp

    async def _resend(
        self,
        lit: Any,
        messages: list[dict[str, Any]],
        purpose: str,
        ledger: Ledger,
        max_tokens: int,
    ) -> Any:
        kwargs = self.request_kwargs(lit, messages, None, max_tokens)
        spend = Spend(calls=1)
        try:
            async with asyncio.timeout(self.options.timeout_seconds + 2):
                resp = await lit.acompletion(**kwargs)
        except Exception as exc:
            ledger.record(purpose, spend)
            raise _classify(exc, lit) from None
        spend.add(self._usage(lit, resp))
        spend.calls = 1
        ledger.record(purpose, spend)
        return resp

    def request_kwargs(
        self,
        lit: Any,
        messages: list[dict[str, Any]],
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
        if schema is not None and self.use_schema:
            kwargs["response_format"] = schema
        if s.is_ollama:
            # Ollama's default context window is small and silently truncates the prompt's
            # start, which is the rubric: ask for a window that holds prompt and answer.
            need = lit.token_counter(model=s.model, messages=_flat(messages)) + max_tokens
            kwargs["num_ctx"] = NUM_CTX_STEP * math.ceil(need * 1.25 / NUM_CTX_STEP)
        return kwargs

    def _mark_prefix(self, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
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

    async def _watch(self, started: float, purpose: str) -> None:
        """A progress line every SLOW_NOTICE_SECONDS while one request is unanswered."""
        while True:
            await asyncio.sleep(SLOW_NOTICE_SECONDS)
            waited = time.monotonic() - started
            line = f"waiting for {self.settings.model} ({purpose}): {waited:.0f} s on this request"
            log.info(line)
            if self.notice is not None:
                self.notice(line)

    # -- money -------------------------------------------------------------------------------
    def price(self, lit: Any) -> tuple[float, float] | None:
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

    def note_price(self, lit: Any) -> None:
        """Say once (log and notice) when the model has no price: a dollar budget cannot stop
        it. Called at the bot's start and on the first call of a run."""
        if self._noted_unpriced:
            return
        self._noted_unpriced = True
        note = unpriced_note(self.settings, self.options, lit)
        self.price_note = note
        if note:
            log.warning(note)
            if self.notice is not None:
                self.notice(note)

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
            cost_in, cost_out = self.price(lit) or (0.0, 0.0)
            spend.cost_usd = spend.tokens_in * cost_in + spend.tokens_out * cost_out
            return spend
        hidden = getattr(resp, "_hidden_params", None) or {}
        cost = hidden.get("response_cost")
        if cost is None and self.price(lit) is not None:
            try:
                cost = lit.completion_cost(completion_response=resp)
            except Exception:  # noqa: BLE001 — tokens still count against the token budget
                cost = 0.0
        spend.cost_usd = float(cost or 0.0)
        return spend


def _flat(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages with string content (for the token counter)."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
        out.append({"role": m.get("role", "user"), "content": content or ""})
    return out
