"""A TinyDB table that tells its storage which documents a write touched.

TinyDB's own `Table._update_table` copies the whole table into a new dict on every write
and hands the whole database to `Storage.write`: a write costs O(table), and the storage
cannot tell what changed. Here a write works on the stored dict in place through a view
that records the document ids it set, deleted or handed out for an in-place update, and
reports them with `storage.changed(table, ids, cleared)`, so the storage can persist only
those (`bot.store.journal`). An update by condition reads every document and so reports
them all: correct, but the Store writes by document id (`put`, `delete`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, MutableMapping
from typing import Any, Protocol

from tinydb import TinyDB
from tinydb.storages import Storage
from tinydb.table import Document, Table


class ChangeTracking(Protocol):
    """What a storage under `StoreTable` offers besides TinyDB's read/write."""

    def read(self) -> dict[str, dict[str, Any]]: ...

    def changed(self, table: str, doc_ids: set[str], cleared: bool) -> None: ...


class _TrackedTable(MutableMapping[int, Any]):
    """The stored table (str ids) seen as TinyDB's updaters expect it (int ids), recording
    every id set, deleted or read (a read inside an update may be mutated in place)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw
        self.touched: set[str] = set()
        self.cleared = False

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        doc = self.raw[key]
        self.touched.add(key)
        return doc

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        key = str(doc_id)
        self.raw[key] = doc
        self.touched.add(key)

    def __delitem__(self, doc_id: int) -> None:
        key = str(doc_id)
        del self.raw[key]
        self.touched.add(key)

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in list(self.raw))

    def __len__(self) -> int:
        return len(self.raw)

    def clear(self) -> None:
        self.raw.clear()
        self.touched.clear()
        self.cleared = True


class StoreTable(Table):
    """A TinyDB table whose writes cost what they change, plus whole-document put/delete."""

    def _update_table(self, updater: Callable[[dict[int, Mapping]], None]) -> None:
        storage: ChangeTracking = self._storage  # type: ignore[assignment]
        tables = storage.read()
        raw = tables.setdefault(self.name, {})
        view = _TrackedTable(raw)
        updater(view)  # type: ignore[arg-type]
        storage.changed(self.name, view.touched, view.cleared)
        self.clear_cache()

    def put(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        """Insert or replace the document with this id (replace, not merge)."""

        def updater(table: MutableMapping[int, Any]) -> None:
            table[doc_id] = dict(doc)

        self._update_table(updater)  # type: ignore[arg-type]
        if self._next_id is not None and doc_id >= self._next_id:
            self._next_id = doc_id + 1

    def delete(self, doc_id: int) -> None:
        def updater(table: MutableMapping[int, Any]) -> None:
            table.pop(doc_id, None)

        self._update_table(updater)  # type: ignore[arg-type]

    def doc(self, doc_id: int) -> Document | None:
        """The document with this id, O(1)."""
        raw = self._read_table().get(str(doc_id))
        return Document(raw, doc_id) if raw is not None else None

    def forget_next_id(self) -> None:
        """After a rollback the next free id must be read from the data again."""
        self._next_id = None
        self.clear_cache()


class StoreDB(TinyDB):
    """TinyDB with `StoreTable` tables on a storage built (and checked) beforehand."""

    table_class = StoreTable

    def __init__(self, storage: Storage) -> None:
        super().__init__(storage=lambda: storage)

    def store_table(self, name: str, cache_size: int = 10) -> StoreTable:
        return self.table(name, cache_size=cache_size)  # type: ignore[return-value]
