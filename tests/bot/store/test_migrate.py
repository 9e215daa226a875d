"""A database written by the code before schema versions (commit 19d633a) opens in the typed
Store with every record carried over; a file from a newer jobpicks is refused, untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.settings import Settings
from bot.store import Store, StoreError
from bot.store.records import SCHEMA_VERSION, ChatState
from tests.conftest import run_jobpicks

V1 = Path(__file__).parent / "data" / "v1.json"


@pytest.fixture
def old_db(isolated_env: Path) -> Path:
    path = isolated_env / "jobpicks.json"
    shutil.copy(V1, path)
    return path


def test_every_record_of_the_old_layout_comes_across(old_db: Path) -> None:
    raw = json.loads(V1.read_text())
    meta = raw["meta"]["1"]
    store = Store(old_db)

    # The file now says its layout, and the old file is kept beside it.
    assert store.info().schema_version == SCHEMA_VERSION
    assert store.info().migrated_from == 1
    assert (old_db.parent / "jobpicks.json.schema1").read_bytes() == V1.read_bytes()
    assert str(store.info().checked_at.isoformat()) == "2026-01-05T08:00:00+00:00"

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
    # (`explore` is newer than that layout: a pick from it explored nothing)
    dumped = [p.model_dump(mode="json", exclude={"explore"}) for p in picks]
    assert all(not p.explore for p in picks)
    assert dumped == sorted(old_picks, key=lambda p: p["rank"])
    assert (
        store.picks_sent_to(111) == len(old_picks)
        and store.picks_sent_to(222) == len(old_picks) - 1
    )
    [run] = raw["runs"].values()
    assert [r.model_dump(mode="json") for r in store.all_runs()] == [run]
    assert store.finished_run(day) is not None

    # Votes: the three real ones as models; the one the Vote model rejects is kept aside.
    votes = store.votes()
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

    # No string meta document is left.
    assert "meta" not in json.loads(old_db.read_text())


async def test_migrated_file_works_on_and_reopens_without_migrating_again(old_db: Path) -> None:
    store = Store(old_db)
    async with store.transaction():
        assert store.undo_profile().version == 1
    reopened = Store(old_db)
    assert reopened.current_profile().version == 1
    assert reopened.info().migrated_from == 1  # not migrated a second time


def test_settings_from_the_old_file_still_win_over_the_config(old_db: Path) -> None:
    ctx = AppContext(
        settings=Settings(_env_file=None, jobpicks_db=old_db),  # type: ignore[call-arg]
        config=default_config(),
        store=Store(old_db),
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
