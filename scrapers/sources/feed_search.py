"""Sources read once a run and filtered here by every search that names them: Arbeitnow's job
board API and Hacker News' "Who is hiring?" thread search on nothing of ours, so the first of
their searches to start fetches the feed (back to the earliest posting any of them wants) and
each search keeps what it would have found: its keywords, place, types and workplace
(`scrapers.sources.match.search_accepts`, as for company boards) and its own posted-within
window, which after missed mornings reaches back to the last successful run.

The feed's requests are counted once, on the search that fetched it; its problems are every
one of its searches' problems.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar

from scrapers.http import HttpClient, source_headers
from scrapers.options import HttpConfig, SearchConfig
from scrapers.postings.posting import Posting
from scrapers.source import Setup, SourceResult, lookback_hours, search_label
from scrapers.sources.match import search_accepts
from scrapers.sources.outcome import SourceProblem, SourceRun


@dataclass
class _Feed:
    run: SourceRun  # the feed's own run: its postings, problems and requests
    task: asyncio.Task[None]


@dataclass
class FeedSearch:
    """One `[[searches]]` entry asked of a feed. Subclasses set `kind`, `title` and `read`."""

    kind: ClassVar[str]
    title: ClassVar[str]
    # The longest window a feed is read back for (it lists far older postings too).
    MAX_HOURS: ClassVar[int] = 30 * 24
    # The header policy: a public, documented API asked as what we are (the configured
    # honest User-Agent) for its JSON; `[http.headers.<kind>]` replaces any of them.
    HEADERS: ClassVar[dict[str, str]] = {"Accept": "application/json"}

    config: SearchConfig
    setup: Setup

    @classmethod
    def from_config(cls, config: SearchConfig, setup: Setup) -> FeedSearch:
        return cls(config, setup)

    @property
    def name(self) -> str:
        return search_label(self.kind, self.config)

    def hours(self, search: SearchConfig) -> int:
        return lookback_hours(search, self.setup.since, self.MAX_HOURS)

    async def read(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, oldest: datetime
    ) -> list[Posting]:
        """Every posting the feed lists from `oldest` on (SourceProblem when it cannot)."""
        raise NotImplementedError

    def headers(self, politeness: HttpConfig) -> dict[str, str]:
        return source_headers(self.kind, self.HEADERS, politeness)

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        feed, owner = self._feed(session, politeness)
        await asyncio.shield(feed.task)
        run = SourceRun(self.name, started=feed.run.started)
        run.finished = feed.run.finished
        if owner:
            run.tally = feed.run.tally
        run.problems = list(feed.run.problems)
        run.fatal = feed.run.fatal
        since = datetime.now(UTC) - timedelta(hours=self.hours(self.config))
        run.postings = [
            p
            for p in feed.run.postings
            if search_accepts(self.config, p) and (p.posted_at is None or p.posted_at >= since)
        ][: self.config.max_results]
        return run.result()

    def _feed(self, session: HttpClient, politeness: HttpConfig) -> tuple[_Feed, bool]:
        """The run's one download of this feed (started here when none is), and whether this
        search started it."""
        feed = self.setup.shared.get(self.kind)
        if isinstance(feed, _Feed):
            return feed, False
        mine = [s for s in self.setup.searches if self.kind in s.sources] or [self.config]
        oldest = datetime.now(UTC) - timedelta(hours=max(self.hours(s) for s in mine))
        run = SourceRun(self.kind)

        async def download() -> None:
            try:
                run.postings = await self.read(session, politeness, run, oldest)
            except SourceProblem as exc:
                run.fatal = exc
            finally:
                run.finished = time.perf_counter()

        feed = _Feed(run, asyncio.ensure_future(download()))
        self.setup.shared[self.kind] = feed
        self.setup.closers.append(lambda: _cancel(feed.task))
        return feed, True


async def _cancel(task: asyncio.Task[None]) -> None:
    if not task.done():
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
