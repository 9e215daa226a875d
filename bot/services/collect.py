"""The shared collection round: what the people due now ask of the sources, fetched once for
all of them, into the shared pool. Scoring and choosing stay each person's (`bot.services.run`).

- **A fetch** is one distinct search asked of one source (its key: the source, keywords, place
  and the search's own filters — two people with the same search share it), one company board
  or one community list (`fetches_of`). A person with none has the catch-all fetch `ANY`:
  whatever the collector brings (the bundled samples, a test's postings).
- **A round** fetches each fetch of the people due that did not bring postings back within
  `[schedule] refetch_hours` (20 by default): a search is asked at most once a day whoever has
  it. A board is fetched again too when the round has a search its postings were not filtered
  by (its postings are kept when one of the round's searches accepts them, so a Workday or
  SmartRecruiters board's per-job requests grow with distinct searches, not with people).
  Each search looks back to its own last good fetch (missed mornings are caught up), capped
  by each source.
- **The pool** keeps every new posting for `POOL_DAYS` with its description, the day it was
  first seen and what found it (`PoolEntry.found_by`); a posting seen again by another fetch
  gains that fetch. The seen set is per source key, shared: a posting enters the pool once.
- **The fetch log** (`FetchRecord`) keeps each fetch's last outcome: what the next round
  fetches, how far back it looks, and the source health shown to the operator.

Rounds do not overlap: one asked for while another runs waits for it and then fetches only what
is still due — people due at the same moment share one round.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from bot.config import Config
from bot.context import AppContext, source_urls
from bot.services import failures
from bot.settings import Settings
from bot.store import Store
from bot.store.records import FetchRecord, PoolEntry, SeenPosting, SourceReport
from scrapers.dedup import fingerprint, group_duplicates
from scrapers.options import BoardConfig, ListConfig, SearchConfig, SourceUrls
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult, SourceState, search_label
from scrapers.source import summarise as summarise_sources
from scrapers.sources.boards_spec import parse_board
from scrapers.sources.lists import list_label
from scrapers.sources.match import filter_board

log = logging.getLogger(__name__)

# Candidates stay in the pool this many days, so a changed profile can score them again.
POOL_DAYS = 3
ANY = "*"  # the catch-all fetch: whatever the collector brings, for everyone
OK_STATES = (SourceState.OK.value, SourceState.PARTIAL.value)

FetchKind = Literal["search", "board", "list", "any"]
SourceDone = Callable[[int, int], None]
Progress = Callable[[str], None]


@dataclass
class Asked:
    """What one round asks of the sources: the file's config with the round's searches
    (one source each, looking back as far as each needs), boards and lists; the settings;
    the shared Store (what it has seen)."""

    config: Config
    settings: Settings
    store: Store

    def source_urls(self) -> SourceUrls:
        return source_urls(self.settings)


# What gathers the round's postings: the configured sources, or the samples, or a test's fake.
Collector = Callable[[Asked, SourceDone], Awaitable[list[SourceResult]]]


async def collect_configured(
    asked: Asked, on_source: SourceDone = lambda _done, _total: None
) -> list[SourceResult]:
    """The real sources: LinkedIn, Indeed, the feeds, company boards, lists."""
    from scrapers.collect import collect_all

    cfg = asked.config
    return await collect_all(
        cfg.searches,
        cfg.boards,
        cfg.http,
        asked.source_urls(),
        lists=cfg.lists,
        is_seen=asked.store.is_seen,
        on_source=on_source,
    )


# -- fetches -----------------------------------------------------------------------------------
def digest(data: object) -> str:
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(raw).hexdigest()[:16]


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def filter_key(search: SearchConfig) -> str:
    """What makes two searches the same search: keywords, place and the search's filters."""
    return digest(
        {
            "keywords": _fold(search.keywords),
            "location": _fold(search.location),
            "types": sorted(search.employment_types),
            "levels": sorted(search.levels),
            "workplace": sorted(search.workplace),
            "country": search.country.upper(),
        }
    )


def search_key(source: str, search: SearchConfig) -> str:
    """The fetch key of a search asked of one source."""
    return f"search:{source}:{filter_key(search)}"


@dataclass(frozen=True)
class Fetch:
    """One thing a round may fetch (see the module docstring)."""

    key: str
    kind: FetchKind
    label: str
    search: SearchConfig | None = None  # asked of one source (`sources` is that one)
    board: BoardConfig | None = None
    entry: ListConfig | None = None

    def config(self) -> dict[str, object]:
        made = self.search or self.board or self.entry
        return made.model_dump(mode="json") if made is not None else {}


