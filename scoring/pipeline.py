"""Scoring a batch of postings: local ranking, the LLM's quick look (triage), then full LLM
scoring of the top K.

The order of one batch:
1. The local scorer rates everything (free); a filter veto gives 0 and never reaches the LLM.
2. With an LLM: any posting whose cache key (content, profile version, prompt version, model)
   has a stored full score takes it for free.
3. Triage: when more postings are left than the top K, the LLM takes a quick look at all of
   them in large batches (title, company, place) and scores each 0–100. Triage scores are
   cached like full ones. A posting whose triage batch failed falls back to its local score.
4. The best K by triage score (local score breaking ties) get a full scoring, a few postings
   per call. A failed call leaves the posting *unscored* (the pipeline retries it next run),
   never 0; once the daily budget (dollars or tokens) is reached the rest get the local score.
5. Postings outside the top K keep their triage score (or local estimate), marked as such and
   capped just below the lower quartile of the full LLM scores, so an unchecked estimate never
   outranks a full verdict — and one low verdict cannot push every estimate to 0.
"""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from scoring.filters import veto
from scoring.llm.batches import FULL, QUICK, ask
from scoring.llm.cache import cache_key, triage_key
from scoring.llm.client import LLMClient, Notice
from scoring.llm.prompt import Example, static_prefix, triage_prefix
from scoring.local.scorer import LocalScorer, summarise
from scoring.models import LOCAL_SCORER, SCORING, TRIAGE, LearnedWeights, Ledger, Score, Spend
from scoring.options import LLMSettings, ScoringConfig
from scoring.profile import Profile
from scrapers.postings.posting import Posting

ProgressFn = Callable[[int, int], None]
YIELD_EVERY = 25  # postings scored locally between two turns of the event loop
BUDGET_CAUSES = ("budget", "token-budget")
TRIAGE_REASON = "Quick look by the LLM (not fully scored)"


@dataclass
class ScoreBatch:
    """What scoring a batch produced; the caller stores `cache_writes` in one step."""

    scores: dict[str, Score] = field(default_factory=dict)  # posting key -> score
    unscored: dict[str, str] = field(default_factory=dict)  # posting key -> cause
    cache_writes: list[tuple[str, Score]] = field(default_factory=list)
    ledger: Ledger = field(default_factory=Ledger)
    notes: list[str] = field(default_factory=list)
    # How each score came about: "llm" (called now), "cache", "local" (no LLM / budget),
    # "triage" (outside the top K, the LLM's quick look), "local-estimate" (outside the top K,
    # no quick look), "veto".
    origin: dict[str, str] = field(default_factory=dict)

    @property
    def spend(self) -> Spend:
        """Everything this batch spent on the LLM (all purposes)."""
        return self.ledger.total()


def vetoed(posting: Posting, why: str, profile_version: int) -> Score:
    """The verdict on a posting a hard filter rules out: 0, with the filter as the reason."""
    return Score(
        posting_key=posting.key,
        score=0,
        reason=f"Ruled out by your filters: {why}.",
        summary=summarise(posting),
        scorer=LOCAL_SCORER,
        profile_version=profile_version,
    )


