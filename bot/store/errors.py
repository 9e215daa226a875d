"""What can go wrong with the database: one class per case a person meets, all `StoreError`.

A write that raises any of them kept nothing of its change, on disk or in memory.
"""

from __future__ import annotations

from scrapers.errors import JobpicksError


class StoreError(JobpicksError):
    """The database cannot be used as asked; the message is one line for the user."""


class StoreBusy(StoreError):
    """Another jobpicks process held the write lock longer than a writer waits."""


class StoreWriteFailed(StoreError):
    """The disk refused the write (full, read-only, no permission)."""


class StoreReadOnly(StoreError):
    """A write on a Store opened read-only (`digest`, `export`, `doctor`, `run --dry-run`)."""


class AlreadyServing(StoreError):
    """Another long-lived process (a second `jobpicks bot`) holds this database."""