ANY_FETCH = Fetch(ANY, "any", "whatever the collector brings")


def fetches_of(ctx: AppContext) -> list[Fetch]:
    """A person's fetches: each search per source, each board and list (the file's), or the
    catch-all when they have none."""
    cfg = ctx.config
    out: list[Fetch] = []
    for search in cfg.searches:
        for source in dict.fromkeys(search.sources):
            one = search.model_copy(update={"sources": [source]})
            out.append(
                Fetch(search_key(source, search), "search", search_label(source, search), one)
            )
    for board in cfg.boards:
        label = parse_board(board.board).label
        out.append(Fetch(f"board:{label}", "board", label, board=board))
    for entry in cfg.lists:
        out.append(Fetch(f"list:{entry.url}", "list", list_label(entry.url), entry=entry))
    return out or [ANY_FETCH]


def _merged(fetches: Iterable[Fetch]) -> dict[str, Fetch]:
    """The distinct fetches of several people: a search two people have is asked once, as far
    back and for as many results as either wants."""
    out: dict[str, Fetch] = {}
    for f in fetches:
        have = out.get(f.key)
        if have is None or have.search is None or f.search is None:
            out.setdefault(f.key, f)
            continue
        wider = have.search.model_copy(
            update={
                "posted_within_hours": max(
                    have.search.posted_within_hours, f.search.posted_within_hours
                ),
                "max_results": max(have.search.max_results, f.search.max_results),
            }
        )
        out[f.key] = Fetch(have.key, have.kind, have.label, wider)
    return out


def window_hours(search: SearchConfig, ok_at: datetime | None, now: datetime) -> int:
    """How far back a search asks: its own `posted_within_hours`, widened to its last good
    fetch (mornings missed since), whole hours; each source caps it at what it allows."""
    if ok_at is None:
        return search.posted_within_hours
    # A minute of slack: a fetch itself takes a while, and "3 days ago" is a 3-day window.
    behind = math.ceil(((now - ok_at).total_seconds() - 60) / 3600)
    return max(search.posted_within_hours, behind)


# -- the round ----------------------------------------------------------------------------------
@dataclass
class Round:
    """What a round left for the people it was for: the pool as it stands (models, read
    once), the fetch log of their fetches, and what this round itself brought."""

    day: str
    pool: list[PoolEntry] = field(default_factory=list)
    fetches: dict[str, FetchRecord] = field(default_factory=dict)
    fetched_now: set[str] = field(default_factory=set)
    # What each source result of this round brought: (its fetch keys, its posting keys).
    brought: list[tuple[frozenset[str], list[str]]] = field(default_factory=list)
    job_of: dict[str, str] = field(default_factory=dict)  # posting key -> its job's kept key
    fresh: set[str] = field(default_factory=set)  # posting keys first seen in this round
    _tagged: dict[str, list[PoolEntry]] | None = None

    def tagged(self, tag: str) -> list[PoolEntry]:
        """The pool entries a fetch (or "*", or "person:<id>") found."""
        if self._tagged is None:
            self._tagged = {}
            for entry in self.pool:
                for t in entry.found_by:
                    self._tagged.setdefault(t, []).append(entry)
        return self._tagged.get(tag, [])


_RANK = {state.value: n for n, state in enumerate(SourceState)}  # ok, partial, blocked, failed


def _state(reports: list[SourceReport]) -> tuple[str, str]:
    """One fetch's state from the source reports it got (the best of them: it brought
    postings back if any did), and every reason given."""
    if not reports:
        return SourceState.OK.value, ""
    best = min(reports, key=lambda r: _RANK.get(r.state, len(_RANK))).state
    reasons = dict.fromkeys(r.reason for r in reports if r.reason)
    return best, "; ".join(reasons)[:300]


def _report(ctx: AppContext, r: SourceResult) -> SourceReport:
    return SourceReport(
        source=r.source,
        state=r.state.value,
        reason=ctx.redact(r.reason),  # issue 22: shown in headers, summaries, the fetch log
        postings=len(r.postings),
        requests=r.requests,
        seconds=round(r.seconds, 2),
    )


