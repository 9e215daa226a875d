"""Scores as the rest of the app sees them."""

from __future__ import annotations

from pydantic import BaseModel, Field

LOCAL_SCORER = "local"


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

    def add(self, other: Spend) -> None:
        self.calls += other.calls
        self.tokens_in += other.tokens_in
        self.tokens_out += other.tokens_out
        self.cached_tokens += other.cached_tokens
        self.cost_usd += other.cost_usd
