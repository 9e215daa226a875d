"""Bring a database file written by an older jobpicks to today's layout (`SCHEMA_VERSION`).

Works on the raw tables (table name -> document id -> document), before any model reads
them. A record no model accepts any more is kept in the "unreadable" table, never dropped.
The tables of `LOG_TABLES` come out of `migrate` as tables; the Store moves their records
into the append-only logs of the same names (the last part of the step to 3).

The step to 4 gives a single-profile database to one person, the `owner` the Store is opened
for (the first of TELEGRAM_CHAT_IDS, else the local person): every profile version, pick,
run, proposal, setting, spend record and picked posting becomes theirs. Votes, marks, notes
and chat states already name their chat, which is now their person; a pick another chat was
sent is also kept as that chat's own (with the day's run and picked postings), so its buttons,
/saved, notes and /export still work there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from bot.store.records import (
    LOCAL_PERSON,
    SCHEMA_VERSION,
    ChatState,
    HeaderSent,
    LearningState,
    Overrides,
    Person,
    ProfileHead,
    ProfileVersion,
    StoreInfo,
    Unreadable,
    Vote,
    kind_of,
)
from scoring.llm.proposals import Proposal
from scoring.profile import Profile
from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)

Tables = dict[str, dict[str, Any]]

STORE = "store"  # the table that holds `StoreInfo` (document 1)
# Tables that live in append-only logs of their own from layout 3 on (`bot.store.appendlog`).
LOG_TABLES = ("seen", "scores")


class MigrationError(JobpicksError):
    """The file cannot be brought to today's layout (e.g. written by a newer jobpicks)."""


def schema_version(data: Tables) -> int:
    """0 for an empty file, 1 for the layout before versions, else the stored number."""
    if not any(data.values()):
        return 0
    info = data.get(STORE, {}).get("1")
    if info is None:
        return 1
    version = info.get("schema_version") if isinstance(info, dict) else None
    if not isinstance(version, int) or version < 2:
        raise MigrationError(f"its schema version is unreadable: {version!r}")
    return version


def migrate(data: Tables, owner: int = LOCAL_PERSON) -> tuple[Tables, int]:
    """Return the data in today's layout and the version it came from; a single-profile
    database becomes `owner`'s. Raises `MigrationError` for a file from a newer jobpicks (it
    must not be rewritten)."""
    found = schema_version(data)
    if found > SCHEMA_VERSION:
        raise MigrationError(
            f"it was written by a newer jobpicks (database schema {found}; this one reads "
            f"up to {SCHEMA_VERSION}): upgrade jobpicks, or set JOBPICKS_DB to another file"
        )
    version = found
    while version and version < SCHEMA_VERSION:
        data = _v3_to_v4(data, owner) if version == 3 else _STEPS[version](data)
        version += 1
    if found and found < SCHEMA_VERSION:
        data[STORE] = {"1": info_doc(migrated_from=found)}
    return data, found


def info_doc(migrated_from: int | None) -> dict[str, Any]:
    info = StoreInfo(
        schema_version=SCHEMA_VERSION,
        migrated_from=migrated_from,
        migrated_at=datetime.now(UTC) if migrated_from else None,
    )
    return info.model_dump(mode="json")


# -- 1 -> 2: one "meta" document split into typed tables ------------------------------------------
def _v1_to_v2(old: Tables) -> Tables:
    new: Tables = {}
    unreadable: list[Unreadable] = []
    # Unchanged in shape (their models read them as they are).
    for name in ("seen", "scores", "picks", "runs"):
        if name in old:
            new[name] = dict(old[name])
    new["pool"] = dict(old.get("pending", {}))

    votes: dict[str, Any] = {}
    for doc_id, doc in old.get("votes", {}).items():
        try:
            votes[doc_id] = Vote.model_validate(doc).model_dump(mode="json")
        except ValidationError as exc:
            unreadable.append(Unreadable(table="votes", doc=doc, why=_why(exc)))
    new["votes"] = votes

    profiles: dict[str, Any] = {}
    for doc_id, doc in old.get("profiles", {}).items():
        fields = {k: doc[k] for k in ("about", "directives", "learned", "filters") if k in doc}
        try:
            version = ProfileVersion(
                profile=Profile.model_validate(fields | {"version": int(doc_id)}),
                parent=doc.get("parent"),
                note=doc.get("note", ""),
                created_at=doc.get("created_at"),
            )
        except (ValidationError, ValueError) as exc:
            unreadable.append(Unreadable(table="profiles", doc=doc, why=_why(exc)))
            continue
        profiles[doc_id] = version.model_dump(mode="json")
    new["profiles"] = profiles

    meta = dict(old.get("meta", {}).get("1", {}))
    _table_of(
        new,
        "profile_head",
        meta.pop("profile_version", None),
        lambda v: ProfileHead(version=int(v)),
        unreadable,
    )
    _table_of(
        new,
        "learning",
        meta.pop("learning_votes_at_last_proposal", None),
        lambda v: LearningState(votes_at_last_proposal=int(v)),
        unreadable,
    )
    _table_of(
        new, "overrides", meta.pop("settings_overrides", None), Overrides.model_validate, unreadable
    )

    proposals: dict[str, Any] = {}
    for doc in meta.pop("learning_proposals", None) or []:
        try:
            proposal = Proposal.model_validate(doc)
        except ValidationError as exc:
            unreadable.append(Unreadable(table="proposals", doc=doc, why=_why(exc)))
            continue
        proposals[str(proposal.id)] = proposal.model_dump(mode="json")
    new["proposals"] = proposals

    chats: dict[int, ChatState] = {}
    for chat in meta.pop("paused_chats", None) or []:
        chats.setdefault(int(chat), ChatState(chat=int(chat))).paused = True
    for chat, why in (meta.pop("unreachable_chats", None) or {}).items():
        chats.setdefault(int(chat), ChatState(chat=int(chat))).unreachable = str(why)
    new["chats"] = {
        str(i): state.model_dump(mode="json") for i, state in enumerate(chats.values(), start=1)
    }

    headers = [
        HeaderSent(chat=int(chat), day=day)
        for day, chat_ids in sorted((meta.pop("headers_sent", None) or {}).items())
        for chat in chat_ids
    ]
    new["headers"] = {str(i): h.model_dump(mode="json") for i, h in enumerate(headers, start=1)}

    meta.pop("doctor_checked_at", None)  # the doctor's last write check: not kept from 3 on
    new[STORE] = {"1": info_doc(migrated_from=1)}

    for key, value in meta.items():  # whatever else the meta document held
        unreadable.append(Unreadable(table="meta", doc={key: value}, why="unknown meta key"))
    # Tables this version does not know are carried over as they are.
    known = {"seen", "scores", "picks", "runs", "pending", "votes", "profiles", "meta"}
    for name, table in old.items():
        if name not in known:
            new[name] = dict(table)
    new["unreadable"] = {
        str(i): u.model_dump(mode="json") for i, u in enumerate(unreadable, start=1)
    }
    if unreadable:
        log.warning(
            "database migration kept %d record(s) no model reads in the 'unreadable' table",
            len(unreadable),
        )
    return new


