import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from bot.store import PersonStore, Store, StoreError, StoreWriteFailed
from bot.store.records import (
    ChatState,
    DeliveryPrefs,
    LearningState,
    Mark,
    Overrides,
    Pick,
    PoolEntry,
    ProfileVersion,
    SeenPosting,
    SelectionOverrides,
    Vote,
)
from scoring.llm.proposals import Proposal
from scoring.models import Score
from scoring.profile import Filters, Profile
from scrapers.options import SearchConfig
from scrapers.postings.posting import Posting
from tests.cli_support import REPO

PERSON = 7


def _open(path, **options) -> PersonStore:
    """One person's view of a Store (what the services read through)."""
    return Store(path, **options).person(PERSON)


def _seen(key: str, fingerprint: str | None = None) -> SeenPosting:
    return SeenPosting(key=key, fingerprint=fingerprint, day="2026-01-01")


def _entry(p: Posting) -> PoolEntry:
    return PoolEntry(key=p.key, day="2026-01-01", posting=p)


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
    store = _open(isolated_env / "db.json")
    with pytest.raises(StoreError):
        store.add_seen([_seen("a:1")])
    async with store.transaction():
        assert store.add_seen([_seen("a:1", "fp1"), _seen("a:2")]) == 2
        assert store.add_seen([_seen("a:1", "fp1")]) == 0
        assert not (isolated_env / "db.json").exists()  # nothing hits the disk mid-step
    assert "seen" not in json.loads((isolated_env / "db.json").read_text())  # in its own log
    assert (isolated_env / "db.json.seen").read_bytes().count(b'"k":') == 2
    reopened = _open(isolated_env / "db.json")
    assert (
        reopened.is_seen("a:2")
        and reopened.is_seen("other:9", "fp1")
        and not reopened.is_seen("a:3")
    )


async def test_corrupt_file_is_moved_aside_not_overwritten(isolated_env):
    path = isolated_env / "db.json"
    path.write_text('{"seen": {"1": {"k": "a:1"')  # truncated JSON
    store = _open(path)
    assert store.moved_aside is not None and store.moved_aside.exists()
    assert store.moved_aside.read_text() == '{"seen": {"1": {"k": "a:1"'
    assert ".corrupt-" in store.moved_aside.name
    async with store.transaction():
        store.add_seen([_seen("a:2")])
    assert _open(path).is_seen("a:2")


_KILLED_WRITER = textwrap.dedent(
    """
    import asyncio, os, sys, time
    sys.path.insert(0, {repo!r})
    from bot.store import Store
    from bot.store.records import ChatState

    async def main():
        store = Store({path!r})
        real_fsync = os.fsync
        def slow_fsync(fd):
            real_fsync(fd)
            print("in-flush", flush=True)
            time.sleep(60)  # the parent kills us here: temp file written, not yet renamed
        os.fsync = slow_fsync
        async with store.transaction():
            store.save_chat_state(ChatState(chat=9, paused=True))

    asyncio.run(main())
    """
)


@pytest.mark.slow
def test_process_killed_mid_rewrite_leaves_previous_file_loadable(isolated_env):
    path = isolated_env / "db.json"

    async def seed() -> None:
        store = _open(path)
        async with store.transaction():
            store.add_seen([_seen("old:1")])

    asyncio.run(seed())
    # Without its journal the next step rewrites the whole file (as a first write, a
    # migration or a compaction does): temp file, fsync, rename.
    path.with_name("db.json.journal").unlink()
    before = path.read_bytes()
    script = _KILLED_WRITER.format(repo=str(REPO), path=str(path))
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "in-flush"
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=10)
    assert path.read_bytes() == before
    leftovers = list(isolated_env.glob(".db.json.*.tmp"))
    assert leftovers, "the killed writer should have left its temp file behind"
    reopened = _open(path)
    assert reopened.is_seen("old:1") and not reopened.chat_state(9).paused
    assert reopened.moved_aside is None
    assert not list(isolated_env.glob(".db.json.*.tmp"))  # stale temp files are cleaned at open


async def test_pool_scores_picks_and_delivery_state(isolated_env):
    store = _open(isolated_env / "db.json")
    p = _posting(1)
    score = Score(
        posting_key=p.key, score=70, reason="r", summary="s", scorer="local", profile_version=1
    )
    async with store.transaction():
        store.set_pool([_entry(p)])
        store.put_scores([("ck1", score)], "2026-01-01")
        store.save_picks([Pick.from_scored("2026-01-01", 1, p, score)])
        store.mark_sent("2026-01-01", p.key, 42, 1001)
    store = _open(isolated_env / "db.json")
    assert store.pool() == [_entry(p)]
    assert store.cached_score("ck1") == score and store.cached_score("ck2") is None
    [pick] = store.picks_for("2026-01-01")
    assert pick.sent == {"42": 1001}
    assert store.picked_keys() == {p.key}


async def test_profile_versions_and_undo(isolated_env):
    store = _open(isolated_env / "db.json")
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
    assert [h.version for h in history] == [1, 2]
    assert [h.current for h in history] == [True, False]
    assert history[1].note == "set about" and history[1].parent == 1


