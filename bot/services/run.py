"""One person's daily run: their candidates from the shared pool → their hard filters → their
scoring → their selection → their picks and run record.

The postings come from the shared collection round (`bot.services.collect`): `run_person`
takes the round's pool and keeps what the person's searches, boards and lists found
(`collect.candidates`), minus what was already picked for them. `run_daily` is both steps for
one person (the CLI's demo, tests); `bot.services.daily.Daily` runs one round for everyone due.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.context import AppContext
from bot.services import failures
from bot.services.collect import (
    OK_STATES,
    POOL_DAYS,
    Collection,
    Collector,
    Progress,
    Round,
    SourceDone,
    candidates,
    collect_configured,
    digest,
    fetches_of,
)
from bot.services.feedback import learned_weights, scoring_examples
from bot.services.spend import new_ledger, own_budget_named
from bot.store.records import Person, Pick, RunRecord, SourceReport, kind_of
from scoring.filters import veto
from scoring.models import LearnedWeights, Score
from scoring.pipeline import ScoreBatch, score_postings
from scoring.profile import Profile
from scoring.select import select_picks
from scrapers.postings.posting import Posting

__all__ = [
    "POOL_DAYS",
    "Collector",
    "Progress",
    "RunOutcome",
    "SourceDone",
    "collect_configured",
    "profile_cache_key",
    "run_daily",
    "run_person",
]

log = logging.getLogger(__name__)


@dataclass
class RunOutcome:
    record: RunRecord
    picks: list[Pick] = field(default_factory=list)
    already_ran: bool = False

    @property
    def all_sources_failed(self) -> bool:
        return self.record.status == "all-sources-failed"


def _quiet(_msg: str) -> None:
    pass


def profile_cache_key(profile: Profile) -> str:
    """The score cache's part for a profile: a hash of what the scorer reads of it. The
    pipeline's own key has the profile's version number, which every person counts from 1:
    with this in front, two people's scores meet only when their profiles read the same (as
    everyone's first version from the file's `[profile]` does), never across a difference."""
    return "p" + digest(profile.model_dump(mode="json", exclude={"version"}))


@dataclass
class Scored:
    """A person's postings scored: the batch, the learned weights it used, and the prefix of
    its keys in the shared score cache."""

    batch: ScoreBatch
    learned: LearnedWeights
    prefix: str

    def choose(
        self, ctx: AppContext, postings: list[Posting], *, exclude_keys: set[str], day: str
    ) -> list[tuple[Posting, Score]]:
        """The day's picks among the scored `postings`, by the person's selection rules
        (exploration seeded by the day, so a rescore explores as the run did)."""
        by_key = {p.key: p for p in postings}
        selection, learning = ctx.config.selection, ctx.config.learning
        return select_picks(
            ((by_key[k], s) for k, s in self.batch.scores.items()),
            min_score=selection.min_score,
            max_picks=selection.max_picks,
            per_company=selection.per_company,
            exclude_keys=exclude_keys,
            learned=self.learned,
            explore_share=learning.explore_share,
            explore_half_votes=learning.explore_half_votes,
            seed=day,
        )


async def score_for(
    ctx: AppContext, postings: list[Posting], profile: Profile, **extra: Any
) -> Scored:
    """Score `postings` for the context's person — their profile, what their votes taught,
    their examples, a ledger of their own — reading the shared score cache by what the scorer
    read of this profile (`extra`: the pipeline's progress and notice callbacks). The run
    and a rescore both score this way."""
    # The score cache is everyone's: its keys carry what the scorer read of this profile.
    prefix = profile_cache_key(profile) + "|"
    learned = learned_weights(ctx, profile)
    batch = await score_postings(
        postings,
        profile,
        options=ctx.config.scoring,
        client=ctx.llm_client(),
        cache_get=lambda key: ctx.store.cached_score(prefix + key),
        learned=learned,
        examples=scoring_examples(ctx),
        ledger=new_ledger(ctx),
        **extra,
    )
    return Scored(batch, learned, prefix)


async def run_daily(
    ctx: AppContext,
    *,
    collector: Collector = collect_configured,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
) -> RunOutcome:
    """One person's morning (the context's): a collection round for them, then their run.
    Idempotent per day (a second call returns the stored picks, unless `force`); stores
    nothing when `dry_run`."""
    if not force and not dry_run and (done := ctx.store.finished_run(ctx.today())) is not None:
        return RunOutcome(record=done, picks=ctx.store.picks_for(done.day), already_ran=True)
    found = await Collection(ctx, collector).round(
        [ctx], dry_run=dry_run, force=force, progress=progress
    )
    return await run_person(ctx, found, dry_run=dry_run, force=force, progress=progress)


def _sources(ctx: AppContext, found: Round) -> list[SourceReport]:
    """The source reports of the person's fetches, as each last went (once each)."""
    out: dict[tuple[str, str], SourceReport] = {}
    for f in fetches_of(ctx):
        rec = found.fetches.get(f.key)
        if rec is None:
            continue
        for report in rec.reports or [
            SourceReport(source=f.label, state=rec.state, reason=rec.reason)
        ]:
            out.setdefault((report.source, report.reason), report)
    return list(out.values())


