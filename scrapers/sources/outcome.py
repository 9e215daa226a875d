"""How one source's run turns out: its postings and problems tallied into an ok / partial /
blocked / failed status, and the date readers every board shares."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapers.errors import JobpicksError
from scrapers.http import FetchError, Response, Tally
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult, SourceState


class SourceProblem(JobpicksError):
    """The source cannot go on: `blocked` (the board refused us) or failed."""

    def __init__(self, reason: str, *, blocked: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.blocked = blocked

    @classmethod
    def from_fetch(cls, what: str, exc: FetchError) -> SourceProblem:
        return cls(f"{what}: {exc.reason}", blocked=exc.blocked)


def refusal(what: str, resp: Response) -> SourceProblem:
    """A non-2xx answer that retries cannot fix: 401/403 are refusals, the rest failures."""
    if resp.status in (401, 403, 407, 451, 999):
        # 999 is LinkedIn's own "request denied" to clients it takes for bots.
        return SourceProblem(f"{what}: HTTP {resp.status} (refused)", blocked=True)
    if resp.status == 404:
        return SourceProblem(f"{what}: HTTP 404 (not found)")
    return SourceProblem(f"{what}: HTTP {resp.status}")


@dataclass
class SourceRun:
    """Collects one source's postings and troubles; `result()` gives the honest summary."""

    source: str
    tally: Tally = field(default_factory=Tally)
    postings: list[Posting] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # non-fatal: some pages/details failed
    fatal: SourceProblem | None = None
    started: float = field(default_factory=time.perf_counter)
    finished: float | None = None  # set when the source is done, not when results are read

    def result(self) -> SourceResult:
        if self.fatal is not None:
            state = SourceState.BLOCKED if self.fatal.blocked else SourceState.FAILED
            reasons = [self.fatal.reason, *self.problems]
            # Postings gathered before the fatal page still count: the run got something.
            if self.postings:
                state = SourceState.PARTIAL
        elif self.problems:
            state, reasons = SourceState.PARTIAL, list(self.problems)
        else:
            state, reasons = SourceState.OK, []
        return SourceResult(
            source=self.source,
            state=state,
            reason="; ".join(dict.fromkeys(reasons)),
            postings=self.postings,
            requests=self.tally.requests,
            seconds=(self.finished or time.perf_counter()) - self.started,
        )


def read_posting(to_posting: Callable[[dict], Posting | None], item: object) -> Posting | None:
    """One raw result as a Posting, or None when it is not one we can read.

    A board's odd entry (a field of an unexpected type) costs that entry, not the source."""
    if not isinstance(item, dict):
        return None
    try:
        return to_posting(item)
    except (TypeError, ValueError, AttributeError, KeyError):
        return None


def from_epoch_ms(value: object) -> datetime | None:
    if isinstance(value, int | float) and value > 0:
        try:
            return datetime.fromtimestamp(value / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def from_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)
