"""The journal storage: a write costs what it changes, and no crash loses a committed change
or leaves a file that cannot be read."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.store.journal import ConcurrentWrite, JournalStorage
from bot.store.tables import StoreDB
from tests.conftest import REPO


def _db(path: Path, **kw: int) -> tuple[JournalStorage, StoreDB]:
    storage = JournalStorage(path, **kw)
    return storage, StoreDB(storage)


def _contents(path: Path) -> dict:
    storage = JournalStorage(path)
    return {name: dict(table) for name, table in storage.read().items()}


def test_a_change_appends_one_line_not_the_whole_file(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    db.store_table("seen").insert_multiple({"k": f"k{i}", "d": "2026-01-01"} for i in range(5000))
    storage.flush()  # the first flush writes the snapshot
    size = path.stat().st_size
    journal = path.with_name("db.json.journal")
    before = journal.stat().st_size
    db.store_table("picks").put(7, {"key": "a", "sent": {"1": 2}})
    storage.flush()
    assert path.stat().st_size == size  # the snapshot is untouched
    grew = journal.stat().st_size - before
    assert 0 < grew < 200
    assert _contents(path)["picks"] == {"7": {"key": "a", "sent": {"1": 2}}}
    assert len(_contents(path)["seen"]) == 5000


def test_updates_deletes_and_truncates_replay(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    pool = db.store_table("pool")
    pool.insert_multiple({"key": f"p{i}"} for i in range(5))
    votes = db.store_table("votes")
    votes.insert({"key": "a", "vote": "up"})
    storage.flush()
    votes.update({"vote": "down"}, doc_ids=[1])
    votes.insert({"key": "b", "vote": "up"})
    pool.truncate()
    pool.insert({"key": "new"})
    storage.flush()
    votes.delete(2)
    storage.flush()
    data = _contents(path)
    assert data["votes"] == {"1": {"key": "a", "vote": "down"}}
    assert list(data["pool"].values()) == [{"key": "new"}]


def test_compaction_folds_the_journal_into_the_snapshot(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path, compact_min_bytes=2000)
    table = db.store_table("t")
    for i in range(100):
        table.put(i + 1, {"n": i, "pad": "x" * 50})
        storage.flush()
    assert storage.compactions >= 2
    journal = path.with_name("db.json.journal")
    assert journal.stat().st_size < 2000 + 200
    assert len(_contents(path)["t"]) == 100
    assert not list(isolated_env.glob(".db.json*.tmp"))


def test_a_torn_last_line_is_ignored_and_cut_by_the_next_append(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    db.store_table("t").put(1, {"v": 1})
    storage.flush()
    db.store_table("t").put(2, {"v": 2})
    storage.flush()
    storage.close()
    journal = path.with_name("db.json.journal")
    whole = journal.read_bytes()
    journal.write_bytes(whole[:-7])  # the last append stopped short
    storage, db = _db(path)
    assert storage.read()["t"] == {"1": {"v": 1}}
    assert storage.moved_aside is None and not list(isolated_env.glob("*.corrupt-*"))
    db.store_table("t").put(3, {"v": 3})
    storage.flush()
    assert _contents(path)["t"] == {"1": {"v": 1}, "3": {"v": 3}}


def test_a_damaged_line_inside_the_journal_is_set_aside_not_lost(
    isolated_env: Path, caplog
) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    for i in range(1, 4):
        db.store_table("t").put(i, {"v": i})
        storage.flush()
    storage.close()
    journal = path.with_name("db.json.journal")
    lines = journal.read_bytes().split(b"\n")
    # Line 1 is the header (the first flush wrote the snapshot, holding v1), then v2, v3.
    assert b'"v":2' in lines[1]
    lines[1] = lines[1].replace(b'"v":2', b'"v":9')  # the CRC no longer matches
    damaged = b"\n".join(lines)
    journal.write_bytes(damaged)
    storage, db = _db(path)
    assert storage.read()["t"] == {"1": {"v": 1}}  # what came before the damage
    [aside] = isolated_env.glob("db.json.journal.corrupt-*")
    assert aside.read_bytes() == damaged
    assert any("damaged at line 2" in r.getMessage() for r in caplog.records)
    storage.flush()  # a clean snapshot and journal from what was read
    assert _contents(path)["t"] == {"1": {"v": 1}}


@pytest.mark.parametrize("content", ['{"votes": []}', "[1, 2]", '{"t": {"1": 5}}', "{tru"])
def test_a_snapshot_of_the_wrong_shape_is_set_aside(isolated_env: Path, content: str) -> None:
    path = isolated_env / "db.json"
    path.write_text(content)
    storage, db = _db(path)
    assert storage.moved_aside is not None and storage.moved_aside.read_text() == content
    db.store_table("profiles").put(1, {"about": "x"})
    storage.flush()
    assert _contents(path)["profiles"] == {"1": {"about": "x"}}


def test_a_journal_from_a_compaction_that_did_not_finish_is_ignored(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    db.store_table("t").put(1, {"v": 1})
    storage.flush()
    db.store_table("t").put(2, {"v": 2})
    storage.flush()
    stale_journal = path.with_name("db.json.journal").read_bytes()
    storage.compact()  # snapshot and journal of the next generation
    storage.close()
    path.with_name("db.json.journal").write_bytes(stale_journal)  # as if killed between renames
    storage, db = _db(path)
    assert storage.read()["t"] == {"1": {"v": 1}, "2": {"v": 2}}
    db.store_table("t").delete(1)
    storage.flush()
    assert _contents(path)["t"] == {"2": {"v": 2}}


def test_a_write_the_disk_refuses_leaves_no_half_line(isolated_env: Path, monkeypatch) -> None:
    path = isolated_env / "db.json"
    storage, db = _db(path)
    db.store_table("t").put(1, {"v": 1})
    storage.flush()
    real = os.pwrite

    def short_then_full(fd: int, data: bytes, offset: int) -> int:
        real(fd, data[:10], offset)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "pwrite", short_then_full)
    db.store_table("t").put(2, {"v": 2})
    with pytest.raises(OSError):
        storage.flush()
    monkeypatch.setattr(os, "pwrite", real)
    storage.rollback()
    assert storage.read()["t"] == {"1": {"v": 1}}
    db.store_table("t").put(3, {"v": 3})
    storage.flush()
    assert _contents(path)["t"] == {"1": {"v": 1}, "3": {"v": 3}}


# -- kill tests ------------------------------------------------------------------------------------
_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {repo!r})
    from bot.store.journal import JournalStorage
    from bot.store.tables import StoreDB

    storage = JournalStorage({path!r}, compact_min_bytes={compact})
    db = StoreDB(storage)
    table = db.store_table("t")
    n = max((int(i) for i in storage.read().get("t", {{}})), default=0)
    while True:
        n += 1
        table.put(n, {{"n": n, "pad": "x" * (n % 300)}})
        if n % 7 == 0:
            table.delete(n - 3)
        storage.flush()
        print(n, flush=True)  # committed: the parent may count on it
    """
)


