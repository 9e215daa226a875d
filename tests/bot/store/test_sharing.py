"""Several Stores on one file, as several processes open it (two Stores in one process lock
each other out like two processes do): readers never write, writers take turns and each keeps
the other's changes, a writer that cannot get its turn says so and keeps nothing."""

from __future__ import annotations

import ast
import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from tinydb import TinyDB
from tinydb.table import Table

from bot.store import AlreadyServing, PersonStore, Store, StoreBusy, StoreReadOnly
from bot.store.lines import encode
from bot.store.locks import WriteLock
from bot.store.records import ChatState, Pick, SeenPosting, Vote
from scoring.models import Score
from scrapers.postings.posting import Posting
from tests.cli_support import REPO

DAY = "2026-03-02"


PERSON = 5


def _open(path: Path, **options: object) -> PersonStore:
    """One person's view of a Store (what the services read through)."""
    return Store(path, **options).person(PERSON)  # type: ignore[arg-type]


def _pick(i: int) -> Pick:
    posting = Posting(
        source="lever", source_id=str(i), url=f"https://x/{i}", title=f"Job {i}", company="Acme"
    )
    score = Score(
        posting_key=posting.key,
        score=70,
        reason="r",
        summary="s",
        scorer="local",
        profile_version=1,
    )
    return Pick.from_scored(DAY, i, posting, score)


def _vote(pick: Pick, chat: int, vote: str) -> Vote:
    shared = pick.model_dump(include=set(Vote.model_fields) - {"chat", "vote", "reason", "at"})
    return Vote(**shared, chat=chat, vote=vote, at=datetime(2026, 3, 2, 9, tzinfo=UTC))


def _append(db: Path, *lines: bytes) -> None:
    """Lines written to the journal behind the Store's back (as another process would)."""
    with open(db.with_name(db.name + ".journal"), "ab") as fh:
        fh.write(b"".join(lines))


def _snapshot_of(folder: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in sorted(folder.iterdir())}


async def _seeded(path: Path) -> PersonStore:
    store = _open(path)
    async with store.transaction():
        store.save_picks([_pick(1), _pick(2)])
        store.add_seen([SeenPosting(key="lever:1", day=DAY)])
    return store


