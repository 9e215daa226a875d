"""Scoring a batch of postings: local ranking, then (when configured) the LLM on the top K."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.local import LocalScorer
from scoring.models import LearnedWeights, Score, Spend
from scoring.options import LLMSettings, ScoringConfig
from scoring.profile import Profile
from scrapers.models import Posting

ProgressFn = Callable[[int, int], None]


@dataclass
class ScoreBatch:
    """What scoring a batch produced; the caller stores `cache_writes` in one step."""

    scores: dict[str, Score] = field(default_factory=dict)  # posting key -> score
    unscored: dict[str, str] = field(default_factory=dict)  # posting key -> cause
    cache_writes: list[tuple[str, Score]] = field(default_factory=list)
    spend: Spend = field(default_factory=Spend)
    notes: list[str] = field(default_factory=list)


async def score_postings(
    postings: list[Posting],
    profile: Profile,
    *,
    options: ScoringConfig,
    llm: LLMSettings | None = None,
    cache_get: Callable[[str], Score | None] = lambda _key: None,
    learned: LearnedWeights | None = None,
    progress: ProgressFn | None = None,
) -> ScoreBatch:
    """Score every posting; postings that could not be scored are listed in `unscored`."""
    local = LocalScorer(profile, learned)
    batch = ScoreBatch()
    for i, posting in enumerate(postings, 1):
        batch.scores[posting.key] = local.score(posting)
        if progress:
            progress(i, len(postings))
    if llm is not None:
        raise NotImplementedError("LLM scoring lands with the scoring issue")
    return batch