def test_random_kills_lose_nothing_committed_and_leave_readable_files(isolated_env: Path) -> None:
    """SIGKILL a writer at random points (mid-append, mid-compaction, between the two), 25
    times; after each, every change it reported committed is there and the files open."""
    path = isolated_env / "db.json"
    rng = random.Random(7)
    script = _WRITER.format(repo=str(REPO), path=str(path), compact=2000)
    committed = 0
    for _ in range(25):
        proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.readline()  # started and committed at least one change
        time.sleep(rng.uniform(0, 0.05))
        os.kill(proc.pid, signal.SIGKILL)
        out = proc.stdout.read()
        proc.wait(timeout=10)
        reported = [int(x) for x in out.split()]
        committed = max([committed, *reported])
        data = JournalStorage(path).read()["t"]
        n_max = max(int(i) for i in data)
        assert n_max >= committed  # nothing reported committed is lost
        for n in range(1, n_max + 1):  # and every document is what the writer wrote
            expect = (
                None if (n + 3) % 7 == 0 and n + 3 <= n_max else {"n": n, "pad": "x" * (n % 300)}
            )
            assert data.get(str(n)) == expect, n
        assert not list(isolated_env.glob("*.corrupt-*"))
    assert committed > 25
    snapshot = json.loads(path.read_text())  # plain JSON
    assert snapshot["_journal"]["1"]["gen"] >= 3  # the kills also met compactions


@pytest.mark.parametrize("other_compacts", [False, True])
def test_a_second_writer_is_refused_not_written_over(isolated_env: Path, other_compacts) -> None:
    path = isolated_env / "db.json"
    first, db1 = _db(path)
    db1.store_table("t").put(1, {"v": 1})
    first.flush()
    second, db2 = _db(path)  # e.g. `jobpicks run` from cron while `jobpicks bot` runs
    db2.store_table("t").put(2, {"v": 2})
    second.flush()
    if other_compacts:
        second.compact()
    db1.store_table("t").put(3, {"v": 3})
    with pytest.raises(ConcurrentWrite, match="another jobpicks process"):
        first.flush()
    first.rollback()  # what the Store does with a failed step: read the files again
    assert first.read()["t"] == {"1": {"v": 1}, "2": {"v": 2}}
    db1.store_table("t").put(3, {"v": 3})
    first.flush()
    assert _contents(path)["t"] == {"1": {"v": 1}, "2": {"v": 2}, "3": {"v": 3}}
    assert not list(isolated_env.glob("*.corrupt-*"))
