"""What every company board shares: one board per config entry, JSON fetched politely,
postings filtered locally by the searches, problems turned into the board's status.

A board module subclasses `Board`: its `kind`, how its API is read (`postings`), and which
request `jobpicks doctor` makes to check it (`probe`).

Header policy: a board's API is public and documented for this use, so it is asked as what
we are — the configured honest User-Agent (`[http] user_agent`) with an `Accept` for what
the API serves (`HEADERS`; JSON unless the board says otherwise) — and `[http.headers.<kind>]`
replaces any of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from scrapers.http import HttpClient, source_headers
from scrapers.options import BoardConfig, HttpConfig, SearchConfig, SourceUrls
from scrapers.postings.posting import Posting
from scrapers.source import IsSeen, Setup, SourceResult
from scrapers.sources.boards_spec import BoardRef, parse_board
from scrapers.sources.match import filter_board
from scrapers.sources.outcome import (
    SourceProblem,
    SourceRun,
    fetch_json,
    fetch_text,
    read_posting,
)


@dataclass
class Board:
    """One company's board. Subclasses set `kind` and `title` and implement `postings`."""

    kind: ClassVar[str]
    title: ClassVar[str]
    # What a request to this board says it accepts (the board's header policy, see above).
    HEADERS: ClassVar[dict[str, str]] = {"Accept": "application/json"}

    config: BoardConfig
    ref: BoardRef
    base: str
    searches: list[SearchConfig] = field(default_factory=list)
    is_seen: IsSeen = lambda _key: False
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: BoardConfig, setup: Setup) -> Board:
        ref = parse_board(config.board)
        return cls(
            config, ref, cls.base_url(setup.urls, ref), setup.searches, setup.is_seen,
            source_headers(cls.kind, cls.HEADERS, setup.http),
        )  # fmt: skip

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        """(method, url, JSON body or None): the one request that shows the board answers."""
        raise NotImplementedError

    @property
    def name(self) -> str:
        return self.ref.label

    @property
    def what(self) -> str:
        return f"{self.title} board {self.ref.label.partition(':')[2]!r}"

    @property
    def company(self) -> str | None:
        return self.config.company

    def employer(self, *named: object) -> str:
        """Who posts: the config's `company`, else the first name the API gives, else one
        made from the board's token ('acme-robotics' → 'Acme Robotics')."""
        for name in (self.company, *named):
            text = str(name or "").strip()
            if text:
                return text
        return company_name(self.ref.token)

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        run = SourceRun(self.name)
        try:
            postings = await self.postings(session, politeness, run)
        except SourceProblem as exc:
            run.fatal = exc
            postings = []
        run.postings = filter_board(postings, self.searches)
        return run.result()

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        raise NotImplementedError

    def wanted(self, postings: list[Posting]) -> list[Posting]:
        """The postings a search would keep: boards with a request per job fetch only these."""
        return filter_board(postings, self.searches)

    async def by_keywords(
        self, run: SourceRun, search_one: Callable[[str, int, dict[str, Posting]], Awaitable[None]]
    ) -> list[Posting]:
        """For boards that search their own full text (Workday, Oracle): `search_one(keywords,
        wanted, found)` once per search's keywords (everything, 50 at most, with no searches).
        A query failing after another found postings is a problem, not the board's end."""
        found: dict[str, Posting] = {}
        queries = {s.keywords: s.max_results for s in self.searches} or {"": 50}
        for text, wanted in queries.items():
            try:
                await search_one(text, wanted, found)
            except SourceProblem as exc:
                if not found:
                    raise
                run.problems.append(exc.reason)
        return list(found.values())

    async def with_details(
        self, listed: list[Posting], detail: Callable[[Posting], Awaitable[Posting]]
    ) -> list[Posting]:
        """For boards whose list lacks the description: the wanted postings, each one not seen
        on an earlier day replaced by `detail(posting)` (one request each, all at once; the
        client keeps the host's pace). `detail` returns the listed posting when it fails."""
        keep = self.wanted(listed)
        fresh = [p for p in keep if not self.is_seen(p.key)]
        by_key = {p.key: p for p in await asyncio.gather(*(detail(p) for p in fresh))}
        return [by_key.get(p.key, p) for p in keep]

    async def get_json(
        self,
        client: HttpClient,
        url: str,
        run: SourceRun,
        *,
        what: str | None = None,
        params: dict[str, str] | None = None,
        method: str = "GET",
        body: Any = None,
        kind: str = "board",
    ) -> Any:
        """The board's JSON; raise SourceProblem (blocked on 401/403) on anything unusable."""
        return await fetch_json(
            client, url, run, what or self.what, headers=self.headers, params=params,
            method=method, body=body, kind=kind,
        )  # fmt: skip

    async def get_text(
        self,
        client: HttpClient,
        url: str,
        run: SourceRun,
        *,
        params: dict[str, str] | None = None,
    ) -> str:
        """The board's answer as text (a feed's XML); SourceProblem when there is none."""
        return await fetch_text(client, url, run, self.what, headers=self.headers, params=params)

    def job_list(self, data: Any, key: str | None) -> list[Any]:
        """The list of jobs in a JSON answer (`key` None: the answer is the list)."""
        jobs = data if key is None else (data.get(key) if isinstance(data, dict) else None)
        if not isinstance(jobs, list):
            shape = (
                "JSON is not a list of postings" if key is None else f"JSON without a {key!r} list"
            )
            raise SourceProblem(f"{self.what}: {shape} (API changed?)")
        return jobs

    def read_all(
        self,
        jobs: Iterable[Any],
        run: SourceRun,
        to_posting: Callable[[Any], Posting | None],
        listed: Callable[[Any], bool] = lambda _job: True,
        shape: type = dict,
    ) -> list[Posting]:
        """Every listed job (a JSON object, or an XML element with `shape`) as a Posting; the
        unreadable ones are counted in the run."""
        out: list[Posting] = []
        skipped = 0
        for job in jobs:
            if isinstance(job, shape) and not listed(job):
                continue
            posting = read_posting(to_posting, job, shape)
            if posting is None:
                skipped += 1
            else:
                out.append(posting)
        if skipped:
            run.problems.append(
                f"{self.what}: {skipped} unreadable job(s) skipped (no id, title or link?)"
            )
        return out


def company_name(token: str) -> str:
    """'acme-robotics' -> 'Acme Robotics': a readable name when the API gives none."""
    words = token.replace("_", " ").replace("-", " ").replace(".", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or token
