import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from bot.store import Store, StoreError
from bot.store.records import Pick
from scoring.models import Score
from scoring.profile import Filters, Profile
from scrapers.models import Posting
from tests.conftest import REPO


def _posting(i: int) -> Posting:
    return Posting(
        source="lever",
        source_id=str(i),
        url=f"https://jobs.lever.co/x/{i}",
        title=f"Job {i}",
        company="Acme",
        description="d" * 100,
    )


async def test_writes_need_a_transaction_and_flush_once(isolated_env):
    store = Store(isolated_env / "db.json")
    with pytest.raises(StoreError):
        store.add_seen([("a:1", None, "2026-01-01")])
    async with store.transaction():
        assert store.add_seen([("a:1", "fp1", "2026-01-01"), ("a:2", None, "2026-01-01")]) == 2
        assert store.add_seen([("a:1", "fp1", "2026-01-01")]) == 0
        assert not (isolated_env / "db.json").exists()  # nothing hits the disk mid-step
    data = json.loads((isolated_env / "db.json").read_text())
    assert len(data["seen"]) == 2
    reopened = Store(isolated_env / "db.json")
    assert (
        reopened.is_seen("a:2")
        and reopened.is_seen("other:9", "fp1")
        and not reopened.is_seen("a:3")
    )


async def test_corrupt_file_is_moved_aside_not_overwritten(isolated_env):
    path = isolated_env / "db.json"
    path.write_text('{"seen": {"1": {"k": "a:1"')  # truncated JSON
    store = Store(path)
    assert store.moved_aside is not None and store.moved_aside.exists()
    assert store.moved_aside.read_text() == '{"seen": {"1": {"k": "a:1"'
    assert ".corrupt-" in store.moved_aside.name
    async with store.transaction():
        store.add_seen([("a:2", None, "2026-01-01")])
    assert Store(path).is_seen("a:2")


_KILLED_WRITER = textwrap.dedent(
    """
    import asyncio, os, sys, time
    sys.path.insert(0, {repo!r})
    from bot.store import Store

    async def main():
        store = Store({path!r})
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            print("in-flush", flush=True)
            time.sleep(60)  # the parent kills us here: temp file written, not yet renamed
        os.fsync = slow_fsync
        async with store.transaction():
            store.add_seen(("new:%d" % i, None, "2026-01-02") for i in range(5000))

    asyncio.run(main())
    """
)


def test_process_killed_mid_write_leaves_previous_file_loadable(isolated_env):
    path = isolated_env / "db.json"

    async def seed() -> None:
        store = Store(path)
        async with store.transaction():
            store.add_seen([("old:1", None, "2026-01-01")])

    asyncio.run(seed())
    before = path.read_bytes()
    script = _KILLED_WRITER.format(repo=str(REPO), path=str(path))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "in-flush"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=10)
    assert path.read_bytes() == before
    leftovers = list(isolated_env.glob(".db.json.*.tmp"))
    assert leftovers, "the killed writer should have left its temp file behind"
    reopened = Store(path)
    assert reopened.is_seen("old:1") and not reopened.is_seen("new:1")
    assert reopened.moved_aside is None
    assert not list(isolated_env.glob(".db.json.*.tmp"))  # stale temp files are cleaned at open


async def test_pool_scores_picks_and_delivery_state(isolated_env):
    store = Store(isolated_env / "db.json")
    p = _posting(1)
    score = Score(
        posting_key=p.key, score=70, reason="r", summary="s", scorer="local", profile_version=1
    )
    async with store.transaction():
        store.set_pending([(p, "2026-01-01")])
        store.put_scores([("ck1", score)], "2026-01-01")
        store.save_picks([Pick.from_scored("2026-01-01", 1, p, score)])
        store.mark_sent("2026-01-01", p.key, 42, 1001)
    store = Store(isolated_env / "db.json")
    assert store.pending() == [(p, "2026-01-01")]
    assert store.cached_score("ck1") == score and store.cached_score("ck2") is None
    [pick] = store.picks_for("2026-01-01")
    assert pick.sent == {"42": 1001}
    assert store.picked_keys() == {p.key}


async def test_profile_versions_and_undo(isolated_env):
    store = Store(isolated_env / "db.json")
    seed = Profile(about="I like ML", filters=Filters(blocked_companies=["X"]))
    v1 = await store.ensure_profile(seed)
    assert v1.version == 1 and v1.about == "I like ML"
    assert (await store.ensure_profile(Profile(about="other"))).about == "I like ML"
    async with store.transaction():
        v2 = store.save_profile(v1.model_copy(update={"about": "I like data"}), "set about")
    assert v2.version == 2 and store.current_profile().about == "I like data"
    async with store.transaction():
        back = store.undo_profile()
    assert back is not None and back.version == 1 and back.about == "I like ML"
    async with store.transaction():
        assert store.undo_profile() is None  # nothing before the first version
    history = store.profile_history()
    assert [h["version"] for h in history] == [1, 2]
    assert [h["current"] for h in history] == [True, False]


async def test_votes_are_changeable(isolated_env):
    store = Store(isolated_env / "db.json")
    async with store.transaction():
        store.record_vote({"key": "a:1", "chat": 5, "vote": "up"})
        store.record_vote({"key": "a:1", "chat": 5, "vote": "down"})
        store.record_vote({"key": "a:1", "chat": 6, "vote": "up"})
    assert store.vote_for("a:1", 5)["vote"] == "down"
    assert len(store.votes()) == 2


async def test_flush_cost_is_one_write_per_step(isolated_env, monkeypatch):
    store = Store(isolated_env / "db.json")
    writes = []
    real_replace = os.replace
    monkeypatch.setattr(os, "replace", lambda a, b: (writes.append(b), real_replace(a, b)))
    async with store.transaction():
        store.add_seen((f"k:{i}", f"f{i}", "2026-01-01") for i in range(2000))
        store.set_pending([(_posting(i), "2026-01-01") for i in range(50)])
    assert len(writes) == 1


async def test_a_failed_step_keeps_none_of_its_changes(isolated_env):
    store = Store(isolated_env / "db.json")
    async with store.transaction():
        store.add_seen([("a:1", "fp1", "2026-01-01")])
    with pytest.raises(RuntimeError):
        async with store.transaction():
            store.add_seen([("a:2", "fp2", "2026-01-01")])
            store.set_meta("x", 1)
            raise RuntimeError("boom")
    assert store.is_seen("a:1") and not store.is_seen("a:2") and not store.is_seen("z", "fp2")
    assert store.get_meta("x") is None
    async with store.transaction():  # a later step does not resurrect the failed one
        store.set_meta("y", 2)
    reopened = Store(isolated_env / "db.json")
    assert (
        not reopened.is_seen("a:2")
        and reopened.get_meta("x") is None
        and reopened.get_meta("y") == 2
    )


async def test_a_write_the_disk_refuses_does_not_poison_later_steps(isolated_env, monkeypatch):
    store = Store(isolated_env / "db.json")
    async with store.transaction():
        store.set_meta("a", 1)
    real_replace = os.replace

    def disk_full(_src, _dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError):
        async with store.transaction():
            store.set_meta("b", 2)
    monkeypatch.setattr(os, "replace", real_replace)
    assert store.get_meta("b") is None  # memory matches the disk again
    async with store.transaction():
        store.set_meta("c", 3)
    reopened = Store(isolated_env / "db.json")
    assert (reopened.get_meta("a"), reopened.get_meta("b"), reopened.get_meta("c")) == (1, None, 3)
    assert not list(isolated_env.glob(".db.json.*.tmp"))
