"""The one shape every job source has: a name, its config, `collect(session, politeness)`.

`scrapers.registry` maps a config's kind to the class; `scrapers.collect` builds one source per
configured entry (a search asked of LinkedIn, a board, a list) and runs them all at once.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, Field

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SearchConfig, SourceUrls
from scrapers.postings.posting import Posting

IsSeen = Callable[[str], bool]


class SourceState(StrEnum):
    OK = "ok"
    PARTIAL = "partial"  # some pages failed, some postings came back
    BLOCKED = "blocked"  # the board refused us (403, login wall, captcha, 429 that never cleared)
    FAILED = "failed"  # errors, timeouts, layout changes


class SourceResult(BaseModel):
    """What one source returned in one run: its postings and an honest status."""

    source: str  # e.g. "linkedin", "greenhouse:acme", "sample"
    state: SourceState = SourceState.OK
    reason: str = ""  # why it is not ok, in words a user understands
    postings: list[Posting] = Field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0


def summarise(results: list[SourceResult]) -> str:
    """One line per source, for the run log."""
    lines = []
    for r in results:
        extra = f" — {r.reason}" if r.reason else ""
        lines.append(
            f"{r.source}: {r.state.value}, {len(r.postings)} postings, {r.requests} requests{extra}"
        )
    return "\n".join(lines)


def search_label(source: str, search: SearchConfig) -> str:
    """How a search asked of one source is named in the run summary."""
    where = f" @ {search.location}" if search.location else ""
    return f"{source}: {search.keywords}{where}"


def lookback_hours(
    search: SearchConfig, since: datetime | None, cap_hours: int, now: datetime | None = None
) -> int:
    """Hours of postings to ask for: the search's `posted_within_hours`, widened to reach back
    to `since` (the mornings a stopped bot missed), never past what the source allows."""
    hours = float(search.posted_within_hours)
    if since is not None:
        behind = ((now or datetime.now(UTC)) - since).total_seconds() / 3600
        hours = max(hours, behind)
    return max(1, min(math.ceil(hours), cap_hours))


@dataclass
class Setup:
    """What every source of one run is built from."""

    urls: SourceUrls
    http: HttpConfig
    searches: list[SearchConfig] = field(default_factory=list)
    # True for a posting key stored on an earlier day: its details need not be fetched again.
    is_seen: IsSeen = lambda _key: False
    # When the last successful run ended (UTC), or None: each source asks for postings since
    # then — a longer posted-within window after missed mornings — within its own limit
    # (`lookback_hours`; LinkedIn 30 days, Indeed 14, feeds by their posted dates).
    since: datetime | None = None
    # State one kind shares between its sources during the run (LinkedIn's detail pages),
    # keyed by kind; `closers` run when every source is done.
    shared: dict[str, Any] = field(default_factory=dict)
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)


@runtime_checkable
class Source(Protocol):
    """One job source of one run. `collect` never raises for the board's faults: they become
    the result's state and reason (ok / partial / blocked / failed)."""

    kind: ClassVar[str]
    name: str  # the label in the run summary: "linkedin: intern @ Texas", "greenhouse:acme"
    config: Any  # what the user configured: a SearchConfig, BoardConfig or ListConfig

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult: ...


class SourceClass(Protocol):
    kind: ClassVar[str]

    @classmethod
    def from_config(cls, config: Any, setup: Setup) -> Source: ...
