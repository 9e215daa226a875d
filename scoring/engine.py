"""Scoring a batch of postings: local ranking, then (when configured) the LLM on the top K.

The order of one batch:
1. The local scorer rates everything (free); a filter veto gives 0 and never reaches the LLM.
2. With an LLM: any posting whose cache key (content, profile version, prompt version, model)
   has a stored score takes it for free, whatever its rank.
3. The locally best K postings without a cached score are sent to the LLM, concurrently.
   A failed call leaves the posting *unscored* (the pipeline retries it next run), never 0.
   When the daily budget is reached, the rest of the top K get their local score.
4. Postings outside the top K keep their local score, marked as a local estimate and capped
   just below the lowest LLM score of the batch: the LLM judged the locally better postings,
   so a local estimate never outranks an LLM verdict.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.cache import cache_key
from scoring.filters import veto
from scoring.local import LocalScorer
from scoring.models import LearnedWeights, Score, Spend
from scoring.options import LLMSettings, ScoringConfig
from scoring.profile import Profile
from scoring.prompt import Example, static_prefix
from scrapers.models import Posting

ProgressFn = Callable[[int, int], None]
BUDGET = "budget"


@dataclass
class ScoreBatch:
    """What scoring a batch produced; the caller stores `cache_writes` in one step."""

    scores: dict[str, Score] = field(default_factory=dict)  # posting key -> score
    unscored: dict[str, str] = field(default_factory=dict)  # posting key -> cause
    cache_writes: list[tuple[str, Score]] = field(default_factory=list)
    spend: Spend = field(default_factory=Spend)
    notes: list[str] = field(default_factory=list)
    # How each score came about: "llm" (called now), "cache", "local" (no LLM / budget),
    # "local-estimate" (outside the top K), "veto".
    origin: dict[str, str] = field(default_factory=dict)


async def score_postings(
    postings: list[Posting],
    profile: Profile,
    *,
    options: ScoringConfig,
    llm: LLMSettings | None = None,
    cache_get: Callable[[str], Score | None] = lambda _key: None,
    learned: LearnedWeights | None = None,
    progress: ProgressFn | None = None,
    examples: list[Example] | None = None,
    spent_today_usd: float = 0.0,
) -> ScoreBatch:
    """Score every posting; postings whose LLM call failed are listed in `unscored`.

    `cache_get(key)` returns a stored LLM score or None; fresh LLM scores come back in
    `cache_writes`. `examples` (liked/disliked postings) go into the prompt's static prefix;
    `spent_today_usd` is what earlier runs today spent, for the daily budget."""
    local = LocalScorer(profile, learned)
    batch = ScoreBatch()
    total = len(postings)
    local_scores: dict[str, Score] = {}
    eligible: list[Posting] = []
    for p in postings:
        s = local.score(p)
        local_scores[p.key] = s
        if veto(p, profile.filters):
            batch.scores[p.key] = s  # no LLM answer overrides a veto
            batch.origin[p.key] = "veto"
        else:
            eligible.append(p)

    if llm is None:
        for p in eligible:
            batch.scores[p.key] = local_scores[p.key]
            batch.origin[p.key] = "local"
        _progress(progress, total, total)
        return batch

    # Best local score first; the key breaks ties so the top K is the same on every rerun.
    ranked = sorted(eligible, key=lambda p: (-local_scores[p.key].score, p.key))
    top_keys = {p.key for p in ranked[: options.top_k]}
    to_call: dict[str, list[Posting]] = {}  # cache key -> postings with that content
    outside: list[Posting] = []
    for p in ranked:
        ck = cache_key(p, profile.version, llm.model)
        hit = cache_get(ck)
        if hit is not None:
            batch.scores[p.key] = hit.model_copy(update={"posting_key": p.key})
            batch.origin[p.key] = "cache"
        elif p.key in top_keys:
            to_call.setdefault(ck, []).append(p)
        else:
            outside.append(p)
    n_cached = len(batch.origin) - sum(1 for o in batch.origin.values() if o == "veto")

    done = total - sum(len(ps) for ps in to_call.values())
    _progress(progress, done, total)
    if to_call:
        from scoring.llm import LLMScorer  # litellm only loads when a call is really made

        scorer = LLMScorer(
            llm,
            options,
            static_prefix(profile, examples),
            profile.version,
            spent_before_usd=spent_today_usd,
        )

        async def one(ck: str, group: list[Posting]) -> None:
            nonlocal done
            outcome = await scorer.score(group[0])
            for p in group:
                if outcome.score is not None:
                    batch.scores[p.key] = outcome.score.model_copy(update={"posting_key": p.key})
                    batch.origin[p.key] = "llm"
                elif outcome.cause == BUDGET:
                    batch.scores[p.key] = local_scores[p.key]
                    batch.origin[p.key] = "local"
                else:
                    batch.unscored[p.key] = outcome.cause or "error"
            if outcome.score is not None:
                batch.cache_writes.append((ck, outcome.score))
            done += len(group)
            _progress(progress, done, total)

        await asyncio.gather(*(one(ck, group) for ck, group in to_call.items()))
        batch.spend = scorer.spend
        if scorer.fatal is not None:
            batch.notes.append(
                f"LLM stopped after a '{scorer.fatal.cause}' error: check LLM_MODEL, "
                "LLM_API_BASE and LLM_API_KEY"
            )

    llm_values = [s.score for k, s in batch.scores.items() if batch.origin[k] in ("llm", "cache")]
    cap = max(0, min(llm_values) - 1) if llm_values else None
    for p in outside:
        s = local_scores[p.key]
        capped = s.score if cap is None else min(s.score, cap)
        batch.scores[p.key] = s.model_copy(
            update={"score": capped, "reason": f"Local estimate (not LLM-checked): {s.reason}"}
        )
        batch.origin[p.key] = "local-estimate"

    _summarise(batch, llm, options, n_cached, len(outside))
    return batch


def _summarise(
    batch: ScoreBatch, llm: LLMSettings, options: ScoringConfig, n_cached: int, n_outside: int
) -> None:
    origins = Counter(batch.origin.values())
    batch.notes.insert(
        0,
        f"LLM {llm.model}: {origins['llm']} scored now in {batch.spend.calls} calls, "
        f"{n_cached} from cache; {n_outside} outside the top {options.top_k} kept a local estimate",
    )
    budget_local = sum(
        1 for k, o in batch.origin.items() if o == "local" and k not in batch.unscored
    )
    if budget_local:
        batch.notes.append(
            f"daily LLM budget ${options.daily_budget_usd:.2f} reached: "
            f"{budget_local} postings got the local score instead"
        )
    if batch.unscored:
        causes = ", ".join(f"{c} {n}" for c, n in sorted(Counter(batch.unscored.values()).items()))
        batch.notes.append(
            f"{len(batch.unscored)} postings not scored ({causes}); they are retried next run"
        )


def _progress(progress: ProgressFn | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
