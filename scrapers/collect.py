"""Running every configured source on one shared HTTP session.

Each search asks each of its sources (one `SourceResult` per search and source), each board
is one `SourceResult`; all run concurrently and the per-host limits in `scrapers.http` keep
each host's pace. Whatever goes wrong in one source becomes its status, never an exception.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

from scrapers import ashby, greenhouse, indeed, lever
from scrapers.boards_spec import parse_board
from scrapers.common import SourceProblem, SourceRun
from scrapers.dedup import annotate_employer
from scrapers.http import HttpClient, gaps_for, new_session
from scrapers.linkedin import LinkedIn
from scrapers.match import filter_board
from scrapers.models import SourceResult
from scrapers.options import BoardConfig, HttpConfig, SearchConfig, SourceUrls

log = logging.getLogger(__name__)

IsSeen = Callable[[str], bool]
_BOARDS = {"greenhouse": greenhouse.fetch, "lever": lever.fetch, "ashby": ashby.fetch}


def search_label(source: str, search: SearchConfig) -> str:
    where = f" @ {search.location}" if search.location else ""
    return f"{source}: {search.keywords}{where}"


async def collect_all(
    searches: list[SearchConfig],
    boards: list[BoardConfig],
    http: HttpConfig,
    urls: SourceUrls,
    *,
    is_seen: IsSeen = lambda _key: False,
    client: HttpClient | None = None,
) -> list[SourceResult]:
    """Ask every source; each reports its own status and one failure never stops the rest.

    `is_seen(posting_key)` lets sources skip detail fetches for postings seen before.
    `client` lets a caller share (and inspect) an HTTP client; by default one is made here.
    """
    if client is not None:
        return await _collect(client, searches, boards, http, urls, is_seen)
    async with new_session(http) as session:
        own = HttpClient(session, http, gaps_for(http, urls.linkedin))
        return await _collect(own, searches, boards, http, urls, is_seen)


async def _collect(
    client: HttpClient,
    searches: list[SearchConfig],
    boards: list[BoardConfig],
    http: HttpConfig,
    urls: SourceUrls,
    is_seen: IsSeen,
) -> list[SourceResult]:
    max_chars = http.description_max_chars
    linkedin = LinkedIn(
        client,
        urls.linkedin.rstrip("/"),
        max_chars=max_chars,
        max_pages=http.max_pages,
        is_seen=is_seen,
    )
    jobs: list[tuple[str, Callable[[], Awaitable[SourceRun]]]] = []
    for search in searches:
        for source in dict.fromkeys(search.sources):
            label = search_label(source, search)
            if source == "linkedin":
                jobs.append((label, lambda s=search, lb=label: linkedin.search(s, lb)))
            elif source == "indeed":
                headers = dict(http.indeed_headers)
                jobs.append(
                    (
                        label,
                        lambda s=search, lb=label, h=headers: indeed.search(
                            client,
                            urls.indeed,
                            h,
                            s,
                            lb,
                            max_chars=max_chars,
                            max_pages=http.max_pages,
                        ),
                    )
                )
    for board in boards:
        try:
            ref = parse_board(board.board)
        except ValueError as exc:
            jobs.append((board.board, _failed(board.board, str(exc))))
            continue
        fetch = _BOARDS[ref.kind]
        base = getattr(urls, ref.kind).rstrip("/")
        jobs.append(
            (
                ref.label,
                lambda f=fetch, b=base, r=ref, c=board.company: _filtered(
                    f(client, b, r.token, company=c, max_chars=max_chars), searches
                ),
            )
        )
    try:
        runs = await asyncio.gather(*(_guarded(label, job) for label, job in jobs))
    finally:
        await linkedin.close()
    results = [run.result() for run in runs]
    for result in results:
        for posting in result.postings:
            annotate_employer(posting)
    return results


async def _filtered(fetching: Awaitable[SourceRun], searches: list[SearchConfig]) -> SourceRun:
    run = await fetching
    run.postings = filter_board(run.postings, searches)
    return run


def _failed(label: str, reason: str) -> Callable[[], Awaitable[SourceRun]]:
    async def job() -> SourceRun:
        run = SourceRun(label)
        run.fatal = SourceProblem(reason)
        return run

    return job


async def _guarded(label: str, job: Callable[[], Awaitable[SourceRun]]) -> SourceRun:
    """A bug in one source is that source's failure, not the run's."""
    started = time.perf_counter()
    try:
        run = await job()
    except Exception as exc:  # the run must go on; the reason names what broke
        log.exception("source %s crashed", label)
        run = SourceRun(label, started=started)
        run.fatal = SourceProblem(f"internal error: {type(exc).__name__}: {exc}")
    # Sources finish at different times; results are read only once all are done.
    run.finished = time.perf_counter()
    return run