def _vote(key: str, chat: int, vote: str, reason: str | None = None) -> Vote:
    return Vote(
        key=key,
        chat=chat,
        vote=vote,
        reason=reason,
        day="2026-01-01",
        score=70,
        scorer="local",
        profile_version=1,
        title="Job",
        company="Acme",
        at=datetime(2026, 1, 1, 9, tzinfo=UTC),
    )


async def test_votes_are_changeable(isolated_env):
    store = _open(isolated_env / "db.json")
    async with store.transaction():
        store.record_vote(_vote("a:1", 5, "up"))
        store.record_vote(_vote("a:1", 5, "down", "senior"))
        store.record_vote(_vote("a:1", 6, "up"))
    reopened = _open(isolated_env / "db.json")
    assert reopened.vote_for("a:1", 5) == _vote("a:1", 5, "down", "senior")
    assert len(reopened.shared.votes()) == 2 and reopened.votes(6) == [_vote("a:1", 6, "up")]
    assert reopened.vote_for("a:1", 7) is None


async def test_a_step_is_one_journal_append_of_what_it_changed(isolated_env, monkeypatch):
    path = isolated_env / "db.json"
    store = _open(path)
    async with store.transaction():  # the first write creates the file
        store.add_seen(_seen(f"k:{i}", f"f{i}") for i in range(2000))
    snapshot = path.read_bytes()
    replaced, appended = [], []
    real_replace, real_pwrite = os.replace, os.pwrite
    monkeypatch.setattr(os, "replace", lambda a, b: (replaced.append(b), real_replace(a, b)))
    monkeypatch.setattr(
        os, "pwrite", lambda fd, data, at: (appended.append(data), real_pwrite(fd, data, at))[1]
    )
    async with store.transaction():
        store.add_seen(_seen(f"new:{i}") for i in range(3))
        store.set_pool(_entry(_posting(i)) for i in range(50))
    # One line to the seen log, then one to the journal (which commits it): what changed,
    # not the rest; the snapshot untouched.
    assert replaced == [] and len(appended) == 2 and path.read_bytes() == snapshot
    log_line, journal_line = (a.decode() for a in appended)
    assert log_line.count('"new:') == 3 and '"k:1"' not in log_line
    assert journal_line.count('"key":"lever:') == 50 and '"seen":' in journal_line  # its length
    reopened = _open(path)
    assert reopened.seen_count() == 2003 and len(reopened.pool()) == 50


async def test_a_failed_step_keeps_none_of_its_changes(isolated_env):
    store = _open(isolated_env / "db.json")
    async with store.transaction():
        store.add_seen([_seen("a:1", "fp1")])
    with pytest.raises(RuntimeError):
        async with store.transaction():
            store.add_seen([_seen("a:2", "fp2")])
            store.save_chat_state(ChatState(chat=1, paused=True))
            raise RuntimeError("boom")
    assert store.is_seen("a:1") and not store.is_seen("a:2") and not store.is_seen("z", "fp2")
    assert not store.chat_state(1).paused
    async with store.transaction():  # a later step does not resurrect the failed one
        store.save_chat_state(ChatState(chat=2, paused=True))
    reopened = _open(isolated_env / "db.json")
    assert (
        not reopened.is_seen("a:2")
        and not reopened.chat_state(1).paused
        and reopened.chat_state(2).paused
    )


