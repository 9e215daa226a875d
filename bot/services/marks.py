"""🔖 Saved and ✅ applied: a chat's marks on picks, and what they teach the local scorer.

A mark is (chat, posting key, kind) with the day of the pick and when it was set (the
Store's marks table); tapping the button again removes it. Both kinds count as strong
positives for learning: they are handed to `scoring.learning.learn` in the same shape as a
👍 (`Vote`), a saved pick once and an applied one twice, through `votes_from_marks`.
No Telegram types here.
"""

from __future__ import annotations

from datetime import datetime

from bot.context import AppContext
from bot.store.records import MARK_KINDS, Mark, MarkKind, Pick, Vote

SAVED: MarkKind = "saved"
APPLIED: MarkKind = "applied"
KINDS = MARK_KINDS
# How many 👍 one mark is worth to learning: applying says more than saving.
WEIGHT = {SAVED: 1, APPLIED: 2}


def marks_of(ctx: AppContext, chat_id: int, key: str) -> set[MarkKind]:
    """The kinds this chat set on this posting ({"saved", "applied"} or fewer)."""
    return ctx.store.marks_on(chat_id, key)


async def toggle(ctx: AppContext, chat_id: int, pick: Pick, kind: str) -> bool:
    """Set the mark, or remove it when it is set; True when it is set afterwards."""
    if kind not in KINDS:
        raise ValueError(f"unknown mark {kind!r}")
    async with ctx.store.transaction():
        if ctx.store.unmark(chat_id, pick.key, kind):  # type: ignore[arg-type]
            return False
        ctx.store.mark(chat_id, pick, kind)  # type: ignore[arg-type]
    return True


def listed(ctx: AppContext, chat_id: int, kind: MarkKind) -> list[tuple[Pick, datetime]]:
    """This chat's picks with a mark of `kind` and when it was set, newest first."""
    found = []
    for m in ctx.store.marks(chat_id, kind):
        pick = ctx.store.pick(m.day, m.key)
        if pick is not None:
            found.append((pick, m.at))
    return found


def all_marks(ctx: AppContext, chat_id: int | None = None) -> list[Mark]:
    """Every mark (of one chat, when given), oldest first."""
    if chat_id is None:
        return ctx.store.all_marks()
    return sorted(ctx.store.marks(chat_id), key=lambda m: m.at)


def votes_from_marks(ctx: AppContext) -> list[Vote]:
    """Each mark as 👍 votes for learning (saved ×1, applied ×2), built from its pick."""
    votes: list[Vote] = []
    for m in all_marks(ctx):
        pick = ctx.store.pick(m.day, m.key)
        if pick is None:
            continue
        shared = pick.model_dump(include=set(Vote.model_fields) - {"chat", "vote", "reason", "at"})
        vote = Vote(**shared, chat=m.chat, vote="up", reason=None, at=m.at)
        votes.extend([vote] * WEIGHT[m.kind])
    return votes
