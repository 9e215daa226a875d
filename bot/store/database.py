"""Everything jobpicks remembers, on TinyDB: one table per kind of record, typed methods.

Several processes may open one database (the bot, `jobpicks run` from cron, `digest`,
`doctor`…). Reads are plain method calls returning models; each first catches up with what
other processes committed (one stat when nothing changed). Every change happens inside
``async with store.transaction():``, which holds this process's lock and the OS writer lock
(`bot.store.locks`) for the step, catches up with the files first, and persists the step at
the end as one journal line holding the documents it touched (`bot.store.journal`): marking a
pick sent costs the same on a year-old database as on a new one. A step that cannot take the
lock in time, or that the disk refuses, raises a `StoreError` and keeps none of its changes.

A Store opened `read_only` never writes, moves or locks anything (an older layout is read
through its migration in memory). Nothing outside this module sees a dict or a table name.

Per-person records carry their person (`person`, or `chat` where a chat id already named
it) and are indexed by it; `PersonStore` (at the end) is one person's view, with the method
names the services always used.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import logging
import os
import shutil
import tempfile
from collections.abc import AsyncIterator, Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from pydantic import BaseModel, ValidationError
from tinydb import Query
from tinydb.table import Document

from bot.store.appendlog import AppendLog
from bot.store.errors import StoreError, StoreReadOnly
from bot.store.journal import JournalStorage
from bot.store.locks import LOCK_WAIT_SECONDS, ChatLock, InstanceLock
from bot.store.migrate import LOG_TABLES, STORE, MigrationError, info_doc, migrate
from bot.store.records import (
    LOCAL_PERSON,
    SCHEMA_VERSION,
    CachedScore,
    ChatState,
    DaySpend,
    FetchRecord,
    HeaderSent,
    Invite,
    LearningState,
    Mark,
    MarkKind,
    Note,
    Overrides,
    Person,
    Pick,
    PickedPosting,
    PoolEntry,
    ProfileHead,
    ProfileVersion,
    RunRecord,
    SeenPosting,
    StoreInfo,
    Vote,
)
from bot.store.tables import StoreDB, StoreTable
from scoring.llm.proposals import Proposal
from scoring.models import Score, spend_from_record
from scoring.profile import Profile
from scrapers.postings.posting import Posting

log = logging.getLogger(__name__)

SEEN = "seen"
SCORES = "scores"
POOL = "pool"
PICKED = "picked"
PICKS = "picks"
VOTES = "votes"
PROFILES = "profiles"
PROFILE_HEAD = "profile_head"
RUNS = "runs"
PROPOSALS = "proposals"
LEARNING = "learning"
CHATS = "chats"
HEADERS = "headers"
OVERRIDES = "overrides"
MARKS = "marks"
NOTES = "notes"
SPEND = "spend"
PEOPLE = "people"
FETCHES = "fetches"
INVITES = "invites"

_ONE = 1  # the document id of the one-document table (store)
# The field that names a record's person: "chat" where a chat id already did (person = chat).
_PERSON_FIELD = {
    PICKS: "person",
    RUNS: "person",
    PROFILES: "person",
    PROFILE_HEAD: "person",
    PROPOSALS: "person",
    LEARNING: "person",
    OVERRIDES: "person",
    SPEND: "person",
    PICKED: "person",
    VOTES: "chat",
    MARKS: "chat",
    CHATS: "chat",
    HEADERS: "chat",
    NOTES: "chat",
}

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)


def _spend(figures: Mapping[str, float] | None) -> tuple[float, int]:
    spend = spend_from_record(dict(figures or {}))
    return spend.cost_usd, spend.tokens


def _run_spend(doc: Mapping[str, Any]) -> tuple[float, int]:
    return _spend(doc.get("spend"))


def _other_spend(doc: Mapping[str, Any]) -> tuple[float, int]:
    return _spend(doc["figures"])


def _reads(method: Callable[P, R]) -> Callable[P, R]:
    """A read: first catch up with what other processes committed."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        args[0]._fresh()  # type: ignore[attr-defined]
        return method(*args, **kwargs)

    return wrapper


