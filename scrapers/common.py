"""What every source shares: timing and tallying a run, turning problems into a status."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scrapers.http import FetchError, Response, Tally
from scrapers.models import Posting, SourceResult, SourceState, Workplace, http_url

__all__ = [
    "SourceProblem",
    "SourceRun",
    "employment_from_title",
    "from_epoch_ms",
    "from_iso",
    "http_url",
    "read_posting",
    "refusal",
    "workplace_from_text",
]


class SourceProblem(Exception):
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


# Employment type from a title, as a reader reads it: the first kind whose words appear wins
# (an "Intern (Full-time)" is an internship). "contract" counts only as a tag ("(Contract)",
# "- Contract", "Contract role"), so a "Contract Manager" stays a job about contracts.
_TITLE_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "internship",
        re.compile(
            r"\b(?:intern|interns|internship|internships|co-?op|co-?ops|werkstudent(?:in)?"
            r"|praktikant(?:in)?|praktikum|stagiaire|summer student)\b"
        ),
    ),
    ("part-time", re.compile(r"\bpart[- ]?time\b")),
    (
        "contract",
        re.compile(
            r"\bcontractor\b|\bcontract[- ]to[- ]hire\b|\bfixed[- ]term\b"
            r"|[(\[]\s*contract\s*[)\]]|(?:^|[-–|,/:]\s*)contract\s*(?:$|[-–|,/)])"
            r"|\bcontract (?:role|position|job|assignment)\b"
        ),
    ),
    ("temporary", re.compile(r"\btemporary\b|\btemp\b|\bseasonal\b")),
    ("full-time", re.compile(r"\bfull[- ]?time\b")),
)


def employment_from_title(title: str) -> str | None:
    """The employment type a title states ("Software Engineer Intern-SRE" → internship,
    "Co-Op" → internship, "Research Scientist (MS/PhD)" → None), or None when it says none.

    Company boards rarely state the type; the title usually does for interns."""
    text = " ".join(str(title).lower().split())
    for kind, pattern in _TITLE_TYPES:
        if pattern.search(text):
            return kind
    return None


# Workplace words. In short fields (title, location, a board's workplace field) a word is
# enough; in a description only phrases that state the arrangement count, and a negation
# ("not a remote role") cancels remote.
_SHORT = (
    ("hybrid", re.compile(r"\bhybrid\b")),
    (
        "remote",
        re.compile(r"\bremote\b|\bwfh\b|\bwork(?:ing)? from home\b|\bhome[- ]based\b|\btelecommut"),
    ),
    (
        "onsite",
        re.compile(r"\bon[- ]?site\b|\bin[- ]office\b|\bin[- ]person\b|\boffice[- ]based\b"),
    ),
)
_LONG = (
    (
        "hybrid",
        re.compile(
            r"\bhybrid (?:role|position|schedule|work|working|model|arrangement|setup|environment)\b"
            r"|\b(?:this|the) (?:role|position|job) is hybrid\b|\bis a hybrid\b"
            r"|\b\d(?:-\d)? days? (?:a|per|each) week (?:in|at) (?:the|our) office\b"
        ),
    ),
    (
        "remote",
        re.compile(
            r"\b(?:fully|100%|completely|entirely) remote\b"
            r"|\bremote[- ](?:first|role|position|job|opportunity|friendly)\b"
            r"|\b(?:this|the) (?:role|position|job) is (?:fully )?remote\b|\bis a remote\b"
            r"|\bwork from home\b|\bwfh\b|\bwork from anywhere\b"
        ),
    ),
    (
        "onsite",
        re.compile(
            r"\b(?:fully|100%) (?:on-?site|in[- ]office)\b"
            r"|\b(?:on-?site|in[- ]office|in[- ]person) (?:role|position|job)\b"
            r"|\b(?:this|the) (?:role|position|job) is (?:on-?site|in[- ]office|in[- ]person)\b"
        ),
    ),
)
_NOT_REMOTE = re.compile(
    r"\b(?:not|no|isn't|non)[- ](?:a |an |fully |100% )?remote\b|\bremote work is not\b"
)


def workplace_from_text(*short: str | None, description: str | None = None) -> Workplace | None:
    """remote / hybrid / onsite as the title, location or a board's own field says it, else as
    the description states it; None when nothing says. "Hybrid - London" → hybrid,
    "Remote (US)" → remote, "WFH" → remote."""
    for text in short:
        low = (text or "").lower()
        for kind, pattern in _SHORT:
            if pattern.search(low):
                return kind  # type: ignore[return-value]
    low = " ".join((description or "").lower().split())
    if not low:
        return None
    for kind, pattern in _LONG:
        if pattern.search(low):
            if kind == "remote" and _NOT_REMOTE.search(low):
                continue
            return kind  # type: ignore[return-value]
    return None
