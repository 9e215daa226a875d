"""Local learning: turning 👍/👎 votes into the local scorer's `LearnedWeights`.

Each vote adds signed *evidence* to the terms, company and location it is about; evidence
decays with the vote's age (half-life), and a weight grows with evidence along a saturating
curve ``max * e² / (e² + k²)``: one vote moves a weight by a fifth of its maximum at most
(k = 2), agreeing votes add up, disagreeing ones cancel. The reason of a 👎 narrows what it
is about ("location" lowers the location, not the skills; "seen" lowers nothing).

Votes are read structurally (`VoteLike`), so `bot.store.records.Vote` works without `scoring`
importing `bot`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from scoring.local.reading import clauses
from scoring.models import LearnedWeights
from scoring.profile import Profile
from scrapers.dedup import normalise_company
from scrapers.postings.posting import Posting
from scrapers.postings.words import tokens

# The reasons a 👎 can give, with the label the bot's buttons show: the one home of the list
# (the bot imports it). Learning reads each reason's key (see `vote_evidence`).
VOTE_REASONS: dict[str, str] = {
    "field": "wrong field",
    "senior": "too senior",
    "location": "location",
    "company": "company",
    "seen": "seen it",
}
REASONS = tuple(VOTE_REASONS)

# Words a "too senior" 👎 is about.
SENIORITY_WORDS = frozenset(
    "senior sr staff principal lead manager director head vp chief architect iii iv".split()
)

# Words that say nothing about what a job is (they occur in liked and disliked postings alike).
_STOP = frozenset(
    """a an and are as at be but by for from has have i in into is it its of on or our so that
    the their this to we with you your will who what when where which while about across all
    also any can do does more most not new no only other over per than then them they those
    through up us very via was were work working join joining team teams role roles job jobs
    position positions opportunity help helping build building built make using use used
    looking interested want wants like prefer student students year years summer fall spring
    winter intern interns internship internships engineer engineers engineering developer
    developers graduate grad company day days week weeks ideal candidate experience
    responsibilities requirements including include includes well strong plus based""".split()
)

# All learned points of one posting together stay within ±this: votes nudge, they do not decide.
MAX_NUDGE = 30.0


class LearningConfig(BaseModel):
    """The `[learning]` section of the config file."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # no inf or nan (issue 22)

    half_life_days: float = Field(default=30.0, gt=0)  # a vote counts half after this many days
    propose_every: int = Field(default=10, ge=1)  # LLM proposal after every N new votes …
    propose_min_votes: int = Field(default=10, ge=1)  # … once there are at least M votes
    votes_to_matter: float = Field(default=2.0, gt=0)  # evidence at which a weight is half its max
    max_term_weight: float = Field(default=6.0, ge=0)  # score points per matched term, at most
    max_company_weight: float = Field(default=12.0, ge=0)
    max_location_weight: float = Field(default=6.0, ge=0)
    max_terms_per_vote: int = Field(default=10, ge=1)  # one vote's evidence is spread over these
    examples: int = Field(default=5, ge=0, le=5)  # liked and disliked examples for the LLM prompt


class VoteLike(Protocol):
    """What learning reads from a vote (`bot.store.records.Vote` has all of it)."""

    vote: str
    reason: str | None
    title: str
    company: str
    location: str
    summary: str
    at: datetime


# -- text -------------------------------------------------------------------------------------


def terms_of(text: str) -> list[str]:
    """The normalised terms learning keeps from a text: content words, in order, no repeats."""
    seen: dict[str, None] = {}
    for tok in tokens(text):
        if tok in _STOP or tok.isdigit() or (len(tok) < 2 and tok not in ("c", "r")):
            continue
        seen.setdefault(tok, None)
    return list(seen)


def location_tokens(location: str) -> list[str]:
    """Normalised location tokens (``"Arlington, VA"`` → ``["arlington", "va"]``)."""
    return [t for t in tokens(location) if not t.isdigit()]


def field_phrase(title: str) -> str:
    """What a job is about, from its title, in a few words: ``"ML Infrastructure Engineer
    Intern"`` → ``"ml infrastructure"``. Used to cite what was liked ("you liked 3 …")."""
    words = [
        t
        for t in tokens(title)
        if t not in _STOP
        and t not in SENIORITY_WORDS
        and not t.isdigit()
        and len(t) > 1
        and t not in ("i", "ii", "jr", "junior", "co", "op", "new")
    ]
    return " ".join(words[:3])


