"""The one HTTP client every source shares: polite per host, patient with transient errors.

- per host: a minimum gap between request starts (aiolimiter) and a bound on requests in
  flight (a semaphore), so boards on different hosts run side by side;
- every request has a timeout;
- 429, 5xx, timeouts and dropped connections are retried (tenacity) with exponential backoff
  and jitter, or exactly as long as `Retry-After` asks, capped in tries and in total wait;
  any other 4xx is returned at once for the source to judge;
- no network (a host name that does not resolve, "network unreachable") is never retried:
  the host (or, when the network is down, every host) fails at once from then on, with
  `FetchError.offline` set, so a run without network ends in moments and says so once;
- proxies, when configured, are rotated per request.
"""

from __future__ import annotations

import asyncio
import errno
import itertools
import logging
import random
import socket
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
)
from tenacity.stop import stop_base

from scrapers.errors import JobpicksError
from scrapers.options import HttpConfig

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


@dataclass
class Tally:
    """Requests one source made (every try counts: it is what the board saw)."""

    requests: int = 0
    retries: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str) -> None:
        self.requests += 1
        self.by_kind[kind] = self.by_kind.get(kind, 0) + 1


@dataclass
class Response:
    status: int
    url: str  # final URL, after redirects
    text: str
    headers: Mapping[str, str]
    redirected: bool = False

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class FetchError(JobpicksError):
    """A request that did not produce a usable response, even after retries.

    `blocked` tells a refusal (429 that never cleared) from a failure (5xx, timeout).
    """

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        blocked: bool = False,
        offline: bool = False,
    ):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.blocked = blocked
        self.offline = offline  # no network to reach the host at all: retrying cannot help


# What a request that found no network says (its host cannot be resolved, or no route at all).
CANNOT_RESOLVE = "cannot resolve the host name"
UNREACHABLE = "network unreachable"

# Socket errors that mean "no route to anywhere", not "this server is unhappy".
_UNREACHABLE = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ENETDOWN}


def _network_down(exc: aiohttp.ClientError) -> str | None:
    """Why a connection error means no network (DNS failure, unreachable network), or None."""
    if isinstance(exc, aiohttp.ClientConnectorDNSError):
        return CANNOT_RESOLVE
    os_error = getattr(exc, "os_error", None)
    if isinstance(os_error, socket.gaierror):
        return CANNOT_RESOLVE
    if isinstance(os_error, OSError) and os_error.errno in _UNREACHABLE:
        return UNREACHABLE
    return None


