"""The journal storage: a write costs what it changes, several processes share the files, no
crash loses a committed change, and recovery keeps every intact line it can."""

from __future__ import annotations

import json
import logging
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import orjson
import pytest

from bot.store.appendlog import AppendLog
from bot.store.errors import StoreWriteFailed
from bot.store.journal import JournalStorage
from bot.store.lines import encode
from bot.store.tables import StoreDB
from tests.cli_support import REPO


def _db(path: Path, **kw: int) -> tuple[JournalStorage, StoreDB]:
    storage = JournalStorage(path, writable=True, **kw)
    return storage, StoreDB(storage)


def _contents(path: Path) -> dict:
    storage = JournalStorage(path)
    return {name: dict(table) for name, table in storage.read().items()}


def _journal(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


def _write_lines(path: Path, *payloads: object) -> None:
    """Append raw lines to the journal (each with a valid checksum)."""
    with open(_journal(path), "ab") as fh:
        for payload in payloads:
            fh.write(encode(payload))


def test_a_change_appends_one_line_not_the_whole_file(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    with storage.transaction():  # the first commit writes the snapshot
        db.store_table("runs").insert_multiple(
            {"day": f"d{i}", "pad": "x" * 50} for i in range(5000)
        )
    size = path.stat().st_size
    before = _journal(path).stat().st_size
    with storage.transaction():
        db.store_table("picks").put(7, {"key": "a", "sent": {"1": 2}})
    assert path.stat().st_size == size  # the snapshot is untouched
    assert 0 < _journal(path).stat().st_size - before < 200
    assert _contents(path)["picks"] == {"7": {"key": "a", "sent": {"1": 2}}}
    assert len(_contents(path)["runs"]) == 5000


def test_updates_deletes_and_truncates_replay(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    pool, votes = db.store_table("pool"), db.store_table("votes")
    with storage.transaction():
        pool.insert_multiple({"key": f"p{i}"} for i in range(5))
        votes.insert({"key": "a", "vote": "up"})
    with storage.transaction():
        votes.update({"vote": "down"}, doc_ids=[1])
        votes.insert({"key": "b", "vote": "up"})
        pool.truncate()
        pool.insert({"key": "new"})
    with storage.transaction():
        votes.remove(doc_ids=[2])
        # TinyDB's own whole-table write path (not overridden) stays correct.
        votes.update_multiple([({"seen": True}, lambda d: d["key"] == "a")])
    data = _contents(path)
    assert data["votes"] == {"1": {"key": "a", "vote": "down", "seen": True}}
    assert list(data["pool"].values()) == [{"key": "new"}]


def test_compaction_folds_the_journal_into_the_snapshot(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path, compact_min_bytes=2000)
    table = db.store_table("t")
    for i in range(100):
        with storage.transaction():
            table.put(i + 1, {"n": i, "pad": "x" * 50})
    assert storage.compactions >= 2
    assert _journal(path).stat().st_size < 2000 + 200
    assert len(_contents(path)["t"]) == 100
    assert not list(isolated_env.glob(".db.json*.tmp"))


def test_a_torn_last_line_is_ignored_and_cut_by_the_next_append(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    for i in (1, 2):
        with storage.transaction():
            db.store_table("t").put(i, {"v": i})
    whole = _journal(path).read_bytes()
    _journal(path).write_bytes(whole[:-7])  # the last append stopped short
    storage, db = _db(path)
    assert storage.read()["t"] == {"1": {"v": 1}}
    assert not list(isolated_env.glob("*.corrupt-*"))
    with storage.transaction():
        db.store_table("t").put(3, {"v": 3})
    assert _contents(path)["t"] == {"1": {"v": 1}, "3": {"v": 3}}


def _three_lines(path: Path) -> list[bytes]:
    storage, db = _db(path)
    for i in range(1, 4):
        with storage.transaction():
            db.store_table("t").put(i, {"v": i})
    # Line 1 is the header (the first commit wrote the snapshot, holding v1), then v2, v3.
    return _journal(path).read_bytes().split(b"\n")


def test_a_damaged_middle_line_is_set_aside_and_the_lines_after_it_kept(
    isolated_env: Path, caplog
) -> None:
    path = isolated_env / "db.json"
    lines = _three_lines(path)
    lines[1] = lines[1].replace(b'"v":2', b'"v":9')  # one flipped value: the CRC fails
    damaged = b"\n".join(lines)
    _journal(path).write_bytes(damaged)

    reader = JournalStorage(path)  # a reader keeps what it can and touches nothing
    assert reader.read()["t"] == {"1": {"v": 1}, "3": {"v": 3}}
    assert _journal(path).read_bytes() == damaged and not list(isolated_env.glob("*.corrupt*"))

    caplog.clear()
    storage, _ = _db(path)  # a writer sets the line aside, in one line
    assert storage.read()["t"] == {"1": {"v": 1}, "3": {"v": 3}}
    [aside] = isolated_env.glob("db.json.journal.corrupt-*")
    assert aside.read_bytes() == lines[1] + b"\n"
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "line 2: damaged" in warning and str(aside) in warning
    assert len(_journal(path).read_bytes()) == len(damaged)  # blanked in place
    caplog.clear()
    assert _contents(path)["t"] == {"1": {"v": 1}, "3": {"v": 3}}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]  # said once


@pytest.mark.parametrize(
    "payload",
    [
        {"t": [1, 2]},  # 't' is a list
        {"t": {"t": {"2": "text"}}},  # a string document
        {"t": {"t": {"two": {"v": 2}}}},  # a non-numeric id
        {"t": {"t": {"²": {"v": 2}}}},  # a digit Python reads, not a number
        {"z": {"t": {"2": {"v": 2}}}},  # an unknown format
        {"t": {}, "a": {"unknown": 3}},  # a log this version does not know
        [1, 2, 3],  # not an object
        {},  # nothing at all
    ],
)
def test_an_intact_line_of_the_wrong_shape_is_set_aside(
    isolated_env: Path, caplog, payload: object
) -> None:
    path = isolated_env / "db.json"
    _three_lines(path)
    _write_lines(path, payload, {"t": {"t": {"4": {"v": 4}}}})
    JournalStorage(path)  # a reader: every other line, one warning, no file touched
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "line 4" in warnings[0] and "skipping" in warnings[0]
    storage, _ = _db(path)
    assert storage.read()["t"] == {str(i): {"v": i} for i in (1, 2, 3, 4)}
    [aside] = isolated_env.glob("db.json.journal.corrupt-*")
    assert aside.read_bytes() == encode(payload)


@pytest.mark.parametrize("content", ['{"votes": []}', "[1, 2]", '{"t": {"1": 5}}', "{tru"])
def test_a_snapshot_of_the_wrong_shape_is_set_aside_by_a_writer_only(
    isolated_env: Path, caplog, content: str
) -> None:
    path = isolated_env / "db.json"
    path.write_text(content)
    reader = JournalStorage(path)
    assert reader.read() == {} and path.read_text() == content
    [line] = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "corrupt" in line and "read as empty" in line
    storage, db = _db(path)
    assert storage.moved_aside is not None and storage.moved_aside.read_text() == content
    with storage.transaction():
        db.store_table("profiles").put(1, {"about": "x"})
    assert _contents(path)["profiles"] == {"1": {"about": "x"}}


def test_a_journal_from_a_compaction_that_did_not_finish_is_ignored(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    for i in (1, 2):
        with storage.transaction():
            db.store_table("t").put(i, {"v": i})
    stale_journal = _journal(path).read_bytes()
    with storage.lock.holding():
        storage._compact({})  # snapshot and journal of the next generation
    _journal(path).write_bytes(stale_journal)  # as if killed between the two renames
    storage, db = _db(path)
    assert storage.read()["t"] == {"1": {"v": 1}, "2": {"v": 2}}
    with storage.transaction():
        db.store_table("t").delete(1)
    assert _contents(path)["t"] == {"2": {"v": 2}}


def test_a_write_the_disk_refuses_leaves_no_half_line(isolated_env: Path, monkeypatch) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    with storage.transaction():
        db.store_table("t").put(1, {"v": 1})
    real = os.pwrite

    def short_then_full(fd: int, data: bytes, offset: int) -> int:
        real(fd, data[:10], offset)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "pwrite", short_then_full)
    with pytest.raises(StoreWriteFailed, match="No space left on device"), storage.transaction():
        db.store_table("t").put(2, {"v": 2})
    monkeypatch.setattr(os, "pwrite", real)
    assert storage.read()["t"] == {"1": {"v": 1}}  # memory matches the disk again
    with storage.transaction():
        db.store_table("t").put(3, {"v": 3})
    assert _contents(path)["t"] == {"1": {"v": 1}, "3": {"v": 3}}


def test_a_rollback_puts_back_documents_and_indexes(isolated_env: Path) -> None:
    storage, db = _db(isolated_env / "db.json")
    by_day = storage.index("t", lambda d: d["day"])
    table = db.store_table("t")
    with storage.transaction():
        table.insert_multiple({"day": f"d{i % 3}"} for i in range(9))
    before = (dict(storage.read()["t"]), {k: by_day.ids(k) for k in ("d0", "d1", "d2")})
    with pytest.raises(RuntimeError), storage.transaction():
        table.put(1, {"day": "d9"})
        table.delete(2)
        table.insert({"day": "d0"})
        table.truncate()
        table.insert({"day": "d1"})
        raise RuntimeError("boom")
    assert (storage.read()["t"], {k: by_day.ids(k) for k in ("d0", "d1", "d2")}) == before
    assert by_day.ids("d9") == []


# -- several processes ----------------------------------------------------------------------------
@pytest.mark.parametrize("other_compacts", [False, True])
def test_a_second_writer_catches_up_and_both_changes_are_kept(
    isolated_env: Path, other_compacts: bool
) -> None:
    """`jobpicks run` from cron while `jobpicks bot` runs: each writer first reads what the
    other committed, so new ids never collide and neither write is lost."""
    path = isolated_env / "db.json"
    first, db1 = _db(path)
    with first.transaction():
        db1.store_table("votes").insert({"by": "first", "n": 1})
    second, db2 = _db(path)
    with second.transaction():
        db2.store_table("votes").insert({"by": "second", "n": 2})
        if other_compacts:
            second._compact({})
    with first.transaction():
        db1.store_table("votes").insert({"by": "first", "n": 3})
    want = {
        "1": {"by": "first", "n": 1},
        "2": {"by": "second", "n": 2},
        "3": {"by": "first", "n": 3},
    }
    assert _contents(path)["votes"] == want
    assert second.refresh() and second.read()["votes"] == want
    assert not list(isolated_env.glob("*.corrupt-*"))


def test_a_reader_catches_up_on_the_new_lines_only(isolated_env: Path, monkeypatch) -> None:
    path = isolated_env / "db.json"
    writer, db = _db(path)
    with writer.transaction():
        db.store_table("t").put(1, {"v": 1})
    reader = JournalStorage(path)
    loads = []
    real = JournalStorage._load
    monkeypatch.setattr(JournalStorage, "_load", lambda self: (loads.append(1), real(self))[1])
    assert reader.refresh() is False  # nothing new: one stat
    with writer.transaction():
        db.store_table("t").put(2, {"v": 2})
    assert reader.refresh() is True and reader.read()["t"] == {"1": {"v": 1}, "2": {"v": 2}}
    assert loads == []  # the new line alone, not the files again
    with writer.lock.holding():
        writer._compact({})
    with writer.transaction():
        db.store_table("t").delete(1)
    assert reader.refresh() is True and reader.read()["t"] == {"2": {"v": 2}}
    assert loads == [1]  # after another process's compaction: the files again, once


# -- the append-only logs --------------------------------------------------------------------------
def _with_log(path: Path, writable: bool = True) -> tuple[JournalStorage, AppendLog]:
    seen = AppendLog(path, "seen", key="k", also="f")
    return JournalStorage(path, writable=writable, logs=[seen]), seen


def test_a_log_commits_with_its_journal_line(isolated_env: Path, monkeypatch) -> None:
    path = isolated_env / "db.json"
    storage, seen = _with_log(path)
    with storage.transaction():
        seen.add({"k": "a", "f": "fa"})
        seen.add({"k": "b"})
    real_append = JournalStorage._append

    def journal_refuses(self: JournalStorage, entry: dict) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(JournalStorage, "_append", journal_refuses)
    with pytest.raises(StoreWriteFailed), storage.transaction():
        seen.add({"k": "c"})
    monkeypatch.setattr(JournalStorage, "_append", real_append)
    assert "c" not in seen and len(seen) == 2
    committed = seen.path.stat().st_size
    # A log line past the committed length (as a crash between the two appends leaves it)
    # is never read, and the next writer cuts it off.
    with open(seen.path, "ab") as fh:
        fh.write(encode([{"k": "uncommitted"}]))
    reader, read_seen = _with_log(path, writable=False)
    assert set(read_seen.items) == {"a", "b"} and read_seen.has_also("fa")
    with storage.transaction():
        seen.add({"k": "d"})
    assert b"uncommitted" not in seen.path.read_bytes()
    assert reader.refresh() and set(read_seen.items) == {"a", "b", "d"}
    assert seen.path.stat().st_size > committed


def test_a_bad_log_line_is_skipped_and_set_aside(isolated_env: Path, caplog) -> None:
    path = isolated_env / "db.json"
    storage, seen = _with_log(path)
    for key in ("a", "b", "c"):
        with storage.transaction():
            seen.add({"k": key})
    raw = seen.path.read_bytes()
    seen.path.write_bytes(raw.replace(b'"k":"b"', b'"k":"B"'))  # checksum fails
    _, read_seen = _with_log(path, writable=False)
    assert set(read_seen.items) == {"a", "c"}
    caplog.clear()
    _, write_seen = _with_log(path)
    assert set(write_seen.items) == {"a", "c"}
    [aside] = isolated_env.glob("db.json.seen.corrupt-*")
    assert b'"k":"B"' in aside.read_bytes()
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "set aside 1 bad line(s) (line 2: damaged" in warning


# -- kill tests ------------------------------------------------------------------------------------
_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from bot.store.appendlog import AppendLog
    from bot.store.journal import JournalStorage
    from bot.store.tables import StoreDB

    path = {path!r}
    log = AppendLog(__import__("pathlib").Path(path), "seen", key="k")
    storage = JournalStorage(path, writable=True, logs=[log], compact_min_bytes={compact})
    db = StoreDB(storage)
    table = db.store_table("t")
    n = max((int(i) for i in storage.read().get("t", {{}})), default=0)
    while True:
        n += 1
        with storage.transaction():
            table.put(n, {{"n": n, "pad": "x" * (n % 300)}})
            if n % 7 == 0:
                table.delete(n - 3)
            if n % 2 == 0:
                log.add({{"k": str(n)}})
        print(n, flush=True)  # committed: the parent may count on it
    """
)


@pytest.mark.slow
def test_random_kills_lose_nothing_committed_and_leave_readable_files(isolated_env: Path) -> None:
    """SIGKILL a writer at random points (mid-append, mid-compaction, between the two), 15
    times; after each, every change it reported committed is there and the files open."""
    path = isolated_env / "db.json"
    rng = random.Random(7)
    script = _WRITER.format(repo=str(REPO), path=str(path), compact=2000)
    committed = 0
    for _ in range(15):
        with subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE) as proc:
            assert proc.stdout is not None
            proc.stdout.readline()  # started and committed at least one change
            time.sleep(rng.uniform(0, 0.05))  # a random point in its writing to kill it at
            os.kill(proc.pid, signal.SIGKILL)
            out = proc.stdout.read()
            proc.wait(timeout=10)
        reported = [int(x) for x in out.split()]
        committed = max([committed, *reported])
        storage, seen = _with_log(path, writable=False)
        data = storage.read()["t"]
        n_max = max(int(i) for i in data)
        assert n_max >= committed  # nothing reported committed is lost
        for n in range(1, n_max + 1):  # and every document is what the writer wrote
            expect = (
                None if (n + 3) % 7 == 0 and n + 3 <= n_max else {"n": n, "pad": "x" * (n % 300)}
            )
            assert data.get(str(n)) == expect, n
            assert (str(n) in seen) == (n % 2 == 0), n  # the log committed with its line
        assert not list(isolated_env.glob("*.corrupt-*"))
    assert committed > 15
    snapshot = json.loads(path.read_text())  # plain JSON
    assert snapshot["_journal"]["1"]["gen"] >= 3  # the kills also met compactions
    assert orjson.loads(path.read_bytes())["_journal"]["1"]["logs"]["seen"] > 0
