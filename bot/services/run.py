"""The daily run: collect → dedup → hard filters → score → select → store → deliver."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.context import AppContext
from bot.services import failures
from bot.services.feedback import learned_weights, scoring_examples
from bot.services.spend import new_ledger
from bot.store.records import Pick, PoolEntry, RunRecord, SeenPosting, SourceReport
from scoring.filters import veto
from scoring.pipeline import score_postings
from scoring.select import select_picks
from scrapers.dedup import fingerprint, group_duplicates
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult, SourceState
from scrapers.source import summarise as summarise_sources

log = logging.getLogger(__name__)

# Called as each source finishes: (sources done, sources in all).
SourceDone = Callable[[int, int], None]
# What gathers the day's postings: the configured sources, or the samples, or a test's fake.
Collector = Callable[[AppContext, SourceDone], Awaitable[list[SourceResult]]]
Progress = Callable[[str], None]

# Candidates not picked stay in the pool this many days, so a changed profile can rescore them.
POOL_DAYS = 3


@dataclass
class RunOutcome:
    record: RunRecord
    picks: list[Pick] = field(default_factory=list)
    already_ran: bool = False

    @property
    def all_sources_failed(self) -> bool:
        return self.record.status == "all-sources-failed"


async def collect_configured(
    ctx: AppContext, on_source: SourceDone = lambda _done, _total: None
) -> list[SourceResult]:
    """The real sources from the config file (LinkedIn, Indeed, company boards, lists)."""
    from scrapers.collect import collect_all

    return await collect_all(
        ctx.config.searches,
        ctx.config.boards,
        ctx.config.http,
        ctx.source_urls(),
        lists=ctx.config.lists,
        is_seen=ctx.store.is_seen,
        on_source=on_source,
    )


def _quiet(_msg: str) -> None:
    pass


async def run_daily(
    ctx: AppContext,
    *,
    collector: Collector = collect_configured,
    dry_run: bool = False,
    force: bool = False,
    progress: Progress = _quiet,
) -> RunOutcome:
    """One morning's run. Idempotent per day: a second call returns the stored picks
    without collecting or scoring again (unless `force`). Stores nothing when `dry_run`."""
    store = ctx.store
    day = ctx.today()
    if not force and not dry_run:
        done = store.finished_run(day)
        if done is not None:
            return RunOutcome(record=done, picks=store.picks_for(day), already_ran=True)

    shown = progress

    def progress(message: str) -> None:  # the terminal line, and the debug log (`-v`)
        log.debug("run %s: %s", day, message)
        shown(message)

    t0 = time.perf_counter()
    record = RunRecord(day=day, started_at=datetime.now(UTC), dry_run=dry_run)
    counts = record.counts

    if not dry_run:  # issue 22: never collect or score what could not be kept
        await failures.ensure_writable(ctx, before="collecting")
    progress("collecting postings…")
    results = await collector(
        ctx, lambda done, total: progress(f"collecting {done}/{total} sources")
    )
    record.sources = [
        SourceReport(
            source=r.source,
            state=r.state.value,
            reason=ctx.redact(r.reason),  # issue 22: shown in the summary and the header
            postings=len(r.postings),
            requests=r.requests,
            seconds=round(r.seconds, 2),
        )
        for r in results
    ]
    # INFO: the run summary (and the Telegram header) already show this to the user.
    log.info("sources of %s:\n%s", day, summarise_sources(results))
    progress(
        f"collected {sum(len(r.postings) for r in results)} postings from {len(results)} sources"
    )
    if not dry_run:  # issue 22: the disk may have filled while collecting; check before paying
        await failures.ensure_writable(ctx, before="scoring")

    if results and all(r.state in (SourceState.BLOCKED, SourceState.FAILED) for r in results):
        # Logged, but not a finished run: a later run today (or /picks) tries again.
        record.status = "all-sources-failed"
        record.notes.append("every source failed: no digest today")
        _stamp(record, t0)
        if not dry_run:
            async with store.transaction():
                store.save_run(record)
        return RunOutcome(record=record)

    collected = [p for r in results for p in r.postings]
    counts.collected = len(collected)
    groups = group_duplicates(collected)
    counts.duplicates = sum(len(copies) for _, copies in groups)
    fresh: list[Posting] = []
    # Copies are marked seen with their job, so another board's copy is not new tomorrow.
    fresh_copies: list[Posting] = []
    for kept, copies in groups:
        if any(store.is_seen(p.key, fingerprint(p)) for p in (kept, *copies)):
            counts.seen += 1
        else:
            fresh.append(kept)
            fresh_copies.extend(copies)
    counts.new = len(fresh)

    # The pool: earlier candidates not yet picked or not yet scored; they expire after POOL_DAYS.
    oldest = (date.fromisoformat(day) - timedelta(days=POOL_DAYS)).isoformat()
    fresh_keys = {p.key for p in fresh}
    first_seen: dict[str, str] = {p.key: day for p in fresh}
    pool: list[Posting] = []
    for entry in store.pool():
        if entry.day > oldest and entry.key not in fresh_keys:
            pool.append(entry.posting)
            first_seen[entry.key] = entry.day
    counts.retried = len(pool)

    profile = (
        await store.ensure_profile(ctx.config.profile.to_profile())
        if not dry_run
        else store.current_profile(ctx.config.profile.to_profile())
    )
    candidates: list[Posting] = []
    filtered = Counter[str]()
    for p in fresh + pool:
        why = veto(p, profile.filters)
        if why:
            filtered[why] += 1
        else:
            candidates.append(p)
    counts.filtered = sum(filtered.values())
    record.filtered_reasons = dict(filtered)

    progress(f"scoring {len(candidates)} postings…")
    # Everything scoring needs is gathered here, once, and passed down as plain values.
    learned = learned_weights(ctx, profile)
    batch = await score_postings(
        candidates,
        profile,
        options=ctx.config.scoring,
        client=ctx.llm_client(),
        cache_get=store.cached_score,
        learned=learned,
        examples=scoring_examples(ctx),
        ledger=new_ledger(ctx),
        progress=lambda i, n: progress(f"scored {i}/{n}") if i == n or i % 25 == 0 else None,
        notice=progress,
    )
    counts.scored = len(batch.scores)
    counts.unscored = len(batch.unscored)
    record.unscored_reasons = batch.unscored_causes()
    record.spend = batch.ledger.as_record()
    record.notes.extend(ctx.redact(note) for note in batch.notes)  # issue 22
    if batch.cache_writes and not dry_run:
        async with store.transaction():  # paid-for scores survive a crash later in the run
            store.put_scores(batch.cache_writes, day)

    by_key = {p.key: p for p in candidates}
    chosen = select_picks(
        ((by_key[k], s) for k, s in batch.scores.items()),
        min_score=ctx.config.selection.min_score,
        max_picks=ctx.config.selection.max_picks,
        per_company=ctx.config.selection.per_company,
        exclude_keys=store.picked_keys(),
        learned=learned,
        explore_share=ctx.config.learning.explore_share,
        explore_half_votes=ctx.config.learning.explore_half_votes,
        seed=day,
    )
    picks = [Pick.from_scored(day, rank, p, s) for rank, (p, s) in enumerate(chosen, 1)]
    counts.picked = len(picks)

    record.status = "done"
    _stamp(record, t0)
    log.debug(
        "run %s: %d new, %d filtered, %d scored, %d picked",
        day,
        counts.new,
        counts.filtered,
        counts.scored,
        counts.picked,
    )
    if not dry_run:
        picked = {p.key for p in picks}
        keep = [
            PoolEntry(key=p.key, day=first_seen[p.key], posting=p)
            for p in candidates
            if p.key not in picked
        ]
        # One write: picks and the finished run land together, so a crash cannot leave picks
        # of a run that a rerun would not know had finished (and would pick again).
        async with store.transaction():
            store.add_seen(
                SeenPosting(key=p.key, fingerprint=fingerprint(p), day=day)
                for p in (*fresh, *fresh_copies)
            )
            store.set_pool(keep)
            store.save_picks(picks)
            store.set_picked_postings(day, (p for p, _s in chosen))  # a rescore today reads them
            store.save_run(record)
    return RunOutcome(record=record, picks=picks)


def _stamp(record: RunRecord, t0: float) -> None:
    record.finished_at = datetime.now(UTC)
    record.seconds = round(time.perf_counter() - t0, 2)
