"""The shared client against the fake boards: retries, Retry-After, timeouts, pacing, proxies."""

from __future__ import annotations

import asyncio
import errno
import socket
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web

from scrapers.http import (
    CANNOT_RESOLVE,
    UNREACHABLE,
    FetchError,
    HttpClient,
    Tally,
    _network_down,
    new_session,
    parse_retry_after,
)
from scrapers.options import HttpConfig
from tests.fakes.boards import BoardsFake, make_jobs, slow, status
from tests.fakes.serving import serve_locally


def gh_url(fake: BoardsFake, token: str = "acme") -> str:
    assert fake.urls is not None
    return f"{fake.urls.greenhouse}/v1/boards/{token}/jobs"


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(" 0.5 ") == 0.5
    now = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(42)
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now=now) == 0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


async def test_429_with_retry_after_then_success(fake: BoardsFake, client: HttpClient) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    fake.fail("greenhouse:acme", status(429, retry_after="0.3"))
    tally = Tally()
    t0 = time.perf_counter()
    resp = await client.request("GET", gh_url(fake), tally=tally)
    waited = time.perf_counter() - t0
    assert resp.status == 200
    assert tally.requests == 2 and tally.retries == 1
    assert waited >= 0.3  # Retry-After honoured, not the 10 ms backoff


async def test_retry_after_as_http_date(fake: BoardsFake, client: HttpClient) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    when = datetime.now(UTC) + timedelta(seconds=1.2)
    fake.fail("greenhouse:acme", status(503, retry_after=format_datetime(when, usegmt=True)))
    t0 = time.perf_counter()
    resp = await client.request("GET", gh_url(fake))
    assert resp.status == 200
    assert time.perf_counter() - t0 >= 0.1  # HTTP dates have 1 s resolution


async def test_500_then_success(fake: BoardsFake, client: HttpClient) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    fake.fail("greenhouse:acme", status(500), status(502))
    resp = await client.request("GET", gh_url(fake))
    assert resp.status == 200
    assert fake.count("greenhouse:acme") == 3


async def test_retries_are_capped_in_count(fake: BoardsFake, client: HttpClient) -> None:
    fake.fail("greenhouse:acme", *[status(500)] * 5)
    with pytest.raises(FetchError) as err:
        await client.request("GET", gh_url(fake))
    assert fake.count("greenhouse:acme") == 3  # 1 + max_retries
    assert "HTTP 500" in err.value.reason and "3 tries" in err.value.reason
    assert not err.value.blocked


async def test_429_that_never_clears_is_blocked(fake: BoardsFake, client: HttpClient) -> None:
    fake.fail("greenhouse:acme", *[status(429, retry_after="0")] * 5)
    with pytest.raises(FetchError) as err:
        await client.request("GET", gh_url(fake))
    assert err.value.blocked and err.value.status == 429


