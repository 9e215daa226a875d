"""OS file locks beside the database, through `filelock` (flock on Linux and macOS, LockFileEx
on Windows; already in the tree through litellm): the kernel drops them when their process
dies, so a crash never leaves a database locked.

- `WriteLock` (``<db>.lock``): held by a writer for one transaction (milliseconds). A writer
  that finds it taken polls without blocking the event loop, and gives up with `StoreBusy`
  after `LOCK_WAIT_SECONDS`.
- `InstanceLock` (``<db>.<role>.lock``): held by `jobpicks bot` for its whole life, so a
  second bot on the same database stops at start with one line.
- `ChatLock` (``<db>.chat<id>.lock``): held by whichever process delivers to a chat, for that
  delivery, so `jobpicks run` beside the bot never sends a pick the bot is sending too.

Readers take no lock. Two locks in one process exclude each other like two processes do (each
has its own open file), which is what the tests rely on.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

from filelock import FileLock, Timeout

from bot.store.errors import AlreadyServing, StoreBusy, StoreWriteFailed

# Longer than any transaction holds the lock (a compaction of a year-old database included),
# shorter than Telegram lets a button tap wait for its answer.
LOCK_WAIT_SECONDS = 5.0
# Longer than a delivery of a day's picks takes at Telegram's pace of one message a second.
DELIVERY_WAIT_SECONDS = 300.0
_FIRST_POLL, _MAX_POLL = 0.002, 0.05


class WriteLock:
    """The single writer's lock, for one transaction at a time."""

    def __init__(self, db: Path, wait: float = LOCK_WAIT_SECONDS) -> None:
        self.db = db
        self.path = db.with_name(db.name + ".lock")
        self.wait = wait
        self._lock = FileLock(self.path, thread_local=False)

    @property
    def held(self) -> bool:
        return self._lock.is_locked

    def _try(self) -> bool:
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            return False
        except OSError as exc:  # the lock file cannot be made: the folder is not writable
            raise StoreWriteFailed(
                f"cannot lock the database {self.db} ({exc.strerror or exc}); nothing was saved"
            ) from None
        return True

    def _busy(self) -> StoreBusy:
        return StoreBusy(
            f"database {self.db} is busy: another jobpicks process has held it for over "
            f"{self.wait:g} s; this change was not saved"
        )

    async def acquire(self) -> None:
        """Take the lock, waiting up to `wait` seconds without blocking the event loop."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.wait
        poll = _FIRST_POLL
        while not self._try():
            if loop.time() >= deadline:
                raise self._busy()
            await asyncio.sleep(poll)
            poll = min(poll * 2, _MAX_POLL)

    def acquire_blocking(self) -> None:
        """Take the lock from synchronous code (opening the database), waiting as `acquire`."""
        deadline = time.monotonic() + self.wait
        poll = _FIRST_POLL
        while not self._try():
            if time.monotonic() >= deadline:
                raise self._busy()
            time.sleep(poll)
            poll = min(poll * 2, _MAX_POLL)

    def release(self) -> None:
        self._lock.release()

    @contextlib.contextmanager
    def holding(self) -> Iterator[None]:
        self.acquire_blocking()
        try:
            yield
        finally:
            self.release()


class ChatLock(WriteLock):
    """One delivery to a chat at a time, whichever process makes it."""

    def __init__(self, db: Path, chat: int, wait: float = DELIVERY_WAIT_SECONDS) -> None:
        super().__init__(db, wait)
        self.chat = chat
        self.path = db.with_name(f"{db.name}.chat{chat}.lock")
        self._lock = FileLock(self.path, thread_local=False)

    def _busy(self) -> StoreBusy:
        return StoreBusy(
            f"another jobpicks process has been delivering to chat {self.chat} for over "
            f"{self.wait:g} s; it sends what is left"
        )


class InstanceLock:
    """One long-lived process of a role (the bot) per database."""

    def __init__(self, db: Path, role: str) -> None:
        self.db = db
        self.role = role
        self.path = db.with_name(f"{db.name}.{role}.lock")
        self._lock = FileLock(self.path, thread_local=False)

    def claim(self) -> None:
        """Hold the lock until `release`; `AlreadyServing` if another process holds it."""
        try:
            self._lock.acquire(blocking=False)
        except Timeout:
            raise AlreadyServing(
                f"another jobpicks {self.role} is already serving the database {self.db}; "
                "stop it first, or set JOBPICKS_DB to another file"
            ) from None
        except OSError as exc:
            raise StoreWriteFailed(
                f"cannot lock the database {self.db} ({exc.strerror or exc})"
            ) from None

    def release(self) -> None:
        self._lock.release()
