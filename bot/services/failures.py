"""When the disk or a service fails a run: check before spending, and say it in one line.

A run that scrapes for minutes and pays for LLM scoring, then finds the database folder full
or read-only, has spent for nothing; a delivery that sends a pick it cannot record sends it
again on the rerun. So the run checks that the database can keep a write before it collects
and again before it scores, and delivery before each message (`ensure_writable`). What a
person is told about a failure is one line with no secret in it (`one_line`), and only a
failure nobody foresaw keeps its traceback, in the log (`unforeseen`).
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from pathlib import Path

from bot.context import AppContext
from bot.store.errors import StoreWriteFailed
from scrapers.errors import JobpicksError

# What the database folder must take before a run spends anything: the run's own records (its
# picks, its pool of candidates with their descriptions, the postings it saw) are well under
# this for a day of a few hundred postings.
RUN_ROOM = 1 << 20
# Before each message: its delivery record is one journal line.
SEND_ROOM = 64 << 10
_BLOCK = 64 << 10


async def ensure_writable(ctx: AppContext, *, before: str, room: int = RUN_ROOM) -> None:
    """Raise `StoreWriteFailed` (one line, naming the database and `before`: what was not
    done) unless the database could keep a write of `room` bytes now: its folder takes a new
    file of that size (a full disk or a file-size limit refuses it), its files are writable.
    Writes nothing to the database itself, and leaves no file behind."""
    store = ctx.store
    try:
        await store.check_writable()
        folder = store.path.parent
        if folder.is_dir():  # else the first write makes it; check_writable checked its parent
            await asyncio.to_thread(_take, folder, store.path.name, room)
    except OSError as exc:
        raise StoreWriteFailed(
            f"cannot write the database {store.path} ({exc.strerror or exc}); stopped before "
            f"{before}, so nothing is spent or sent that could not be kept: free some space or "
            "fix the folder, then run again"
        ) from None


def _take(folder: Path, name: str, room: int) -> None:
    """Write `room` bytes to a temp file in `folder` (named like the store's own temp files,
    which it sweeps away if one is ever left), then remove it."""
    fd, probe = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        block = bytes(min(room, _BLOCK))
        left = room
        while left > 0:
            left -= os.write(fd, block[:left])
    finally:
        os.close(fd)
        Path(probe).unlink(missing_ok=True)


def one_line(ctx: AppContext, exc: BaseException) -> str:
    """What a person is told about a failed run: our own errors' one line as it is, anything
    else with its type; either way on one line, with every secret masked."""
    text = str(exc) if isinstance(exc, JobpicksError) else f"{type(exc).__name__}: {exc}"
    return ctx.redact(" ".join(text.split()) or type(exc).__name__)


def unforeseen(exc: BaseException) -> bool:
    """Whether a failure deserves its traceback in the log: not one of ours, which say all
    there is to say in their one line (a full disk, a busy database)."""
    return not isinstance(exc, JobpicksError)
