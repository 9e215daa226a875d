"""The application pipeline: a chat's marks on picks — 🔖 saved → ✅ applied → 🗣 interviewing →
🎉 offer / ✖️ rejected, each with its date — a note per posting, and "closed" when the board
no longer has the posting; and what the marks teach the local scorer.

A mark is (chat, posting key, kind) with the day of the pick and when it was set (the
Store's marks table); tapping a stage again takes it back. A later stage implies the posting
was applied to (it sets ✅ applied too); offer and rejected exclude each other; taking ✅
applied back takes the later stages with it. Saved and applied count as strong positives for
learning: they are handed to `scoring.learning.learn` in the same shape as a 👍 (`Vote`), a
saved pick once and an applied one twice, through `votes_from_marks`; the later stages add
nothing (what an employer decides says nothing new about what the person wants).
No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.context import AppContext
from bot.store.records import MARK_KINDS, Mark, MarkKind, Note, Pick, Vote

SAVED: MarkKind = "saved"
APPLIED: MarkKind = "applied"
INTERVIEWING: MarkKind = "interviewing"
OFFER: MarkKind = "offer"
REJECTED: MarkKind = "rejected"
CLOSED: MarkKind = "closed"
KINDS = MARK_KINDS
# The pipeline, in order (offer and rejected both end it).
STAGES: tuple[MarkKind, ...] = (SAVED, APPLIED, INTERVIEWING, OFFER, REJECTED)
AFTER_APPLYING = (INTERVIEWING, OFFER, REJECTED)
# How many 👍 one mark is worth to learning: applying says more than saving.
WEIGHT: dict[str, int] = {SAVED: 1, APPLIED: 2}
NOTE_MAX_CHARS = 1000


def marks_of(ctx: AppContext, chat_id: int, key: str) -> set[MarkKind]:
    """The kinds this chat set on this posting."""
    return ctx.store.marks_on(chat_id, key)


async def toggle(ctx: AppContext, chat_id: int, pick: Pick, kind: str) -> bool:
    """Set the mark, or take it back when it is set; True when it is set afterwards. A later
    stage sets ✅ applied too; offer and rejected exclude each other; taking applied back
    takes the later stages with it."""
    if kind not in STAGES:
        raise ValueError(f"unknown mark {kind!r}")
    stage: MarkKind = kind  # type: ignore[assignment]
    async with ctx.store.transaction():
        store = ctx.store
        if store.unmark(chat_id, pick.key, stage):
            if stage == APPLIED:
                for later in AFTER_APPLYING:
                    store.unmark(chat_id, pick.key, later)
            return False
        store.mark(chat_id, pick, stage)
        if stage in AFTER_APPLYING:
            store.mark(chat_id, pick, APPLIED)
        if stage in (OFFER, REJECTED):
            store.unmark(chat_id, pick.key, REJECTED if stage == OFFER else OFFER)
    return True


async def unsave(ctx: AppContext, chat_id: int, pick: Pick) -> bool:
    """Take the 🔖 off (from the /saved list or a reminder); False when it was not saved."""
    async with ctx.store.transaction():
        return ctx.store.unmark(chat_id, pick.key, SAVED)


async def mark_closed(ctx: AppContext, chat_id: int, pick: Pick) -> None:
    """The board no longer has this posting (a reminder's check found it)."""
    async with ctx.store.transaction():
        ctx.store.mark(chat_id, pick, CLOSED)


async def mark_reminded(ctx: AppContext, chat_id: int, pick: Pick) -> None:
    async with ctx.store.transaction():
        ctx.store.remind_marked(chat_id, pick.key, SAVED, datetime.now(UTC))


# -- notes ------------------------------------------------------------------------------------
async def set_note(ctx: AppContext, chat_id: int, pick: Pick, text: str) -> str:
    """Write this chat's note on a posting (a "-" or nothing removes it); the note as kept."""
    text = " ".join(text.split())[:NOTE_MAX_CHARS]
    if text in ("-", "—"):
        text = ""
    async with ctx.store.transaction():
        ctx.store.set_note(
            Note(chat=chat_id, key=pick.key, day=pick.day, text=text, at=datetime.now(UTC))
        )
    return text


def note_of(ctx: AppContext, chat_id: int, key: str) -> str:
    found = ctx.store.note(chat_id, key)
    return found.text if found else ""


# -- the lists ----------------------------------------------------------------------------------
@dataclass
class Tracked:
    """One posting in a chat's pipeline: the pick, each stage's date, the note, closed."""

    pick: Pick
    stages: dict[str, datetime] = field(default_factory=dict)  # kind -> when (stages only)
    note: str = ""
    closed: datetime | None = None
    reminded: datetime | None = None

    @property
    def stage(self) -> str:
        """The furthest stage reached."""
        return max(self.stages, key=STAGES.index)

    @property
    def at(self) -> datetime:
        return self.stages[self.stage]


def tracked(ctx: AppContext, chat_id: int) -> list[Tracked]:
    """Every posting this chat marked, newest stage first (dates in the configured zone)."""
    found: dict[str, Tracked] = {}
    tz = ctx.config.schedule.tz  # dates as the person's calendar has them
    for m in ctx.store.marks(chat_id):
        at = (m.at if m.at.tzinfo else m.at.replace(tzinfo=UTC)).astimezone(tz)
        item = found.get(m.key)
        if item is None:
            pick = ctx.store.pick(m.day, m.key)
            if pick is None:
                continue
            item = found[m.key] = Tracked(pick)
        if m.kind == CLOSED:
            item.closed = at
        else:
            item.stages[m.kind] = at
            if m.kind == SAVED:
                item.reminded = m.reminded_at
    for note in ctx.store.notes(chat_id):
        if note.key in found:
            found[note.key].note = note.text
    items = [t for t in found.values() if t.stages]
    return sorted(items, key=lambda t: t.at, reverse=True)


def saved_list(ctx: AppContext, chat_id: int) -> list[Tracked]:
    """/saved: saved and not applied to yet, newest first."""
    return [t for t in tracked(ctx, chat_id) if t.stage == SAVED]


def applied_list(ctx: AppContext, chat_id: int) -> list[Tracked]:
    """/applied: applied to, at whatever stage since, newest step first."""
    return [t for t in tracked(ctx, chat_id) if t.stage != SAVED]


def one(ctx: AppContext, chat_id: int, key: str) -> Tracked | None:
    """One posting's place in the pipeline, or None when this chat never marked it."""
    return next((t for t in tracked(ctx, chat_id) if t.pick.key == key), None)


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
    """Each saved / applied mark as 👍 votes for learning (saved ×1, applied ×2), built from
    its pick."""
    votes: list[Vote] = []
    for m in all_marks(ctx):
        weight = WEIGHT.get(m.kind, 0)
        pick = ctx.store.pick(m.day, m.key) if weight else None
        if pick is None:
            continue
        shared = pick.model_dump(include=set(Vote.model_fields) - {"chat", "vote", "reason", "at"})
        vote = Vote(**shared, chat=m.chat, vote="up", reason=None, at=m.at)
        votes.extend([vote] * weight)
    return votes