async def run_person(
    ctx: AppContext,
    found: Round,
    *,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
) -> RunOutcome:
    """The person's run of today on a round's pool. Idempotent per day (unless `force`);
    stores nothing when `dry_run`."""
    store = ctx.store
    day = ctx.today()
    if not force and not dry_run and (done := store.finished_run(day)) is not None:
        return RunOutcome(record=done, picks=store.picks_for(day), already_ran=True)

    shown = progress

    def progress(message: str) -> None:  # the terminal line, and the debug log (`-v`)
        log.debug("run %s of %s: %s", day, ctx.person, message)
        shown(message)

    t0 = time.perf_counter()
    record = RunRecord(day=day, started_at=datetime.now(UTC), dry_run=dry_run)
    counts = record.counts
    record.sources = _sources(ctx, found)
    mine = [found.fetches[f.key] for f in fetches_of(ctx) if f.key in found.fetches]
    if mine and not any(r.state in OK_STATES for r in mine):
        # Logged, but not a finished run: a later run today (or /picks) tries again.
        record.status = "all-sources-failed"
        record.notes.append("every source failed: no digest today")
        _stamp(record, t0)
        if not dry_run:
            async with store.transaction():
                store.save_run(record)
        return RunOutcome(record=record)

    picked_before = store.picked_keys()
    entries = [e for e in candidates(ctx, found) if e.key not in picked_before]
    keys = {f.key for f in fetches_of(ctx)}
    brought = [k for by, ks in found.brought if by & keys for k in ks]
    jobs = {found.job_of.get(k, k) for k in brought}
    counts.collected = len(brought)
    counts.duplicates = len(brought) - len(jobs)
    counts.seen = len(jobs - found.fresh)
    counts.new = sum(1 for e in entries if e.key in found.fresh)
    counts.retried = len(entries) - counts.new

    profile = (
        await store.ensure_profile(ctx.config.profile.to_profile())
        if not dry_run
        else store.current_profile(ctx.config.profile.to_profile())
    )
    kept: list[Posting] = []
    filtered = Counter[str]()
    for entry in entries:
        why = veto(entry.posting, profile.filters)
        if why:
            filtered[why] += 1
        else:
            kept.append(entry.posting)
    counts.filtered = sum(filtered.values())
    record.filtered_reasons = dict(filtered)

    if not dry_run:  # issue 22: never score (and pay for) what could not be kept
        await failures.ensure_writable(ctx, before="scoring")
    progress(f"scoring {len(kept)} postings…")
    scored = await score_for(
        ctx,
        kept,
        profile,
        progress=lambda i, n: progress(f"scored {i}/{n}") if i == n or i % 25 == 0 else None,
        notice=progress,
    )
    batch, prefix = scored.batch, scored.prefix
    counts.scored = len(batch.scores)
    counts.unscored = len(batch.unscored)
    record.unscored_reasons = batch.unscored_causes()
    record.spend = batch.ledger.as_record()
    notes = own_budget_named(ctx, batch.ledger, batch.notes)
    record.notes.extend(ctx.redact(note) for note in notes)  # issue 22
    if batch.cache_writes and not dry_run:
        writes: list[tuple[str, Score]] = [(prefix + k, s) for k, s in batch.cache_writes]
        async with store.transaction():  # paid-for scores survive a crash later in the run
            store.put_scores(writes, day)

    chosen = scored.choose(ctx, kept, exclude_keys=picked_before, day=day)
    picks = [Pick.from_scored(day, rank, p, s) for rank, (p, s) in enumerate(chosen, 1)]
    counts.picked = len(picks)

    record.status = "done"
    _stamp(record, t0)
    log.debug(
        "run %s of %s: %d new, %d filtered, %d scored, %d picked",
        day,
        ctx.person,
        counts.new,
        counts.filtered,
        counts.scored,
        counts.picked,
    )
    if not dry_run:
        # One write: picks and the finished run land together, so a crash cannot leave picks
        # of a run that a rerun would not know had finished (and would pick again).
        async with store.transaction():
            store.save_picks(picks)
            store.set_picked_postings(day, (p for p, _s in chosen))  # a rescore today reads them
            store.save_run(_compact(record))
            _ran(ctx, day)
    return RunOutcome(record=record, picks=picks)


def _ran(ctx: AppContext, day: str) -> None:
    """The person's record says their last run (a person the run meets first is added as
    whoever they are: a served chat, the local person)."""
    db = ctx.db
    person = db.person_record(ctx.person) or Person(
        id=ctx.person,
        kind=kind_of(ctx.person),
        joined_at=datetime.now(UTC),
        via="config" if ctx.seeded_from_file() else "onboarding",
    )
    db.save_person(person.model_copy(update={"last_run_day": day}))


def _compact(record: RunRecord) -> RunRecord:
    """The run as stored for the person: the sources that did not go well (what their header
    shows); how every fetch went is the shared fetch log's, once for everyone."""
    failed = [s for s in record.sources if s.state != "ok"]
    return record.model_copy(update={"sources": failed})


def _stamp(record: RunRecord, t0: float) -> None:
    record.finished_at = datetime.now(UTC)
    record.seconds = round(time.perf_counter() - t0, 2)
