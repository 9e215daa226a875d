"""A TinyDB storage where a write costs what it changes: a snapshot plus an append-only journal.

The data lives in memory. `flush()` (once per transaction) appends one line to
``<db>.journal`` holding the current value of every document the transaction touched, and
fsyncs it: marking one pick sent writes about a kilobyte, not the whole database. When the
journal outgrows half the snapshot, `flush()` compacts: the whole data goes to a temp file in
the same folder, fsync, `os.replace` over the snapshot, and a fresh journal is started the
same way. A reader therefore only ever sees a complete snapshot, and the journal lines that
belong to it:

- the snapshot carries a generation number (in its reserved ``_journal`` table) and the
  journal's first line names the generation it extends; a journal from an older generation
  (a crash between the two renames of a compaction) is already in the snapshot and ignored;
- every line carries a CRC-32 of its payload and ends in a newline; a torn last line (a crash
  mid-append) was never committed — the caller had not got past `flush()` — and is ignored,
  then cut off by the next append;
- a damaged line before the end is real corruption: what precedes it is kept, the journal
  is moved aside (never overwritten) and the error named in one line.

The snapshot is a plain TinyDB JSON file, and a corrupt or unreadable snapshot (including
one whose tables are not JSON objects) is moved aside too, never overwritten.

One writer per database: before each write the files are checked against what this process
read or wrote last, and a change by another process raises `ConcurrentWrite` (and the caller
reloads) instead of writing over it. Readers beside the writer are fine.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)

Tables = dict[str, dict[str, Any]]

_GEN_TABLE = "_journal"  # reserved key of the snapshot: {"1": {"gen": N}}
# Compact when the journal is bigger than this share of the snapshot (and than the minimum):
# every compaction costs O(file), so the journal's share keeps its amortised cost per byte flat.
COMPACT_RATIO = 0.5
COMPACT_MIN_BYTES = 1 << 20


class StoreError(JobpicksError):
    """The database cannot be used as asked; the message is one line for the user."""


class ConcurrentWrite(StoreError):
    """Another process wrote the database since this one read it; nothing was written."""


class JournalStorage(Storage):
    """In-memory TinyDB data persisted as snapshot + journal (see the module docstring)."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        compact_ratio: float = COMPACT_RATIO,
        compact_min_bytes: int = COMPACT_MIN_BYTES,
    ) -> None:
        self.path = Path(path)
        self.journal_path = self.path.with_name(self.path.name + ".journal")
        self.compact_ratio = compact_ratio
        self.compact_min_bytes = compact_min_bytes
        self.moved_aside: Path | None = None
        self.compactions = 0
        self._fd: int | None = None
        self._load()

    # -- reading the files --------------------------------------------------------------------
    def _load(self) -> None:
        self._close_journal()
        self._data: Tables = {}
        self._gen = 0
        self._snapshot_bytes = 0
        self._journal_bytes = 0  # bytes of the journal that belong to this snapshot
        self._journal_ok = False  # the journal file exists, matches `_gen`, ends cleanly
        self._changed: dict[str, set[str]] = {}
        self._cleared: set[str] = set()
        self._rewrite = False
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        self._load_snapshot()
        if not self._load_journal():
            # Another process compacted between our two reads: read both again, once.
            self._load_snapshot()
            if not self._load_journal():
                self._set_aside(self.journal_path, "newer than its snapshot")
        self._snapshot_stamp = _stamp(self.path)
        self._journal_stamp = _stamp(self.journal_path)

    def _load_snapshot(self) -> None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        if not raw.strip():
            return
        try:
            data = orjson.loads(raw)  # a few times faster than json on a 10-20 MB file
            check_shape(data)
            gen_doc = data.pop(_GEN_TABLE, {}).get("1", {})
            gen = gen_doc.get("gen", 0)
            if not isinstance(gen, int):
                raise ValueError("its journal generation is not a number")
        except ValueError as exc:  # orjson.JSONDecodeError (bad JSON or UTF-8) is a ValueError
            self.moved_aside = self._set_aside(self.path, f"corrupt ({str(exc)[:80]})")
            if self.journal_path.exists():  # a journal without its snapshot means nothing
                self._set_aside(self.journal_path, "belongs to a corrupt database")
            return
        self._data, self._gen, self._snapshot_bytes = data, gen, len(raw)

    def _load_journal(self) -> bool:
        """Replay the journal onto the snapshot. False if it is from a newer generation than
        the snapshot (read during another process's compaction, or a restored old snapshot).
        Changes nothing on disk but setting a damaged journal aside: a reader may run
        beside the writer."""
        try:
            raw = self.journal_path.read_bytes()
        except FileNotFoundError:
            return True
        *complete, tail = raw.split(b"\n")  # `tail`: after the last newline, b"" if none
        header = _decode(complete[0]) if complete else None
        gen = header.get("gen") if header else None
        if not isinstance(gen, int):
            if raw.strip():
                self._set_aside(self.journal_path, "not a journal", copy=True)
            return True  # the next flush starts a new one
        if gen < self._gen:
            # A compaction's snapshot landed, its new journal did not (or not yet): all of
            # this is in the snapshot already.
            return True
        if gen > self._gen:
            return False
        good = len(complete[0]) + 1
        for i, line in enumerate(complete[1:], start=2):
            entry = _decode(line)
            if entry is None:
                self._set_aside(
                    self.journal_path,
                    f"damaged at line {i}; kept the {i - 2} change(s) before it",
                    copy=True,
                )
                # The next flush rewrites everything read; the damage stays in the copy.
                self._rewrite = True
                return True
            _apply(self._data, entry)
            good += len(line) + 1
        if tail:
            log.warning(
                "database journal %s ends in an unfinished write (%d bytes), never committed: "
                "ignored",
                self.journal_path,
                len(tail),
            )
        self._journal_bytes = good  # the next append starts here, cutting the torn tail off
        self._journal_ok = True
        return True

    def _set_aside(self, path: Path, why: str, *, copy: bool = False) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        n = 1
        while aside.exists():
            n += 1
            aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        if copy:
            aside.write_bytes(path.read_bytes())
        else:
            os.replace(path, aside)
        log.error("database %s is %s; moved it aside to %s", path, why, aside)
        return aside

    # -- TinyDB's storage interface -------------------------------------------------------------
    def read(self) -> Tables:
        return self._data

    def write(self, data: Tables) -> None:
        """TinyDB's whole-database write (e.g. `drop_table`): persisted by a full rewrite."""
        self._data = data
        self._rewrite = True

    def changed(self, table: str, doc_ids: set[str], cleared: bool) -> None:
        """What a `StoreTable` write touched: persisted by the next `flush()`."""
        if cleared:
            self._cleared.add(table)
            self._changed[table] = set()
        self._changed.setdefault(table, set()).update(doc_ids)

    def replace(self, data: Tables) -> None:
        """Make `data` the whole database (persisted by the next `flush()`, in full)."""
        self._data = data
        self._rewrite = True

    @property
    def dirty(self) -> bool:
        return self._rewrite or bool(self._changed)

    # -- writing --------------------------------------------------------------------------------
    def flush(self) -> None:
        """Persist what changed since the last flush: one fsync'd journal line, or a full
        atomic rewrite when the journal has grown too big (or cannot be appended to)."""
        if not self.dirty:
            return
        if self._rewrite or not self._journal_ok or not self.path.exists():
            self.compact()
            return
        self._check_alone()
        line = self._entry_line()
        fd = self._journal()
        try:
            done = 0
            while done < len(line):  # positional writes: no file position, no buffer
                done += os.pwrite(fd, line[done:], self._journal_bytes + done)
            os.fsync(fd)
        except BaseException:
            # Cut off whatever part of the line got out, so the next append starts clean.
            try:
                os.ftruncate(fd, self._journal_bytes)
            except OSError:
                self._journal_ok = False  # the next flush rewrites everything
            raise
        self._journal_bytes += len(line)
        self._changed.clear()
        self._cleared.clear()
        if self._journal_bytes > max(
            self.compact_min_bytes, self.compact_ratio * self._snapshot_bytes
        ):
            try:
                self.compact()
            except OSError as exc:  # the change is safe in the journal: try again next time
                log.warning("database compaction failed (%s); the journal keeps growing", exc)

    def compact(self) -> None:
        """Write the whole data as a new snapshot and start an empty journal for it."""
        self._check_alone()
        self._close_journal()
        gen = self._gen + 1
        payload = orjson.dumps({_GEN_TABLE: {"1": {"gen": gen}}, **self._data})
        _atomic_write(self.path, payload)
        self._gen, self._snapshot_bytes = gen, len(payload)
        self._changed.clear()
        self._cleared.clear()
        self._rewrite = False
        header = _encode({"gen": gen})
        _atomic_write(self.journal_path, header)
        self._journal_bytes = len(header)
        self._journal_ok = True
        self._snapshot_stamp = _stamp(self.path)
        self._journal_stamp = _stamp(self.journal_path)
        self.compactions += 1

    def rollback(self) -> None:
        """Forget unflushed changes: memory goes back to what the files hold."""
        self._load()

    def close(self) -> None:
        self.flush()
        self._close_journal()

    # -- helpers --------------------------------------------------------------------------------
    def _check_alone(self) -> None:
        """Raise `ConcurrentWrite` if another process wrote since this one read or wrote."""
        journal = _stamp(self.journal_path)
        ours = self._journal_stamp
        same_journal = journal is not None and ours is not None and journal[0] == ours[0]
        if _stamp(self.path) == self._snapshot_stamp and (
            not self._journal_ok or (same_journal and not self._others_lines(journal[2]))
        ):
            return
        raise ConcurrentWrite(
            f"database {self.path} was changed by another jobpicks process; this change was "
            "not saved (run one jobpicks process per database)"
        )

    def _others_lines(self, size: int) -> bool:
        """Whether the journal holds complete lines past ours (a torn tail has no newline)."""
        if size <= self._journal_bytes:
            return False
        with open(self.journal_path, "rb") as fh:
            fh.seek(self._journal_bytes)
            return b"\n" in fh.read()

    def _entry_line(self) -> bytes:
        tables: dict[str, dict[str, Any]] = {}
        for name, ids in self._changed.items():
            current = self._data.get(name, {})
            if name in self._cleared:
                tables[name] = dict(current)
            else:
                tables[name] = {i: current.get(i) for i in ids}
        return _encode({"t": tables, "x": sorted(self._cleared)})

    def _journal(self) -> int:
        """The journal's file descriptor, kept open between flushes."""
        if self._fd is None:
            self._fd = os.open(self.journal_path, os.O_RDWR)
            os.ftruncate(self._fd, self._journal_bytes)  # a torn tail from a crash goes now
        return self._fd

    def _close_journal(self) -> None:
        fd, self._fd = getattr(self, "_fd", None), None
        if fd is not None:
            os.close(fd)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """(inode, mtime, size) of a file, None if it does not exist: a rename or a rewrite
    changes it."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


def _encode(payload: dict[str, Any]) -> bytes:
    body = orjson.dumps(payload)  # never a raw newline inside: strings escape it
    return b"%08x " % zlib.crc32(body) + body + b"\n"


def _decode(line: bytes) -> dict[str, Any] | None:
    """The payload of one journal line, or None if the line is torn or damaged."""
    crc, _, body = line.partition(b" ")
    try:
        if len(crc) != 8 or int(crc, 16) != zlib.crc32(body):
            return None
        payload = orjson.loads(body)
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def _apply(data: Tables, entry: dict[str, Any]) -> None:
    for name in entry.get("x", []):
        data[name] = {}
    for name, docs in entry.get("t", {}).items():
        table = data.setdefault(name, {})
        for doc_id, doc in docs.items():
            if doc is None:
                table.pop(doc_id, None)
            else:
                table[doc_id] = doc


def _atomic_write(path: Path, payload: bytes) -> None:
    """Temp file in the same folder, fsync, `os.replace`, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    # fsync the folder so the rename itself survives a power cut.
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


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
            if not doc_id.isdigit():
                raise ValueError(f"table {name!r} has a document id {doc_id!r}")
