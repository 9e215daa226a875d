"""Databases of older layouts open with every record carried over: layout 1 (before schema
versions, commit 19d633a) and layout 2 (a snapshot and its journal, up to 14d697a), each then
the owner's (chat 111 here) as layout 4 gives a single-profile database to its owner; a reader
migrates in memory and writes nothing; a file from a newer jobpicks is refused, untouched.
Layout 3 (the single-profile database of the last jobpicks before people) is in
`test_people_migration.py`."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable
from pathlib import Path

import pytest
from pydantic import BaseModel

from bot.config import default_config
from bot.context import AppContext
from bot.settings import Settings
from bot.store import Store, StoreError
from bot.store.records import SCHEMA_VERSION, ChatState, Pick, ProfileVersion, Vote
from tests.conftest import run_jobpicks

V1 = Path(__file__).parent / "data" / "v1.json"
V2 = Path(__file__).parent / "data" / "v2.json"
V2_JOURNAL = V2.with_name("v2.json.journal")
OWNER = 111  # the first chat of TELEGRAM_CHAT_IDS when the file is first written again


def _sent_to(pick: dict, chat: int) -> dict:
    """An old pick as one person's: its delivery to that person's chat only."""
    return {**pick, "sent": {c: m for c, m in pick["sent"].items() if c == str(chat)}}


@pytest.fixture
def old_db(isolated_env: Path) -> Path:
    path = isolated_env / "jobpicks.json"
    shutil.copy(V1, path)
    return path


def test_every_record_of_the_old_layout_comes_across(old_db: Path) -> None:
    raw = json.loads(V1.read_text())
    meta = raw["meta"]["1"]
    shared = Store(old_db, owner=OWNER)
    store = shared.person(OWNER)

    # The file now says its layout, and the old file is kept beside it.
    assert store.info().schema_version == SCHEMA_VERSION
    assert store.info().migrated_from == 1
    assert (old_db.parent / "jobpicks.json.schema1").read_bytes() == V1.read_bytes()
    assert "checked_at" not in json.loads(old_db.read_text())["store"]["1"]  # the doctor's

    # Seen postings, pool, score cache, picks with delivery, runs: every record.
    seen = list(raw["seen"].values())
    assert store.seen_count() == len(seen)
    assert all(store.is_seen(d["k"]) for d in seen)
    assert all(store.is_seen("other:1", d["f"]) for d in seen if d.get("f"))
    pool = store.pool()
    assert [(e.key, e.day) for e in pool] == [(d["key"], d["day"]) for d in raw["pending"].values()]
    assert [e.posting.model_dump(mode="json") for e in pool] == [
        d["posting"] for d in raw["pending"].values()
    ]
    [cached] = raw["scores"].values()
    assert store.cached_score(cached["ck"]).model_dump() == cached["score"]
    old_picks = list(raw["picks"].values())
    [day] = {p["day"] for p in old_picks}
    picks = store.picks_for(day)
    # (`explore` and `dropped` are newer than that layout: a pick from it explored nothing,
    # and no rescore dropped it)
    assert all(not p.explore and not p.dropped for p in picks)
    newer = {"explore", "dropped"}
    want = sorted(old_picks, key=lambda p: p["rank"])
    dumped = [p.model_dump(mode="json", exclude=newer) for p in picks]
    assert dumped == [_sent_to(p, OWNER) for p in want]
    other = shared.person(222)  # a served chat that got the picks too: its own copies
    assert [p.model_dump(mode="json", exclude=newer) for p in other.picks_for(day)] == [
        _sent_to(p, 222) for p in want if "222" in p["sent"]
    ]
    assert store.picks_sent_to(111) == len(old_picks)
    assert other.picks_sent_to(222) == len(old_picks) - 1
    [run] = raw["runs"].values()
    assert [r.model_dump(mode="json") for r in store.all_runs()] == [run]
    assert store.finished_run(day) is not None and other.finished_run(day) is not None

    # Votes: the three real ones as models; the one the Vote model rejects is kept aside.
    votes = shared.votes()
    newer = {"employment_type", "pay", "workplace"}  # what learning reads, newer than the layout
    assert [v.model_dump(mode="json", exclude=newer) for v in votes] == [
        d for d in raw["votes"].values() if "score" in d
    ]
    assert store.vote_for(votes[-1].key, 222).reason == "location"
    unreadable = json.loads(old_db.read_text())["unreadable"]
    assert [u["doc"] for u in unreadable.values()] == [
        {"key": "lever:legacy", "chat": 5, "vote": "up"}
    ]

    # Profile versions, the current one, and undo back to the parent.
    history = store.profile_history()
    assert [(h.version, h.parent, h.current) for h in history] == [(1, None, False), (2, 1, True)]
    assert history[1].note == raw["profiles"]["2"]["note"]
    current = store.current_profile()
    assert current.version == meta["profile_version"] == 2
    assert current.filters.blocked_companies == raw["profiles"]["2"]["filters"]["blocked_companies"]

    # What the meta document held, each in its own table.
    assert store.chat_state(333) == ChatState(chat=333, paused=True)
    assert store.chat_state(444).unreachable == meta["unreachable_chats"]["444"]
    assert store.chat_state(111) == ChatState(chat=111)
    for headers_day, chats in meta["headers_sent"].items():
        for chat in chats:
            assert store.header_sent(headers_day, chat)
    assert not store.header_sent(day, 222)
    overrides = store.overrides()
    assert (
        overrides.schedule.model_dump(exclude_none=True) == meta["settings_overrides"]["schedule"]
    )
    assert (
        overrides.selection.model_dump(exclude_none=True) == meta["settings_overrides"]["selection"]
    )
    assert [p.model_dump(mode="json") for p in store.proposals()] == meta["learning_proposals"]
    assert store.learning_state().votes_at_last_proposal == meta["learning_votes_at_last_proposal"]

    [owner] = shared.people()
    assert (owner.id, owner.via, owner.last_run_day) == (OWNER, "migrated", day)

    # No string meta document is left; seen postings and scores are in their logs.
    snapshot = json.loads(old_db.read_text())
    assert "meta" not in snapshot and "seen" not in snapshot and "scores" not in snapshot
    assert [f.name for f in store.files()] == [
        "jobpicks.json",
        "jobpicks.json.journal",
        "jobpicks.json.seen",
        "jobpicks.json.scores",
    ]


async def test_migrated_file_works_on_and_reopens_without_migrating_again(old_db: Path) -> None:
    store = Store(old_db, owner=OWNER).person(OWNER)
    async with store.transaction():
        assert store.undo_profile().version == 1
    reopened = Store(old_db, owner=222)  # another owner now: the file is not migrated again
    assert reopened.current_profile(OWNER).version == 1
    assert reopened.info().migrated_from == 1
    assert reopened.profile_history(222) == []


def test_settings_from_the_old_file_still_win_over_the_config(old_db: Path) -> None:
    ctx = AppContext(
        settings=Settings(_env_file=None, jobpicks_db=old_db, telegram_chat_ids=[OWNER]),  # type: ignore[call-arg]
        config=default_config(),
        store=Store(old_db, owner=OWNER),
    )
    assert (ctx.config.schedule.time, ctx.config.schedule.timezone) == ("07:15", "Europe/Berlin")
    assert (ctx.config.selection.max_picks, ctx.config.selection.min_score) == (7, 55)


def _future(path: Path) -> bytes:
    data = json.loads(V1.read_text())
    data["store"] = {"1": {"schema_version": SCHEMA_VERSION + 1}}
    path.write_text(json.dumps(data))
    return path.read_bytes()


def test_a_file_from_a_newer_jobpicks_is_refused_untouched(isolated_env: Path) -> None:
    path = isolated_env / "jobpicks.json"
    before = _future(path)
    with pytest.raises(StoreError, match=f"newer jobpicks.*schema {SCHEMA_VERSION + 1}"):
        Store(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in isolated_env.iterdir()) == ["jobpicks.json"]


async def test_the_cli_names_a_newer_file_in_one_line(isolated_env: Path) -> None:
    path = isolated_env / "db" / "jobpicks.json"  # JOBPICKS_DB of the isolated env
    path.parent.mkdir()
    _future(path)
    code, out, err = await run_jobpicks("digest")
    assert code == 2, (out, err)
    [line] = err.strip().splitlines()
    assert "JOBPICKS_DB" in line and "newer jobpicks" in line and "Traceback" not in err


# -- layout 2: a snapshot and its journal, as main left them ------------------------------------
def _replayed_v2() -> dict:
    """What layout 2's own code read from the fixture: the snapshot with every journal line
    applied (each line holds whole documents: ``t``, emptied tables: ``x``)."""
    data = json.loads(V2.read_text())
    for raw in V2_JOURNAL.read_bytes().splitlines()[1:]:
        entry = json.loads(raw.partition(b" ")[2])
        for name in entry.get("x", []):
            data[name] = {}
        for name, docs in entry["t"].items():
            for doc_id, doc in docs.items():
                if doc is None:
                    data.setdefault(name, {}).pop(doc_id, None)
                else:
                    data.setdefault(name, {})[doc_id] = doc
    return data


@pytest.fixture
def v2_db(isolated_env: Path) -> Path:
    path = isolated_env / "jobpicks.json"
    shutil.copy(V2, path)
    shutil.copy(V2_JOURNAL, path.with_name("jobpicks.json.journal"))
    return path


def _now(model: type[BaseModel], docs: Iterable[dict]) -> list[dict]:
    """Old records as they read today: fields added since (with defaults) fill in."""
    return [model.model_validate(d).model_dump(mode="json") for d in docs]


def _every_record_of(shared: Store, old: dict, *, new_chats: int = 0) -> None:
    store = shared.person(OWNER)
    seen = list(old["seen"].values())
    assert store.seen_count() == len(seen) > 0
    assert all(store.is_seen(d["k"]) and store.is_seen("x:1", d["f"]) for d in seen)
    [cached] = old["scores"].values()
    assert store.cached_score(cached["ck"]).model_dump() == cached["score"]
    assert [e.model_dump(mode="json") for e in store.pool()] == [
        {**e, "found_by": [f"person:{OWNER}"]} for e in old["pool"].values()
    ]
    [day] = {p["day"] for p in old["picks"].values()}
    want = _now(Pick, sorted(old["picks"].values(), key=lambda p: p["rank"]))
    assert [p.model_dump(mode="json") for p in store.picks_for(day)] == [
        _sent_to(p, OWNER) for p in want
    ]
    other = shared.person(222)
    assert store.picks_sent_to(111) == len(want) and other.picks_sent_to(222) == len(want) - 1
    assert [r.model_dump(mode="json") for r in store.all_runs()] == list(old["runs"].values())
    assert [r.model_dump(mode="json") for r in other.all_runs()] == list(old["runs"].values())
    assert [v.model_dump(mode="json") for v in shared.votes()] == _now(Vote, old["votes"].values())
    assert store.vote_for(want[2]["key"], 222).reason == "location"
    assert sorted(m.model_dump(mode="json")["key"] for m in shared.all_marks()) == sorted(
        m["key"] for m in old["marks"].values()
    )
    assert store.marks_on(111, want[0]["key"]) == {"saved", "applied"}
    assert store.marks_on(222, want[1]["key"]) == set()
    # What the old files held, field for field (fields added since read as their defaults).
    chats = [c.model_dump(mode="json", exclude_unset=True) for c in shared.chat_states()]
    assert chats[: len(chats) - new_chats] == list(old["chats"].values())
    assert store.chat_state(333).paused and store.chat_state(444).unreachable
    assert store.header_sent(day, 111) and not store.header_sent(day, 222)
    # Fields added since (with defaults, e.g. the commuting radius) fill in as they read back.
    assert [h.model_dump(mode="json") for h in store.profile_history()] == _now(
        ProfileVersion, old["profiles"].values()
    )
    assert store.current_profile().version == old["profile_head"]["1"]["version"] == 2
    assert store.overrides().model_dump(mode="json", exclude_unset=True) == old["overrides"]["1"]
    assert [p.model_dump(mode="json") for p in store.proposals()] == list(old["proposals"].values())
    assert store.learning_state().votes_at_last_proposal == 4
    assert [s.model_dump(mode="json") for s in store.proposal_spend()] == list(
        old["spend"].values()
    )


def test_a_layout_2_database_and_its_journal_come_across(v2_db: Path) -> None:
    old = _replayed_v2()
    assert old["store"]["1"]["schema_version"] == 2 and old["store"]["1"]["checked_at"]
    store = Store(v2_db, owner=OWNER)
    _every_record_of(store, old)
    assert store.info().schema_version == SCHEMA_VERSION and store.info().migrated_from == 2
    # Both old files are kept, renamed together they are the old database again.
    assert (v2_db.parent / "jobpicks.json.schema2").read_bytes() == V2.read_bytes()
    kept_journal = v2_db.parent / "jobpicks.json.schema2.journal"
    assert kept_journal.read_bytes() == V2_JOURNAL.read_bytes()
    snapshot = json.loads(v2_db.read_text())
    assert "seen" not in snapshot and "scores" not in snapshot
    assert "checked_at" not in snapshot["store"]["1"]
    _every_record_of(Store(v2_db, owner=OWNER), old)  # from the new files alone
    assert Store(v2_db).info().migrated_from == 2  # not migrated a second time


async def test_a_reader_reads_layout_2_in_memory_and_writes_nothing(v2_db: Path) -> None:
    folder = v2_db.parent
    before = {f.name: f.read_bytes() for f in folder.iterdir()}
    reader = Store(v2_db, read_only=True, owner=OWNER)
    _every_record_of(reader, _replayed_v2())
    assert {f.name: f.read_bytes() for f in folder.iterdir()} == before  # no file touched
    # A writer migrates; the reader catches up with the new files and reads the same.
    writer = Store(v2_db, owner=OWNER)
    async with writer.transaction():
        writer.save_chat_state(ChatState(chat=555, paused=True))
    assert reader.chat_state(555).paused
    _every_record_of(reader, _replayed_v2(), new_chats=1)
