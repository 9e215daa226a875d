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
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ParamSpec, TypeVar

from pydantic import BaseModel, ValidationError
from tinydb import Query
from tinydb.table import Document

from bot.store.appendlog import AppendLog
from bot.store.errors import StoreError, StoreReadOnly
from bot.store.journal import JournalStorage
from bot.store.locks import LOCK_WAIT_SECONDS, ChatLock, InstanceLock
from bot.store.migrate import LOG_TABLES, STORE, MigrationError, info_doc, migrate
from bot.store.records import (
    SCHEMA_VERSION,
    CachedScore,
    ChatState,
    DaySpend,
    HeaderSent,
    LearningState,
    Mark,
    MarkKind,
    Note,
    Overrides,
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
from scoring.models import Score
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

_ONE = 1  # the document id of one-document tables (store, profile_head, learning, overrides)

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=BaseModel)


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
        self, path: str | Path, *, read_only: bool = False, lock_wait: float = LOCK_WAIT_SECONDS
    ) -> None:
        self.path = Path(path)
        self.read_only = read_only
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
        self._picks_of_day = index(PICKS, lambda d: d["day"])
        self._pick_at = index(PICKS, lambda d: (d["day"], d["key"]))
        self._picks_of_key = index(PICKS, lambda d: d["key"])
        self._runs_of_day = index(RUNS, lambda d: d["day"])
        self._run_started = index(RUNS, lambda d: d["started_at"])
        self._vote_of = index(VOTES, lambda d: (d["key"], d["chat"]))
        self._votes_of_chat = index(VOTES, lambda d: d["chat"])
        self._mark_of = index(MARKS, lambda d: (d["chat"], d["key"], d["kind"]))
        self._marks_on = index(MARKS, lambda d: (d["chat"], d["key"]))
        self._marks_of_chat = index(MARKS, lambda d: d["chat"])
        self._note_of = index(NOTES, lambda d: (d["chat"], d["key"]))
        self._notes_of_chat = index(NOTES, lambda d: d["chat"])
        self._chat_of = index(CHATS, lambda d: d["chat"])
        self._header_of = index(HEADERS, lambda d: (d["day"], d["chat"]))
        self._spend_of_day = index(SPEND, lambda d: d["day"])

    # -- the files -------------------------------------------------------------------------
    def _adopt_layout(self, storage: JournalStorage) -> None:
        """After every full read: bring an older layout to today's — on disk by a writer
        holding the lock (the old files kept beside), in memory otherwise."""
        try:
            data, found = migrate(storage.read())
        except MigrationError as exc:
            raise StoreError(f"database {self.path}: {exc}") from None
        if not found or found == SCHEMA_VERSION:
            return
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

    # -- candidate pool (full postings, until decided) -----------------------------------
    @_reads
    def pool(self) -> list[PoolEntry]:
        """Candidates kept from earlier runs with the day each was first seen: not picked
        yet, or not scored yet (an LLM failure is retried), so a changed profile can
        rescore them."""
        return self._models(PoolEntry, self._table(POOL).all())

    def set_pool(self, entries: Iterable[PoolEntry]) -> None:
        """Replace the pool; what leaves it is decided, and its description is gone with it."""
        self._must_hold_lock()
        table = self._table(POOL)
        table.truncate()
        table.insert_multiple(e.model_dump(mode="json") for e in entries)

    @_reads
    def picked_postings(self, day: str) -> list[Posting]:
        """The full postings of `day`'s picks, as the last run (or rescore) kept them; none
        once a later run has replaced them."""
        entries = self._models(PickedPosting, self._table(PICKED).all())
        return [e.posting for e in entries if e.day == day]

    def set_picked_postings(self, day: str, postings: Iterable[Posting]) -> None:
        """Keep the full postings of `day`'s picks (for a rescore that day); what an earlier
        day kept goes, its descriptions with it."""
        self._must_hold_lock()
        table = self._table(PICKED)
        table.truncate()
        table.insert_multiple(
            PickedPosting(day=day, posting=p).model_dump(mode="json") for p in postings
        )

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

    # -- picks -----------------------------------------------------------------------------
    @_reads
    def picks_for(self, day: str) -> list[Pick]:
        """The picks of a day, best first."""
        picks = self._models(Pick, self._docs(PICKS, self._picks_of_day.ids(day)))
        return sorted(picks, key=lambda p: p.rank)

    @_reads
    def pick(self, day: str, key: str) -> Pick | None:
        return self._valid(Pick, self._doc(PICKS, self._pick_at.first((day, key))))

    @_reads
    def picked_keys(self) -> set[str]:
        return {k for k in self._picks_of_key.all_keys() if isinstance(k, str)}

    @_reads
    def picks_sent_to(self, chat_id: int) -> int:
        """How many pick messages this chat has received, all days together."""
        chat = str(chat_id)
        return sum(1 for d in self._table(PICKS) if chat in (d.get("sent") or {}))

    def save_picks(self, picks: Iterable[Pick]) -> None:
        self._must_hold_lock()
        table = self._table(PICKS)
        for pick in picks:
            doc = pick.model_dump(mode="json")
            found = self._pick_at.first((pick.day, pick.key))
            if found is None:
                table.insert(doc)
            else:
                table.put(int(found), doc)

    def mark_sent(self, day: str, key: str, chat_id: int, message_id: int) -> None:
        """Record one delivered pick message (persisted by the enclosing transaction)."""
        self._must_hold_lock()
        doc_id = self._pick_at.first((day, key))
        found = self._valid(Pick, self._doc(PICKS, doc_id))
        if found is None or doc_id is None:
            raise StoreError(f"no pick {key} on {day}")
        found.sent[str(chat_id)] = message_id
        self._table(PICKS).put(int(doc_id), found.model_dump(mode="json"))

    # -- runs ------------------------------------------------------------------------------
    @_reads
    def runs_for(self, day: str) -> list[RunRecord]:
        return self._models(RunRecord, self._docs(RUNS, self._runs_of_day.ids(day)))

    def finished_run(self, day: str) -> RunRecord | None:
        """The day's completed run, if there was one (a run where every source failed does
        not count: the day is tried again)."""
        for run in self.runs_for(day):
            if run.status == "done" and not run.dry_run:
                return run
        return None

    @_reads
    def all_runs(self) -> list[RunRecord]:
        return self._models(RunRecord, sorted(self._table(RUNS), key=lambda d: d.doc_id))

    def save_run(self, run: RunRecord) -> None:
        """Insert or update the run (keyed by its start time)."""
        self._must_hold_lock()
        table = self._table(RUNS)
        doc = run.model_dump(mode="json")
        found = self._run_started.first(doc["started_at"])
        if found is None:
            table.insert(doc)
        else:
            table.put(int(found), doc)

    # -- profile versions ----------------------------------------------------------------
    def _head(self) -> int | None:
        head = self._valid(ProfileHead, self._doc(PROFILE_HEAD, _ONE))
        return head.version if head else None

    def _set_head(self, version: int) -> None:
        self._table(PROFILE_HEAD).put(_ONE, ProfileHead(version=version).model_dump())

    def _version(self, version: int) -> ProfileVersion | None:
        return self._valid(ProfileVersion, self._doc(PROFILES, version))

    @_reads
    def current_profile(self, seed: Profile | None = None) -> Profile:
        """The profile the scorers read now; the config's profile seeds an empty database."""
        head = self._head()
        found = self._version(head) if head is not None else None
        if found is not None:
            return found.profile
        return (seed or Profile()).model_copy(update={"version": 1})

    async def ensure_profile(self, seed: Profile) -> Profile:
        """Store the seed as version 1 if the database has no profile yet."""
        self._fresh()
        if self._head() is None:
            async with self.transaction():
                if self._head() is None:
                    self._insert_profile(seed, parent=None, note="initial profile from config")
        return self.current_profile()

    def _insert_profile(self, profile: Profile, parent: int | None, note: str) -> Profile:
        table = self._table(PROFILES)
        version = max((d.doc_id for d in table), default=0) + 1
        profile = profile.model_copy(update={"version": version})
        record = ProfileVersion(
            profile=profile, parent=parent, note=note, created_at=datetime.now(UTC)
        )
        table.put(version, record.model_dump(mode="json"))
        self._set_head(version)
        return profile

    def save_profile(self, profile: Profile, note: str) -> Profile:
        """Make `profile` the new current version (a child of the current one)."""
        self._must_hold_lock()
        return self._insert_profile(profile, parent=self._head(), note=note)

    @_reads
    def profile_history(self) -> list[ProfileVersion]:
        """Every stored version, oldest first (`current` marks the one in use)."""
        head = self._head()
        versions = self._models(
            ProfileVersion, sorted(self._table(PROFILES), key=lambda d: d.doc_id)
        )
        for version in versions:
            version.current = version.version == head
        return versions

    def undo_profile(self) -> Profile | None:
        """Step back to the parent of the current version; None if there is none."""
        self._must_hold_lock()
        head = self._head()
        found = self._version(head) if head is not None else None
        if found is None or found.parent is None:
            return None
        self._set_head(found.parent)
        return self.current_profile()

    # -- votes -----------------------------------------------------------------------------
    def record_vote(self, vote: Vote) -> None:
        """Insert or replace the vote of (chat, posting key): a later tap changes it."""
        self._must_hold_lock()
        doc = vote.model_dump(mode="json")
        found = self._vote_of.first((vote.key, vote.chat))
        if found is None:
            self._table(VOTES).insert(doc)
        else:
            self._table(VOTES).put(int(found), doc)

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
        return self._models(Vote, self._docs(VOTES, self._votes_of_chat.ids(chat)))

    @_reads
    def vote_for(self, key: str, chat: int) -> Vote | None:
        return self._valid(Vote, self._doc(VOTES, self._vote_of.first((key, chat))))

    # -- learning proposals --------------------------------------------------------------
    @_reads
    def proposals(self) -> list[Proposal]:
        """Stored proposals, oldest first."""
        return self._models(Proposal, sorted(self._table(PROPOSALS), key=lambda d: d.doc_id))

    def save_proposal(self, proposal: Proposal) -> None:
        """Insert or replace the proposal with this id."""
        self._must_hold_lock()
        self._table(PROPOSALS).put(proposal.id, proposal.model_dump(mode="json"))

    @_reads
    def learning_state(self) -> LearningState:
        return self._valid(LearningState, self._doc(LEARNING, _ONE)) or LearningState()

    def set_learning_state(self, state: LearningState) -> None:
        self._must_hold_lock()
        self._table(LEARNING).put(_ONE, state.model_dump(mode="json"))

    # -- chats -----------------------------------------------------------------------------
    @_reads
    def chat_state(self, chat: int) -> ChatState:
        """This chat's delivery state (a chat never seen is active and reachable)."""
        found = self._valid(ChatState, self._doc(CHATS, self._chat_of.first(chat)))
        return found or ChatState(chat=chat)

    @_reads
    def chat_states(self) -> list[ChatState]:
        return self._models(ChatState, sorted(self._table(CHATS), key=lambda d: d.doc_id))

    def save_chat_state(self, state: ChatState) -> None:
        self._must_hold_lock()
        doc = state.model_dump(mode="json")
        found = self._chat_of.first(state.chat)
        if found is None:
            self._table(CHATS).insert(doc)
        else:
            self._table(CHATS).put(int(found), doc)

    @_reads
    def header_sent(self, day: str, chat: int) -> bool:
        """Whether this chat got the header message of this day."""
        return self._header_of.first((day, chat)) is not None

    def mark_header_sent(self, day: str, chat: int) -> None:
        self._must_hold_lock()
        if self._header_of.first((day, chat)) is None:
            record = HeaderSent(chat=chat, day=day, at=datetime.now(UTC))
            self._table(HEADERS).insert(record.model_dump(mode="json"))

    # -- LLM spend outside runs (learning proposals) ----------------------------------------
    @_reads
    def proposal_spend(self, first_day: str = "") -> list[DaySpend]:
        """Proposals' LLM spend per day, from `first_day` on."""
        docs = self._table(SPEND).search(Query().day >= first_day)
        return sorted(self._models(DaySpend, docs), key=lambda d: d.day)

    def save_proposal_spend(self, spend: DaySpend) -> None:
        """Replace that day's proposal spend."""
        self._must_hold_lock()
        doc = spend.model_dump(mode="json")
        found = self._spend_of_day.first(spend.day)
        if found is None:
            self._table(SPEND).insert(doc)
        else:
            self._table(SPEND).put(int(found), doc)

    # -- marks on picks (saved / applied) ------------------------------------------------
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
        found = self._models(Mark, self._docs(MARKS, self._marks_of_chat.ids(chat)))
        if kind is not None:
            found = [m for m in found if m.kind == kind]
        return sorted(found, key=lambda m: m.at, reverse=True)

    @_reads
    def all_marks(self) -> list[Mark]:
        """Every chat's marks, oldest first (learning and the export read them all)."""
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
        return self._models(Note, self._docs(NOTES, self._notes_of_chat.ids(chat)))

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
    def overrides(self) -> Overrides:
        """Settings changed from the chat (/settings); empty when none were."""
        doc = self._doc(OVERRIDES, _ONE)
        if doc is None:
            return Overrides()
        try:
            return Overrides.model_validate(doc)
        except ValidationError as exc:
            log.warning("ignoring unreadable stored settings: %s", exc.errors()[0]["msg"])
            return Overrides()

    def set_overrides(self, overrides: Overrides) -> None:
        self._must_hold_lock()
        self._table(OVERRIDES).put(_ONE, overrides.model_dump(mode="json"))
