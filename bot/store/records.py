"""Records the app stores: picks with their delivery state, and the run log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

# The 👎 reasons live with the learning that reads them; re-exported for the bot's buttons.
from scoring.learning import VOTE_REASONS as VOTE_REASONS
from scoring.models import Score
from scrapers.models import Pay, Posting, Workplace


class Pick(BaseModel):
    """A posting chosen for a day, with what the user is shown and where it was sent.

    It carries its own display fields so it survives the posting's description being dropped.
    """

    day: str  # ISO date in the configured timezone
    key: str
    rank: int
    score: int
    reason: str
    summary: str
    scorer: str
    profile_version: int
    title: str
    company: str
    location: str = ""
    url: str
    source: str
    employment_type: str | None = None
    posted_at: datetime | None = None
    pay: Pay | None = None
    workplace: Workplace | None = None
    apply_url: str | None = None
    # chat id (as str: JSON keys) -> Telegram message id of the delivered message.
    sent: dict[str, int] = Field(default_factory=dict)

    @classmethod
    def from_scored(cls, day: str, rank: int, posting: Posting, score: Score) -> Pick:
        return cls(
            day=day,
            key=posting.key,
            rank=rank,
            score=score.score,
            reason=score.reason,
            summary=score.summary,
            scorer=score.scorer,
            profile_version=score.profile_version,
            title=posting.title,
            company=posting.company,
            location=posting.location,
            url=posting.url,
            source=posting.source,
            employment_type=posting.employment_type,
            posted_at=posting.posted_at,
            pay=posting.pay,
            workplace=posting.workplace,
            apply_url=posting.apply_url,
        )


class SourceReport(BaseModel):
    source: str
    state: str
    reason: str = ""
    postings: int = 0
    requests: int = 0
    seconds: float = 0.0


class RunCounts(BaseModel):
    collected: int = 0
    duplicates: int = 0  # the same job twice within this run
    seen: int = 0  # already seen on an earlier run
    new: int = 0
    retried: int = 0  # unscored on an earlier run, scored again now
    filtered: int = 0
    scored: int = 0
    unscored: int = 0
    picked: int = 0


class RunRecord(BaseModel):
    """One run of the daily job, as stored in the run log and shown in the summary."""

    day: str
    started_at: datetime
    finished_at: datetime | None = None
    status: str = "running"  # running / done / failed / all-sources-failed
    dry_run: bool = False
    sources: list[SourceReport] = Field(default_factory=list)
    counts: RunCounts = Field(default_factory=RunCounts)
    filtered_reasons: dict[str, int] = Field(default_factory=dict)
    unscored_reasons: dict[str, int] = Field(default_factory=dict)
    spend: dict[str, float] = Field(
        default_factory=dict
    )  # tokens_in, tokens_out, cached_tokens, cost_usd, calls
    notes: list[str] = Field(default_factory=list)
    seconds: float = 0.0


class Vote(BaseModel):
    """A 👍/👎 on a pick, with what produced the pick (so learning knows what it answered)."""

    key: str
    chat: int
    vote: str  # "up" | "down"
    reason: str | None = None  # a key of VOTE_REASONS
    day: str
    score: int
    scorer: str
    profile_version: int
    title: str
    company: str
    location: str = ""
    summary: str = ""
    source: str = ""
    at: datetime
