"""Running every configured source on one shared HTTP session.

Each configured entry becomes one source through `scrapers.registry`: a search asked of
each of its sources (LinkedIn, Indeed), a company board, a community list. All run
concurrently; the per-host limits in `scrapers.http` keep each host's pace. Whatever goes
wrong in one source becomes its status, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scrapers.dedup import annotate_employer
from scrapers.http import CANNOT_RESOLVE, UNREACHABLE, HttpClient, gaps_for, new_session
from scrapers.options import BoardConfig, HttpConfig, ListConfig, SearchConfig, SourceUrls
from scrapers.registry import SOURCES
from scrapers.source import IsSeen, Setup, Source, SourceResult, SourceState, search_label
from scrapers.sources.boards_spec import parse_board

log = logging.getLogger(__name__)

NO_NETWORK = "no network"


@dataclass
class _Broken:
    """A configured entry no source can be built from: it reports why, and nothing else."""

    name: str
    reason: str

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        return SourceResult(source=self.name, state=SourceState.FAILED, reason=self.reason)


def build_sources(
    searches: list[SearchConfig],
    boards: list[BoardConfig],
    lists: list[ListConfig],
    setup: Setup,
) -> list[Source | _Broken]:
    """One source per (search, source name), per board and per list, through the registry."""
    entries: list[tuple[str, str, Any]] = []
    for search in searches:
        for name in dict.fromkeys(search.sources):
            entries.append((name, search_label(name, search), search))
    for board in boards:
        try:
            kind = parse_board(board.board).kind
        except ValueError as exc:
            entries.append(("", board.board, str(exc)))
            continue
        entries.append((kind, board.board, board))
    for entry in lists:
        entries.append(("list", entry.url, entry))
    sources: list[Source | _Broken] = []
    for kind, label, config in entries:
        cls = SOURCES.get(kind)
        if cls is None:
            sources.append(
                _Broken(label, config if isinstance(config, str) else f"unknown source {kind!r}")
            )
            continue
        try:
            sources.append(cls.from_config(config, setup))
        except ValueError as exc:
            sources.append(_Broken(label, str(exc)))
    return sources


# Called as each source finishes: (sources done, sources in all).
SourceDone = Callable[[int, int], None]


async def collect_all(
    searches: list[SearchConfig],
    boards: list[BoardConfig],
    http: HttpConfig,
    urls: SourceUrls,
    *,
    lists: list[ListConfig] | None = None,
    is_seen: IsSeen = lambda _key: False,
    client: HttpClient | None = None,
    on_source: SourceDone = lambda _done, _total: None,
    since: datetime | None = None,
) -> list[SourceResult]:
    """Ask every source; each reports its own status and one failure never stops the rest.

    `is_seen(posting_key)` lets sources skip detail fetches for postings seen before.
    `client` lets a caller share (and inspect) an HTTP client; by default one is made here.
    `on_source(done, total)` is called as each source finishes (for a progress line).
    `since` (aware UTC) is when the last successful run ended: after missed mornings each
    source widens its posted-within window to reach back to it, within its own limit (LinkedIn
    30 days, Indeed 14 days; Arbeitnow and Hacker News by each posting's date). None: each
    search's own `posted_within_hours`.
    """
    setup = Setup(urls=urls, http=http, searches=searches, is_seen=is_seen, since=since)
    sources = build_sources(searches, boards, lists or [], setup)
    if client is not None:
        return await _collect(client, sources, setup, on_source)
    async with new_session(http) as session:
        own = HttpClient(session, http, gaps_for(http, urls.linkedin))
        return await _collect(own, sources, setup, on_source)


async def _collect(
    client: HttpClient, sources: list[Source | _Broken], setup: Setup, on_source: SourceDone
) -> list[SourceResult]:
    done = 0

    async def one(source: Source | _Broken) -> SourceResult:
        nonlocal done
        result = await _guarded(source, client, setup.http)
        done += 1
        on_source(done, len(sources))
        return result

    try:
        results = list(await asyncio.gather(*(one(s) for s in sources)))
    finally:
        for close in setup.closers:
            await close()
    for result in results:
        for posting in result.postings:
            annotate_employer(posting)
    _say_offline_once(results)
    return results


def _say_offline_once(results: list[SourceResult]) -> None:
    """With no network at all every source fails the same way: one line says so, and each
    source's reason is the short "no network" instead of the same story per source."""
    failed = [r for r in results if r.state is not SourceState.OK]
    if not results or len(failed) < len(results):
        return
    if not all(CANNOT_RESOLVE in r.reason or UNREACHABLE in r.reason for r in failed):
        return
    log.warning("no network: no source could be reached (DNS or network unreachable)")
    for r in failed:
        r.reason = NO_NETWORK


async def _guarded(
    source: Source | _Broken, client: HttpClient, politeness: HttpConfig
) -> SourceResult:
    """A bug in one source is that source's failure, not the run's."""
    started = time.perf_counter()
    try:
        return await source.collect(client, politeness)
    except Exception as exc:  # the run must go on; the reason names what broke
        log.exception("source %s crashed", source.name)
        return SourceResult(
            source=source.name,
            state=SourceState.FAILED,
            reason=f"internal error: {type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - started,
        )
