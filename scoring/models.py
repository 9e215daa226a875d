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


class LearnedWeights(BaseModel):
    """What feedback taught the local scorer (built by `scoring.learning` from votes).

    Weights are additive nudges in score points per matched item, already decayed and capped.
    """

    terms: dict[str, float] = Field(default_factory=dict)  # normalised term -> weight
    companies: dict[str, float] = Field(default_factory=dict)  # normalised company -> weight
    locations: dict[str, float] = Field(default_factory=dict)  # normalised location token -> weight
    # Short human phrases the reason may cite, e.g. {"recommender systems": 3} liked roles.
    liked: dict[str, int] = Field(default_factory=dict)
    disliked: dict[str, int] = Field(default_factory=dict)


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