async def score_postings(
    postings: list[Posting],
    profile: Profile,
    *,
    options: ScoringConfig,
    llm: LLMSettings | None = None,
    client: LLMClient | None = None,
    cache_get: Callable[[str], Score | None] = lambda _key: None,
    learned: LearnedWeights | None = None,
    progress: ProgressFn | None = None,
    examples: list[Example] | None = None,
    spent_today_usd: float = 0.0,
    spent_today_tokens: int = 0,
    notice: Notice | None = None,
) -> ScoreBatch:
    """Score every posting; postings whose LLM call failed are listed in `unscored`.

    `cache_get(key)` returns a stored LLM verdict or None; fresh ones come back in
    `cache_writes`. `examples` (liked/disliked postings) go into the prompts' static prefix;
    `spent_today_*` is what earlier runs and proposals spent today, for the daily budget.
    `client` is the process's LLM client (one is made from `llm` when not given); `notice`
    gets one-line news worth showing (a slow local model, a model with no price)."""
    local = LocalScorer(profile, learned)
    batch = ScoreBatch(
        ledger=Ledger(
            usd_limit=options.daily_budget_usd,
            token_limit=options.daily_token_budget,
            spent_before_usd=spent_today_usd,
            spent_before_tokens=spent_today_tokens,
        )
    )
    total = len(postings)
    local_scores: dict[str, Score] = {}
    eligible: list[Posting] = []
    for i, p in enumerate(postings):
        if i and i % YIELD_EVERY == 0:
            await asyncio.sleep(0)  # a long batch must not hold the event loop (bot taps)
        why = veto(p, profile.filters)
        if why:  # no LLM answer overrides a veto; the local scorer scores what passed
            batch.scores[p.key] = s = vetoed(p, why, profile.version)
            batch.origin[p.key] = "veto"
        else:
            s = local.score(p)
            eligible.append(p)
        local_scores[p.key] = s

    if llm is None and client is not None:
        llm = client.settings
    if llm is None:
        for p in eligible:
            batch.scores[p.key] = local_scores[p.key]
            batch.origin[p.key] = "local"
        _progress(progress, total, total)
        return batch

    model = llm.model
    # Best local score first; the key breaks ties so every rerun chooses the same way.
    ranked = sorted(eligible, key=lambda p: (-local_scores[p.key].score, p.key))
    left: list[Posting] = []
    for i, p in enumerate(ranked):
        if i and i % YIELD_EVERY == 0:
            await asyncio.sleep(0)
        hit = cache_get(cache_key(p, profile.version, model))
        if hit is not None:
            batch.scores[p.key] = hit.model_copy(update={"posting_key": p.key})
            batch.origin[p.key] = "cache"
        else:
            left.append(p)
    n_cached = len(eligible) - len(left)
    done = total - len(left)
    _progress(progress, done, total)
    if not left:
        _summarise(batch, llm, options, n_cached, 0)
        return batch

    client = client or LLMClient(llm, options, notice=notice)
    client.fatal = None  # a bad key or missing model stops one run, not the bot's life
    if client.notice is None:
        client.notice = notice

    # Triage: a quick look at everything, when there is more than the top K to choose from.
    # Postings with a full verdict are ranked by their quick look too (cached after the first
    # time), so a rerun chooses the same top K and pays nothing.
    quick: dict[str, int] = {}
    n_triaged = 0
    if options.triage and len(eligible) > options.top_k:
        n_triaged = len(eligible)
        quick = await _triage(batch, client, profile, examples, eligible, model, cache_get)
    rank_value = {p.key: quick.get(p.key, local_scores[p.key].score) for p in eligible}
    order = sorted(eligible, key=lambda p: (-rank_value[p.key], -local_scores[p.key].score, p.key))
    top = [p for p in order[: options.top_k] if p.key not in batch.scores]
    outside = [p for p in order[options.top_k :] if p.key not in batch.scores]

    # Full scoring of the top K; postings with the same content are asked about once.
    groups: dict[str, list[Posting]] = {}
    for p in top:
        groups.setdefault(cache_key(p, profile.version, model), []).append(p)

    def step(n: int) -> None:
        nonlocal done
        done += n
        _progress(progress, min(done, total), total)
        if llm.is_local and client.notice is not None:  # a slow model: a line per answer
            client.notice(f"{llm.model}: {min(done, total)}/{total} postings scored")

    firsts = [group[0] for group in groups.values()]
    result = await ask(
        client,
        batch.ledger,
        FULL,
        static_prefix(profile, examples),
        firsts,
        batch_size=options.batch_size,
        done=step,
    )
    for ck, group in groups.items():
        head = group[0]
        verdict = result.verdicts.get(head.key)
        for p in group:
            if verdict is not None:
                batch.scores[p.key] = Score(
                    posting_key=p.key,
                    score=verdict.score,
                    reason=verdict.reason,
                    summary=verdict.summary,
                    scorer=model,
                    profile_version=profile.version,
                )
                batch.origin[p.key] = "llm"
            elif result.failed.get(head.key) in BUDGET_CAUSES:
                batch.scores[p.key] = local_scores[p.key]
                batch.origin[p.key] = "local"
            else:
                batch.unscored[p.key] = result.failed.get(head.key, "error")
        if verdict is not None:
            batch.cache_writes.append((ck, batch.scores[head.key]))
    if client.price_note:
        batch.notes.append(client.price_note)
    if client.fatal is not None:
        batch.notes.append(
            f"LLM stopped after a '{client.fatal.cause}' error: check LLM_MODEL, "
            "LLM_API_BASE and LLM_API_KEY"
        )

    full = [s.score for k, s in batch.scores.items() if batch.origin[k] in ("llm", "cache")]
    cap = estimate_cap(full)
    for p in outside:
        s = local_scores[p.key]
        if p.key in quick:
            value, reason, origin = quick[p.key], f"{TRIAGE_REASON}; local: {s.reason}", "triage"
        else:
            value, reason = s.score, f"Local estimate (not LLM-checked): {s.reason}"
            origin = "local-estimate"
        batch.scores[p.key] = s.model_copy(
            update={"score": value if cap is None else min(value, cap), "reason": reason}
        )
        batch.origin[p.key] = origin
    _progress(progress, total, total)
    _summarise(batch, llm, options, n_cached, len(outside), n_triaged)
    return batch