def _table_of(
    new: Tables,
    name: str,
    value: Any,
    build: Callable[[Any], Any],
    unreadable: list[Unreadable],
) -> None:
    """A one-document table from one meta value."""
    new[name] = {}
    if value is None:
        return
    try:
        new[name]["1"] = build(value).model_dump(mode="json")
    except (ValidationError, ValueError, TypeError) as exc:
        unreadable.append(Unreadable(table=name, doc=value, why=_why(exc)))


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(map(str, err['loc']))}: {err['msg']}"[:200]
    return str(exc)[:200]


# -- 2 -> 3: seen postings and scores leave the snapshot; the doctor writes nothing ---------------
def _v2_to_v3(old: Tables) -> Tables:
    """Every table as it was: the Store moves `LOG_TABLES` to their logs as it writes the
    new layout, and `migrate` writes the new "store" document (without `checked_at`)."""
    return {name: dict(table) for name, table in old.items()}


# -- 3 -> 4: the one profile's records become the owner's -----------------------------------------
# Tables whose records get a "person"; votes, marks, notes, chats and headers name theirs as
# "chat".
OWNED = (
    "picks",
    "runs",
    "profiles",
    "profile_head",
    "proposals",
    "learning",
    "overrides",
    "spend",
    "picked",
)


def _v3_to_v4(old: Tables, owner: int) -> Tables:
    new: Tables = {name: dict(table) for name, table in old.items()}
    for name in OWNED:
        new[name] = {i: {**doc, "person": owner} for i, doc in old.get(name, {}).items()}
    # A pick sent to other chats is theirs too now: a copy each (with the runs of its day),
    # so their buttons, /saved, /applied, /stats and /export keep finding it.
    picks: dict[str, Any] = {}
    runs = dict(new["runs"])
    next_pick = max(map(int, old.get("picks", {})), default=0) + 1
    next_run = max(map(int, runs), default=0) + 1
    days_of: dict[int, set[str]] = {}
    for doc_id, doc in new["picks"].items():
        sent = doc.get("sent") if isinstance(doc.get("sent"), dict) else {}
        picks[doc_id] = {**doc, "sent": {c: m for c, m in sent.items() if c == str(owner)}}
        for chat, message_id in sent.items():
            try:
                other = int(chat)
            except ValueError:
                continue
            if other == owner:
                continue
            picks[str(next_pick)] = {**doc, "person": other, "sent": {chat: message_id}}
            next_pick += 1
            days_of.setdefault(other, set()).add(str(doc.get("day")))
    for other, days in sorted(days_of.items()):
        for run in old.get("runs", {}).values():
            if run.get("day") in days:
                runs[str(next_run)] = {**run, "person": other}
                next_run += 1
    new["picks"], new["runs"] = picks, runs
    # The picked postings of the day (a rescore's input) go with the copies of that day.
    picked = dict(new["picked"])
    next_picked = max(map(int, picked), default=0) + 1
    for other, days in sorted(days_of.items()):
        for doc in old.get("picked", {}).values():
            if doc.get("day") in days:
                picked[str(next_picked)] = {**doc, "person": other}
                next_picked += 1
    new["picked"] = picked
    new["pool"] = {
        i: {**doc, "found_by": [f"person:{owner}"]} for i, doc in old.get("pool", {}).items()
    }
    old_runs = old.get("runs", {}).values()
    finished = [
        r.get("day") for r in old_runs if r.get("status") == "done" and not r.get("dry_run")
    ]
    created = [p.get("created_at") for p in old.get("profiles", {}).values() if p.get("created_at")]
    person = Person(
        id=owner,
        kind=kind_of(owner),
        joined_at=min(created) if created else datetime.now(UTC),
        via="migrated",
        last_run_day=max((d for d in finished if isinstance(d, str)), default=None),
    )
    new["people"] = {"1": person.model_dump(mode="json")}
    new.setdefault("fetches", {})
    return new


_STEPS: dict[int, Callable[[Tables], Tables]] = {1: _v1_to_v2, 2: _v2_to_v3}
