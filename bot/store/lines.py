"""The line format the journal and the append-only logs share, and the file moves they make.

A line is ``<CRC-32 of the payload, 8 hex digits> <payload as compact JSON>\\n``. JSON escapes
newlines inside strings, so a newline only ever ends a line, and the checksum tells an intact
line from a damaged one. Bytes after the last newline are a write that never finished (a
crash mid-append): never committed, so never read. A line of spaces is one set aside in place
(`set_aside_lines`): it is skipped, and the offsets of the lines after it stay what they were,
which is what lets a reader in another process keep reading from where it stopped.
"""

from __future__ import annotations

import logging
import os
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import orjson

log = logging.getLogger(__name__)


def encode(payload: Any) -> bytes:
    body = orjson.dumps(payload)
    return b"%08x " % zlib.crc32(body) + body + b"\n"


class Damaged(Exception):
    """A line whose checksum or JSON does not hold."""


def decode(raw: bytes) -> Any:
    """The payload of one line (without its newline); raises `Damaged`."""
    crc, _, body = raw.partition(b" ")
    try:
        if len(crc) != 8 or int(crc, 16) != zlib.crc32(body):
            raise Damaged("checksum does not match")
        return orjson.loads(body)
    except ValueError as exc:  # a bad hex checksum, bad JSON, bad UTF-8
        raise Damaged(str(exc)[:80]) from None


def is_filler(raw: bytes) -> bool:
    """A line set aside in place (spaces only): nothing to read."""
    return not raw.strip(b" ")


@dataclass(frozen=True)
class Line:
    number: int  # 1-based, in its file
    offset: int  # where the line starts in its file
    raw: bytes  # without the newline

    @property
    def end(self) -> int:
        return self.offset + len(self.raw) + 1


def complete_lines(buf: bytes, offset: int, number: int) -> tuple[list[Line], int]:
    """The newline-ended lines of `buf` (read from `offset` of its file; the first is line
    `number`), and the offset just past the last of them."""
    lines = []
    start = 0
    while (stop := buf.find(b"\n", start)) != -1:
        lines.append(Line(number, offset + start, buf[start:stop]))
        number += 1
        start = stop + 1
    return lines, offset + start


@dataclass(frozen=True)
class BadLine:
    line: Line
    why: str

    def describe(self) -> str:
        return f"line {self.line.number}: {self.why}"


def read_from(path: Path, offset: int, limit: int | None = None) -> bytes:
    """Up to `limit` bytes of `path` from `offset` (everything to the end if None)."""
    with open(path, "rb") as fh:
        fh.seek(offset)
        return fh.read() if limit is None else fh.read(max(limit, 0))


class Stamp(NamedTuple):
    inode: int
    size: int
    mtime_ns: int


def stamp(path: Path) -> Stamp | None:
    """What says a file changed: a rename or a rewrite changes the inode, an append the size."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return Stamp(st.st_ino, st.st_size, st.st_mtime_ns)


def aside_name(path: Path) -> Path:
    """A free ``<name>.corrupt-<UTC time>[-n]`` beside `path`."""
    when = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.corrupt-{when}")
    n = 1
    while aside.exists():
        n += 1
        aside = path.with_name(f"{path.name}.corrupt-{when}-{n}")
    return aside


def set_aside_file(path: Path, why: str) -> Path:
    """Move a whole file out of the way (never overwritten) and say so in one line."""
    aside = aside_name(path)
    os.replace(path, aside)
    log.error("database %s is %s; moved it aside to %s", path, why, aside)
    return aside


def set_aside_lines(path: Path, bad: list[BadLine]) -> Path | None:
    """Copy the bad lines to a ``.corrupt-…`` file, then blank each in place (same length, so
    every other line keeps its offset). A line whose bytes changed meanwhile is left alone.
    Returns the copy, None if there was nothing to set aside."""
    fd = os.open(path, os.O_RDWR)
    try:
        still = [b for b in bad if os.pread(fd, len(b.line.raw), b.line.offset) == b.line.raw]
        if not still:
            return None
        aside = aside_name(path)
        aside.write_bytes(b"".join(b.line.raw + b"\n" for b in still))
        for b in still:
            os.pwrite(fd, b" " * len(b.line.raw), b.line.offset)
        os.fsync(fd)
    finally:
        os.close(fd)
    return aside


def atomic_write(path: Path, payload: bytes) -> None:
    """Temp file in the same folder, fsync, `os.replace`, fsync the folder: a reader sees the
    old file or the new one, never half of one."""
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
    sync_folder(path.parent)


def sync_folder(folder: Path) -> None:
    """fsync a folder, so a rename or a new file in it survives a power cut."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append_at(path: Path, offset: int, data: bytes) -> None:
    """Write `data` at `offset` of `path` (created if missing) and fsync it; whatever the file
    held from `offset` on was never committed and goes first. If the write fails, the file is
    cut back to `offset` (as far as the disk lets it) and the error raised."""
    created = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        if os.fstat(fd).st_size != offset:
            os.ftruncate(fd, offset)
        try:
            done = 0
            while done < len(data):  # positional writes: no file position, no buffer
                done += os.pwrite(fd, data[done:], offset + done)
            os.fsync(fd)
        except BaseException:
            try:
                os.ftruncate(fd, offset)
            except OSError as exc:
                log.warning("could not cut %s back after a failed write: %s", path, exc)
            raise
    finally:
        os.close(fd)
    if created:
        sync_folder(path.parent)
