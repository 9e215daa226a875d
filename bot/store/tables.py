"""TinyDB tables whose writes cost what they change, on TinyDB's public extension points.

TinyDB's own `Table` writes by copying the whole table into a new dict and handing the whole
database to `Storage.write`: O(table) a write, and the storage cannot tell what changed.
`StoreTable` (plugged in through `TinyDB.table_class`) overrides the public write methods to
go to the storage one document at a time (`JournalStorage.put` / `delete` / `clear`), through
the table's public `storage` property. Reads are TinyDB's own (`get(doc_id=…)`, `all`,
`search`). A write method not overridden here still works, through `JournalStorage.write`,
at TinyDB's O(table) cost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping
from typing import Any, cast

from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.table import Document, Table

from bot.store.journal import JournalStorage


class StoreTable(Table):
    """A TinyDB table on a `JournalStorage`, plus whole-document `put` and `delete`."""

    @property
    def journal(self) -> JournalStorage:
        return cast(JournalStorage, self.storage)

    def _new_id(self, document: Mapping[str, Any]) -> int:
        if isinstance(document, Document):  # TinyDB's way to insert with a chosen id
            if self.contains(doc_id=document.doc_id):
                raise ValueError(f"Document with ID {document.doc_id} already exists")
            return int(document.doc_id)
        return self.journal.next_id(self.name)

    def insert(self, document: Mapping[str, Any]) -> int:
        doc_id = self._new_id(document)
        self.journal.put(self.name, str(doc_id), dict(document))
        return doc_id

    def insert_multiple(self, documents: Iterable[Mapping[str, Any]]) -> list[int]:
        return [self.insert(document) for document in documents]

    def _ids(self, cond: QueryLike | None, doc_ids: Iterable[int] | None) -> list[int]:
        if doc_ids is not None:
            return [i for i in doc_ids if self.contains(doc_id=i)]
        docs = self.all() if cond is None else self.search(cond)
        return [doc.doc_id for doc in docs]

    def update(
        self,
        fields: Mapping[str, Any] | Callable[[MutableMapping[str, Any]], None],
        cond: QueryLike | None = None,
        doc_ids: Iterable[int] | None = None,
    ) -> list[int]:
        ids = self._ids(cond, doc_ids)
        for doc_id in ids:
            doc = dict(self.get(doc_id=doc_id) or {})  # a copy: the old value stays for undo
            if callable(fields):
                fields(doc)
            else:
                doc.update(fields)
            self.journal.put(self.name, str(doc_id), doc)
        return ids

    def remove(
        self, cond: QueryLike | None = None, doc_ids: Iterable[int] | None = None
    ) -> list[int]:
        if cond is None and doc_ids is None:
            raise RuntimeError("Use truncate() to remove all documents")
        ids = self._ids(cond, doc_ids)
        for doc_id in ids:
            self.journal.delete(self.name, str(doc_id))
        return ids

    def truncate(self) -> None:
        self.journal.clear(self.name)

    def put(self, doc_id: int, doc: Mapping[str, Any]) -> None:
        """Insert or replace the document with this id (replace, not merge)."""
        self.journal.put(self.name, str(doc_id), dict(doc))

    def delete(self, doc_id: int) -> None:
        self.journal.delete(self.name, str(doc_id))


class StoreDB(TinyDB):
    """TinyDB with `StoreTable` tables on a `JournalStorage` built (and checked) beforehand."""

    table_class = StoreTable

    def __init__(self, storage: JournalStorage) -> None:
        super().__init__(storage=lambda: storage)

    def store_table(self, name: str) -> StoreTable:
        # No query cache: the data also changes under the table (other processes' lines,
        # rollbacks); lookups that must be fast go through the storage's indexes.
        return cast(StoreTable, self.table(name, cache_size=0))