def interests(profile: Profile) -> set[str]:
    """Terms the user said they want (about, directives, learned; not the clauses that say
    what they do not want, read as `scoring.local.reading` reads them)."""
    wanted: set[str] = set()
    for text in [profile.about, *profile.directives, *profile.learned]:
        for clause in clauses(text):
            if not clause.negative:
                wanted.update(terms_of(clause.text))
    return wanted


# -- evidence ---------------------------------------------------------------------------------
def _decay(at: datetime, now: datetime, half_life_days: float) -> float:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    age_days = max(0.0, (now - at).total_seconds() / 86400)
    return 0.5 ** (age_days / half_life_days)


def _vote_terms(vote: VoteLike) -> dict[str, float]:
    """Terms of a vote's posting, title words weighing twice summary words."""
    found: dict[str, float] = {}
    for term in terms_of(vote.summary):
        found[term] = 0.5
    for term in terms_of(vote.title):
        found[term] = 1.0
    return found


def vote_evidence(
    vote: VoteLike, wanted: set[str], cfg: LearningConfig
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """What one vote says, before decay: signed evidence for (terms, companies, locations).

    👍 lifts the terms the posting shares with the profile's interests fully and its other
    terms half (they may be interests the profile does not state yet), the company a little.
    👎 lowers the terms the profile does not ask for fully and the shared ones half (the user
    still wants those); its reason narrows it: field → terms only, senior → seniority words
    only, location → the location only, company → the company only, seen → nothing.
    One vote's term evidence totals at most `max_terms_per_vote`.
    """
    terms: dict[str, float] = {}
    companies: dict[str, float] = {}
    locations: dict[str, float] = {}
    reason = vote.reason if vote.reason in REASONS else None
    up = vote.vote == "up"
    sign = 1.0 if up else -1.0
    company = normalise_company(vote.company)

    if up or reason in (None, "field"):
        raw = _vote_terms(vote)
        for term, w in raw.items():
            shared = term in wanted
            raw[term] = w * ((1.0 if shared else 0.5) if up else (0.5 if shared else 1.0))
        # Cap the vote: a long summary must not outweigh a short one.
        total = sum(raw.values())
        scale = min(1.0, cfg.max_terms_per_vote / total) if total else 0.0
        terms = {t: sign * w * scale for t, w in raw.items()}
    if up:
        if company:
            companies[company] = 0.5
        for tok in location_tokens(vote.location):
            locations[tok] = 0.25
    elif reason is None and company:
        companies[company] = -0.25
    elif reason == "senior":
        words = set(tokens(vote.title)) & SENIORITY_WORDS
        for word in words | {"senior"}:
            terms[word] = -1.0
    elif reason == "location":
        for tok in location_tokens(vote.location):
            locations[tok] = -1.0
    elif reason == "company" and company:
        companies[company] = -1.0
    return terms, companies, locations


def _weight(evidence: float, max_weight: float, k: float) -> float:
    """Saturating: a few agreeing votes approach `max_weight`; one vote stays small."""
    e2 = evidence * evidence
    w = max_weight * e2 / (e2 + k * k)
    return round(w if evidence > 0 else -w, 3)


def learn(
    votes: Iterable[VoteLike],
    profile: Profile,
    cfg: LearningConfig | None = None,
    now: datetime | None = None,
) -> LearnedWeights:
    """The learned weights for the current votes (each posting's latest vote only)."""
    cfg = cfg or LearningConfig()
    now = now or datetime.now(UTC)
    wanted = interests(profile)
    acc: tuple[dict[str, float], ...] = (defaultdict(float), defaultdict(float), defaultdict(float))
    liked: Counter[str] = Counter()
    disliked: Counter[str] = Counter()
    for vote in votes:
        decay = _decay(vote.at, now, cfg.half_life_days)
        for bucket, found in zip(acc, vote_evidence(vote, wanted, cfg), strict=True):
            for key, value in found.items():
                bucket[key] += value * decay
        phrase = _vote_phrase(vote)
        if phrase:
            (liked if vote.vote == "up" else disliked)[phrase] += 1
    k = cfg.votes_to_matter
    maxima = (cfg.max_term_weight, cfg.max_company_weight, cfg.max_location_weight)
    terms, companies, locations = (
        {key: w for key, e in bucket.items() if abs(w := _weight(e, cap, k)) >= 0.05}
        for bucket, cap in zip(acc, maxima, strict=True)
    )
    return LearnedWeights(
        terms=terms,
        companies=companies,
        locations=locations,
        liked=dict(liked),
        disliked=dict(disliked),
    )


def _vote_phrase(vote: VoteLike) -> str:
    """The human phrase a vote is counted under ("ml infrastructure", "lockheed martin")."""
    if vote.vote == "up":
        return field_phrase(vote.title)
    if vote.reason == "seen":
        return ""
    if vote.reason == "company":
        return normalise_company(vote.company)
    if vote.reason == "location":
        return ", ".join(location_tokens(vote.location)[:2])
    if vote.reason == "senior":
        return "senior"
    return field_phrase(vote.title)


# -- applying ---------------------------------------------------------------------------------
def learned_nudge(
    learned: LearnedWeights, posting: Posting, cap: float = MAX_NUDGE
) -> tuple[float, list[str]]:
    """Score points learned weights add to a posting, and short phrases for the reason
    ("you liked 3 ml infrastructure roles").

    Terms match the posting's title and description words; the company matches by
    `normalise_company`; locations by token. Lifts and penalties are capped separately
    (each within `cap`), so a posting full of liked words still feels a disliked company
    or a "too senior" word.
    """
    if not (
        learned.terms or learned.companies or learned.locations or learned.liked or learned.disliked
    ):
        return 0.0, []
    words = tokens(posting.title) + tokens(posting.description)
    found: list[float] = []
    if learned.terms:
        wordset = set(words)
        text = " " + " ".join(words) + " "
        # Learning writes single words; a hand-written weight may be a phrase.
        found += [
            w
            for t, w in learned.terms.items()
            if (f" {k} " in text if " " in (k := _as_words(t)) else k in wordset)
        ]
    company = normalise_company(posting.real_employer or posting.company)
    found += [w for c, w in learned.companies.items() if normalise_company(c) == company]
    # dict.fromkeys, not set: the same summation order in every process
    locs = dict.fromkeys(location_tokens(posting.location))
    found += [learned.locations.get(tok, 0.0) for tok in locs]
    lift = min(cap, sum(w for w in found if w > 0))
    drop = max(-cap, sum(w for w in found if w < 0))
    return lift + drop, cite(learned, posting, words)


@lru_cache(maxsize=4096)
def _as_words(term: str) -> str:
    """A learned term or phrase in the form posting words take ("Recommender systems" ->
    "recommender system"), so hand-written and learned weights match alike."""
    return " ".join(tokens(term))


def cite(learned: LearnedWeights, posting: Posting, words: list[str] | None = None) -> list[str]:
    """What the reason may say about past votes on postings like this one: the title's field
    first, else any liked or disliked phrase the posting mentions."""
    notes = []
    phrase = field_phrase(posting.title)
    text = (
        " "
        + " ".join(
            words if words is not None else tokens(posting.title + " " + posting.description)
        )
        + " "
    )

    def _mentioned(counts: dict[str, int]) -> tuple[str, int] | None:
        if phrase and counts.get(phrase, 0) >= 2:
            return phrase, counts[phrase]
        hits = [(n, p) for p, n in counts.items() if n >= 2 and f" {_as_words(p)} " in text]
        return (max(hits)[1], max(hits)[0]) if hits else None

    liked = _mentioned(learned.liked)
    disliked = _mentioned(learned.disliked)
    if liked:
        notes.append(f"you liked {liked[1]} {liked[0]} roles")
    elif disliked:
        notes.append(f"you passed on {disliked[1]} {disliked[0]} roles")
    company = normalise_company(posting.real_employer or posting.company)
    if any(normalise_company(c) == company and w <= -1.0 for c, w in learned.companies.items()):
        notes.append(f"you passed on {posting.company} before")
    return notes


def top_terms(learned: LearnedWeights, n: int = 8) -> tuple[list[str], list[str]]:
    """The strongest lifted and lowered terms (for /profile and debugging)."""
    ordered = sorted(learned.terms.items(), key=lambda kv: kv[1])
    down = [t for t, w in ordered[:n] if w < 0]
    up = [t for t, w in reversed(ordered[-n:]) if w > 0]
    return up, down


def recent(votes: Sequence[VoteLike], n: int) -> list[VoteLike]:
    """The newest `n` votes, newest first."""
    return sorted(votes, key=lambda v: v.at, reverse=True)[:n]
