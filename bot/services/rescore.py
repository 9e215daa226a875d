"""Rescoring today's postings after a change, so that it applies today, not tomorrow.

After a profile change, a removed learned line, or a run of votes (`RESCORE_AFTER_VOTES`
since today's picks were scored), the bot offers "🔄 Rescore today's postings". A rescore
scores the person's candidates of the day again — their picks of today
(`Store.picked_postings`) and what of the shared pool their searches found and was never
picked for them (`collect.stored_candidates`) — with their profile and learned lines as they
stand now; nothing is scraped. Everything here is the context's person's. It is the run's own scoring and selection: with an LLM, a verdict already
paid for is free and a new profile version is paid for within the daily budget (its spend is
booked for the day like a proposal's). What now makes the cut and was not picked becomes a new
pick of today (`Rescored.added`: the caller sends it); today's picks that no longer do are
marked `dropped` (stored still, so a sent one's buttons keep working; never sent again). A
pick already sent is never sent again. No Telegram types here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.context import AppContext
from bot.errors import InputError
from bot.services.collect import stored_candidates
from bot.services.run import score_for
from bot.services.spend import record_proposal_spend
from bot.store.records import Pick, RunRecord
from scoring.filters import veto
from scrapers.postings.posting import Posting

log = logging.getLogger(__name__)

# Votes since today's picks were scored (or since the last rescore or offer) that make a
# rescore worth offering.
RESCORE_AFTER_VOTES = 5
NOT_AMONG_BEST = "no longer among today's best"


class RescoreError(InputError):
    """A rescore that cannot be made (today has not run); the message is for the user."""


@dataclass
class Rescored:
    """What a rescore of one day changed."""

    day: str
    looked_at: int  # candidates scored again
    profile_version: int
    added: list[Pick] = field(default_factory=list)  # new picks of the day, best first
    dropped: list[Pick] = field(default_factory=list)  # picks that no longer make the cut
    notes: list[str] = field(default_factory=list)  # the scoring's news (budget, failures)


def todays_run(ctx: AppContext) -> RunRecord | None:
    """Today's finished run, whose candidates a rescore scores again; None before it."""
    return ctx.store.finished_run(ctx.today())


def can_rescore(ctx: AppContext) -> bool:
    """Whether a rescore has anything to work on: today's picks were chosen."""
    return todays_run(ctx) is not None


def _votes_since(ctx: AppContext, run: RunRecord) -> int:
    mark = ctx.store.learning_state().rescore_mark
    since = max(d for d in (mark, run.finished_at or run.started_at) if d is not None)
    return sum(1 for v in ctx.store.votes() if v.at > since)


async def offer_after_votes(ctx: AppContext) -> bool:
    """Call after a vote: True when a rescore is worth offering now — `RESCORE_AFTER_VOTES`
    votes since today's picks were scored or since the last offer or rescore — and the offer
    is recorded, so a run of votes makes one offer. Only with the local scorer: with an LLM,
    votes reach its scores through an applied proposal (a profile change), and a rescore
    would find every verdict as it was."""
    if ctx.llm() is not None:
        return False
    run = todays_run(ctx)
    if run is None or _votes_since(ctx, run) < RESCORE_AFTER_VOTES:
        return False  # the common case: no write
    async with ctx.store.transaction():
        if _votes_since(ctx, run) < RESCORE_AFTER_VOTES:
            return False  # two quick taps: one offer
        _mark(ctx)
    return True


def _mark(ctx: AppContext) -> None:
    state = ctx.store.learning_state()
    # Real time, as votes are stamped (`Vote.at`), not the configured clock.
    ctx.store.set_learning_state(state.model_copy(update={"rescore_mark": datetime.now(UTC)}))


async def rescore_today(ctx: AppContext) -> Rescored:
    """Score today's candidates again and choose today's picks anew (see the module
    docstring). Raises `RescoreError` before today's run."""
    store = ctx.store
    day = ctx.today()
    if store.finished_run(day) is None:
        raise RescoreError(
            "Today's picks are not chosen yet: /picks chooses them, with your changes."
        )
    profile = await store.ensure_profile(ctx.config.profile.to_profile())
    before = store.picks_for(day)
    picked = {p.key: p for p in store.picked_postings(day)}
    earlier = store.picked_keys() - {p.key for p in before}  # earlier days' picks
    pool = [e for e in stored_candidates(ctx) if e.key not in picked and e.key not in earlier]
    postings = [*picked.values(), *(e.posting for e in pool)]
    candidates: list[Posting] = []
    vetoed: dict[str, str] = {}
    for posting in postings:
        if why := veto(posting, profile.filters):
            vetoed[posting.key] = why
        else:
            candidates.append(posting)
    scored = await score_for(ctx, candidates, profile)
    batch, prefix = scored.batch, scored.prefix
    by_key = {p.key: p for p in candidates}
    chosen = scored.choose(ctx, candidates, exclude_keys=earlier, day=day)
    old = {p.key: p for p in before}
    shown = {p.key for p in before if not p.dropped}
    out = Rescored(day=day, looked_at=len(candidates), profile_version=profile.version)
    out.notes = batch.notes
    day_picks: list[Pick] = []
    for rank, (posting, score) in enumerate(chosen, 1):
        pick = Pick.from_scored(day, rank, posting, score)
        earlier = old.get(posting.key)
        if earlier is not None:
            pick.sent = earlier.sent
        if posting.key not in shown and not pick.sent:
            out.added.append(pick)
        day_picks.append(pick)
    taken = {p.key for p in day_picks}
    for pick in before:
        if pick.key in taken:
            continue
        rank = len(day_picks) + 1
        if pick.key in vetoed:
            why = f"ruled out by your filters now ({vetoed[pick.key]})"
            kept = pick.model_copy(update={"rank": rank, "dropped": why})
        elif pick.key in batch.scores:
            now = batch.scores[pick.key]
            update = {
                "score": now.score,
                "reason": now.reason,
                "summary": now.summary,
                "scorer": now.scorer,
                "profile_version": now.profile_version,
            }
            why = pick.dropped or NOT_AMONG_BEST
            kept = pick.model_copy(update={**update, "rank": rank, "dropped": why})
        else:  # not scored now (an LLM failure, or kept by an older jobpicks): left as it was
            kept = pick.model_copy(update={"rank": rank})
        if kept.dropped and not pick.dropped:
            out.dropped.append(kept)
        day_picks.append(kept)
    added_postings = [by_key[p.key] for p in out.added if p.key not in picked]
    async with store.transaction():
        if batch.cache_writes:
            store.put_scores([(prefix + k, s) for k, s in batch.cache_writes], day)
        record_proposal_spend(ctx, batch.ledger)  # spend between runs, booked for the day
        # The shared pool stays as it is: what is picked now is the person's picked keys.
        store.save_picks(day_picks)
        store.set_picked_postings(day, [*picked.values(), *added_postings])
        _mark(ctx)
    log.info(
        "rescored %s: %d candidates, %d new picks, %d dropped",
        day,
        out.looked_at,
        len(out.added),
        len(out.dropped),
    )
    return out
