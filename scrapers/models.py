"""The one shape every source produces, and the status a source reports."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Posting(BaseModel):
    """A job posting as every source reports it.

    `key` (source + the board's own id) is the primary identity; `scrapers.dedup`
    adds the cross-board fingerprint.
    """

    source: str
    source_id: str
    url: str
    title: str
    company: str
    location: str = ""
    posted_at: datetime | None = None
    employment_type: str | None = None  # internship / full-time / part-time / contract / temporary
    seniority: str | None = (
        None  # internship / entry / associate / mid-senior / director / executive
    )
    remote: bool | None = None
    salary: str | None = None
    description: str = ""
    real_employer: str | None = None  # set when an aggregator posts on behalf of a named employer
    fetched_at: datetime = Field(default_factory=utcnow)

    @property
    def key(self) -> str:
        """Stable identity of this posting on its board, e.g. ``linkedin:3912345678``."""
        return f"{self.source}:{self.source_id}"

    def content_hash(self) -> str:
        """Hash of what a scorer reads; a changed description means a new score."""
        h = hashlib.sha256()
        for part in (
            self.title,
            self.company,
            self.location,
            self.employment_type or "",
            self.seniority or "",
            str(self.remote),
            self.salary or "",
            self.description,
        ):
            h.update(part.encode("utf-8", "replace"))
            h.update(b"\x1f")
        return h.hexdigest()[:32]


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