async def test_two_writers_take_turns_and_keep_each_others_changes(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    bot = await _seeded(path)
    run = _open(path)  # e.g. `jobpicks run` from cron beside the bot
    p1, p2 = bot.picks_for(DAY)
    async with bot.transaction():
        bot.record_vote(_vote(p1, 5, "up"))
        bot.mark_sent(DAY, p1.key, 5, 100)
    async with run.transaction():
        run.record_vote(_vote(p2, 5, "down"))  # a new vote: a new id, never the bot's
        run.mark_sent(DAY, p1.key, 6, 200)  # the bot's delivery record is kept
        run.add_seen([SeenPosting(key="lever:9", day=DAY)])
    async with bot.transaction():
        bot.mark(5, p2, "saved")
    assert run.is_seen("lever:1") and bot.is_seen("lever:9")  # reads catch up too
    for store in (_open(path), bot, run):
        assert [(v.key, v.vote) for v in store.votes()] == [(p1.key, "up"), (p2.key, "down")]
        assert store.pick(DAY, p1.key).sent == {"5": 100, "6": 200}
        assert store.marks_on(5, p2.key) == {"saved"}


async def test_a_reader_never_writes_moves_or_locks(isolated_env: Path, caplog) -> None:
    path = isolated_env / "db.json"
    writer = await _seeded(path)
    async with writer.transaction():
        writer.mark_sent(DAY, _pick(1).key, 5, 100)
    # A damaged line and a torn tail: what a writer would set aside or cut.
    _append(
        path,
        encode({"t": {"chats": {"9": {"chat": 9}}}}).replace(b'"chat":9', b'"chat":8'),
        encode({"t": {"chats": {"10": {"chat": 10, "paused": True}}}}),
        b"0000 {half a line",
    )
    before = _snapshot_of(isolated_env)
    reader = _open(path, read_only=True)
    assert reader.pick(DAY, _pick(1).key).sent == {"5": 100}
    assert reader.chat_state(10).paused and reader.chat_state(8) == ChatState(chat=8)
    with pytest.raises(StoreReadOnly):
        async with reader.transaction():
            pass
    await reader.check_writable()
    assert _snapshot_of(isolated_env) == before  # no file written, moved, copied or created
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


async def test_a_writer_waits_for_the_lock_then_writes(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    store = await _seeded(path)
    other = WriteLock(path)  # another process inside its transaction
    other.acquire_blocking()
    asyncio.get_running_loop().call_later(0.1, other.release)
    async with store.transaction():
        store.save_chat_state(ChatState(chat=1, paused=True))
    assert _open(path).chat_state(1).paused


async def test_a_writer_that_cannot_get_the_lock_says_so_and_keeps_nothing(
    isolated_env: Path,
) -> None:
    path = isolated_env / "db.json"
    await _seeded(path)
    store = _open(path, lock_wait=0.05)
    other = WriteLock(path)
    other.acquire_blocking()
    try:
        with pytest.raises(StoreBusy, match="busy: another jobpicks process"):
            async with store.transaction():
                store.save_chat_state(ChatState(chat=1, paused=True))
    finally:
        other.release()
    assert not store.chat_state(1).paused and not _open(path).chat_state(1).paused
    async with store.transaction():  # the lock is free again: the next step goes through
        store.save_chat_state(ChatState(chat=2, paused=True))
    assert _open(path).chat_state(2).paused


def test_one_bot_per_database(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    first, second = _open(path), _open(path)
    with first.claim("bot"):
        with (
            pytest.raises(AlreadyServing, match="another jobpicks bot is already serving"),
            second.claim("bot"),
        ):
            pass
        with second.claim("demo"):  # another role is another lock
            pass
    with second.claim("bot"):  # free once the first bot is gone
        pass


async def test_a_record_no_model_reads_is_skipped_with_one_warning(
    isolated_env: Path, caplog
) -> None:
    path = isolated_env / "db.json"
    store = await _seeded(path)
    bad = {"person": PERSON, "day": DAY, "key": "lever:broken", "rank": "first"}  # not a Pick
    _append(path, encode({"t": {"picks": {"77": bad}, "marks": {"1": {"chat": 5}}}}))
    assert [p.key for p in store.picks_for(DAY)] == [_pick(1).key, _pick(2).key]
    assert store.pick(DAY, "lever:broken") is None and store.all_marks() == []
    assert [p.key for p in store.picks_for(DAY)] == [_pick(1).key, _pick(2).key]
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2 and "unreadable Pick record (id 77: rank" in warnings[0]


async def test_the_doctors_check_writes_nothing(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    await _seeded(path)
    before = _snapshot_of(isolated_env)
    await _open(path, read_only=True).check_writable()
    assert _snapshot_of(isolated_env) == before
    assert "checked_at" not in json.loads(path.read_text())["store"]["1"]
    not_made_yet = isolated_env / "new" / "folder" / "db.json"
    await _open(not_made_yet, read_only=True).check_writable()  # a writer could make it
    assert not (isolated_env / "new").exists()


def test_the_store_uses_only_tinydbs_public_api() -> None:
    """No `_private` member of TinyDB's classes is named anywhere in our code."""
    private = {
        name
        for cls in (TinyDB, Table)
        for name in [*vars(cls), *("_storage", "_name", "_query_cache", "_next_id", "_tables")]
        if name.startswith("_") and not name.startswith("__")
    }
    assert {"_update_table", "_read_table", "_next_id", "_tables"} <= private
    used = set()
    for source in (REPO / "bot").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text("utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                used.add(f"{source.relative_to(REPO)}: .{node.attr}")
    assert not used, used
