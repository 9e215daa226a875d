"""A TinyDB storage where a write costs what it changes and several processes share the files:
a snapshot plus an append-only journal, in memory between writes.

The files (``<db>`` is JOBPICKS_DB):

- ``<db>``, the snapshot: a plain TinyDB JSON file. Its reserved ``_journal`` table holds the
  generation number and the committed length of each append-only log (`bot.store.appendlog`).
- ``<db>.journal``: its first line names the generation it extends; each later line is one
  committed transaction — the current value of every document it touched (``t``), the tables
  it emptied (``x``), the new lengths of the logs it appended to (``a``).

Lines are checksummed (`bot.store.lines`). Reading is forgiving, line by line: a torn last
line was never committed and is ignored (a writer cuts it off); a damaged line, or an intact
one of the wrong shape or an unknown format, is skipped with one warning and set aside by the
next writer, and every other line is kept — each line carries whole documents, so the lines
after a bad one apply as they are. A corrupt snapshot is moved aside by a writer (a reader
says so and reads nothing).

Writing takes the writer lock (`bot.store.locks`) for one transaction: `begin()` first reads
what other processes appended since this one last read, then changes go to memory (with an
undo record of each document's value before), and `commit()` appends one fsync'd line — or
`rollback()` puts the undo records back: both O(change). When the journal outgrows half the
snapshot, the commit compacts: the whole data goes to a new snapshot (temp file, fsync,
rename) of the next generation, and an empty journal for it is started the same way.

Readers take no lock: `refresh()` costs one stat when nothing changed, reads the complete lines
past the offset it reached when something was appended, and reads both files again only after
another process compacted. They never write, move or copy a file.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from bot.store.appendlog import AppendLog
from bot.store.errors import StoreError, StoreWriteFailed
from bot.store.index import Index, Key, Totals, Value
from bot.store.lines import (
    BadLine,
    Damaged,
    Line,
    Stamp,
    append_at,
    atomic_write,
    complete_lines,
    decode,
    encode,
    is_filler,
    read_from,
    set_aside_file,
    set_aside_lines,
    stamp,
)
from bot.store.locks import LOCK_WAIT_SECONDS, WriteLock

log = logging.getLogger(__name__)

Doc = dict[str, Any]
Tables = dict[str, dict[str, Doc]]

META = "_journal"  # reserved table of the snapshot: {"1": {"gen": N, "logs": {name: length}}}
# Compact when the journal is bigger than this share of the snapshot (and than the minimum):
# every compaction costs O(file), so the journal's share keeps its amortised cost per byte flat.
COMPACT_RATIO = 0.5
COMPACT_MIN_BYTES = 1 << 20
_READ_TRIES = 5  # a compaction between reading the snapshot and its journal: read again


class JournalStorage(Storage):
    """In-memory TinyDB data kept in a snapshot + journal (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        writable: bool = False,
        logs: Iterable[AppendLog] = (),
        lock_wait: float = LOCK_WAIT_SECONDS,
        compact_ratio: float = COMPACT_RATIO,
        compact_min_bytes: int = COMPACT_MIN_BYTES,
        on_load: Callable[[JournalStorage], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.writable = writable
        self.logs = {log_.name: log_ for log_ in logs}
        self.lock = WriteLock(self.path, lock_wait)
        self.compact_ratio = compact_ratio
        self.compact_min_bytes = compact_min_bytes
        self.on_load = on_load
        self.moved_aside: Path | None = None
        self.compactions = 0
        # Set inside a transaction that must leave no trace of what it removed in the
        # journal's earlier lines (forgetting a person): its commit writes a new snapshot.
        self.rewrite_on_commit = False
        self._indexes: dict[str, list[Index | Totals]] = {}  # what follows each table's changes
        self._index_siblings: dict[str, list[Index]] = {}  # built together, in one pass
        self._next_ids: dict[str, int] = {}
        self._undo: dict[tuple[str, str], Doc | None] | None = None  # None: no transaction
        self._emptied: dict[str, dict[str, Doc] | None] = {}  # table -> its object before
        self._reported: set[tuple[int, int]] = set()
        # The generation whose rewrite started the logs anew (None: never rewritten). A
        # reader that finds another one reads the logs from their start again.
        self._log_epoch: int | None = None
        # Something only a writer fixes (a corrupt file, bad lines, an old layout, a killed
        # writer's temp file): a writable storage then reads again with the lock held.
        self.needs_writer = False
        self._load()
        if writable and self.needs_writer:
            self.repair()

    def repair(self) -> None:
        """Read everything again with the writer lock held: what needs a writer is done."""
        with self.lock.holding():
            self._load()

    # -- reading the files ---------------------------------------------------------------
    def _reset(self) -> None:
        self._data: Tables = {}
        # The table objects as this storage last saw them: TinyDB's own whole-table writes
        # put a new object in `_data` before calling `write`, and this tells which.
        self._seen_tables: dict[str, dict[str, Doc]] = {}
        self._gen = 0
        self._snapshot_bytes = 0
        self._journal_end = 0  # just past the last complete line read
        self._journal_lines = 0
        self._journal_ok = False  # a journal of this generation that a writer may append to
        self._journal_stamp: Stamp | None = None
        self._deferred: list[BadLine] = []  # bad journal lines found without the lock
        self.log_lengths: dict[str, int | None] = dict.fromkeys(self.logs)
        for indexes in self._indexes.values():
            for index in indexes:
                index.reset()
        self._next_ids.clear()

    def _load(self) -> None:
        """Read the snapshot and its journal from scratch."""
        self.needs_writer = False
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            if self.may_write:
                stale.unlink(missing_ok=True)  # a temp file a killed writer left
            else:
                self.needs_writer = True  # or one a live writer is writing: leave it
        for _ in range(_READ_TRIES):
            self._reset()
            if self._read_snapshot() is False or self._read_journal():
                break
        else:  # still newer than the snapshot: not a compaction in progress
            if self.may_write:
                set_aside_file(self.journal_path, "newer than its snapshot")
            else:
                self._needs_writer(
                    f"database journal {self.journal_path} is newer than its snapshot"
                )
            self._journal_ok = False
            self._journal_stamp = stamp(self.journal_path)  # not read again until it changes
        self._catch_up_logs()
        if self.on_load is not None:
            self.on_load(self)

    def _needs_writer(self, what: str, level: int = logging.WARNING) -> None:
        """Something a writer fixes: a read-only storage says it once; a writable one reads
        again with the lock held and says what it did then."""
        self.needs_writer = True
        if not self.writable:
            log.log(level, "%s: ignored (the next jobpicks that writes sets it aside)", what)

    def _read_snapshot(self) -> bool | None:
        """Load the snapshot; False if it is corrupt (its journal then means nothing)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)  # a few times faster than json on a 10-20 MB file
            check_shape(data)
            meta = data.pop(META, {}).get("1", {})
            gen = meta.get("gen", 0)
            lengths = meta.get("logs", {})
            epoch = meta.get("epoch")
            if not isinstance(gen, int) or not isinstance(lengths, dict):
                raise ValueError("its journal generation is not a number")
        except ValueError as exc:  # orjson.JSONDecodeError (bad JSON or UTF-8) is a ValueError
            why = f"corrupt ({str(exc)[:80]})"
            if self.may_write:
                self.moved_aside = set_aside_file(self.path, why)
                if self.journal_path.exists():
                    set_aside_file(self.journal_path, "belongs to a corrupt database")
            else:
                self._needs_writer(f"database {self.path} is {why}; read as empty", logging.ERROR)
            return False
        self._data, self._gen, self._snapshot_bytes = data, gen, len(raw)
        self._seen_tables = dict(data)
        if epoch != self._log_epoch:
            self._log_epoch = epoch
            for log_ in self.logs.values():
                log_.reset()
        for name in self.logs:
            length = lengths.get(name)
            self.log_lengths[name] = length if isinstance(length, int) else None
        return True

    def _read_journal(self) -> bool:
        """Replay the journal onto the snapshot. False if it extends a newer generation than
        the snapshot read (another process compacted between the two reads)."""
        seen = stamp(self.journal_path)  # before reading: a later append shows as a change
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return True
        lines, end = complete_lines(raw, 0, 1)
        gen = _header_gen(lines[0].raw) if lines else None
        if gen is None:
            if raw.strip():
                if self.may_write:
                    set_aside_file(self.journal_path, "not a journal")
                    seen = None
                else:
                    self._needs_writer(f"database journal {self.journal_path} is not a journal")
            self._journal_stamp = seen
            return True
        if gen > self._gen:
            return False
        self._journal_stamp = seen
        if gen < self._gen:
            # A compaction's snapshot landed, its new journal did not (or not yet): all of this
            # is in the snapshot already, and the next commit writes a journal of its own.
            return True
        self._journal_end = lines[0].end
        self._journal_lines = 1
        self._replay(lines[1:])
        if end < len(raw):
            # A crash mid-append, or (beside a live writer) its append in flight: never
            # committed either way, and the next append cuts it off.
            log.debug(
                "database journal %s ends in an unfinished write (%d bytes): ignored",
                self.journal_path,
                len(raw) - end,
            )
        self._journal_ok = True
        self._set_aside_bad()
        return True

    def _replay(self, lines: list[Line]) -> None:
        for line in lines:
            self._journal_end = line.end
            self._journal_lines += 1
            if is_filler(line.raw):
                continue
            try:
                entry = decode(line.raw)
            except Damaged as exc:
                self._deferred.append(BadLine(line, f"damaged ({exc})"))
                continue
            why = entry_problem(entry, self.logs)
            if why:
                self._deferred.append(BadLine(line, why))
                continue
            self._apply(entry)

    def _apply(self, entry: dict[str, Any]) -> None:
        for name in entry.get("x", ()):
            self._set_table(name, {})
        for name, docs in entry.get("t", {}).items():
            table = self._table(name)
            for doc_id, doc in docs.items():
                old = table.get(doc_id)
                if doc is None:
                    table.pop(doc_id, None)
                else:
                    table[doc_id] = doc
                self._changed(name, doc_id, old, doc)
        for name, length in entry.get("a", {}).items():
            if name in self.logs:
                self.log_lengths[name] = length

    def _catch_up_logs(self) -> None:
        for name, log_ in self.logs.items():
            log_.catch_up(self.log_lengths[name], may_write=self.may_write, quiet=self.writable)
            self.needs_writer |= log_.needs_writer

    def _set_aside_bad(self) -> None:
        """Bad journal lines: set aside with the writer lock held, else say once they are
        skipped (a writer sets them aside later)."""
        if not self._deferred:
            return
        inode = self._journal_stamp.inode if self._journal_stamp else 0
        if not self.may_write:
            self.needs_writer = True
            new = [b for b in self._deferred if (inode, b.line.offset) not in self._reported]
            if new and not self.writable:  # a writer sets them aside (and says so) soon
                self._reported.update((inode, b.line.offset) for b in new)
                log.warning(
                    "database journal %s: skipping %d bad line(s) (%s); the next jobpicks "
                    "that writes sets them aside",
                    self.journal_path,
                    len(new),
                    "; ".join(b.describe() for b in new[:3]),
                )
            return
        bad, self._deferred = self._deferred, []
        aside = set_aside_lines(self.journal_path, bad)
        if aside is not None:
            log.warning(
                "database journal %s: set aside %d bad line(s) (%s) to %s; kept the other %d",
                self.journal_path,
                len(bad),
                "; ".join(b.describe() for b in bad[:3]),
                aside,
                self._journal_lines - 1 - len(bad),
            )
            self._journal_stamp = stamp(self.journal_path)

    def refresh(self) -> bool:
        """Catch up with what other processes committed since this one last read: one stat
        when nothing changed, the new complete lines when the journal grew, both files again
        after another process compacted. True if anything was read. Never inside a
        transaction (the writer lock keeps the files as they are then)."""
        if self._undo is not None:
            return False
        now = stamp(self.journal_path)
        if now == self._journal_stamp:
            return False
        before = self._journal_stamp
        if (
            self._journal_ok
            and now is not None
            and before is not None
            and now.inode == before.inode
            and now.size >= self._journal_end
        ):
            raw = read_from(self.journal_path, self._journal_end)
            lines, _ = complete_lines(raw, self._journal_end, self._journal_lines + 1)
            self._journal_stamp = now
            self._replay(lines)
            self._set_aside_bad()
            self._catch_up_logs()
            return True
        self._load()
        return True

    @property
    def may_write(self) -> bool:
        """Writable, with the writer lock held: only then may a file change."""
        return self.writable and self.lock.held

    # -- TinyDB's storage interface --------------------------------------------------------
    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        """TinyDB's whole-database write (its own `Table` writes, `drop_table`): every table
        whose object changed counts as emptied and refilled."""
        self._must_write()
        if data is not self._data:
            self._data.clear()
            self._data.update(data)
        for name in set(self._seen_tables) | set(self._data):
            if self._data.get(name) is not self._seen_tables.get(name):
                self._emptying(name, self._seen_tables.get(name))
                if name in self._data:
                    self._seen_tables[name] = self._data[name]
                else:
                    self._seen_tables.pop(name, None)

    def close(self) -> None:
        pass  # nothing is held open between transactions

    # -- documents (`StoreTable` writes through these) --------------------------------------
    def _table(self, name: str) -> dict[str, Doc]:
        table = self._data.get(name)
        if table is None:
            table = self._data[name] = self._seen_tables[name] = {}
        return table

    def _set_table(self, name: str, table: dict[str, Doc] | None) -> None:
        if table is None:
            self._data.pop(name, None)
            self._seen_tables.pop(name, None)
        else:
            self._data[name] = self._seen_tables[name] = table
        for index in self._indexes.get(name, ()):
            index.reset()
        self._next_ids.pop(name, None)

    def _changed(self, name: str, doc_id: str, old: Doc | None, new: Doc | None) -> None:
        for index in self._indexes.get(name, ()):
            index.changed(doc_id, old, new)
        if new is not None and name in self._next_ids and int(doc_id) >= self._next_ids[name]:
            self._next_ids[name] = int(doc_id) + 1

    def _must_write(self) -> dict[tuple[str, str], Doc | None]:
        if self._undo is None:
            raise StoreError("database write outside a transaction")
        return self._undo

    def _emptying(self, name: str, before: dict[str, Doc] | None) -> None:
        if name not in self._emptied:
            self._emptied[name] = before
        for index in self._indexes.get(name, ()):
            index.reset()
        self._next_ids.pop(name, None)

    def put(self, name: str, doc_id: str, doc: Doc) -> None:
        """Insert or replace one document (in the open transaction)."""
        undo = self._must_write()
        table = self._table(name)
        old = table.get(doc_id)
        if name not in self._emptied:
            undo.setdefault((name, doc_id), old)
        table[doc_id] = doc
        self._changed(name, doc_id, old, doc)

    def delete(self, name: str, doc_id: str) -> None:
        undo = self._must_write()
        table = self._table(name)
        if doc_id not in table:
            return
        old = table.pop(doc_id)
        if name not in self._emptied:
            undo.setdefault((name, doc_id), old)
        self._changed(name, doc_id, old, None)

    def clear(self, name: str) -> None:
        """Empty a table: O(1), the old one is kept aside for a rollback."""
        self._must_write()
        self._emptying(name, self._data.get(name))
        self._set_table(name, {})

    def next_id(self, name: str) -> int:
        """A free document id of the table (one more than the highest ever seen here)."""
        if name not in self._next_ids:
            self._next_ids[name] = max(map(int, self._data.get(name, {})), default=0) + 1
        doc_id = self._next_ids[name]
        self._next_ids[name] = doc_id + 1
        return doc_id

    def index(self, name: str, key: Key) -> Index:
        """Document ids of table `name` by `key(document)`, kept up to date from now on."""
        siblings = self._index_siblings.setdefault(name, [])
        index = Index(key, lambda: self._data.get(name, {}), siblings)
        siblings.append(index)
        self._indexes.setdefault(name, []).append(index)
        return index

    def totals(self, name: str, key: Key, value: Value) -> Totals:
        """Sums of `value(document)` over table `name` by `key(document)`, kept up to date
        from now on."""
        totals = Totals(key, value, lambda: self._data.get(name, {}))
        self._indexes.setdefault(name, []).append(totals)
        return totals

    # -- transactions (the caller holds `lock`) --------------------------------------------
    @property
    def in_transaction(self) -> bool:
        return self._undo is not None

    def begin(self) -> None:
        """Start a transaction: first read what other processes committed since."""
        if not self.may_write:
            raise StoreError(f"database {self.path}: write without the writer lock")
        if self.needs_writer:
            self._load()  # what a reader left for a writer, done now
        else:
            self.refresh()
        self._undo, self._emptied = {}, {}

    @contextlib.contextmanager
    def transaction(self) -> Iterator[JournalStorage]:
        """One transaction from synchronous code (tools, tests): take the writer lock,
        `begin`, then `commit` — or `rollback` if the block raises."""
        with self.lock.holding():
            self.begin()
            try:
                yield self
                self.commit()
            except BaseException:
                self.rollback()
                raise

    def commit(self) -> None:
        """Persist the transaction: the logs' new lines, then the journal line that commits
        them (or a new snapshot, when there is no journal to append to). Raises
        `StoreWriteFailed` — the caller then rolls back — if the disk refuses."""
        undo = self._must_write()
        lengths: dict[str, int] = {}
        try:
            for name, log_ in self.logs.items():
                if log_.pending:
                    lengths[name] = log_.write_pending()
            entry = self._entry(undo)
            if lengths:
                entry["a"] = lengths
            if not entry:
                pass
            elif not self._journal_ok or not self.path.exists() or self.rewrite_on_commit:
                self._compact(lengths)
            else:
                self._append(entry)
        except OSError as exc:
            for name in lengths:
                self.logs[name].abandon()
            raise StoreWriteFailed(
                f"cannot write the database {self.path} ({exc.strerror or exc}); this change "
                "was not saved"
            ) from exc
        for name, length in lengths.items():
            self.logs[name].committed()
            self.log_lengths[name] = length
        self._undo, self._emptied = None, {}
        self.rewrite_on_commit = False
        if self._journal_end > max(
            self.compact_min_bytes, self.compact_ratio * self._snapshot_bytes
        ):
            try:
                self._compact({})
            except OSError as exc:  # the change is safe in the journal: try again next time
                log.warning("database compaction failed (%s); the journal keeps growing", exc)

    def rollback(self) -> None:
        """Forget the open transaction: every document back to its value before, O(change)."""
        if self._undo is None:
            return
        undo, emptied = self._undo, self._emptied
        self._undo, self._emptied = None, {}
        self.rewrite_on_commit = False
        for name, before in emptied.items():
            self._set_table(name, before)
        for (name, doc_id), old in undo.items():
            table = self._table(name)
            current = table.get(doc_id)
            if old is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = old
            self._changed(name, doc_id, current, old)
        for log_ in self.logs.values():
            log_.rollback()

    def _entry(self, undo: dict[tuple[str, str], Doc | None]) -> dict[str, Any]:
        tables: dict[str, dict[str, Doc | None]] = {}
        for name, doc_id in undo:
            if name not in self._emptied:
                tables.setdefault(name, {})[doc_id] = self._data.get(name, {}).get(doc_id)
        for name in self._emptied:
            tables[name] = dict(self._data.get(name, {}))
        entry: dict[str, Any] = {}
        if tables:
            entry["t"] = tables
        if self._emptied:
            entry["x"] = sorted(self._emptied)
        return entry

    def _append(self, entry: dict[str, Any]) -> None:
        line = encode(entry)
        append_at(self.journal_path, self._journal_end, line)  # cuts a torn tail off first
        self._journal_end += len(line)
        self._journal_lines += 1
        self._journal_stamp = stamp(self.journal_path)

    def _compact(self, lengths: dict[str, int]) -> None:
        """Write the whole data as a snapshot of the next generation, then an empty journal
        for it. The snapshot's rename is the commit point: if the journal fails after it, the
        data is safe and the next commit writes the snapshot again."""
        gen = self._gen + 1
        logs = {name: lengths.get(name, log_.offset) for name, log_ in self.logs.items()}
        meta = {"gen": gen, "logs": logs, "epoch": self._log_epoch}
        payload = orjson.dumps({META: {"1": meta}, **self._data})
        atomic_write(self.path, payload)
        self._gen, self._snapshot_bytes = gen, len(payload)
        self._journal_ok = False
        self.compactions += 1
        header = encode({"gen": gen})
        try:
            atomic_write(self.journal_path, header)
        except OSError as exc:
            log.warning("database journal %s not started (%s)", self.journal_path, exc)
            self._journal_stamp = stamp(self.journal_path)
            return
        self._journal_end, self._journal_lines, self._journal_ok = len(header), 1, True
        self._journal_stamp = stamp(self.journal_path)

    # -- whole-database changes (opening an older layout) -----------------------------------
    def rewrite(self, data: Tables, records: dict[str, list[Doc]] | None) -> None:
        """Make `data` the whole database and `records` the logs' whole content, on disk
        (the writer lock held): every log written anew, then a new snapshot and journal.
        `records` None: the logs stay as they are (a layout that already had them)."""
        if not self.may_write or self._undo is not None:
            raise StoreError(f"database {self.path}: rewrite without the writer lock")
        self._replace(data)
        if records is None:
            self._compact({})
            return
        self._log_epoch = self._gen + 1  # the generation `_compact` writes below
        lengths = {}
        for name, log_ in self.logs.items():
            log_.start_over()
            for record in records.get(name, ()):
                log_.add(record)
            if log_.pending:
                lengths[name] = log_.write_pending()
                log_.committed()
            self.log_lengths[name] = lengths.get(name, 0)
        self._compact(lengths)

    def adopt(self, data: Tables, records: dict[str, list[Doc]] | None) -> None:
        """Make `data` and `records` what this process reads, in memory only (`records`
        None: the logs as they are)."""
        self._replace(data)
        if records is None:
            return
        for name, log_ in self.logs.items():
            log_.adopt(records.get(name, ()))

    def _replace(self, data: Tables) -> None:
        for name in list(self._data):
            self._set_table(name, None)
        for name, table in data.items():
            self._set_table(name, table)


def _header_gen(raw: bytes) -> int | None:
    try:
        header = decode(raw)
    except Damaged:
        return None
    gen = header.get("gen") if isinstance(header, dict) and set(header) == {"gen"} else None
    return gen if isinstance(gen, int) and not isinstance(gen, bool) else None


def _doc_id_ok(doc_id: object) -> bool:
    return isinstance(doc_id, str) and doc_id.isascii() and doc_id.isdigit()


def entry_problem(entry: Any, logs: dict[str, AppendLog]) -> str | None:
    """Why a journal line's payload is not one this version writes, or None if it is."""
    if not isinstance(entry, dict):
        return "not an object"
    unknown = set(entry) - {"t", "x", "a"}
    if unknown or not entry:
        return f"unknown format (keys {sorted(entry)[:5]})"
    tables = entry.get("t", {})
    if not isinstance(tables, dict):
        return "'t' is not an object"
    for name, docs in tables.items():
        if not isinstance(docs, dict):
            return f"table {name[:40]!r} is not an object"
        for doc_id, doc in docs.items():
            if not _doc_id_ok(doc_id):
                return f"table {name[:40]!r} has a document id {doc_id[:20]!r}"
            if doc is not None and not isinstance(doc, dict):
                return f"document {doc_id} of table {name[:40]!r} is not an object"
    emptied = entry.get("x", [])
    if not isinstance(emptied, list) or not all(isinstance(n, str) for n in emptied):
        return "'x' is not a list of table names"
    lengths = entry.get("a", {})
    if not isinstance(lengths, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in lengths.values()
    ):
        return "'a' is not a map of log lengths"
    if set(lengths) - set(logs):
        return f"unknown log(s) {sorted(set(lengths) - set(logs))[:3]}"
    return None


def check_shape(data: Any) -> None:
    """A TinyDB file is an object of tables, each an object of documents, each an object.
    Raises ValueError naming what is not (the file is then set aside as corrupt)."""
    if not isinstance(data, dict):
        raise ValueError("top level is not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"table {name!r} is not a JSON object")
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise ValueError(f"document {doc_id} of table {name!r} is not a JSON object")
            if not _doc_id_ok(doc_id):
                raise ValueError(f"table {name!r} has a document id {doc_id!r}")
