"""How one source's run turns out: its postings and problems tallied into an ok / partial /
blocked / failed status; the request every board and feed makes (`fetch_text`,
`fetch_json`), and the date readers they share."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scrapers.errors import JobpicksError
from scrapers.http import FetchError, HttpClient, Response, Tally
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


async def fetch_text(
    client: HttpClient,
    url: str,
    run: SourceRun,
    what: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    method: str = "GET",
    body: Any = None,
    kind: str = "board",
) -> str:
    """A board's or feed's answer as text; SourceProblem (blocked on 401/403) when there is
    none, naming `what` was asked."""
    try:
        resp = await client.request(
            method, url, params=params, json=body, headers=headers or None, tally=run.tally,
            kind=kind,
        )  # fmt: skip
    except FetchError as exc:
        raise SourceProblem.from_fetch(what, exc) from None
    if not resp.ok:
        raise refusal(what, resp)
    return resp.text


async def fetch_json(
    client: HttpClient,
    url: str,
    run: SourceRun,
    what: str,
    *,
    headers: Mapping[str, str] | None = None,
    params: Mapping[str, str] | None = None,
    method: str = "GET",
    body: Any = None,
    kind: str = "board",
) -> Any:
    """`fetch_text`, read as JSON; SourceProblem when it is not JSON."""
    text = await fetch_text(
        client, url, run, what, headers=headers, params=params, method=method, body=body,
        kind=kind,
    )  # fmt: skip
    try:
        return json.loads(text)
    except ValueError:
        raise SourceProblem(f"{what}: malformed JSON") from None


def read_posting(
    to_posting: Callable[[Any], Posting | None], item: object, shape: type = dict
) -> Posting | None:
    """One raw result (a JSON object, or an XML element with `shape`) as a Posting, or None
    when it is not one we can read.

    A board's odd entry (a field of an unexpected type) costs that entry, not the source."""
    if not isinstance(item, shape):
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