async def test_retry_after_beyond_the_wait_budget_gives_up_at_once(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    cfg = http_cfg.model_copy(update={"max_retry_wait_seconds": 1.0})
    fake.fail("greenhouse:acme", status(429, retry_after="60"))
    async with new_session(cfg) as session:
        t0 = time.perf_counter()
        with pytest.raises(FetchError) as err:
            await HttpClient(session, cfg).request("GET", gh_url(fake))
    assert time.perf_counter() - t0 < 1.0
    assert "asked to wait 60 s" in err.value.reason
    assert fake.count("greenhouse:acme") == 1


async def test_other_4xx_is_not_retried(fake: BoardsFake, client: HttpClient) -> None:
    resp = await client.request("GET", gh_url(fake, "nope"))
    assert resp.status == 404
    assert fake.count("greenhouse:nope") == 1


async def test_slower_than_timeout_is_retried_then_fails(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    fake.fail("greenhouse:acme", slow(2.0))
    resp = await client.request("GET", gh_url(fake))  # first try times out, second is quick
    assert resp.status == 200 and fake.count("greenhouse:acme") == 2
    fake.fail("greenhouse:acme", slow(2.0), slow(2.0), slow(2.0))
    with pytest.raises(FetchError) as err:
        await client.request("GET", gh_url(fake))
    assert "timed out after 0.5 s" in err.value.reason


async def test_minimum_gap_per_host_and_hosts_in_parallel(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    assert fake.urls is not None
    fake.greenhouse["acme"] = make_jobs("", 1)
    fake.lever["acme"] = make_jobs("l", 1)
    cfg = http_cfg.model_copy(update={"default_gap_seconds": 0.15, "per_host_concurrency": 4})
    async with new_session(cfg) as session:
        client = HttpClient(session, cfg)
        lever = f"{fake.urls.lever}/v0/postings/acme"
        t0 = time.perf_counter()
        await asyncio.gather(
            *[client.request("GET", gh_url(fake)) for _ in range(4)],
            *[client.request("GET", lever, params={"mode": "json"}) for _ in range(4)],
        )
        wall = time.perf_counter() - t0
    for route in ("greenhouse:acme", "lever:acme"):
        times = sorted(r.at for r in fake.requests if r.route == route)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert min(gaps) >= 0.13, gaps
    assert wall < 0.15 * 3 + 0.3  # the two hosts went side by side, not one after the other


async def test_concurrency_per_host_is_bounded(fake: BoardsFake, http_cfg: HttpConfig) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    fake.latency = 0.1
    cfg = http_cfg.model_copy(update={"per_host_concurrency": 2})
    async with new_session(cfg) as session:
        client = HttpClient(session, cfg)
        t0 = time.perf_counter()
        await asyncio.gather(*[client.request("GET", gh_url(fake)) for _ in range(6)])
        wall = time.perf_counter() - t0
    assert wall >= 0.28  # 6 requests, 2 at a time, 0.1 s each


async def test_user_agent_is_the_configured_honest_one(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.greenhouse["acme"] = make_jobs("", 1)
    await client.request("GET", gh_url(fake))
    assert fake.requests[-1].headers["User-Agent"] == "jobpicks-test/1.0 (+tests)"


async def test_proxies_are_rotated_per_request(fake: BoardsFake, http_cfg: HttpConfig) -> None:
    """Two forward proxies on 127.0.0.1; each request goes through the next one."""
    fake.greenhouse["acme"] = make_jobs("", 1)
    seen: list[str] = []
    runners = []
    proxies = []
    for name in ("p1", "p2"):

        async def forward(request: web.Request, name: str = name) -> web.Response:
            seen.append(name)
            async with new_session(http_cfg) as s, s.get(str(request.url)) as up:
                return web.Response(
                    status=up.status, body=await up.read(), content_type=up.content_type
                )

        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", forward)
        runner, port = await serve_locally(app)
        runners.append(runner)
        proxies.append(f"http://127.0.0.1:{port}")
    cfg = http_cfg.model_copy(update={"proxies": proxies})
    try:
        async with new_session(cfg) as session:
            client = HttpClient(session, cfg)
            for _ in range(4):
                assert (await client.request("GET", gh_url(fake))).status == 200
    finally:
        for runner in runners:
            await runner.cleanup()
    assert seen == ["p1", "p2", "p1", "p2"]
    assert fake.count("greenhouse:acme") == 4


def test_proxy_must_be_http() -> None:
    with pytest.raises(ValueError, match="http"):
        HttpConfig(proxies=["socks5://127.0.0.1:9"])


def test_network_unreachable_and_dns_failures_are_no_network_not_transient() -> None:
    """Network unreachable can't be made on 127.0.0.1; the error aiohttp raises for it is."""
    key = SimpleNamespace(host="jobs.example", port=443, ssl=True, is_ssl=True)
    unreachable = aiohttp.ClientConnectorError(key, OSError(errno.ENETUNREACH, "unreachable"))  # type: ignore[arg-type]
    dns = aiohttp.ClientConnectorError(key, socket.gaierror(-2, "Name or service not known"))  # type: ignore[arg-type]
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(errno.ECONNREFUSED, "no"))  # type: ignore[arg-type]
    assert _network_down(unreachable) == UNREACHABLE
    assert _network_down(dns) == CANNOT_RESOLVE
    assert _network_down(refused) is None  # a server that is down is worth retrying


async def test_an_unresolvable_host_is_asked_once_then_fails_at_once(http_cfg: HttpConfig) -> None:
    cfg = http_cfg.model_copy(update={"max_retries": 3, "backoff_base_seconds": 1.0})
    async with new_session(cfg) as session:
        client = HttpClient(session, cfg)
        t0 = time.perf_counter()
        for _ in range(3):
            with pytest.raises(FetchError) as info:
                await client.request("GET", "http://board.invalid/jobs")
            assert info.value.offline and "cannot resolve" in info.value.reason
        assert time.perf_counter() - t0 < 2  # no backoff, no retries
        assert client.total.requests == 1  # later requests to that host made no attempt