class Store:
    """The app's database, shared safely by every jobpicks process on the same file."""

    def __init__(
        self,
        path: str | Path,
        *,
        read_only: bool = False,
        lock_wait: float = LOCK_WAIT_SECONDS,
        owner: int = LOCAL_PERSON,
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
        # Whose a single-profile database (an older layout) becomes when it is migrated.
        self.owner = owner
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._seen = AppendLog(self.path, SEEN, key="k", also="f")
        self._scores = AppendLog(self.path, SCORES, key="ck", keep=lambda record: record)
        self._lock = asyncio.Lock()  # one step at a time in this process
        self._unreadable: set[tuple[str, int]] = set()
        self._journal = JournalStorage(
            self.path,
            writable=not read_only,
            logs=(self._seen, self._scores),
            lock_wait=lock_wait,
            on_load=self._adopt_layout,
        )
        self.db = StoreDB(self._journal)
        index = self._journal.index
        # Every per-person table is indexed by its person (`_of`): reading or forgetting one
        # person's records never scans another's.
        self._of = {
            name: index(name, lambda d, f=field: d[f]) for name, field in _PERSON_FIELD.items()
        }
        self._picks_of_day = index(PICKS, lambda d: (d["person"], d["day"]))
        self._pick_at = index(PICKS, lambda d: (d["person"], d["day"], d["key"]))
        self._runs_of_day = index(RUNS, lambda d: (d["person"], d["day"]))
        # Today's LLM spend, everyone's and each person's, summed as runs and spend records
        # change: a ledger made per person per morning reads a total, not every run record.
        totals = self._journal.totals
        self._run_spend_on = totals(RUNS, lambda d: d["day"], _run_spend)
        self._run_spend_of = totals(RUNS, lambda d: (d["person"], d["day"]), _run_spend)
        self._other_spend_on = totals(SPEND, lambda d: d["day"], _other_spend)
        self._other_spend_of = totals(SPEND, lambda d: (d["person"], d["day"]), _other_spend)
        self._run_started = index(RUNS, lambda d: (d["person"], d["started_at"]))
        self._profile_at = index(PROFILES, lambda d: (d["person"], d["profile"]["version"]))
        self._proposal_at = index(PROPOSALS, lambda d: (d["person"], d["id"]))
        self._vote_of = index(VOTES, lambda d: (d["key"], d["chat"]))
        self._mark_of = index(MARKS, lambda d: (d["chat"], d["key"], d["kind"]))
        self._marks_on = index(MARKS, lambda d: (d["chat"], d["key"]))
        self._note_of = index(NOTES, lambda d: (d["chat"], d["key"]))
        self._picked_of_day = index(PICKED, lambda d: (d["person"], d["day"]))
        self._header_of = index(HEADERS, lambda d: (d["day"], d["chat"]))
        self._spend_of_day = index(SPEND, lambda d: (d["person"], d["day"]))
        self._person_at = index(PEOPLE, lambda d: d["id"])
        self._fetch_at = index(FETCHES, lambda d: d["key"])
        self._pool_at = index(POOL, lambda d: d["key"])
        self._invite_at = index(INVITES, lambda d: d["code"])

    # -- the files -------------------------------------------------------------------------
    def _adopt_layout(self, storage: JournalStorage) -> None:
        """After every full read: bring an older layout to today's — on disk by a writer
        holding the lock (the old files kept beside), in memory otherwise."""
        try:
            data, found = migrate(storage.read(), self.owner)
        except MigrationError as exc:
            raise StoreError(f"database {self.path}: {exc}") from None
        if not found or found == SCHEMA_VERSION:
            return
        # Up to layout 2 the logs' records were tables of the file; from 3 on they are in the
        # logs already, which the migration leaves as they are.
        records: dict[str, list[dict]] | None = None
        if found < 3:
            records = {name: list(data.pop(name, {}).values()) for name in LOG_TABLES}
        if not storage.may_write:
            storage.adopt(data, records)
            storage.needs_writer = True
            return
        kept = self._keep_old_files(storage, found)
        storage.rewrite(data, records)
        log.warning(
            "database %s migrated from schema %d to %d (the old file is kept as %s)",
            self.path,
            found,
            SCHEMA_VERSION,
            kept.name,
        )

    def _keep_old_files(self, storage: JournalStorage, found: int) -> Path:
        """Copy the files of an older layout beside the database, for a way back."""
        kept = self.path.with_name(f"{self.path.name}.schema{found}")
        shutil.copy2(self.path, kept)
        journal = storage.journal_path
        if journal.exists():  # rename both back to return to the older jobpicks
            shutil.copy2(journal, kept.with_name(kept.name + ".journal"))
        return kept

    def files(self) -> list[Path]:
        """The files that hold the database now: the snapshot, its journal, the logs."""
        candidates = [self.path, self._journal.journal_path, self._seen.path, self._scores.path]
        return [f for f in candidates if f.exists()]

    @property
    def moved_aside(self) -> Path | None:
        """Where a corrupt database file was moved at open, if it was."""
        return self._journal.moved_aside

    def _fresh(self) -> None:
        try:
            self._journal.refresh()
        except OSError as exc:  # keep serving what was read; the next read tries again
            log.warning("could not read the database %s again: %s", self.path, exc)

    def _table(self, name: str) -> StoreTable:
        return self.db.store_table(name)

    def _doc(self, name: str, doc_id: int | str | None) -> Document | None:
        return None if doc_id is None else self._table(name).get(doc_id=int(doc_id))

    def _valid(self, model: type[M], doc: Document | None) -> M | None:
        """The document as its model; None (with one warning per document) if it no longer
        validates: one bad record must not stop a command."""
        if doc is None:
            return None
        try:
            return model.model_validate(doc)
        except ValidationError as exc:
            seen = (model.__name__, doc.doc_id)
            if seen not in self._unreadable:
                self._unreadable.add(seen)
                err = exc.errors()[0]
                log.warning(
                    "skipping an unreadable %s record (id %s: %s: %s)",
                    model.__name__,
                    doc.doc_id,
                    ".".join(map(str, err["loc"])),
                    err["msg"],
                )
            return None

    def _models(self, model: type[M], docs: Iterable[Document | None]) -> list[M]:
        return [m for d in docs if (m := self._valid(model, d)) is not None]

    def _docs(self, name: str, ids: Iterable[str]) -> list[Document | None]:
        return [self._doc(name, i) for i in ids]

    # -- writing -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """One step, all or nothing: holds the writer lock (waiting briefly if another
        process holds it), reads what other processes committed, and persists once at the
        end. If the block raises — or the lock cannot be had (`StoreBusy`), or the disk
        refuses (`StoreWriteFailed`) — none of its changes are kept, on disk or in memory."""
        if self.read_only:
            raise StoreReadOnly(
                f"database {self.path} is open read-only (digest, export, doctor and dry runs "
                "never write)"
            )
        async with self._lock:
            lock = self._journal.lock
            await lock.acquire()
            try:
                self._journal.begin()
                try:
                    yield self
                    if self._doc(STORE, _ONE) is None:
                        self._table(STORE).put(_ONE, info_doc(migrated_from=None))
                    self._journal.commit()
                except BaseException:
                    self._journal.rollback()
                    raise
            finally:
                lock.release()

    def _must_hold_lock(self) -> None:
        if not self._journal.in_transaction:
            raise StoreError("write outside `async with store.transaction()`")

    def flush(self) -> None:
        """Nothing to do (every step is on disk when its transaction ends); kept for callers
        that flush at shutdown."""

    def close(self) -> None:
        self.db.close()

    @contextlib.asynccontextmanager
    async def delivering(self, chat: int, wait: float | None = None) -> AsyncIterator[None]:
        """Hold this chat's delivery for the block, against every process on the database:
        another one delivering to it is waited for (`StoreBusy` after `wait` seconds), so a
        pick is never sent by two at once. Read what is sent only once inside."""
        if self.read_only:
            raise StoreReadOnly(f"database {self.path} is open read-only: it delivers nothing")
        lock = ChatLock(self.path, chat) if wait is None else ChatLock(self.path, chat, wait)
        await lock.acquire()
        try:
            yield
        finally:
            lock.release()

    @contextlib.contextmanager
    def claim(self, role: str = "bot") -> Iterator[None]:
        """Hold this database for one long-lived process of `role` until the block ends;
        `AlreadyServing` (one line) if another process holds it."""
        lock = InstanceLock(self.path, role)
        lock.claim()
        try:
            yield
        finally:
            lock.release()

    @_reads
    def info(self) -> StoreInfo:
        """The files' layout version (and where it was migrated from)."""
        info = self._valid(StoreInfo, self._doc(STORE, _ONE))
        return info or StoreInfo(schema_version=SCHEMA_VERSION)

    async def check_writable(self) -> None:
        """Raise OSError if the database could not be written: its folder must take a new
        file (every compaction writes one) and its files must be writable. Writes nothing to
        the database."""
        await asyncio.to_thread(self._check_writable)

    def _check_writable(self) -> None:
        folder = self.path.parent
        if not folder.exists():  # a first write makes it: its nearest folder must allow that
            existing = next(f for f in folder.parents if f.exists())
            if not os.access(existing, os.W_OK | os.X_OK):
                raise PermissionError(errno.EACCES, "cannot make its folder", str(folder))
            return
        fd, probe = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
        Path(probe).unlink(missing_ok=True)  # a writer may have swept it already
        for f in [*self.files(), self._journal.lock.path]:
            if f.exists() and not os.access(f, os.W_OK):
                raise PermissionError(errno.EACCES, "not writable", str(f))

    # -- seen postings (an append-only log: key, fingerprint, day) -----------------------
    @_reads
    def is_seen(self, key: str, fingerprint: str | None = None) -> bool:
        """True if this board id, or this job under another id, was decided on before."""
        return key in self._seen or (fingerprint is not None and self._seen.has_also(fingerprint))

    @_reads
    def seen_count(self) -> int:
        return len(self._seen)

    def add_seen(self, items: Iterable[SeenPosting]) -> int:
        """Mark postings as seen; returns how many were new."""
        self._must_hold_lock()
        return sum(
            self._seen.add(item.model_dump(by_alias=True, exclude_none=True)) for item in items
        )

    # -- candidate pool (full postings, shared by everyone, until they age out) -----------
    @_reads
    def pool(self) -> list[PoolEntry]:
        """Every candidate kept from the rounds, with the day each was first seen and what
        found it: each person's run takes those their searches, boards and lists found."""
        return self._models(PoolEntry, self._table(POOL).all())

    @_reads
    def pool_entry(self, key: str) -> PoolEntry | None:
        return self._valid(PoolEntry, self._doc(POOL, self._pool_at.first(key)))

    def put_pool(self, entries: Iterable[PoolEntry]) -> None:
        """Add candidates, or replace the entry of the same posting key."""
        self._must_hold_lock()
        table = self._table(POOL)
        for entry in entries:
            doc = entry.model_dump(mode="json")
            found = self._pool_at.first(entry.key)
            if found is None:
                table.insert(doc)
            else:
                table.put(int(found), doc)

    def drop_pool(self, keys: Iterable[str]) -> None:
        """Take candidates out (aged out): their descriptions are gone with them."""
        self._must_hold_lock()
        for key in keys:
            for doc_id in self._pool_at.ids(key):
                self._table(POOL).delete(int(doc_id))

    def set_pool(self, entries: Iterable[PoolEntry]) -> None:
        """Replace the whole pool."""
        self._must_hold_lock()
        table = self._table(POOL)
        table.truncate()
        table.insert_multiple(e.model_dump(mode="json") for e in entries)

    # -- score cache (an append-only log) ------------------------------------------------
    @_reads
    def cached_score(self, cache_key: str) -> Score | None:
        record = self._scores.get(cache_key)
        if record is None:
            return None
        try:
            return CachedScore.model_validate(record).score
        except ValidationError:
            log.warning("skipping an unreadable cached score (%s)", cache_key[:40])
            return None

    def put_scores(self, items: Iterable[tuple[str, Score]], day: str) -> None:
        """Cache paid-for scores by cache key (a key already cached keeps its score)."""
        self._must_hold_lock()
        for cache_key, score in items:
            record = CachedScore(cache_key=cache_key, day=day, score=score)
            self._scores.add(record.model_dump(mode="json", by_alias=True))

    # -- people ----------------------------------------------------------------------------
    def person(self, person: int) -> PersonStore:
        """One person's view of the Store: today's method names, scoped to them."""
        return PersonStore(self, person)

    @_reads
    def people(self) -> list[Person]:
        """Everyone jobpicks knows, in the order they came."""
        return self._models(Person, sorted(self._table(PEOPLE), key=lambda d: d.doc_id))

    @_reads
    def person_record(self, person: int) -> Person | None:
        return self._valid(Person, self._doc(PEOPLE, self._person_at.first(person)))

    def save_person(self, record: Person) -> None:
        """Insert or replace the record of this person."""
        self._must_hold_lock()
        self._upsert(PEOPLE, self._person_at.first(record.id), record.model_dump(mode="json"))

    def forget_person(self, person: int) -> int:
        """Delete every record of this person (their people record too); the shared pool,
        seen set, score cache and fetch log keep nothing of theirs but what anyone's search
        found. Returns how many records went."""
        self._must_hold_lock()
        gone = 0
        for name, index in self._of.items():
            for doc_id in index.ids(person):
                self._table(name).delete(int(doc_id))
                gone += 1
        for doc_id in self._person_at.ids(person):
            self._table(PEOPLE).delete(int(doc_id))
            gone += 1
        tag = f"person:{person}"
        for entry in self._table(POOL).search(Query().found_by.any([tag])):
            kept = [t for t in entry["found_by"] if t != tag]
            self._table(POOL).put(entry.doc_id, {**entry, "found_by": kept})
        # The journal's earlier lines still hold their records: this step ends with a new
        # snapshot and an empty journal, so the files no longer do.
        self._journal.rewrite_on_commit = True
        return gone

    # -- invite codes (shared: they name no one) --------------------------------------------
    @_reads
    def invites(self) -> list[Invite]:
        """Every invite code made, oldest first."""
        return self._models(Invite, sorted(self._table(INVITES), key=lambda d: d.doc_id))

    @_reads
    def invite(self, code: str) -> Invite | None:
        return self._valid(Invite, self._doc(INVITES, self._invite_at.first(code)))

    def save_invite(self, record: Invite) -> None:
        """Insert or replace the invite with this code."""
        self._must_hold_lock()
        self._upsert(INVITES, self._invite_at.first(record.code), record.model_dump(mode="json"))

    # -- the fetch log (shared) -------------------------------------------------------------
    @_reads
    def fetch_log(self) -> list[FetchRecord]:
        """The last fetch of every distinct search, board and list."""
        return self._models(FetchRecord, sorted(self._table(FETCHES), key=lambda d: d.doc_id))

    @_reads
    def fetch_record(self, key: str) -> FetchRecord | None:
        return self._valid(FetchRecord, self._doc(FETCHES, self._fetch_at.first(key)))

    def save_fetch(self, record: FetchRecord) -> None:
        self._must_hold_lock()
        self._upsert(FETCHES, self._fetch_at.first(record.key), record.model_dump(mode="json"))

    # -- per-person records: stored with their person --------------------------------------
    def _upsert(self, name: str, doc_id: str | None, doc: dict[str, object]) -> None:
        if doc_id is None:
            self._table(name).insert(doc)
        else:
            self._table(name).put(int(doc_id), doc)

    def _own(self, name: str, person: int) -> list[Document | None]:
        """This person's documents of a table, oldest first."""
        return self._docs(name, self._of[name].ids(person))

    @staticmethod
    def _with(person: int, model: BaseModel) -> dict[str, object]:
        return {**model.model_dump(mode="json"), "person": person}

    # -- picks -----------------------------------------------------------------------------
    @_reads
    def picks_for(self, person: int, day: str) -> list[Pick]:
        """The person's picks of a day, best first."""
        picks = self._models(Pick, self._docs(PICKS, self._picks_of_day.ids((person, day))))
        return sorted(picks, key=lambda p: p.rank)

    @_reads
    def pick(self, person: int, day: str, key: str) -> Pick | None:
        return self._valid(Pick, self._doc(PICKS, self._pick_at.first((person, day, key))))

    @_reads
    def picked_keys(self, person: int) -> set[str]:
        """The posting keys ever picked for this person."""
        return {d["key"] for d in self._own(PICKS, person) if d is not None and "key" in d}

    @_reads
    def picks_sent_to(self, person: int, chat_id: int) -> int:
        """How many of the person's pick messages this chat has received, all days together."""
        chat = str(chat_id)
        return sum(1 for d in self._own(PICKS, person) if d and chat in (d.get("sent") or {}))

    def save_picks(self, person: int, picks: Iterable[Pick]) -> None:
        self._must_hold_lock()
        for pick in picks:
            found = self._pick_at.first((person, pick.day, pick.key))
            self._upsert(PICKS, found, self._with(person, pick))

    def mark_sent(self, person: int, day: str, key: str, chat_id: int, message_id: int) -> None:
        """Record one delivered pick message (persisted by the enclosing transaction)."""
        self._must_hold_lock()
        doc_id = self._pick_at.first((person, day, key))
        found = self._valid(Pick, self._doc(PICKS, doc_id))
        if found is None or doc_id is None:
            raise StoreError(f"no pick {key} on {day}")
        found.sent[str(chat_id)] = message_id
        self._table(PICKS).put(int(doc_id), self._with(person, found))

    # -- the day's picked postings (full, for a rescore) -------------------------------------
    @_reads
    def picked_postings(self, person: int, day: str) -> list[Posting]:
        """The full postings of the person's picks of `day`, as their last run (or rescore)
        kept them; none once a later run of theirs has replaced them."""
        docs = self._docs(PICKED, self._picked_of_day.ids((person, day)))
        return [e.posting for e in self._models(PickedPosting, docs)]

    def set_picked_postings(self, person: int, day: str, postings: Iterable[Posting]) -> None:
        """Keep the full postings of the person's picks of `day` (for a rescore that day);
        what an earlier day of theirs kept goes, its descriptions with it."""
        self._must_hold_lock()
        table = self._table(PICKED)
        for doc_id in self._of[PICKED].ids(person):
            table.delete(int(doc_id))
        table.insert_multiple(
            self._with(person, PickedPosting(day=day, posting=p)) for p in postings
        )

    # -- runs ------------------------------------------------------------------------------
    @_reads
    def runs_for(self, person: int, day: str) -> list[RunRecord]:
        return self._models(RunRecord, self._docs(RUNS, self._runs_of_day.ids((person, day))))

    def finished_run(self, person: int, day: str) -> RunRecord | None:
        """The person's completed run of the day, if there was one (a run where every source
        failed does not count: the day is tried again)."""
        for run in self.runs_for(person, day):
            if run.status == "done" and not run.dry_run:
                return run
        return None

    @_reads
    def all_runs(self, person: int) -> list[RunRecord]:
        return self._models(RunRecord, self._own(RUNS, person))

    def save_run(self, person: int, run: RunRecord) -> None:
        """Insert or update the person's run (keyed by its start time)."""
        self._must_hold_lock()
        doc = self._with(person, run)
        self._upsert(RUNS, self._run_started.first((person, doc["started_at"])), doc)

    # -- profile versions ----------------------------------------------------------------
    def _head(self, person: int) -> int | None:
        found = self._own(PROFILE_HEAD, person)
        head = self._valid(ProfileHead, found[0]) if found else None
        return head.version if head else None

    def _set_head(self, person: int, version: int) -> None:
        ids = self._of[PROFILE_HEAD].ids(person)
        self._upsert(
            PROFILE_HEAD, ids[0] if ids else None, self._with(person, ProfileHead(version=version))
        )

    def _version(self, person: int, version: int) -> ProfileVersion | None:
        return self._valid(
            ProfileVersion, self._doc(PROFILES, self._profile_at.first((person, version)))
        )

    @_reads
    def current_profile(self, person: int, seed: Profile | None = None) -> Profile:
        """The profile the person's scorers read now; `seed` stands in while they have none."""
        head = self._head(person)
        found = self._version(person, head) if head is not None else None
        if found is not None:
            return found.profile
        return (seed or Profile()).model_copy(update={"version": 1})

    async def ensure_profile(self, person: int, seed: Profile) -> Profile:
        """Store the seed as the person's version 1 if they have no profile yet."""
        self._fresh()
        if self._head(person) is None:
            async with self.transaction():
                if self._head(person) is None:
                    self._insert_profile(
                        person, seed, parent=None, note="initial profile from config"
                    )
        return self.current_profile(person)

    def _insert_profile(
        self, person: int, profile: Profile, parent: int | None, note: str
    ) -> Profile:
        versions = [d["profile"]["version"] for d in self._own(PROFILES, person) if d]
        version = max(versions, default=0) + 1
        profile = profile.model_copy(update={"version": version})
        record = ProfileVersion(
            profile=profile, parent=parent, note=note, created_at=datetime.now(UTC)
        )
        self._table(PROFILES).insert(self._with(person, record))
        self._set_head(person, version)
        return profile

    def save_profile(self, person: int, profile: Profile, note: str) -> Profile:
        """Make `profile` the person's new current version (a child of the current one)."""
        self._must_hold_lock()
        return self._insert_profile(person, profile, parent=self._head(person), note=note)

    @_reads
    def profile_history(self, person: int) -> list[ProfileVersion]:
        """Every stored version of the person's profile, oldest first (`current` marks the
        one in use)."""
        head = self._head(person)
        versions = self._models(ProfileVersion, self._own(PROFILES, person))
        versions.sort(key=lambda v: v.version)
        for version in versions:
            version.current = version.version == head
        return versions

    def undo_profile(self, person: int) -> Profile | None:
        """Step back to the parent of the current version; None if there is none."""
        self._must_hold_lock()
        head = self._head(person)
        found = self._version(person, head) if head is not None else None
        if found is None or found.parent is None:
            return None
        self._set_head(person, found.parent)
        return self.current_profile(person)

    # -- votes (`chat` is the person) ------------------------------------------------------
    def record_vote(self, vote: Vote) -> None:
        """Insert or replace the vote of (chat, posting key): a later tap changes it."""
        self._must_hold_lock()
        self._upsert(
            VOTES, self._vote_of.first((vote.key, vote.chat)), vote.model_dump(mode="json")
        )

    def remove_vote(self, key: str, chat: int) -> bool:
        """Withdraw the vote of (chat, posting key); False if there was none."""
        self._must_hold_lock()
        found = self._vote_of.first((key, chat))
        if found is None:
            return False
        self._table(VOTES).delete(int(found))
        return True

    @_reads
    def votes(self, chat: int | None = None) -> list[Vote]:
        """Every vote (of one chat, if given), oldest first. A record that no longer
        validates is skipped with a warning: one bad record must not stop learning."""
        if chat is None:
            return self._models(Vote, sorted(self._table(VOTES), key=lambda d: d.doc_id))
        return self._models(Vote, self._own(VOTES, chat))

    @_reads
    def vote_for(self, key: str, chat: int) -> Vote | None:
        return self._valid(Vote, self._doc(VOTES, self._vote_of.first((key, chat))))

    # -- learning proposals --------------------------------------------------------------
    @_reads
    def proposals(self, person: int) -> list[Proposal]:
        """The person's stored proposals, oldest first."""
        return sorted(self._models(Proposal, self._own(PROPOSALS, person)), key=lambda p: p.id)

    def save_proposal(self, person: int, proposal: Proposal) -> None:
        """Insert or replace the person's proposal with this id."""
        self._must_hold_lock()
        found = self._proposal_at.first((person, proposal.id))
        self._upsert(PROPOSALS, found, self._with(person, proposal))

    @_reads
    def learning_state(self, person: int) -> LearningState:
        found = self._own(LEARNING, person)
        return (self._valid(LearningState, found[0]) if found else None) or LearningState()

    def set_learning_state(self, person: int, state: LearningState) -> None:
        self._must_hold_lock()
        ids = self._of[LEARNING].ids(person)
        self._upsert(LEARNING, ids[0] if ids else None, self._with(person, state))

    # -- chats (`chat` is the person) ------------------------------------------------------
    @_reads
    def chat_state(self, chat: int) -> ChatState:
        """This chat's delivery state (a chat never seen is active and reachable)."""
        found = self._own(CHATS, chat)
        return (self._valid(ChatState, found[0]) if found else None) or ChatState(chat=chat)

    @_reads
    def chat_states(self) -> list[ChatState]:
        return self._models(ChatState, sorted(self._table(CHATS), key=lambda d: d.doc_id))

    def save_chat_state(self, state: ChatState) -> None:
        self._must_hold_lock()
        ids = self._of[CHATS].ids(state.chat)
        self._upsert(CHATS, ids[0] if ids else None, state.model_dump(mode="json"))

    @_reads
    def header_sent(self, day: str, chat: int) -> bool:
        """Whether this chat got the header message of this day."""
        return self._header_of.first((day, chat)) is not None

    def mark_header_sent(self, day: str, chat: int) -> None:
        self._must_hold_lock()
        if self._header_of.first((day, chat)) is None:
            record = HeaderSent(chat=chat, day=day, at=datetime.now(UTC))
            self._table(HEADERS).insert(record.model_dump(mode="json"))

    # -- LLM spend outside runs (learning proposals, onboarding drafts) -------------------
    @_reads
    def proposal_spend(self, person: int, first_day: str = "") -> list[DaySpend]:
        """A person's LLM spend outside runs per day, from `first_day` on."""
        docs = [d for d in self._own(SPEND, person) if d and d.get("day", "") >= first_day]
        return sorted(self._models(DaySpend, docs), key=lambda d: d.day)

    @_reads
    def spent_on(self, day: str, person: int | None = None) -> tuple[float, int]:
        """Dollars and tokens spent on the LLM on `day` (runs, dry runs and the calls between
        them), by everyone or by one person: O(1), kept as the records change."""
        if person is None:
            runs, other = self._run_spend_on.of(day), self._other_spend_on.of(day)
        else:
            runs = self._run_spend_of.of((person, day))
            other = self._other_spend_of.of((person, day))
        return runs[0] + other[0], runs[1] + other[1]

    def save_proposal_spend(self, person: int, spend: DaySpend) -> None:
        """Replace that day's spend of the person."""
        self._must_hold_lock()
        found = self._spend_of_day.first((person, spend.day))
        self._upsert(SPEND, found, self._with(person, spend))

    # -- marks on picks (saved / applied; `chat` is the person) ---------------------------
    def mark(self, chat: int, pick: Pick, kind: MarkKind, at: datetime | None = None) -> Mark:
        """Mark a pick for a chat (saved, applied). Marking again keeps the first date."""
        self._must_hold_lock()
        found = self._valid(Mark, self._doc(MARKS, self._mark_of.first((chat, pick.key, kind))))
        if found is not None:
            return found
        record = Mark(chat=chat, key=pick.key, day=pick.day, kind=kind, at=at or datetime.now(UTC))
        self._table(MARKS).insert(record.model_dump(mode="json"))
        return record

    def unmark(self, chat: int, key: str, kind: MarkKind) -> bool:
        """Take a mark off; False if there was none."""
        self._must_hold_lock()
        found = self._mark_of.first((chat, key, kind))
        if found is None:
            return False
        self._table(MARKS).delete(int(found))
        return True

    @_reads
    def marks(self, chat: int, kind: MarkKind | None = None) -> list[Mark]:
        """A chat's marks (of one kind, if given), newest first."""
        found = self._models(Mark, self._own(MARKS, chat))
        if kind is not None:
            found = [m for m in found if m.kind == kind]
        return sorted(found, key=lambda m: m.at, reverse=True)

    @_reads
    def all_marks(self) -> list[Mark]:
        """Every chat's marks, oldest first."""
        return sorted(self._models(Mark, self._table(MARKS)), key=lambda m: m.at)

    @_reads
    def marks_on(self, chat: int, key: str) -> set[MarkKind]:
        """Which marks this chat put on this posting."""
        docs = self._docs(MARKS, self._marks_on.ids((chat, key)))
        return {m.kind for m in self._models(Mark, docs)}

    def remind_marked(self, chat: int, key: str, kind: MarkKind, at: datetime) -> None:
        """Record when a chat was reminded about its mark (`Mark.reminded_at`)."""
        self._must_hold_lock()
        doc_id = self._mark_of.first((chat, key, kind))
        found = self._valid(Mark, self._doc(MARKS, doc_id))
        if found is None or doc_id is None:
            raise StoreError(f"no {kind} mark on {key} for chat {chat}")
        found.reminded_at = at
        self._table(MARKS).put(int(doc_id), found.model_dump(mode="json"))

    # -- notes on postings -------------------------------------------------------------
    @_reads
    def note(self, chat: int, key: str) -> Note | None:
        """This chat's note on this posting, if it wrote one."""
        return self._valid(Note, self._doc(NOTES, self._note_of.first((chat, key))))

    @_reads
    def notes(self, chat: int) -> list[Note]:
        """Every note of a chat."""
        return self._models(Note, self._own(NOTES, chat))

    def set_note(self, note: Note) -> None:
        """Write (or replace) a chat's note on a posting; an empty text removes it."""
        self._must_hold_lock()
        found = self._note_of.first((note.chat, note.key))
        if not note.text:
            if found is not None:
                self._table(NOTES).delete(int(found))
            return
        doc = note.model_dump(mode="json")
        if found is None:
            self._table(NOTES).insert(doc)
        else:
            self._table(NOTES).put(int(found), doc)

    # -- settings changed from the chat --------------------------------------------------
    @_reads
    def overrides(self, person: int) -> Overrides:
        """The person's settings changed from the chat (/settings, /searches); empty when
        none were."""
        found = self._own(OVERRIDES, person)
        if not found or found[0] is None:
            return Overrides()
        doc = {k: v for k, v in found[0].items() if k != "person"}
        try:
            return Overrides.model_validate(doc)
        except ValidationError as exc:
            log.warning("ignoring unreadable stored settings: %s", exc.errors()[0]["msg"])
            return Overrides()

    def set_overrides(self, person: int, overrides: Overrides) -> None:
        self._must_hold_lock()
        ids = self._of[OVERRIDES].ids(person)
        self._upsert(OVERRIDES, ids[0] if ids else None, self._with(person, overrides))


