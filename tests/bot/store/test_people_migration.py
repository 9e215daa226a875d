"""A single-profile database as the last jobpicks before people left it (layout 3, made by
`data/make_v3_db.py` on main at 26d5c1f: a bot serving chats 111 and 222) becomes the owner's
— the first chat of TELEGRAM_CHAT_IDS, else the local person — with every profile version,
pick (a dropped one too), picked posting, run, vote, mark (every stage, a reminder, a closed
posting), note, proposal, learning state, setting and chat state kept; the other chat keeps
the picks it was sent (and their buttons, and the day's picked postings), its votes, marks
and notes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.settings import Settings
from bot.store import Store
from bot.store.records import (
    LOCAL_PERSON,
    SCHEMA_VERSION,
    ChatState,
    Overrides,
    ProfileVersion,
)
from tests.conftest import run_jobpicks

DATA = Path(__file__).parent / "data"
V3 = DATA / "v3.json"
OWNER, OTHER = 111, 222


def _old() -> dict:
    """What layout 3's own code read from the fixture: the snapshot with every journal line
    applied, and the two logs."""
    data = json.loads(V3.read_text())
    for raw in (DATA / "v3.json.journal").read_bytes().splitlines()[1:]:
        entry = json.loads(raw.partition(b" ")[2])
        for name in entry.get("x", []):
            data[name] = {}
        for name, docs in entry.get("t", {}).items():
            for doc_id, doc in docs.items():
                if doc is None:
                    data.setdefault(name, {}).pop(doc_id, None)
                else:
                    data.setdefault(name, {})[doc_id] = doc
    for name in ("seen", "scores"):
        data[name] = [
            record
            for line in (DATA / f"v3.json.{name}").read_bytes().splitlines()
            for record in json.loads(line.partition(b" ")[2])
        ]
    return data


@pytest.fixture
def v3_db(isolated_env: Path) -> Path:
    path = isolated_env / "db" / "jobpicks.json"  # JOBPICKS_DB of the isolated env
    path.parent.mkdir()
    for suffix in ("", ".journal", ".seen", ".scores"):
        shutil.copy(DATA / f"v3.json{suffix}", path.with_name(path.name + suffix))
    return path


def _as_of(pick: dict, chat: int) -> dict:
    return {**pick, "sent": {c: m for c, m in pick["sent"].items() if c == str(chat)}}


def test_the_single_profile_database_becomes_the_owners(v3_db: Path) -> None:
    old = _old()
    assert old["store"]["1"]["schema_version"] == 3
    db = Store(v3_db, owner=OWNER)
    assert db.info().schema_version == SCHEMA_VERSION == 4 and db.info().migrated_from == 3
    kept = v3_db.with_name("jobpicks.json.schema3")
    assert kept.read_bytes() == V3.read_bytes()  # the way back
    owner, other = db.person(OWNER), db.person(OTHER)

    # The profile: every version, the current one, as it was.
    assert [h.model_dump(mode="json") for h in owner.profile_history()] == [
        ProfileVersion.model_validate(p).model_dump(mode="json") for p in old["profiles"].values()
    ]
    assert owner.current_profile().version == old["profile_head"]["1"]["version"] == 2
    assert other.profile_history() == []  # the other chat starts from the file's [profile]

    # Picks and runs: the owner's, each with its delivery to the owner; the other chat's own
    # copies of what it was sent.
    [day] = {p["day"] for p in old["picks"].values()}
    picks = sorted(old["picks"].values(), key=lambda p: p["rank"])
    assert [p.model_dump(mode="json") for p in owner.picks_for(day)] == [
        _as_of(p, OWNER) for p in picks
    ]
    assert [p.model_dump(mode="json") for p in other.picks_for(day)] == [
        _as_of(p, OTHER) for p in picks if str(OTHER) in p["sent"]
    ]
    runs = list(old["runs"].values())
    assert [r.model_dump(mode="json") for r in owner.all_runs()] == runs
    assert [r.model_dump(mode="json") for r in other.all_runs()] == runs
    assert owner.finished_run(day) and other.finished_run(day)

    # Votes, marks and chat states name their chat, which is its person now.
    votes = [v.model_dump(mode="json") for v in db.votes()]
    assert votes == list(old["votes"].values())
    assert [v["chat"] for v in votes] == [OWNER, OWNER, OTHER]
    assert {(m.key, m.kind) for m in owner.all_marks()} == {
        (m["key"], m["kind"]) for m in old["marks"].values() if m["chat"] == OWNER
    }
    assert {(m.key, m.kind) for m in other.all_marks()} == {
        (m["key"], m["kind"]) for m in old["marks"].values() if m["chat"] == OTHER
    }
    assert [c.model_dump(mode="json") for c in db.chat_states()] == list(old["chats"].values())
    assert db.chat_state(333) == ChatState(chat=333, paused=True)
    assert list(db.chat_state(OTHER).failed[day]) == [picks[0]["key"]]
    assert db.header_sent(day, OWNER) and db.header_sent(day, OTHER)
    assert db.chat_state(555).paused and db.chat_state(555).paused_until == "2026-02-02"
    # Marks field for field (stages, when one was reminded), notes: each chat's own.
    for person, store in ((OWNER, owner), (OTHER, other)):
        had = sorted(
            (m for m in old["marks"].values() if m["chat"] == person), key=lambda m: m["at"]
        )
        assert [m.model_dump(mode="json") for m in store.all_marks()] == had
        notes = [n for n in old["notes"].values() if n["chat"] == person]
        assert notes and [n.model_dump(mode="json") for n in store.notes(person)] == notes
    assert {m.kind for m in owner.all_marks()} >= {"saved", "applied", "interviewing", "closed"}
    assert any(m.reminded_at for m in other.all_marks())

    # The day's picked postings (a rescore's input): the owner's, and a copy for the other
    # chat, whose picks of that day they are too.
    postings = [e["posting"] for e in old["picked"].values()]
    assert len(postings) == len(picks)
    assert [p.model_dump(mode="json") for p in owner.picked_postings(day)] == postings
    assert [p.model_dump(mode="json") for p in other.picked_postings(day)] == postings
    assert [p.key for p in owner.picks_for(day) if p.dropped] == [picks[-1]["key"]]

    # The settings and searches changed in the chat, learning, spend: the owner's.
    assert owner.overrides() == Overrides.model_validate(old["overrides"]["1"])
    assert owner.overrides().schedule.time == "07:15" and other.overrides() == Overrides()
    assert [p.model_dump(mode="json") for p in owner.proposals()] == list(old["proposals"].values())
    assert owner.learning_state().model_dump(mode="json") == old["learning"]["1"]
    assert owner.learning_state().forgotten == {"w:backend": "backend"}
    assert owner.overrides().schedule.days == [1, 3, 5]
    assert owner.overrides().delivery.weekly_day == 5 and owner.overrides().delivery.compact
    assert [s.model_dump(mode="json") for s in owner.proposal_spend()] == list(
        old["spend"].values()
    )
    assert other.proposals() == [] and other.proposal_spend() == []

    # What everyone shares: the seen set, the score cache, the pool (the owner's candidates).
    assert db.seen_count() == len(old["seen"]) and all(db.is_seen(s["k"]) for s in old["seen"])
    [cached] = old["scores"]
    assert db.cached_score(cached["ck"]).model_dump(mode="json") == cached["score"]
    pool = db.pool()
    assert [e.key for e in pool] == [e["key"] for e in old["pool"].values()]
    assert all(e.found_by == [f"person:{OWNER}"] for e in pool)
    [person] = db.people()
    assert (person.id, person.kind, person.via, person.last_run_day) == (
        OWNER,
        "private",
        "migrated",
        day,
    )

    # Opened again (by anyone): migrated once, not twice.
    again = Store(v3_db, owner=999)
    assert again.info().migrated_from == 3 and again.person_record(999) is None
    assert len(again.picks_for(OWNER, day)) == len(picks)


def test_the_owners_settings_still_win_and_the_other_chat_starts_from_the_file(
    v3_db: Path,
) -> None:
    settings = Settings(_env_file=None, jobpicks_db=v3_db, telegram_chat_ids=[OWNER, OTHER])  # type: ignore[call-arg]
    ctx = AppContext(settings=settings, config=default_config(), store=Store(v3_db, owner=OWNER))
    assert ctx.person == OWNER
    sched = ctx.config.schedule
    assert (sched.time, sched.timezone, ctx.config.selection.max_picks) == (
        "07:15",
        "Europe/Berlin",
        7,
    )
    assert [s.keywords for s in ctx.config.searches][-1] == "data engineer intern"
    other = ctx.for_person(OTHER)
    assert other.config.schedule == default_config().schedule
    assert other.config.searches == default_config().searches
    assert other.store.current_profile(other.config.profile.to_profile()).about == (
        default_config().profile.about
    )


async def test_without_a_chat_it_becomes_the_local_persons(v3_db: Path) -> None:
    old = _old()
    picks = len(old["picks"])
    reader = Store(v3_db, read_only=True)  # migrated in memory: the logs read as they are
    assert reader.seen_count() == len(old["seen"]) and reader.pool()
    assert len(reader.picks_for(LOCAL_PERSON, next(iter(old["picks"].values()))["day"])) == picks
    # A reader (export) migrates in memory for whoever it acts for, and writes nothing.
    code, out, err = await run_jobpicks("export", "--format", "json")
    assert code == 0, err
    assert len(json.loads(out)) == picks
    assert not v3_db.with_name("jobpicks.json.schema3").exists()
    code, out, err = await run_jobpicks("export", "--format", "json", TELEGRAM_CHAT_IDS="111")
    assert code == 0 and len(json.loads(out)) == picks, err
    db = Store(v3_db)  # the first writer: no chat configured
    assert db.info().migrated_from == 3
    assert [p.id for p in db.people()] == [LOCAL_PERSON]
    assert len(db.person(LOCAL_PERSON).profile_history()) == 2
