"""Everything jobpicks remembers, on TinyDB, written atomically and in batches.

One `Store` per process. Reads are plain method calls; every change happens inside
``async with store.transaction():`` which holds the single writer lock and flushes the
file once at the end, so a run step costs one write however many postings it touched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document

from bot.store.atomic import AtomicJSONStorage
from bot.store.records import Pick, RunRecord
from scoring.models import Score
from scoring.profile import Profile
from scrapers.models import Posting

SEEN = "seen"
PENDING = "pending"
SCORES = "scores"
PICKS = "picks"
VOTES = "votes"
PROFILES = "profiles"
RUNS = "runs"
META = "meta"

_META_DOC_ID = 1


class StoreError(RuntimeError):
    pass


class Store:
    """The app's database. Not shared across processes: one writer, one process."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.db = TinyDB(self.path, storage=AtomicJSONStorage)
        self._storage: AtomicJSONStorage = self.db.storage  # type: ignore[assignment]
        self.lock = asyncio.Lock()
        self._seen_keys: set[str] | None = None
        self._seen_fps: set[str] | None = None
        self._score_index: dict[str, dict[str, Any]] | None = None

    @property
    def moved_aside(self) -> Path | None:
        """Where a corrupt database file was moved at open, if it was."""
        return self._storage.moved_aside

    # -- writing -------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[Store]:
        """Hold the writer lock; flush once at the end. If the block raises, none of its
        changes are kept: the step is all or nothing, on disk and in memory."""
        async with self.lock:
            try:
                yield self
                self._storage.flush()
            except BaseException:
                # Also when the write itself failed: memory must not keep what disk refused,
                # or every later step would fail on it too.
                self._rollback()
                raise

    def _rollback(self) -> None:
        self._storage.rollback()
        for name in self.db.tables():
            self.db.table(name).clear_cache()
        self._seen_keys = self._seen_fps = None
        self._score_index = None

    def _must_hold_lock(self) -> None:
        if not self.lock.locked():
            raise StoreError("write outside `async with store.transaction()`")

    def flush(self) -> None:
        self._storage.flush()

    def close(self) -> None:
        self.db.close()

    # -- seen postings (compact: key, fingerprint, day) ---------------------------------
    def _build_seen_index(self) -> None:
        keys: set[str] = set()
        fps: set[str] = set()
        for doc in self.db.table(SEEN, cache_size=0).all():
            keys.add(doc["k"])
            if doc.get("f"):
                fps.add(doc["f"])
        self._seen_keys, self._seen_fps = keys, fps

    def is_seen(self, key: str, fingerprint: str | None = None) -> bool:
        """True if this board id, or this job under another id, was decided on before."""
        if self._seen_keys is None:
            self._build_seen_index()
        assert self._seen_keys is not None and self._seen_fps is not None
        return key in self._seen_keys or (fingerprint is not None and fingerprint in self._seen_fps)

    def seen_count(self) -> int:
        if self._seen_keys is None:
            self._build_seen_index()
        return len(self._seen_keys or ())

    def add_seen(self, items: Iterable[tuple[str, str | None, str]]) -> int:
        """Mark (key, fingerprint, day) as seen; returns how many were new."""
        self._must_hold_lock()
        if self._seen_keys is None:
            self._build_seen_index()
        assert self._seen_keys is not None and self._seen_fps is not None
        docs = []
        for key, fp, day in items:
            if key in self._seen_keys:
                continue
            self._seen_keys.add(key)
            doc = {"k": key, "d": day}
            if fp:
                self._seen_fps.add(fp)
                doc["f"] = fp
            docs.append(doc)
        if docs:
            self.db.table(SEEN, cache_size=0).insert_multiple(docs)
        return len(docs)

    # -- candidate pool (full postings, until decided) -----------------------------------
    def pending(self) -> list[tuple[Posting, str]]:
        """Candidates kept from earlier runs with the day each was first seen: not picked
        yet, or not scored yet (an LLM failure is retried), so a changed profile can
        rescore them."""
        return [
            (Posting.model_validate(d["posting"]), d["day"]) for d in self.db.table(PENDING).all()
        ]

    def set_pending(self, items: Iterable[tuple[Posting, str]]) -> None:
        """Replace the pool; what leaves it is decided, and its description is gone with it."""
        self._must_hold_lock()
        table = self.db.table(PENDING)
        table.truncate()
        table.insert_multiple(
            {"key": p.key, "day": day, "posting": p.model_dump(mode="json")} for p, day in items
        )

    # -- score cache -----------------------------------------------------------------------
    def _scores(self) -> dict[str, dict[str, Any]]:
        if self._score_index is None:
            self._score_index = {d["ck"]: d for d in self.db.table(SCORES, cache_size=0).all()}
        return self._score_index

    def cached_score(self, cache_key: str) -> Score | None:
        doc = self._scores().get(cache_key)
        return Score.model_validate(doc["score"]) if doc else None

    def put_scores(self, items: Iterable[tuple[str, Score]], day: str) -> None:
        self._must_hold_lock()
        index = self._scores()
        docs = []
        for ck, score in items:
            if ck in index:
                continue
            doc = {"ck": ck, "d": day, "score": score.model_dump(mode="json")}
            index[ck] = doc
            docs.append(doc)
        if docs:
            self.db.table(SCORES, cache_size=0).insert_multiple(docs)

    # -- picks -----------------------------------------------------------------------------
    def picks_for(self, day: str) -> list[Pick]:
        """The picks of a day, best first."""
        docs = self.db.table(PICKS).search(Query().day == day)
        return sorted((Pick.model_validate(d) for d in docs), key=lambda p: p.rank)

    def pick(self, day: str, key: str) -> Pick | None:
        q = Query()
        doc = self.db.table(PICKS).get((q.day == day) & (q.key == key))
        return Pick.model_validate(doc) if doc else None

    def picked_keys(self) -> set[str]:
        return {d["key"] for d in self.db.table(PICKS).all()}

    def picks_sent_to(self, chat_id: int) -> int:
        """How many pick messages this chat has received, all days together."""
        chat = str(chat_id)
        return sum(1 for d in self.db.table(PICKS).all() if chat in (d.get("sent") or {}))

    def save_picks(self, picks: Iterable[Pick]) -> None:
        self._must_hold_lock()
        self.db.table(PICKS).insert_multiple(p.model_dump(mode="json") for p in picks)

    def mark_sent(self, day: str, key: str, chat_id: int, message_id: int) -> None:
        """Record one delivered pick message (flushed by the enclosing transaction)."""
        self._must_hold_lock()
        q = Query()
        table = self.db.table(PICKS)
        doc = table.get((q.day == day) & (q.key == key))
        if doc is None:
            raise StoreError(f"no pick {key} on {day}")
        sent = dict(doc.get("sent") or {})
        sent[str(chat_id)] = message_id
        table.update({"sent": sent}, doc_ids=[doc.doc_id])

    # -- runs ------------------------------------------------------------------------------
    def runs_for(self, day: str) -> list[RunRecord]:
        return [RunRecord.model_validate(d) for d in self.db.table(RUNS).search(Query().day == day)]

    def finished_run(self, day: str) -> RunRecord | None:
        """The day's completed run, if there was one (a run where every source failed does
        not count: the day is tried again)."""
        for run in self.runs_for(day):
            if run.status == "done" and not run.dry_run:
                return run
        return None

    def all_runs(self) -> list[RunRecord]:
        return [RunRecord.model_validate(d) for d in self.db.table(RUNS).all()]

    def save_run(self, run: RunRecord) -> None:
        """Insert or update the run (keyed by its start time)."""
        self._must_hold_lock()
        table = self.db.table(RUNS)
        doc = run.model_dump(mode="json")
        table.upsert(doc, Query().started_at == doc["started_at"])

    # -- profile versions ----------------------------------------------------------------
    def current_profile(self, seed: Profile | None = None) -> Profile:
        """The profile the scorers read now; the config's profile seeds an empty database."""
        version = self.get_meta("profile_version")
        if version is not None:
            doc = self.db.table(PROFILES).get(doc_id=int(version))
            if doc is not None:
                return _profile_from_doc(doc)
        return (seed or Profile()).model_copy(update={"version": 1})

    async def ensure_profile(self, seed: Profile) -> Profile:
        """Store the seed as version 1 if the database has no profile yet."""
        if self.get_meta("profile_version") is None:
            async with self.transaction():
                self._insert_profile(
                    seed.model_copy(update={"version": 1}),
                    parent=None,
                    note="initial profile from config",
                )
        return self.current_profile()

    def _insert_profile(self, profile: Profile, parent: int | None, note: str) -> Profile:
        table = self.db.table(PROFILES)
        version = max((d.doc_id for d in table.all()), default=0) + 1
        profile = profile.model_copy(update={"version": version})
        doc = profile.model_dump(mode="json") | {
            "parent": parent,
            "note": note,
            "created_at": datetime.now(UTC).isoformat(),
        }
        table.insert(Document(doc, doc_id=version))
        self.set_meta("profile_version", version)
        return profile

    def save_profile(self, profile: Profile, note: str) -> Profile:
        """Make `profile` the new current version (a child of the current one)."""
        self._must_hold_lock()
        current = self.get_meta("profile_version")
        return self._insert_profile(profile, parent=current, note=note)

    def profile_history(self) -> list[dict[str, Any]]:
        """Every stored version, oldest first: version, parent, note, created_at, current."""
        current = self.get_meta("profile_version")
        return [
            {
                "version": d.doc_id,
                "parent": d.get("parent"),
                "note": d.get("note", ""),
                "created_at": d.get("created_at"),
                "current": d.doc_id == current,
            }
            for d in sorted(self.db.table(PROFILES).all(), key=lambda d: d.doc_id)
        ]

    def undo_profile(self) -> Profile | None:
        """Step back to the parent of the current version; None if there is none."""
        self._must_hold_lock()
        current = self.get_meta("profile_version")
        doc = self.db.table(PROFILES).get(doc_id=int(current)) if current is not None else None
        if doc is None or doc.get("parent") is None:
            return None
        self.set_meta("profile_version", doc["parent"])
        return self.current_profile()

    # -- votes -----------------------------------------------------------------------------
    def record_vote(self, vote: dict[str, Any]) -> None:
        """Insert or replace the vote of (chat, posting key): a later tap changes it."""
        self._must_hold_lock()
        q = Query()
        self.db.table(VOTES).upsert(vote, (q.key == vote["key"]) & (q.chat == vote["chat"]))

    def votes(self) -> list[dict[str, Any]]:
        return list(self.db.table(VOTES).all())

    def vote_for(self, key: str, chat: int) -> dict[str, Any] | None:
        q = Query()
        return self.db.table(VOTES).get((q.key == key) & (q.chat == chat))

    # -- meta (small key/value settings) ------------------------------------------------
    def get_meta(self, name: str, default: Any = None) -> Any:
        doc = self.db.table(META).get(doc_id=_META_DOC_ID)
        return doc.get(name, default) if doc else default

    def set_meta(self, name: str, value: Any) -> None:
        self._must_hold_lock()
        table = self.db.table(META)
        doc = table.get(doc_id=_META_DOC_ID)
        data = dict(doc) if doc else {}
        data[name] = value
        table.upsert(Document(data, doc_id=_META_DOC_ID))


def _profile_from_doc(doc: dict[str, Any]) -> Profile:
    fields = {
        k: doc[k] for k in ("about", "directives", "learned", "filters", "version") if k in doc
    }
    return Profile.model_validate(fields)
