"""Everything jobpicks remembers, on TinyDB: one table per kind of record, typed methods.

One `Store` per process. Reads are plain method calls returning models; every change
happens inside ``async with store.transaction():`` which holds the single writer lock and
persists the step once at the end: one journal line holding the documents the step changed
(`bot.store.journal`), so marking a pick sent costs the same on a year-old database as on a
new one. Nothing outside this module sees a dict or a table name.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from tinydb import Query

from bot.store.journal import JournalStorage, StoreError
from bot.store.migrate import STORE, MigrationError, info_doc, migrate
from bot.store.records import (
    SCHEMA_VERSION,
    CachedScore,
    ChatState,
    DaySpend,
    HeaderSent,
    LearningState,
    Mark,
    MarkKind,
    Overrides,
    Pick,
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

log = logging.getLogger(__name__)

SEEN = "seen"
POOL = "pool"
SCORES = "scores"
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
SPEND = "spend"
UNREADABLE = "unreadable"

_ONE = 1  # the document id of one-document tables (store, profile_head, learning, overrides)


class Store:
    """The app's database. Not shared across processes: one writer, one process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._storage = JournalStorage(self.path)
        self._migrate()
        self.db = StoreDB(self._storage)
        self.lock = asyncio.Lock()
        self._seen_keys: set[str] | None = None
        self._seen_fps: set[str] | None = None
        self._score_index: dict[str, CachedScore] | None = None
        self._pick_ids: dict[tuple[str, str], int] | None = None

    def _migrate(self) -> None:
        data = self._storage.read()
        try:
            migrated, found = migrate(data)
        except MigrationError as exc:
            raise StoreError(f"database {self.path}: {exc}") from None
        if found and found < SCHEMA_VERSION:
            # The old file stays next to the new one until the user deletes it.
            backup = self.path.with_name(f"{self.path.name}.schema{found}")
            shutil.copy2(self.path, backup)
            self._storage.replace(migrated)
            self._storage.flush()
            log.warning(
                "database %s migrated from schema %d to %d (the old file is kept as %s)",
                self.path,
                found,
                SCHEMA_VERSION,
                backup.name,
            )

    def files(self) -> list[Path]:
        """The files that hold the database now: the snapshot and its journal."""
        return [f for f in (self.path, self._storage.journal_path) if f.exists()]

    @property
    def moved_aside(self) -> Path | None:
        """Where a corrupt database file was moved at open, if it was."""
        return self._storage.moved_aside

    def _table(self, name: str) -> StoreTable:
        # Big tables keep no query cache: their indexes live here.
        return self.db.store_table(name, cache_size=0 if name in (SEEN, SCORES) else 10)

    # -- writing -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """Hold the writer lock; persist once at the end. If the block raises, none of its
        changes are kept: the step is all or nothing, on disk and in memory."""
        async with self.lock:
            try:
                yield self
                if self._table(STORE).doc(_ONE) is None:
                    self._table(STORE).put(_ONE, info_doc(migrated_from=None))
                self._storage.flush()
            except BaseException:
                # Also when the write itself failed: memory must not keep what disk refused,
                # or every later step would fail on it too.
                self._rollback()
                raise

    def _rollback(self) -> None:
        self._storage.rollback()
        for name in list(self.db._tables):  # noqa: SLF001 (the tables made so far)
            self._table(name).forget_next_id()
        self._seen_keys = self._seen_fps = None
        self._score_index = None
        self._pick_ids = None

    def _must_hold_lock(self) -> None:
        if not self.lock.locked():
            raise StoreError("write outside `async with store.transaction()`")

    def flush(self) -> None:
        self._storage.flush()

    def close(self) -> None:
        self.db.close()

    def info(self) -> StoreInfo:
        """The file's layout version and when `jobpicks doctor` last checked it."""
        doc = self._table(STORE).doc(_ONE)
        return StoreInfo.model_validate(doc) if doc else StoreInfo(schema_version=SCHEMA_VERSION)

    async def check_writable(self) -> None:
        """Write the doctor's check time: raises OSError if the file cannot be written."""
        async with self.transaction():
            info = self.info().model_copy(update={"checked_at": datetime.now(UTC)})
            self._table(STORE).put(_ONE, info.model_dump(mode="json"))

    # -- seen postings (compact: key, fingerprint, day) ---------------------------------
    def _build_seen_index(self) -> tuple[set[str], set[str]]:
        if self._seen_keys is None or self._seen_fps is None:
            keys: set[str] = set()
            fps: set[str] = set()
            for doc in self._table(SEEN)._read_table().values():  # noqa: SLF001 (150k docs)
                keys.add(doc["k"])
                if doc.get("f"):
                    fps.add(doc["f"])
            self._seen_keys, self._seen_fps = keys, fps
        return self._seen_keys, self._seen_fps

    def is_seen(self, key: str, fingerprint: str | None = None) -> bool:
        """True if this board id, or this job under another id, was decided on before."""
        keys, fps = self._build_seen_index()
        return key in keys or (fingerprint is not None and fingerprint in fps)

    def seen_count(self) -> int:
        return len(self._build_seen_index()[0])

    def add_seen(self, items: Iterable[SeenPosting]) -> int:
        """Mark postings as seen; returns how many were new."""
        self._must_hold_lock()
        keys, fps = self._build_seen_index()
        docs = []
        for item in items:
            if item.key in keys:
                continue
            keys.add(item.key)
            if item.fingerprint:
                fps.add(item.fingerprint)
            docs.append(item.model_dump(by_alias=True, exclude_none=True))
        if docs:
            self._table(SEEN).insert_multiple(docs)
        return len(docs)

    # -- candidate pool (full postings, until decided) -----------------------------------
    def pool(self) -> list[PoolEntry]:
        """Candidates kept from earlier runs with the day each was first seen: not picked
        yet, or not scored yet (an LLM failure is retried), so a changed profile can
        rescore them."""
        return [PoolEntry.model_validate(d) for d in self._table(POOL).all()]

    def set_pool(self, entries: Iterable[PoolEntry]) -> None:
        """Replace the pool; what leaves it is decided, and its description is gone with it."""
        self._must_hold_lock()
        table = self._table(POOL)
        table.truncate()
        table.insert_multiple(e.model_dump(mode="json") for e in entries)

    # -- score cache -----------------------------------------------------------------------
    def _scores(self) -> dict[str, CachedScore]:
        if self._score_index is None:
            self._score_index = {
                d["ck"]: CachedScore.model_validate(d) for d in self._table(SCORES).all()
            }
        return self._score_index

    def cached_score(self, cache_key: str) -> Score | None:
        found = self._scores().get(cache_key)
        return found.score if found else None

    def put_scores(self, items: Iterable[tuple[str, Score]], day: str) -> None:
        """Cache paid-for scores by cache key (a key already cached keeps its score)."""
        self._must_hold_lock()
        index = self._scores()
        docs = []
        for cache_key, score in items:
            if cache_key in index:
                continue
            record = CachedScore(cache_key=cache_key, day=day, score=score)
            index[cache_key] = record
            docs.append(record.model_dump(mode="json", by_alias=True))
        if docs:
            self._table(SCORES).insert_multiple(docs)

    # -- picks -----------------------------------------------------------------------------
    def _picks_index(self) -> dict[tuple[str, str], int]:
        """(day, key) -> document id, so recording a delivery finds its pick at once."""
        if self._pick_ids is None:
            raw = self._table(PICKS)._read_table()  # noqa: SLF001 (no copies of a year of picks)
            self._pick_ids = {(d["day"], d["key"]): int(i) for i, d in raw.items()}
        return self._pick_ids

    def picks_for(self, day: str) -> list[Pick]:
        """The picks of a day, best first."""
        table = self._table(PICKS)
        ids = [i for (d, _), i in self._picks_index().items() if d == day]
        picks = (Pick.model_validate(table.doc(i)) for i in ids)
        return sorted(picks, key=lambda p: p.rank)

    def pick(self, day: str, key: str) -> Pick | None:
        doc_id = self._picks_index().get((day, key))
        doc = self._table(PICKS).doc(doc_id) if doc_id is not None else None
        return Pick.model_validate(doc) if doc else None

    def picked_keys(self) -> set[str]:
        return {key for _, key in self._picks_index()}

    def picks_sent_to(self, chat_id: int) -> int:
        """How many pick messages this chat has received, all days together."""
        chat = str(chat_id)
        return sum(1 for d in self._table(PICKS).all() if chat in (d.get("sent") or {}))

    def save_picks(self, picks: Iterable[Pick]) -> None:
        self._must_hold_lock()
        index = self._picks_index()
        table = self._table(PICKS)
        for pick in picks:
            doc = pick.model_dump(mode="json")
            if (pick.day, pick.key) in index:
                table.put(index[pick.day, pick.key], doc)
            else:
                index[pick.day, pick.key] = table.insert(doc)

    def mark_sent(self, day: str, key: str, chat_id: int, message_id: int) -> None:
        """Record one delivered pick message (persisted by the enclosing transaction)."""
        self._must_hold_lock()
        found = self.pick(day, key)
        if found is None:
            raise StoreError(f"no pick {key} on {day}")
        found.sent[str(chat_id)] = message_id
        self._table(PICKS).put(self._picks_index()[day, key], found.model_dump(mode="json"))

    # -- runs ------------------------------------------------------------------------------
    def runs_for(self, day: str) -> list[RunRecord]:
        return [RunRecord.model_validate(d) for d in self._table(RUNS).search(Query().day == day)]

    def finished_run(self, day: str) -> RunRecord | None:
        """The day's completed run, if there was one (a run where every source failed does
        not count: the day is tried again)."""
        for run in self.runs_for(day):
            if run.status == "done" and not run.dry_run:
                return run
        return None

    def all_runs(self) -> list[RunRecord]:
        return [RunRecord.model_validate(d) for d in self._table(RUNS).all()]

    def save_run(self, run: RunRecord) -> None:
        """Insert or update the run (keyed by its start time)."""
        self._must_hold_lock()
        table = self._table(RUNS)
        doc = run.model_dump(mode="json")
        found = table.get(Query().started_at == doc["started_at"])
        if found is None:
            table.insert(doc)
        else:
            table.put(found.doc_id, doc)  # type: ignore[union-attr]

    # -- profile versions ----------------------------------------------------------------
    def _head(self) -> int | None:
        doc = self._table(PROFILE_HEAD).doc(_ONE)
        return ProfileHead.model_validate(doc).version if doc else None

    def _set_head(self, version: int) -> None:
        self._table(PROFILE_HEAD).put(_ONE, ProfileHead(version=version).model_dump())

    def _version(self, version: int) -> ProfileVersion | None:
        doc = self._table(PROFILES).doc(version)
        return ProfileVersion.model_validate(doc) if doc else None

    def current_profile(self, seed: Profile | None = None) -> Profile:
        """The profile the scorers read now; the config's profile seeds an empty database."""
        head = self._head()
        found = self._version(head) if head is not None else None
        if found is not None:
            return found.profile
        return (seed or Profile()).model_copy(update={"version": 1})

    async def ensure_profile(self, seed: Profile) -> Profile:
        """Store the seed as version 1 if the database has no profile yet."""
        if self._head() is None:
            async with self.transaction():
                if self._head() is None:
                    self._insert_profile(seed, parent=None, note="initial profile from config")
        return self.current_profile()

    def _insert_profile(self, profile: Profile, parent: int | None, note: str) -> Profile:
        table = self._table(PROFILES)
        version = max((d.doc_id for d in table.all()), default=0) + 1
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

    def profile_history(self) -> list[ProfileVersion]:
        """Every stored version, oldest first (`current` marks the one in use)."""
        head = self._head()
        versions = []
        for doc in sorted(self._table(PROFILES).all(), key=lambda d: d.doc_id):
            version = ProfileVersion.model_validate(doc)
            version.current = version.version == head
            versions.append(version)
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
        table = self._table(VOTES)
        q = Query()
        found = table.get((q.key == vote.key) & (q.chat == vote.chat))
        doc = vote.model_dump(mode="json")
        if found is None:
            table.insert(doc)
        else:
            table.put(found.doc_id, doc)  # type: ignore[union-attr]

    def votes(self, chat: int | None = None) -> list[Vote]:
        """Every vote (of one chat, if given), oldest first. A record that no longer
        validates is skipped with a warning: one bad record must not stop learning."""
        out = []
        for doc in self._table(VOTES).all():
            if chat is not None and doc.get("chat") != chat:
                continue
            try:
                out.append(Vote.model_validate(doc))
            except ValidationError:
                log.warning("skipping an unreadable vote record (id %s)", doc.doc_id)
        return out

    def vote_for(self, key: str, chat: int) -> Vote | None:
        q = Query()
        doc = self._table(VOTES).get((q.key == key) & (q.chat == chat))
        return Vote.model_validate(doc) if doc else None

    # -- learning proposals --------------------------------------------------------------
    def proposals(self) -> list[Proposal]:
        """Stored proposals, oldest first."""
        docs = sorted(self._table(PROPOSALS).all(), key=lambda d: d.doc_id)
        return [Proposal.model_validate(d) for d in docs]

    def save_proposal(self, proposal: Proposal) -> None:
        """Insert or replace the proposal with this id."""
        self._must_hold_lock()
        self._table(PROPOSALS).put(proposal.id, proposal.model_dump(mode="json"))

    def learning_state(self) -> LearningState:
        doc = self._table(LEARNING).doc(_ONE)
        return LearningState.model_validate(doc) if doc else LearningState()

    def set_learning_state(self, state: LearningState) -> None:
        self._must_hold_lock()
        self._table(LEARNING).put(_ONE, state.model_dump(mode="json"))

    # -- chats -----------------------------------------------------------------------------
    def _chat_doc(self, chat: int) -> Any:
        return self._table(CHATS).get(Query().chat == chat)

    def chat_state(self, chat: int) -> ChatState:
        """This chat's delivery state (a chat never seen is active and reachable)."""
        doc = self._chat_doc(chat)
        return ChatState.model_validate(doc) if doc else ChatState(chat=chat)

    def chat_states(self) -> list[ChatState]:
        return [ChatState.model_validate(d) for d in self._table(CHATS).all()]

    def save_chat_state(self, state: ChatState) -> None:
        self._must_hold_lock()
        table = self._table(CHATS)
        found = self._chat_doc(state.chat)
        if found is None:
            table.insert(state.model_dump(mode="json"))
        else:
            table.put(found.doc_id, state.model_dump(mode="json"))

    def header_sent(self, day: str, chat: int) -> bool:
        """Whether this chat got the header message of this day."""
        q = Query()
        return self._table(HEADERS).contains((q.day == day) & (q.chat == chat))

    def mark_header_sent(self, day: str, chat: int) -> None:
        self._must_hold_lock()
        if not self.header_sent(day, chat):
            record = HeaderSent(chat=chat, day=day, at=datetime.now(UTC))
            self._table(HEADERS).insert(record.model_dump(mode="json"))

    # -- LLM spend outside runs (learning proposals) ----------------------------------------
    def proposal_spend(self, first_day: str = "") -> list[DaySpend]:
        """Proposals' LLM spend per day, from `first_day` on."""
        docs = self._table(SPEND).search(Query().day >= first_day)
        return sorted((DaySpend.model_validate(d) for d in docs), key=lambda d: d.day)

    def save_proposal_spend(self, spend: DaySpend) -> None:
        """Replace that day's proposal spend."""
        self._must_hold_lock()
        self._table(SPEND).upsert(spend.model_dump(mode="json"), Query().day == spend.day)

    # -- marks on picks (saved / applied) ------------------------------------------------
    def _mark_doc(self, chat: int, key: str, kind: MarkKind) -> Any:
        q = Query()
        return self._table(MARKS).get((q.chat == chat) & (q.key == key) & (q.kind == kind))

    def mark(self, chat: int, pick: Pick, kind: MarkKind, at: datetime | None = None) -> Mark:
        """Mark a pick for a chat (saved, applied). Marking again keeps the first date."""
        self._must_hold_lock()
        found = self._mark_doc(chat, pick.key, kind)
        if found is not None:
            return Mark.model_validate(found)
        record = Mark(chat=chat, key=pick.key, day=pick.day, kind=kind, at=at or datetime.now(UTC))
        self._table(MARKS).insert(record.model_dump(mode="json"))
        return record

    def unmark(self, chat: int, key: str, kind: MarkKind) -> bool:
        """Take a mark off; False if there was none."""
        self._must_hold_lock()
        found = self._mark_doc(chat, key, kind)
        if found is None:
            return False
        self._table(MARKS).delete(found.doc_id)
        return True

    def marks(self, chat: int, kind: MarkKind | None = None) -> list[Mark]:
        """A chat's marks (of one kind, if given), newest first."""
        q = Query().chat == chat
        if kind is not None:
            q &= Query().kind == kind
        found = [Mark.model_validate(d) for d in self._table(MARKS).search(q)]
        return sorted(found, key=lambda m: m.at, reverse=True)

    def all_marks(self) -> list[Mark]:
        """Every chat's marks, oldest first (learning and the export read them all)."""
        found = [Mark.model_validate(d) for d in self._table(MARKS).all()]
        return sorted(found, key=lambda m: m.at)

    def marks_on(self, chat: int, key: str) -> set[MarkKind]:
        """Which marks this chat put on this posting."""
        q = Query()
        docs = self._table(MARKS).search((q.chat == chat) & (q.key == key))
        return {Mark.model_validate(d).kind for d in docs}

    # -- settings changed from the chat --------------------------------------------------
    def overrides(self) -> Overrides:
        """Settings changed from the chat (/settings); empty when none were."""
        doc = self._table(OVERRIDES).doc(_ONE)
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
