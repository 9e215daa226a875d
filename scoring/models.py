"""Scores as the rest of the app sees them, and what the LLM cost."""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import BaseModel, Field

from scoring.llm.failures import BudgetReached, TokenBudgetReached

LOCAL_SCORER = "local"

# What an LLM call was for: the ledger keeps one Spend per purpose.
SCORING = "scoring"
TRIAGE = "triage"
PROPOSAL = "proposal"
ONBOARDING = "onboarding"  # issue 19: drafting a new person's profile in the chat
PURPOSES = (TRIAGE, SCORING, PROPOSAL, ONBOARDING)


class Score(BaseModel):
    """One scorer's verdict on one posting."""

    posting_key: str
    score: int = Field(ge=0, le=100)
    reason: str
    summary: str
    scorer: str  # "local" or the litellm model string
    profile_version: int
    # Set by selection, not by a scorer: on an exploration pick, what kind of posting it
    # tries that the person has not voted on ("data analysis roles"); empty otherwise. Never
    # stored with the score (a cached score is the scorer's alone).
    explore: str = Field(default="", exclude=True)


class LearnedLine(BaseModel):
    """One thing votes taught: a feature of postings (`scoring.features`), its evidence and
    what it is worth now."""

    id: str  # the feature's stable id, e.g. "field:analytics" (what a person removes)
    words: str  # plain words: "data analysis", "Harbor Bank", "New York", "remote"
    group: str  # field / family / employer / industry / place / workplace / level / type / pay
    ups: int = 0  # 👍 (and saved / applied marks) on postings with this feature
    downs: int = 0  # 👎 on postings with this feature
    weight: float = 0.0  # score points it adds (or takes) on a posting that has it


class LearnedWeights(BaseModel):
    """What feedback taught the local scorer (built by `scoring.learning.learn` from votes).

    One line per feature the votes touched, keyed by its id, with its evidence and its weight
    in score points (already shrunk towards the profile and decayed with age)."""

    features: dict[str, LearnedLine] = Field(default_factory=dict)
    votes: int = 0  # how many votes (and marks) the learning read
    ups: int = 0  # how many of them were 👍 (or saved / applied marks)
    # Feature ids the person's own words rule out (avoided fields, employers, places): a
    # posting with one of them gets no learned lift.
    ruled_out: list[str] = Field(default_factory=list)
    # Plain words the /profile view shows with their counts, e.g. {"data analysis": 6}.
    liked: dict[str, int] = Field(default_factory=dict)
    disliked: dict[str, int] = Field(default_factory=dict)

    def weight(self, feature_id: str) -> float:
        line = self.features.get(feature_id)
        return line.weight if line else 0.0

    def lines(self, min_weight: float = 0.0) -> list[tuple[str, str, int, int, float]]:
        """(id, words, ups, downs, weight) of every learned line whose weight is at least
        `min_weight` either way, strongest first (ties by id)."""
        chosen = [ln for ln in self.features.values() if abs(ln.weight) >= min_weight]
        chosen.sort(key=lambda ln: (-abs(ln.weight), ln.id))
        return [(ln.id, ln.words, ln.ups, ln.downs, ln.weight) for ln in chosen]

    def voted(self, feature_id: str, at_least: int = 1) -> bool:
        """Whether at least `at_least` votes were on postings with this feature."""
        line = self.features.get(feature_id)
        return line is not None and line.ups + line.downs >= at_least


class Spend(BaseModel):
    """LLM usage of one run (or one call)."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def add(self, other: Spend) -> None:
        self.calls += other.calls
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.cached_tokens += other.cached_tokens
        self.cost_usd += other.cost_usd


@dataclass
class Ledger:
    """What one operation (a run, a learning proposal) spent on the LLM, per purpose, and the
    daily budget it must stay within.

    `spent_before_*` is what earlier operations spent today; the budget counts them too. A
    limit of 0 means none. The token limit holds whatever the price, so a model litellm has no
    price for (cost $0) is still stopped."""

    usd_limit: float = 0.0
    token_limit: int = 0
    spent_before_usd: float = 0.0
    spent_before_tokens: int = 0
    by_purpose: dict[str, Spend] = field(default_factory=dict)

    def record(self, purpose: str, spend: Spend) -> None:
        self.by_purpose.setdefault(purpose, Spend()).add(spend)

    def total(self) -> Spend:
        out = Spend()
        for spend in self.by_purpose.values():
            out.add(spend)
        return out

    def exhausted(self) -> BudgetReached | None:
        """The failure to raise instead of the next call when a budget is spent, else None."""
        total = self.total()
        if self.usd_limit > 0 and self.spent_before_usd + total.cost_usd >= self.usd_limit:
            return BudgetReached(f"${self.usd_limit:.2f} a day")
        if self.token_limit > 0 and self.spent_before_tokens + total.tokens >= self.token_limit:
            return TokenBudgetReached(f"{self.token_limit:,} tokens a day")
        return None

    def as_record(self) -> dict[str, float]:
        """Flat figures for a stored record: the totals (`calls`, `tokens_in`, …) and the same
        per purpose as `triage.calls`, `scoring.tokens_in`, …"""
        out: dict[str, float] = dict(self.total().model_dump())
        for purpose, spend in sorted(self.by_purpose.items()):
            for name, value in spend.model_dump().items():
                out[f"{purpose}.{name}"] = value
        return out


def spend_from_record(record: dict[str, float], purpose: str | None = None) -> Spend:
    """A Spend back from `Ledger.as_record()` figures: the totals, or one purpose's."""
    prefix = f"{purpose}." if purpose else ""
    data = {n: record.get(prefix + n, 0) for n in Spend.model_fields}
    return Spend(
        calls=int(data["calls"] or 0),
        tokens_in=int(data["tokens_in"] or 0),
        tokens_out=int(data["tokens_out"] or 0),
        cached_tokens=int(data["cached_tokens"] or 0),
        cost_usd=float(data["cost_usd"] or 0.0),
    )