# -- one person's view ------------------------------------------------------------------------
# What everyone shares — the seen set, the candidate pool, the score cache, the fetch log and
# the people table — is the shared Store's, reached through the view unchanged. In votes,
# marks and chat states the chat named is the person (a person is a chat).
class PersonStore:
    """The Store as one person sees it. Writes still go inside
    ``async with store.transaction():`` (the shared Store's: one writer for everyone)."""

    def __init__(self, shared: Store, person: int) -> None:
        self.shared = shared
        self.person = person

    def __repr__(self) -> str:
        return f"PersonStore({self.shared.path}, person={self.person})"

    # -- the shared Store, as it is ----------------------------------------------------------
    @property
    def path(self) -> Path:
        return self.shared.path

    @property
    def read_only(self) -> bool:
        return self.shared.read_only

    @property
    def moved_aside(self) -> Path | None:
        return self.shared.moved_aside

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[PersonStore]:
        async with self.shared.transaction():
            yield self

    def flush(self) -> None:
        self.shared.flush()

    def close(self) -> None:
        self.shared.close()

    def claim(self, role: str = "bot") -> contextlib.AbstractContextManager[None]:
        return self.shared.claim(role)

    def delivering(
        self, chat: int, wait: float | None = None
    ) -> contextlib.AbstractAsyncContextManager[None]:
        return self.shared.delivering(chat, wait)

    def info(self) -> StoreInfo:
        return self.shared.info()

    def files(self) -> list[Path]:
        return self.shared.files()

    async def check_writable(self) -> None:
        await self.shared.check_writable()

    def is_seen(self, key: str, fingerprint: str | None = None) -> bool:
        return self.shared.is_seen(key, fingerprint)

    def seen_count(self) -> int:
        return self.shared.seen_count()

    def add_seen(self, items: Iterable[SeenPosting]) -> int:
        return self.shared.add_seen(items)

    def pool(self) -> list[PoolEntry]:
        return self.shared.pool()

    def set_pool(self, entries: Iterable[PoolEntry]) -> None:
        self.shared.set_pool(entries)

    def cached_score(self, cache_key: str) -> Score | None:
        return self.shared.cached_score(cache_key)

    def put_scores(self, items: Iterable[tuple[str, Score]], day: str) -> None:
        self.shared.put_scores(items, day)

    # -- picks ---------------------------------------------------------------------------------
    def picks_for(self, day: str) -> list[Pick]:
        return self.shared.picks_for(self.person, day)

    def pick(self, day: str, key: str) -> Pick | None:
        return self.shared.pick(self.person, day, key)

    def picked_keys(self) -> set[str]:
        return self.shared.picked_keys(self.person)

    def picks_sent_to(self, chat_id: int) -> int:
        return self.shared.picks_sent_to(self.person, chat_id)

    def save_picks(self, picks: Iterable[Pick]) -> None:
        self.shared.save_picks(self.person, picks)

    def mark_sent(self, day: str, key: str, chat_id: int, message_id: int) -> None:
        self.shared.mark_sent(self.person, day, key, chat_id, message_id)

    def picked_postings(self, day: str) -> list[Posting]:
        return self.shared.picked_postings(self.person, day)

    def set_picked_postings(self, day: str, postings: Iterable[Posting]) -> None:
        self.shared.set_picked_postings(self.person, day, postings)

    # -- runs ----------------------------------------------------------------------------------
    def runs_for(self, day: str) -> list[RunRecord]:
        return self.shared.runs_for(self.person, day)

    def finished_run(self, day: str) -> RunRecord | None:
        return self.shared.finished_run(self.person, day)

    def all_runs(self) -> list[RunRecord]:
        return self.shared.all_runs(self.person)

    def save_run(self, run: RunRecord) -> None:
        self.shared.save_run(self.person, run)

    # -- profile versions ----------------------------------------------------------------------
    def current_profile(self, seed: Profile | None = None) -> Profile:
        return self.shared.current_profile(self.person, seed)

    async def ensure_profile(self, seed: Profile) -> Profile:
        return await self.shared.ensure_profile(self.person, seed)

    def save_profile(self, profile: Profile, note: str) -> Profile:
        return self.shared.save_profile(self.person, profile, note)

    def profile_history(self) -> list[ProfileVersion]:
        return self.shared.profile_history(self.person)

    def undo_profile(self) -> Profile | None:
        return self.shared.undo_profile(self.person)

    # -- votes ---------------------------------------------------------------------------------
    def record_vote(self, vote: Vote) -> None:
        self.shared.record_vote(vote)

    def remove_vote(self, key: str, chat: int) -> bool:
        return self.shared.remove_vote(key, chat)

    def votes(self, chat: int | None = None) -> list[Vote]:
        """The person's votes (a chat's: the person's own chat)."""
        return self.shared.votes(self.person if chat is None else chat)

    def vote_for(self, key: str, chat: int) -> Vote | None:
        return self.shared.vote_for(key, chat)

    # -- learning ------------------------------------------------------------------------------
    def proposals(self) -> list[Proposal]:
        return self.shared.proposals(self.person)

    def save_proposal(self, proposal: Proposal) -> None:
        self.shared.save_proposal(self.person, proposal)

    def learning_state(self) -> LearningState:
        return self.shared.learning_state(self.person)

    def set_learning_state(self, state: LearningState) -> None:
        self.shared.set_learning_state(self.person, state)

    # -- chats ---------------------------------------------------------------------------------
    def chat_state(self, chat: int) -> ChatState:
        return self.shared.chat_state(chat)

    def chat_states(self) -> list[ChatState]:
        return [self.shared.chat_state(self.person)]

    def save_chat_state(self, state: ChatState) -> None:
        self.shared.save_chat_state(state)

    def header_sent(self, day: str, chat: int) -> bool:
        return self.shared.header_sent(day, chat)

    def mark_header_sent(self, day: str, chat: int) -> None:
        self.shared.mark_header_sent(day, chat)

    # -- spend outside runs --------------------------------------------------------------------
    def proposal_spend(self, first_day: str = "") -> list[DaySpend]:
        return self.shared.proposal_spend(self.person, first_day)

    def save_proposal_spend(self, spend: DaySpend) -> None:
        self.shared.save_proposal_spend(self.person, spend)

    def spent_on(self, day: str) -> tuple[float, int]:
        """The person's LLM dollars and tokens of `day`, runs and the calls between them."""
        return self.shared.spent_on(day, self.person)

    # -- marks ---------------------------------------------------------------------------------
    def mark(self, chat: int, pick: Pick, kind: MarkKind, at: datetime | None = None) -> Mark:
        return self.shared.mark(chat, pick, kind, at)

    def unmark(self, chat: int, key: str, kind: MarkKind) -> bool:
        return self.shared.unmark(chat, key, kind)

    def marks(self, chat: int, kind: MarkKind | None = None) -> list[Mark]:
        return self.shared.marks(chat, kind)

    def all_marks(self) -> list[Mark]:
        """The person's marks, oldest first."""
        return sorted(self.shared.marks(self.person), key=lambda m: m.at)

    def marks_on(self, chat: int, key: str) -> set[MarkKind]:
        return self.shared.marks_on(chat, key)

    def remind_marked(self, chat: int, key: str, kind: MarkKind, at: datetime) -> None:
        self.shared.remind_marked(chat, key, kind, at)

    # -- notes ---------------------------------------------------------------------------------
    def note(self, chat: int, key: str) -> Note | None:
        return self.shared.note(chat, key)

    def notes(self, chat: int) -> list[Note]:
        return self.shared.notes(chat)

    def set_note(self, note: Note) -> None:
        self.shared.set_note(note)

    # -- settings ------------------------------------------------------------------------------
    def overrides(self) -> Overrides:
        return self.shared.overrides(self.person)

    def set_overrides(self, overrides: Overrides) -> None:
        self.shared.set_overrides(self.person, overrides)
