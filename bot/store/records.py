"""Every kind of record the Store keeps, one pydantic model each (one TinyDB table each).

`Score`, `Profile` and `Proposal` come from `scoring` as they are; the rest live here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# The 👎 reasons live with the learning that reads them; re-exported for the bot's buttons.
from scoring.learning import VOTE_REASONS as VOTE_REASONS
from scoring.models import Score
from scoring.profile import Profile
from scrapers.options import SearchConfig
from scrapers.postings.posting import Pay, Posting, Workplace

# The layout of the files. 1: everything small in one "meta" document (up to 19d633a);
# 2: one table per kind of record, a "store" table with this number (up to 14d697a);
# 3: seen postings and the score cache in append-only logs of their own (`<db>.seen`,
# `<db>.scores`), and no `checked_at` (`jobpicks doctor` writes nothing); 4: people — every
# per-person record carries its person (`person`, or `chat` where a chat id already named it),
# a `people` table, a `fetches` log per distinct search / board / list, and a shared pool
# whose entries say what found them.
SCHEMA_VERSION = 4

# The person of a jobpicks with no Telegram chat configured (`jobpicks run` printing digests).
LOCAL_PERSON = 0


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
    # An exploration pick: what kind of posting it tries ("data analysis roles"); else "".
    explore: str = ""
    # Why a rescore took it out of the day's picks ("ruled out by your filters", "no longer
    # among the best"); else "". It stays stored, so the buttons of a sent one still work.
    dropped: str = ""
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
            explore=score.explore,
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
    # What learning reads beyond the words (copied from the pick; absent on older votes).
    employment_type: str | None = None
    pay: Pay | None = None
    workplace: Workplace | None = None
    at: datetime


# -- the store itself -------------------------------------------------------------------------
class StoreInfo(BaseModel):
    """The one document of the "store" table: which layout the file has."""

    schema_version: int
    migrated_from: int | None = None
    migrated_at: datetime | None = None


class Unreadable(BaseModel):
    """A record an older layout held that no model accepts now: kept as it was, not dropped."""

    table: str
    doc: Any
    why: str = ""


# -- postings -----------------------------------------------------------------------------------
class SeenPosting(BaseModel):
    """A posting decided on before, kept compact (short JSON keys): it grows forever (one
    record of the ``<db>.seen`` log)."""

    model_config = ConfigDict(populate_by_name=True)

    key: str = Field(alias="k")
    day: str = Field(alias="d")  # first seen (ISO date)
    fingerprint: str | None = Field(default=None, alias="f")


class PoolEntry(BaseModel):
    """A candidate posting shared by everyone, with its description, until it ages out
    (`POOL_DAYS`); `found_by` names what found it: fetch keys (`bot.services.collect`), "*"
    (a collector that says nothing about where its postings came from: everyone's), or
    "person:<id>" (one person's, e.g. a pool carried over from a single-profile database)."""

    key: str
    day: str  # first seen
    posting: Posting
    found_by: list[str] = Field(default_factory=list)


class PickedPosting(BaseModel):
    """A posting picked on `day`, with its description, kept until the next run replaces it,
    so that a rescore the same day can score the day's picks again."""

    day: str
    posting: Posting


class CachedScore(BaseModel):
    """A paid-for score, by (profile content, posting content, profile version, prompt
    version, model); one record of the ``<db>.scores`` log."""

    model_config = ConfigDict(populate_by_name=True)

    cache_key: str = Field(alias="ck")
    day: str = Field(alias="d")
    score: Score


# -- the profile --------------------------------------------------------------------------------
class ProfileVersion(BaseModel):
    """One stored version of the profile; `profile.version` is its number."""

    profile: Profile
    parent: int | None = None
    note: str = ""
    created_at: datetime | None = None
    # Filled when read (`Store.profile_history`); not stored.
    current: bool = Field(default=False, exclude=True)

    @property
    def version(self) -> int:
        return self.profile.version


class ProfileHead(BaseModel):
    """Which profile version the scorers read now (undo moves it back to the parent)."""

    version: int


class LearningState(BaseModel):
    """Where learning stands: proposals are asked for every N votes; a proposal the model
    could not give is said once and asked again after more votes or on a later day; learned
    lines the person removed; when today's candidates were last rescored (or one offered)."""

    votes_at_last_proposal: int = 0
    proposal_failed_at_votes: int | None = None  # the vote count when a proposal failed …
    proposal_failed_on: str | None = None  # … and the day (ISO); None: no failure pending
    forgotten: dict[str, str] = Field(default_factory=dict)  # learned line id -> its words
    rescore_mark: datetime | None = None  # votes after this count towards offering a rescore


# -- chats --------------------------------------------------------------------------------------
class ChatState(BaseModel):
    """Delivery state of one chat: paused with /pause, or unreachable (Telegram said 403)."""

    chat: int
    paused: bool = False
    unreachable: str | None = None  # why, e.g. "Forbidden: bot was blocked by the user"
    # Picks Telegram refused for good in this chat: day -> {posting key: why} (last week).
    failed: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Days this chat was told that every source failed (not the day's header: a later
    # successful run that day still sends one).
    notices: list[str] = Field(default_factory=list)
    # The digest day the last weekly digest served (ISO date; files before the digest's day
    # could be chosen hold its ISO week, "2026-W48").
    weekly_digest_week: str | None = None
    # With `paused`: the first day picks come again (ISO date); None = until /resume.
    paused_until: str | None = None


class DaySpend(BaseModel):
    """What learning proposals cost the LLM on one day (`scoring.models.Ledger.as_record()`
    figures); runs keep theirs in their `RunRecord.spend`."""

    day: str
    figures: dict[str, float] = Field(default_factory=dict)


class HeaderSent(BaseModel):
    """The day's header message went to this chat."""

    chat: int
    day: str
    at: datetime | None = None


# The application pipeline: saved → applied → interviewing → offer / rejected, each a mark
# with its date; "closed": the board no longer has the posting (found by a reminder's check).
MarkKind = Literal["saved", "applied", "interviewing", "offer", "rejected", "closed"]
MARK_KINDS: tuple[MarkKind, ...] = (
    "saved",
    "applied",
    "interviewing",
    "offer",
    "rejected",
    "closed",
)


class Mark(BaseModel):
    """A chat's mark on a pick: saved for later, applied to, a later stage, or found closed
    (with when)."""

    chat: int
    key: str  # the posting key
    day: str  # the pick's day: (day, key) finds the pick (`Store.pick`)
    kind: MarkKind
    at: datetime
    # A saved mark: when the chat was asked "applied?" about it (once).
    reminded_at: datetime | None = None


class Note(BaseModel):
    """A chat's own note on a posting (one per posting; the latest text wins)."""

    chat: int
    key: str
    day: str  # the pick's day
    text: str
    at: datetime


# -- settings changed from the chat -------------------------------------------------------------
class ScheduleOverrides(BaseModel):
    """/settings values for `[schedule]`; None = the file's value."""

    model_config = ConfigDict(extra="forbid")

    time: str | None = None  # HH:MM
    timezone: str | None = None  # IANA name
    days: list[int] | None = None  # 0 = Sunday … 6 = Saturday; wins over a stored cadence


class SelectionOverrides(BaseModel):
    """/settings values for `[selection]`; None = the file's value."""

    model_config = ConfigDict(extra="forbid")

    max_picks: int | None = None
    min_score: int | None = None


class DeliveryPrefs(BaseModel):
    """How often picks come; None = the file's `[schedule] days`, no weekly digest."""

    model_config = ConfigDict(extra="forbid")

    cadence: Literal["daily", "weekdays"] | None = None  # older choice; now `schedule.days`
    weekly_digest: bool | None = None
    weekly_day: int | None = None  # the weekly digest's day (0 = Sunday); None = Monday
    compact: bool | None = None  # the morning's picks as one list message


class Overrides(BaseModel):
    """Settings changed from the chat. They win over `jobpicks.toml` (`AppContext`)."""

    model_config = ConfigDict(extra="forbid")

    schedule: ScheduleOverrides = Field(default_factory=ScheduleOverrides)
    selection: SelectionOverrides = Field(default_factory=SelectionOverrides)
    searches: list[SearchConfig] | None = None  # None = the file's `[[searches]]`
    delivery: DeliveryPrefs = Field(default_factory=DeliveryPrefs)


# -- people ---------------------------------------------------------------------------------------
PersonKind = Literal["private", "group", "local"]


def kind_of(person: int) -> PersonKind:
    """A private chat's id is its user's (positive); a group's is negative; 0 is local."""
    if person == LOCAL_PERSON:
        return "local"
    return "private" if person > 0 else "group"


class Person(BaseModel):
    """Someone jobpicks serves: a Telegram chat (a private chat is one person, a group one
    shared person), or the local person of a jobpicks without Telegram."""

    id: int
    kind: PersonKind = "private"
    name: str = ""
    joined_at: datetime
    # How they came: "config" (TELEGRAM_CHAT_IDS), "onboarding", "migrated" (the owner of a
    # single-profile database), or what admitted them ("invite", "open", …).
    via: str = "config"
    last_run_day: str | None = None  # the last day a run of theirs finished


class Invite(BaseModel):
    """An invite code the operator made (`jobpicks invite`): `/start <code>` admits a new
    person while it has uses left, is not expired and not revoked. It names no one."""

    code: str
    note: str = ""
    made_at: datetime
    expires_at: datetime | None = None
    uses: int = 1  # how many people it may admit (0 = any number)
    used: int = 0
    revoked: bool = False


# -- the shared fetch log -------------------------------------------------------------------------
class FetchRecord(BaseModel):
    """The last fetch of one distinct search (per source), company board or list: when, how
    it went, and what it brought. It decides what the next round fetches (nothing fetched
    well within `[schedule] refetch_hours`) and how far back it looks (to `ok_at`), and is
    the source health the operator sees."""

    key: str
    kind: str  # search / board / list / any
    label: str = ""
    config: dict[str, Any] = Field(default_factory=dict)  # what is fetched, as configured
    fetched_at: datetime | None = None
    ok_at: datetime | None = None  # the last fetch that brought postings back (ok / partial)
    state: str = ""
    reason: str = ""
    postings: int = 0
    requests: int = 0
    reports: list[SourceReport] = Field(default_factory=list)
    # A board's postings are kept when a search accepts them: the search keys they were
    # filtered by, so a round with a search not among them fetches the board again.
    filtered_by: list[str] = Field(default_factory=list)