@pytest.mark.parametrize("write", ["pwrite", "replace"])  # a journal append, a whole rewrite
async def test_a_write_the_disk_refuses_does_not_poison_later_steps(
    isolated_env, monkeypatch, write
):
    store = _open(isolated_env / "db.json")
    async with store.transaction():
        store.save_chat_state(ChatState(chat=1, paused=True))
    if write == "replace":
        store.close()
        (isolated_env / "db.json.journal").unlink()  # the next step rewrites the file
        store = _open(isolated_env / "db.json")

    def disk_full(*_args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(os, write, disk_full)
        with pytest.raises(StoreWriteFailed, match="No space left on device"):
            async with store.transaction():
                store.save_chat_state(ChatState(chat=2, paused=True))
                store.add_seen([_seen("lost:1", "fp-lost")])
    assert not store.chat_state(2).paused  # memory matches the disk again
    assert not store.is_seen("lost:1") and not store.is_seen("x", "fp-lost")
    async with store.transaction():
        store.save_chat_state(ChatState(chat=3, paused=True))
    reopened = _open(isolated_env / "db.json")
    paused = [reopened.chat_state(c).paused for c in (1, 2, 3)]
    assert paused == [True, False, True]
    assert not list(isolated_env.glob(".db.json.*.tmp"))


def _pick(i: int, day: str = "2026-01-01") -> Pick:
    p = _posting(i)
    score = Score(
        posting_key=p.key, score=70, reason="r", summary="s", scorer="local", profile_version=1
    )
    return Pick.from_scored(day, i, p, score)


async def test_marks_on_picks_per_chat_and_kind(isolated_env):
    store = _open(isolated_env / "db.json")
    first, second = _pick(1), _pick(2, day="2026-01-02")
    async with store.transaction():
        saved = store.mark(5, first, "saved", at=datetime(2026, 1, 1, 9, tzinfo=UTC))
        store.mark(5, second, "saved", at=datetime(2026, 1, 2, 9, tzinfo=UTC))
        store.mark(5, first, "applied", at=datetime(2026, 1, 3, 9, tzinfo=UTC))
        store.mark(6, second, "applied", at=datetime(2026, 1, 3, 9, tzinfo=UTC))
        again = store.mark(5, first, "saved")  # marking twice keeps the first date
    assert again == saved and saved.day == "2026-01-01" and saved.key == first.key
    reopened = _open(isolated_env / "db.json")
    assert [m.key for m in reopened.marks(5, "saved")] == [second.key, first.key]  # newest first
    assert [(m.key, m.kind) for m in reopened.marks(5)] == [
        (first.key, "applied"),
        (second.key, "saved"),
        (first.key, "saved"),
    ]
    assert reopened.marks_on(5, first.key) == {"saved", "applied"}
    assert reopened.marks_on(6, first.key) == set()
    async with reopened.transaction():
        assert reopened.unmark(5, first.key, "saved") is True
        assert reopened.unmark(5, first.key, "saved") is False
    assert reopened.marks_on(5, first.key) == {"applied"}
    with pytest.raises(ValidationError):
        Mark(chat=5, key="k", day="2026-01-01", kind="liked", at=datetime.now(UTC))


async def test_overrides_hold_searches_and_delivery(isolated_env):
    store = _open(isolated_env / "db.json")
    assert store.overrides() == Overrides()
    wanted = Overrides(
        selection=SelectionOverrides(max_picks=3),
        searches=[SearchConfig(keywords="data engineer intern", location="Berlin")],
        delivery=DeliveryPrefs(cadence="weekdays", weekly_digest=True),
    )
    async with store.transaction():
        store.set_overrides(wanted)
    assert _open(isolated_env / "db.json").overrides() == wanted


async def test_profile_history_is_typed(isolated_env):
    store = _open(isolated_env / "db.json")
    await store.ensure_profile(Profile(about="a"))
    [version] = store.profile_history()
    assert isinstance(version, ProfileVersion) and version.current and version.parent is None


async def test_headers_chat_state_proposals_and_learning_state(isolated_env):
    store = _open(isolated_env / "db.json")
    proposal = Proposal(
        id=1,
        lines=["x"],
        base_learned=[],
        base_version=1,
        votes=10,
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    async with store.transaction():
        store.mark_header_sent("2026-01-01", 5)
        store.mark_header_sent("2026-01-01", 5)
        store.save_chat_state(ChatState(chat=5, unreachable="Forbidden"))
        store.save_proposal(proposal)
        store.save_proposal(proposal.model_copy(update={"status": "rejected"}))
        store.set_learning_state(LearningState(votes_at_last_proposal=10))
    reopened = _open(isolated_env / "db.json")
    assert reopened.header_sent("2026-01-01", 5) and not reopened.header_sent("2026-01-02", 5)
    assert reopened.chat_state(5).unreachable == "Forbidden"
    assert [p.status for p in reopened.proposals()] == ["rejected"]
    assert reopened.learning_state().votes_at_last_proposal == 10
    assert [c.chat for c in reopened.shared.chat_states()] == [5]


@pytest.mark.parametrize(
    "content",
    [
        '{"votes": []}',
        '{"votes": {"1": "up"}}',
        '{"profiles": {"one": {"about": "x"}}}',
        "[]",
        '"text"',
    ],
)
async def test_a_table_that_is_not_an_object_is_set_aside(isolated_env, content, caplog):
    path = isolated_env / "db.json"
    path.write_text(content)
    store = _open(path)
    assert store.moved_aside is not None and store.moved_aside.read_text() == content
    [line] = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert "corrupt" in line and str(store.moved_aside) in line
    # The profile goes into a fresh file, not into the broken one.
    await store.ensure_profile(Profile(about="mine"))
    assert _open(path).current_profile().about == "mine"
    assert store.moved_aside.read_text() == content


async def test_proposal_spend_is_one_record_a_day_and_survives_a_restart(tmp_path):
    from bot.store.records import DaySpend

    store = _open(tmp_path / "db.json")
    async with store.transaction():
        store.save_proposal_spend(DaySpend(day="2026-11-29", figures={"proposal.calls": 1}))
        store.save_proposal_spend(DaySpend(day="2026-11-30", figures={"proposal.calls": 1}))
    async with store.transaction():  # the same day again replaces, never adds
        store.save_proposal_spend(DaySpend(day="2026-11-30", figures={"proposal.calls": 3}))
    again = _open(tmp_path / "db.json")
    assert [(d.day, d.figures) for d in again.proposal_spend()] == [
        ("2026-11-29", {"proposal.calls": 1.0}),
        ("2026-11-30", {"proposal.calls": 3.0}),
    ]
    assert [d.day for d in again.proposal_spend("2026-11-30")] == ["2026-11-30"]
