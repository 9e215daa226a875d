"""Records that are only ever added — postings seen, paid-for scores — each set in a file of
its own beside the database (``<db>.seen``, ``<db>.scores``), so they never weigh on the
snapshot: a run adds its records in one line, and nothing is ever rewritten.

A line (`bot.store.lines`) holds the JSON list of the records one transaction added. A log
commits with the database: the writer appends its line first, then the journal line that
names the log's new length (`JournalStorage.commit`); whatever lies past the committed length
was never committed, is never read, and is cut off by the next writer. A line that is damaged
or not a list of records is skipped with one warning and set aside by the next writer; the
lines after it are read as usual.

In memory a log keeps what its user asks for: every record's key (and an optional second key,
e.g. a posting's fingerprint), and a value per key (`keep`).
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bot.store.lines import (
    BadLine,
    Damaged,
    append_at,
    complete_lines,
    decode,
    encode,
    is_filler,
    read_from,
    set_aside_lines,
)

log = logging.getLogger(__name__)

Record = dict[str, Any]


class AppendLog:
    def __init__(
        self,
        db: Path,
        name: str,
        *,
        key: str,
        also: str | None = None,
        keep: Callable[[Record], Any] = lambda _record: None,
    ) -> None:
        self.name = name
        self.path = db.with_name(f"{db.name}.{name}")
        self._key = key  # the field every record has, a string
        self._also = also  # an optional second string field, indexed too
        self._keep = keep
        self.items: dict[str, Any] = {}  # key -> what `keep` kept
        self.also: dict[str, str] = {}  # second key -> the first record's key
        self.pending: list[Record] = []  # added in the open transaction
        self.offset = 0  # read (and committed) up to here
        self._lines = 0
        self._written: int | None = None
        self._deferred: list[BadLine] = []  # found without the lock: set aside by a writer
        self._reported: set[int] = set()

    def __len__(self) -> int:
        return len(self.items)

    def __contains__(self, key: object) -> bool:
        return key in self.items

    @property
    def needs_writer(self) -> bool:
        """Bad lines are waiting to be set aside."""
        return bool(self._deferred)

    def get(self, key: str) -> Any:
        return self.items.get(key)

    def has_also(self, value: str) -> bool:
        return value in self.also

    # -- reading -------------------------------------------------------------------------
    def _take(self, record: Record) -> bool:
        key = record[self._key]
        if key in self.items:
            return False
        self.items[key] = self._keep(record)
        second = record.get(self._also) if self._also else None
        if isinstance(second, str) and second:
            self.also.setdefault(second, key)
        return True

    def _records(self, payload: Any) -> list[Record] | str:
        """The records of a line, or why the line is malformed."""
        if not isinstance(payload, list):
            return "not a list of records"
        for record in payload:
            if not isinstance(record, dict) or not isinstance(record.get(self._key), str):
                return f"a record without a {self._key!r} string"
        return payload

    def catch_up(self, length: int | None, *, may_write: bool, quiet: bool = False) -> None:
        """Read the complete lines past `offset`, up to `length` (the committed length the
        journal names; None when nothing names one: everything complete)."""
        if length is not None and length < self.offset:
            self.reset()  # the file was started again (a migration): read it anew
        if not self.path.exists() or length == self.offset:
            self.set_aside(may_write=may_write, quiet=quiet)  # what an earlier read found
            return
        limit = None if length is None else length - self.offset
        raw = read_from(self.path, self.offset, limit)
        if length is not None and self.offset + len(raw) < length:
            log.warning(
                "database log %s is shorter than its committed length (%d < %d bytes)",
                self.path,
                self.offset + len(raw),
                length,
            )
        lines, end = complete_lines(raw, self.offset, self._lines + 1)
        bad = []
        for line in lines:
            if is_filler(line.raw):
                continue
            try:
                records = self._records(decode(line.raw))
            except Damaged as exc:
                records = f"damaged ({exc})"
            if isinstance(records, str):
                bad.append(BadLine(line, records))
                continue
            for record in records:
                self._take(record)
        self.offset = end
        self._lines += len(lines)
        self._deferred.extend(bad)
        self.set_aside(may_write=may_write, quiet=quiet)

    def set_aside(self, *, may_write: bool, quiet: bool = False) -> None:
        """Deal with bad lines found so far: set them aside with the writer lock held, else
        say once (unless `quiet`: a writer that sets them aside soon) that they are skipped."""
        if not self._deferred:
            return
        if not may_write:
            if quiet:
                return
            new = [b for b in self._deferred if b.line.offset not in self._reported]
            if new:
                self._reported.update(b.line.offset for b in new)
                log.warning(
                    "database log %s: skipping %d bad line(s) (%s); the next jobpicks that "
                    "writes sets them aside",
                    self.path,
                    len(new),
                    "; ".join(b.describe() for b in new[:3]),
                )
            return
        bad, self._deferred = self._deferred, []
        aside = set_aside_lines(self.path, bad)
        if aside is not None:
            log.warning(
                "database log %s: set aside %d bad line(s) (%s) to %s; kept the others",
                self.path,
                len(bad),
                "; ".join(b.describe() for b in bad[:3]),
                aside,
            )

    def reset(self) -> None:
        """Forget everything read: the next `catch_up` reads the file from the start."""
        self.items.clear()
        self.also.clear()
        self.pending.clear()
        self.offset = self._lines = 0
        self._deferred.clear()

    # -- writing (the journal calls these, with the writer lock held) ----------------------
    def add(self, record: Record) -> bool:
        """Add a record in the open transaction; False if its key is there already."""
        if not self._take(record):
            return False
        self.pending.append(record)
        return True

    def adopt(self, records: Iterable[Record]) -> None:
        """Take records as committed, in memory only (an old layout read without writing)."""
        for record in records:
            self._take(record)

    def write_pending(self) -> int:
        """Append the open transaction's records as one line; returns the length to commit."""
        data = encode(self.pending)
        append_at(self.path, self.offset, data)
        self._written = self.offset + len(data)
        return self._written

    def committed(self) -> None:
        assert self._written is not None
        self.offset = self._written
        self._lines += 1
        self._written = None
        self.pending.clear()

    def abandon(self) -> None:
        """The journal line did not get written: cut the uncommitted line off again (if that
        fails too, it is past the committed length, unread, and cut by the next writer)."""
        self._written = None
        with contextlib.suppress(OSError):
            os.truncate(self.path, self.offset)

    def rollback(self) -> None:
        """Forget the open transaction's records (they were never committed)."""
        for record in self.pending:
            key = record[self._key]
            self.items.pop(key, None)
            second = record.get(self._also) if self._also else None
            if second and self.also.get(second) == key:
                del self.also[second]
        self.pending.clear()

    def start_over(self) -> None:
        """Empty the file and memory (a migration writes every record again)."""
        self.reset()
        if self.path.exists():
            os.truncate(self.path, 0)