def estimate_cap(verdicts: list[int]) -> int | None:
    """The highest score an estimate outside the top K may have: just below the lower quartile
    of the full verdicts (so one low verdict does not sink every estimate), None without any."""
    if not verdicts:
        return None
    if len(verdicts) < 4:
        floor = min(verdicts)
    else:
        floor = int(statistics.quantiles(verdicts, n=4, method="inclusive")[0])
    return max(0, floor - 1)


async def _triage(
    batch: ScoreBatch,
    client: LLMClient,
    profile: Profile,
    examples: list[Example] | None,
    postings: list[Posting],
    model: str,
    cache_get: Callable[[str], Score | None],
) -> dict[str, int]:
    """Triage scores by posting key (cached ones free); failed batches are simply absent."""
    quick: dict[str, int] = {}
    groups: dict[str, list[Posting]] = {}
    for p in postings:
        key = triage_key(p, profile.version, model)
        hit = cache_get(key)
        if hit is not None:
            quick[p.key] = hit.score
        else:
            groups.setdefault(key, []).append(p)
    if not groups:
        return quick
    firsts = [g[0] for g in groups.values()]
    result = await ask(
        client,
        batch.ledger,
        QUICK,
        triage_prefix(profile, examples),
        firsts,
        batch_size=client.options.triage_batch_size,
    )
    for key, group in groups.items():
        verdict = result.verdicts.get(group[0].key)
        if verdict is None:
            continue
        for p in group:
            quick[p.key] = verdict.score
        batch.cache_writes.append(
            (
                key,
                Score(
                    posting_key=group[0].key,
                    score=verdict.score,
                    reason=TRIAGE_REASON,
                    summary="",
                    scorer=model,
                    profile_version=profile.version,
                ),
            )
        )
    failed = Counter(result.failed.values())
    if failed:
        causes = ", ".join(f"{c} {n}" for c, n in sorted(failed.items()))
        batch.notes.append(
            f"triage: {sum(failed.values())} postings got no quick look ({causes}); "
            "their local score ranked them"
        )
    return quick


def _summarise(
    batch: ScoreBatch,
    llm: LLMSettings,
    options: ScoringConfig,
    n_cached: int,
    n_outside: int,
    n_triaged: int = 0,
) -> None:
    origins = Counter(batch.origin.values())
    spend = batch.ledger.by_purpose
    line = f"LLM {llm.model}: "
    if n_triaged:
        calls = spend.get(TRIAGE, Spend()).calls
        line += f"a quick look at {n_triaged} postings in {calls} calls; "
    line += (
        f"{origins['llm']} scored now in {spend.get(SCORING, Spend()).calls} calls, "
        f"{n_cached} from cache; {n_outside} outside the top {options.top_k} kept an estimate"
    )
    batch.notes.insert(0, line)
    budget_local = sum(
        1 for k, o in batch.origin.items() if o == "local" and k not in batch.unscored
    )
    if budget_local:
        batch.notes.append(
            f"daily LLM budget reached (${options.daily_budget_usd:.2f} or "
            f"{options.daily_token_budget:,} tokens): {budget_local} postings got the local "
            "score instead"
        )
    if batch.unscored:
        causes = ", ".join(f"{c} {n}" for c, n in sorted(Counter(batch.unscored.values()).items()))
        batch.notes.append(
            f"{len(batch.unscored)} postings not scored ({causes}); they are retried next run"
        )


def _progress(progress: ProgressFn | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