class Collection:
    """The process's collection rounds (one at a time), through one collector."""

    def __init__(self, ctx: AppContext, collector: Collector = collect_configured) -> None:
        self.ctx = ctx
        self.collector = collector
        self._lock = asyncio.Lock()
        self.rounds = 0  # rounds that asked the collector (for tests and the bench)

    def _due(
        self, fetches: dict[str, Fetch], filters: set[str], now: datetime, force: bool
    ) -> list[Fetch]:
        db = self.ctx.db
        fresh = timedelta(hours=self.ctx.file_config.schedule.refetch_hours)
        due = []
        for f in fetches.values():
            rec = db.fetch_record(f.key)
            recent = rec is not None and rec.ok_at is not None and now - rec.ok_at < fresh
            if f.kind == "board" and recent and rec is not None:
                recent = filters <= set(rec.filtered_by)
            if force or not recent:
                due.append(f)
        return due

    async def round(
        self,
        people: list[AppContext],
        *,
        dry_run: bool = False,
        force: bool = False,
        progress: Progress = lambda _m: None,
    ) -> Round:
        """Fetch what the people's fetches need now (see the module docstring) and return the
        pool for their runs. `dry_run` stores nothing (the round's postings are in the result
        only); `force` fetches everything again. A collector that raises fails the round."""
        async with self._lock:
            return await self._round(people, dry_run=dry_run, force=force, progress=progress)

    async def _round(
        self, people: list[AppContext], *, dry_run: bool, force: bool, progress: Progress
    ) -> Round:
        db = self.ctx.db
        # The context's clock, as `today()` reads it: a round on a later day by that clock is
        # a later fetch (the learning bench and the tests move it day by day).
        now = self.ctx.now().astimezone(UTC)
        day = self.ctx.today()
        fetches = _merged(f for p in people for f in fetches_of(p))
        searches = {filter_key(f.search): f.search for f in fetches.values() if f.search}
        due = self._due(fetches, set(searches), now, force)
        result = Round(day=day)
        oldest = (date.fromisoformat(day) - timedelta(days=POOL_DAYS)).isoformat()
        entries: dict[str, PoolEntry] = {}
        if due:
            if not dry_run:  # issue 22: never collect what could not be kept
                await failures.ensure_writable(self.ctx, before="collecting")
            entries = await self._fetch(due, searches, now, oldest, result, dry_run, progress)
        pool = {e.key: e for e in db.pool()}
        expired = [k for k, e in pool.items() if e.day <= oldest]
        pool.update(entries)
        for key in expired:
            pool.pop(key, None)
        result.pool = list(pool.values())
        if expired and not dry_run:
            async with db.transaction():
                db.drop_pool(expired)
        for key in fetches:
            rec = result.fetches.get(key) or db.fetch_record(key)
            if rec is not None:
                result.fetches[key] = rec
        return result

    async def _fetch(
        self,
        due: list[Fetch],
        searches: dict[str, SearchConfig],
        now: datetime,
        oldest: str,
        result: Round,
        dry_run: bool,
        progress: Progress,
    ) -> dict[str, PoolEntry]:
        """Ask the collector for the due fetches; the new and changed pool entries."""
        db = self.ctx.db
        day = result.day
        asked_searches = []
        for f in due:
            if f.search is not None:
                rec = db.fetch_record(f.key)
                hours = window_hours(f.search, rec.ok_at if rec else None, now)
                asked_searches.append(f.search.model_copy(update={"posted_within_hours": hours}))
        due_search_keys = {filter_key(s) for s in asked_searches}
        # Searches not fetched now still filter the boards fetched now (asked of no source).
        filter_only = [
            s.model_copy(update={"sources": []})
            for k, s in searches.items()
            if k not in due_search_keys
        ]
        boards = [f.board for f in due if f.board is not None]
        lists = [f.entry for f in due if f.entry is not None]
        cfg = self.ctx.file_config.model_copy(
            update={"searches": [*asked_searches, *filter_only], "boards": boards, "lists": lists}
        )
        progress("collecting postings…")
        results = await self.collector(
            Asked(cfg, self.ctx.settings, db),
            lambda done, total: progress(f"collecting {done}/{total} sources"),
        )
        self.rounds += 1
        if not dry_run:  # issue 22: the disk may have filled while collecting; check before paying
            await failures.ensure_writable(self.ctx, before="scoring")
        log.info("sources of the round of %s:\n%s", day, summarise_sources(results))
        progress(
            f"collected {sum(len(r.postings) for r in results)} postings from "
            f"{len(results)} sources"
        )
        sourced = [f for f in due if f.kind != "any"]
        owners = _attribute(results, sourced, [f.key for f in due])

        # Records of the fetch log.
        reports: dict[str, list[SourceReport]] = {f.key: [] for f in due}
        for r, keys in zip(results, owners, strict=True):
            for key in keys:
                reports[key].append(_report(self.ctx, r))
            result.brought.append((frozenset(keys), [p.key for p in r.postings]))
        for f in due:
            old = db.fetch_record(f.key)
            state, reason = _state(reports[f.key])
            ok = state in OK_STATES
            result.fetches[f.key] = FetchRecord(
                key=f.key,
                kind=f.kind,
                label=f.label,
                config=f.config(),
                fetched_at=now,
                ok_at=now if ok else (old.ok_at if old else None),
                state=state,
                reason=reason,
                postings=sum(r.postings for r in reports[f.key]),
                requests=sum(r.requests for r in reports[f.key]),
                reports=reports[f.key],
                filtered_by=sorted(searches) if f.kind == "board" else [],
            )
        result.fetched_now = {f.key for f in due}

        # The postings: one per job; new ones into the pool, known ones gain their finders.
        tags: dict[str, set[str]] = {}
        collected: list[Posting] = []
        for r, keys in zip(results, owners, strict=True):
            for p in r.postings:
                tags.setdefault(p.key, set()).update(keys)
                collected.append(p)
        entries: dict[str, PoolEntry] = {}
        seen: list[SeenPosting] = []
        for kept, copies in group_duplicates(collected):
            for p in (kept, *copies):
                result.job_of[p.key] = kept.key
            found_by = set().union(*(tags.get(p.key, ()) for p in (kept, *copies)))
            known = db.pool_entry(kept.key)
            if known is not None and known.day > oldest:
                if not found_by <= set(known.found_by):
                    merged = sorted({*known.found_by, *found_by})
                    entries[kept.key] = known.model_copy(update={"found_by": merged})
                continue
            if any(db.is_seen(p.key, fingerprint(p)) for p in (kept, *copies)):
                continue  # decided on an earlier day (its days in the pool are over)
            entries[kept.key] = PoolEntry(
                key=kept.key, day=day, posting=kept, found_by=sorted(found_by)
            )
            result.fresh.add(kept.key)
            seen += [
                SeenPosting(key=p.key, fingerprint=fingerprint(p), day=day) for p in (kept, *copies)
            ]
        if not dry_run:
            async with db.transaction():
                db.add_seen(seen)
                db.put_pool(entries.values())
                for rec in result.fetches.values():
                    if rec.key in result.fetched_now:
                        db.save_fetch(rec)
        return entries


