"""A TinyDB storage that keeps the data in memory and writes it atomically on `flush()`.

TinyDB's own `JSONStorage` rewrites the file in place on every insert: a crash mid-write
leaves a corrupt file, and every write costs O(file size). Here writes only touch memory;
`flush()` (called once per run step) writes a temp file in the same folder, fsyncs it and
`os.replace`s it over the old one, so a reader only ever sees the old or the new file.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

log = logging.getLogger(__name__)


class AtomicJSONStorage(Storage):
    """In-memory TinyDB storage persisted atomically to one JSON file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.moved_aside: Path | None = None
        self._data: dict[str, dict[str, Any]] = self._load()
        self._dirty = False

    def _load(self) -> dict[str, dict[str, Any]]:
        # A temp file left by a crash mid-flush is garbage: the previous file is intact.
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            stale.unlink(missing_ok=True)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        if not raw.strip():
            return {}
        try:
            data = json.loads(raw)
            check_shape(data)
            return data
        except ValueError as exc:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            aside = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
            os.replace(self.path, aside)
            self.moved_aside = aside
            log.error(
                "database %s is corrupt (%s); moved it aside to %s and started empty",
                self.path,
                str(exc)[:80],
                aside,
            )
            return {}

    def read(self) -> dict[str, dict[str, Any]]:
        return self._data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        self._data = data
        self._dirty = True

    def changed(self, table: str, doc_ids: set[str], cleared: bool) -> None:
        self._dirty = True

    def replace(self, data: dict[str, dict[str, Any]]) -> None:
        """Make `data` the whole database (persisted by the next `flush`)."""
        self._data = data
        self._dirty = True

    def flush(self) -> None:
        """Persist pending changes: temp file in the same folder, fsync, `os.replace`."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(self._data, ensure_ascii=False, separators=(",", ":"))
        fd, tmp = tempfile.mkstemp(
            prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent
        )
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        # fsync the folder so the rename itself survives a power cut.
        dir_fd = os.open(self.path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
        self._dirty = False

    def rollback(self) -> None:
        """Forget unflushed changes: memory goes back to what the file holds."""
        self._data = self._load()
        self._dirty = False

    def close(self) -> None:
        self.flush()


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