class _Transient(Exception):
    """One try that is worth repeating; carries the server's requested delay if any."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class _WaitBudget(stop_base):
    """Stop when the next sleep would push the total time spent waiting past the cap."""

    def __init__(self, cap: float):
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> bool:
        upcoming = getattr(retry_state, "upcoming_sleep", 0.0)
        return retry_state.idle_for + upcoming > self.cap


def host_key(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme == 'https' else 80)}"


class _Host:
    def __init__(self, gap: float, concurrency: int):
        self.gap = gap
        self.down: str | None = None  # set once the host cannot be reached at all
        # max_rate=1 per `gap` seconds is a strict minimum gap between request starts.
        self.limiter = AsyncLimiter(1, gap) if gap > 0 else None
        self.slots = asyncio.Semaphore(concurrency)


class HttpClient:
    """Shared by every source in a run; create with `open_client` (owns the aiohttp session)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        config: HttpConfig,
        gaps: Mapping[str, float] | None = None,
        *,
        rng: random.Random | None = None,
    ):
        self.session = session
        self.config = config
        self._gaps = {host_key(u): g for u, g in (gaps or {}).items()}
        self._hosts: dict[str, _Host] = {}
        self._proxies = itertools.cycle(config.proxies) if config.proxies else None
        self._rng = rng or random.Random()
        self._timeout = aiohttp.ClientTimeout(total=config.timeout_seconds)
        self.total = Tally()
        # Set when the network itself is unreachable: every later request fails at once.
        self.network_down: str | None = None

    def _host(self, url: str) -> _Host:
        key = host_key(url)
        host = self._hosts.get(key)
        if host is None:
            gap = self._gaps.get(key, self.config.default_gap_seconds)
            host = self._hosts[key] = _Host(gap, self.config.per_host_concurrency)
        return host

    def _wait(self, retry_state: RetryCallState) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        if isinstance(exc, _Transient) and exc.retry_after is not None:
            return exc.retry_after
        base = self.config.backoff_base_seconds
        step = base * (2 ** (retry_state.attempt_number - 1))
        return step + self._rng.uniform(0, base)  # full jitter on top of the doubling step

    async def request(
        self,
        method: str,
        url: str,
        *,
        tally: Tally | None = None,
        kind: str = "request",
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        no_retry: Collection[int] = (),
    ) -> Response:
        """One logical request, retried as needed; returns any non-retryable response.

        `no_retry` names statuses the caller handles itself (LinkedIn's circuit breaker takes
        429 on descriptions): they raise `FetchError` at once. Raises `FetchError` when retries run out (count or wait
        budget), on a hard error, or at once when the host cannot be reached (`offline`).
        """
        host = self._host(url)
        cfg = self.config
        down = self.network_down or host.down
        if down:
            raise FetchError(f"{urlsplit(url).hostname}: {down}", offline=True)
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(_Transient),
            stop=stop_after_attempt(cfg.max_retries + 1) | _WaitBudget(cfg.max_retry_wait_seconds),
            wait=self._wait,
            reraise=True,
        )
        attempts = 0
        try:
            async for attempt in retrying:
                with attempt:
                    attempts += 1
                    if attempts > 1 and tally is not None:
                        tally.retries += 1
                    return await self._once(
                        host, method, url, params=params, json=json, headers=headers,
                        tally=tally, kind=kind, no_retry=no_retry,
                    )  # fmt: skip
        except _Transient as exc:
            tries = f"{attempts} {'try' if attempts == 1 else 'tries'}"
            if exc.status == 429:
                asked = f", asked to wait {exc.retry_after:g} s" if exc.retry_after else ""
                raise FetchError(
                    f"HTTP 429 rate-limited, still refused ({tries}{asked})",
                    status=429,
                    blocked=True,
                ) from None
            raise FetchError(f"{exc.reason} ({tries})", status=exc.status) from None
        raise AssertionError("unreachable")  # pragma: no cover

    async def _once(
        self,
        host: _Host,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None,
        json: Any,
        headers: Mapping[str, str] | None,
        tally: Tally | None,
        kind: str,
        no_retry: Collection[int] = (),
    ) -> Response:
        proxy = next(self._proxies) if self._proxies else None
        async with host.slots:
            if host.limiter is not None:
                await host.limiter.acquire()
            if tally is not None:
                tally.add(kind)
            self.total.add(kind)
            try:
                async with self.session.request(
                    method,
                    url,
                    params=params,
                    json=json,
                    headers=headers,
                    proxy=proxy,
                    timeout=self._timeout,
                ) as resp:
                    text = await resp.text(errors="replace")
                    result = Response(
                        status=resp.status,
                        url=str(resp.url),
                        text=text,
                        headers=dict(resp.headers),
                        redirected=bool(resp.history),
                    )
            except TimeoutError:
                raise _Transient(f"timed out after {self.config.timeout_seconds:g} s") from None
            except aiohttp.TooManyRedirects:
                raise FetchError("too many redirects") from None
            except aiohttp.InvalidURL as exc:
                raise FetchError(f"invalid URL {exc}") from None
            except aiohttp.ClientResponseError as exc:
                raise FetchError(f"bad response: HTTP {exc.status} {exc.message}") from None
            except aiohttp.ClientError as exc:
                down = _network_down(exc)
                if down == UNREACHABLE:
                    self.network_down = down
                if down:
                    host.down = down
                    # Said once for the run by `scrapers.collect`, or in the source's reason.
                    log.info("%s: %s", urlsplit(url).hostname, down)
                    raise FetchError(f"{urlsplit(url).hostname}: {down}", offline=True) from None
                # Connection refused/reset: as transient as a timeout.
                raise _Transient(f"connection error ({type(exc).__name__})") from None
        if result.status in RETRY_STATUSES and result.status in no_retry:
            raise FetchError(
                f"HTTP {result.status}", status=result.status, blocked=result.status == 429
            )
        if result.status in RETRY_STATUSES:
            wait = parse_retry_after(result.headers.get("Retry-After"))
            log.info("%s %s -> %s (retry after %s)", method, url, result.status, wait)
            raise _Transient(f"HTTP {result.status}", status=result.status, retry_after=wait)
        return result


def source_headers(kind: str, defaults: Mapping[str, str], config: HttpConfig) -> dict[str, str]:
    """The headers one source sends: its documented defaults — what the service's own clients
    send (a browser for LinkedIn, the iOS app for Indeed, an honest client for the public
    board APIs) — with `[http.headers.<kind>]` from the config on top, key by key and without
    regard to case; a key set to "" leaves that header out."""
    merged: dict[str, tuple[str, str]] = {k.lower(): (k, v) for k, v in defaults.items()}
    for name, value in config.headers.get(kind, {}).items():
        merged[name.lower()] = (name, value)
    return {name: value for name, value in merged.values() if value}


def gaps_for(config: HttpConfig, linkedin_url: str) -> dict[str, float]:
    """LinkedIn's host gets its own (longer) gap; every other host the default."""
    return {linkedin_url: config.linkedin_gap_seconds}


def new_session(config: HttpConfig) -> aiohttp.ClientSession:
    """The shared session: the honest User-Agent every public board API gets (a source with
    its own header policy replaces it per request), a pool sized for a few hosts."""
    connector = aiohttp.TCPConnector(limit=32, limit_per_host=config.per_host_concurrency + 2)
    return aiohttp.ClientSession(
        connector=connector,
        headers={"User-Agent": config.user_agent, "Accept-Language": "en-US,en;q=0.9"},
        timeout=aiohttp.ClientTimeout(total=config.timeout_seconds),
    )