def _attribute(
    results: list[SourceResult], sourced: list[Fetch], everything: list[str]
) -> list[list[str]]:
    """Which fetch keys each result belongs to. The configured collector answers each fetch
    in order, named by its label; a result named by no fetch (the samples, a test's
    collector) belongs to every fetch of the round."""
    if len(results) == len(sourced) and all(
        r.source == f.label for r, f in zip(results, sourced, strict=True)
    ):
        return [[f.key] for f in sourced]
    by_label: dict[str, list[str]] = {}
    for f in sourced:
        by_label.setdefault(f.label, []).append(f.key)
    return [by_label.get(r.source, everything) for r in results]


def candidates(ctx: AppContext, found: Round) -> list[PoolEntry]:
    """The pool entries a person's run considers: what their searches and lists found, what a
    board of theirs listed that one of their searches accepts, and what was found for everyone
    or for them alone."""
    keys = {f.key for f in fetches_of(ctx)}
    searches = list(ctx.config.searches)
    out: dict[str, PoolEntry] = {}
    for tag in (*keys, ANY, f"person:{ctx.person}"):
        board = tag.startswith("board:")
        for entry in found.tagged(tag):
            if entry.key in out:
                continue
            if board and not filter_board([entry.posting], searches):
                continue
            out[entry.key] = entry
    return sorted(out.values(), key=lambda e: (e.day, e.key))


def stored_candidates(ctx: AppContext) -> list[PoolEntry]:
    """The person's candidates in the pool as stored (`candidates` of the last rounds,
    within `POOL_DAYS`), for work between runs: a rescore."""
    oldest = (date.fromisoformat(ctx.today()) - timedelta(days=POOL_DAYS)).isoformat()
    pool = [e for e in ctx.db.pool() if e.day > oldest]
    return candidates(ctx, Round(day=ctx.today(), pool=pool))
