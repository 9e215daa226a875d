"""Document ids of one table by a key computed from each document, so the Store finds a pick,
a vote or a mark without reading the table: O(1) whatever its size.

Built on first use — every index of the table in the same pass, so the first delivery
record after a restart does not pay for a second one — and then kept up to date by the
storage on every change (this process's writes, other processes' lines it catches up with, a
rollback); thrown away when the table is replaced or read again. A document whose key cannot
be computed is simply not indexed.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, KeysView, Mapping
from typing import Any

Key = Callable[[Mapping[str, Any]], Hashable | None]


class Index:
    def __init__(
        self,
        key: Key,
        documents: Callable[[], Mapping[str, Mapping[str, Any]]],
        table_indexes: list[Index],
    ) -> None:
        self._key = key
        self._documents = documents
        self._siblings = table_indexes  # every index of the table, this one included
        self._ids: dict[Hashable, set[str]] | None = None  # key -> document ids

    def _of(self, doc: Mapping[str, Any]) -> Hashable | None:
        try:
            key = self._key(doc)
            hash(key)
        except (KeyError, TypeError, AttributeError):  # a document of the wrong shape
            return None
        return key

    def _built(self) -> dict[Hashable, set[str]]:
        if self._ids is None:
            unbuilt = [i for i in self._siblings if i._ids is None]
            for index in unbuilt:
                index._ids = {}
            for doc_id, doc in self._documents().items():
                for index in unbuilt:
                    key = index._of(doc)
                    if key is not None:
                        index._ids.setdefault(key, set()).add(doc_id)  # type: ignore[union-attr]
        assert self._ids is not None
        return self._ids

    def ids(self, key: Hashable) -> list[str]:
        """The ids of the documents with this key, in id order (oldest insert first)."""
        return sorted(self._built().get(key, ()), key=int)

    def first(self, key: Hashable) -> str | None:
        found = self._built().get(key)
        return min(found, key=int) if found else None

    def all_keys(self) -> KeysView[Hashable]:
        return self._built().keys()

    def reset(self) -> None:
        self._ids = None

    def changed(
        self, doc_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
    ) -> None:
        if self._ids is None:
            return  # not built yet: it reads the table as it is when first used
        if old is not None and (key := self._of(old)) is not None:
            ids = self._ids.get(key)
            if ids is not None:
                ids.discard(doc_id)
                if not ids:
                    del self._ids[key]
        if new is not None and (key := self._of(new)) is not None:
            self._ids.setdefault(key, set()).add(doc_id)


Amount = tuple[float, int]  # what a document adds to its key's total: (a float, a count)
Value = Callable[[Mapping[str, Any]], Amount]


class Totals:
    """Sums of a value over a table's documents by a key (e.g. the LLM spend of everyone's
    runs of a day), kept up to date by the storage exactly as an `Index` is, so reading a
    total is O(1) however many documents it sums. Built on first use; a document whose key or
    value cannot be computed adds nothing."""

    def __init__(
        self, key: Key, value: Value, documents: Callable[[], Mapping[str, Mapping[str, Any]]]
    ) -> None:
        self._key = key
        self._value = value
        self._documents = documents
        # key -> [float sum, int sum, documents]; a key's float is 0.0 again when its last
        # document goes, so additions and removals leave no rounding behind them.
        self._sums: dict[Hashable, list[Any]] | None = None

    def _amount(self, doc: Mapping[str, Any]) -> tuple[Hashable, Amount] | None:
        try:
            key = self._key(doc)
            hash(key)
            return key, self._value(doc)
        except (KeyError, TypeError, AttributeError, ValueError):
            return None

    def _add(self, doc: Mapping[str, Any], sign: int) -> None:
        assert self._sums is not None
        found = self._amount(doc)
        if found is None:
            return
        key, (real, count) = found
        entry = self._sums.setdefault(key, [0.0, 0, 0])
        entry[2] += sign
        if entry[2] <= 0:
            del self._sums[key]
            return
        entry[0] += sign * real
        entry[1] += sign * count

    def _built(self) -> dict[Hashable, list[Any]]:
        if self._sums is None:
            self._sums = {}
            for doc in self._documents().values():
                self._add(doc, +1)
        return self._sums

    def of(self, key: Hashable) -> Amount:
        """The total of the documents with this key ((0.0, 0) when none)."""
        entry = self._built().get(key)
        return (0.0, 0) if entry is None else (entry[0], entry[1])

    def reset(self) -> None:
        self._sums = None

    def changed(
        self, doc_id: str, old: Mapping[str, Any] | None, new: Mapping[str, Any] | None
    ) -> None:
        if self._sums is None:
            return  # not built yet: it reads the table as it is when first used
        if old is not None:
            self._add(old, -1)
        if new is not None:
            self._add(new, +1)
