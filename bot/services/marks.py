"""🔖 Saved and ✅ applied: a chat's marks on picks, and what they teach the local scorer.

A mark is (chat, posting key, kind) with the day of the pick and when it was set; tapping
the button again removes it. Both kinds count as strong positives for learning: they are
handed to `scoring.learning.learn` in the same shape as a 👍 (`Vote`), a saved pick once and
an applied one twice, through `votes_from_marks`. No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from bot.context import AppContext
from bot.store.records import Pick, Vote

SAVED, APPLIED = "saved", "applied"
KINDS = (SAVED, APPLIED)
# How many 👍 one mark is worth to learning: applying says more than saving.
WEIGHT = {SAVED: 1, APPLIED: 2}

_META = "pick_marks"  # [{chat, key, day, kind, at}] (until the Store has a typed table)


@dataclass(frozen=True)
class Mark:
    chat: int
    key: str
    day: str
    kind: str
    at: datetime


def _all(ctx: AppContext) -> list[Mark]:
    out = []
    for d in ctx.store.get_meta(_META) or []:
        try:
            out.append(
                Mark(int(d["chat"]), d["key"], d["day"], d["kind"], datetime.fromisoformat(d["at"]))
            )
        except (KeyError, TypeError, ValueError):
            continue  # one unreadable record must not hide the others
    return out


def _dump(marks: list[Mark]) -> list[dict[str, object]]:
    return [
        {"chat": m.chat, "key": m.key, "day": m.day, "kind": m.kind, "at": m.at.isoformat()}
        for m in marks
    ]


def marks_of(ctx: AppContext, chat_id: int, key: str) -> set[str]:
    """The kinds this chat set on this posting ({"saved", "applied"} or fewer)."""
    return {m.kind for m in _all(ctx) if m.chat == chat_id and m.key == key}


async def toggle(ctx: AppContext, chat_id: int, pick: Pick, kind: str) -> bool:
    """Set the mark, or remove it when it is set; True when it is set afterwards."""
    if kind not in KINDS:
        raise ValueError(f"unknown mark {kind!r}")
    async with ctx.store.transaction():
        marks = _all(ctx)
        mine = [m for m in marks if (m.chat, m.key, m.kind) == (chat_id, pick.key, kind)]
        if mine:
            marks = [m for m in marks if m not in mine]
        else:
            marks.append(Mark(chat_id, pick.key, pick.day, kind, datetime.now(UTC)))
        ctx.store.set_meta(_META, _dump(marks))
    return not mine


def listed(ctx: AppContext, chat_id: int, kind: str) -> list[tuple[Pick, datetime]]:
    """This chat's picks with a mark of `kind` and when it was set, newest first."""
    found = []
    for m in sorted(_all(ctx), key=lambda m: m.at, reverse=True):
        if m.chat != chat_id or m.kind != kind:
            continue
        pick = ctx.store.pick(m.day, m.key)
        if pick is not None:
            found.append((pick, m.at))
    return found


def all_marks(ctx: AppContext, chat_id: int | None = None) -> list[Mark]:
    """Every mark (of one chat, when given), oldest first."""
    return sorted((m for m in _all(ctx) if chat_id in (None, m.chat)), key=lambda m: m.at)


def votes_from_marks(ctx: AppContext) -> list[Vote]:
    """Each mark as 👍 votes for learning (saved ×1, applied ×2), built from its pick."""
    votes: list[Vote] = []
    for m in _all(ctx):
        pick = ctx.store.pick(m.day, m.key)
        if pick is None:
            continue
        shared = pick.model_dump(include=set(Vote.model_fields) - {"chat", "vote", "reason", "at"})
        vote = Vote(**shared, chat=m.chat, vote="up", reason=None, at=m.at)
        votes.extend([vote] * WEIGHT[m.kind])
    return votes
