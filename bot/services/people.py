"""Who jobpicks serves: the people table, making and forgetting a person, who is served now,
and what the operator and the scheduler read of each (their schedule, last run, spend).

A person is a chat (`person` = its id): a private chat is one person, a group one shared
person; the local person (`LOCAL_PERSON`, 0) is jobpicks without Telegram. The chats of
TELEGRAM_CHAT_IDS are served (the first is the owner), and so is anyone admitted another way
(JOBPICKS_ACCESS: `bot.services.access`) until they are forgotten; their mornings begin once
they have a profile of their own. No Telegram types here.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from bot.context import FILE_SEEDED, AppContext
from bot.services import chat_state
from bot.services.spend import spent_today
from bot.store.records import LOCAL_PERSON, Person, RunRecord, kind_of

__all__ = [
    "LOCAL_PERSON",
    "PersonSchedule",
    "add",
    "all",
    "awaits_setup",
    "candidates",
    "ensure_configured",
    "forget",
    "get",
    "gets_mornings",
    "is_served",
    "listed",
    "last_run",
    "schedule_of",
    "served",
    "setting_up",
    "spend_today",
]


def all(ctx: AppContext) -> list[Person]:  # noqa: A001 - the name the others call
    """Everyone jobpicks knows (served or not), in the order they came."""
    return ctx.db.people()


def get(ctx: AppContext, person: int) -> Person | None:
    return ctx.db.person_record(person)


async def add(
    ctx: AppContext,
    person: int,
    *,
    via: str,
    name: str = "",
    kind: str | None = None,
    on_create: Callable[[], None] | None = None,
) -> Person:
    """Make `person` someone jobpicks knows (and serves): the one way a person is created.
    `via` says how they came ("config", "onboarding", "invite:<code>", "open", …). Adding
    someone already known changes nothing but an empty name; their record is returned.
    `on_create` runs in the same step only when the person is new (an invite's use is
    booked with the person it admits, or neither is; raising keeps neither)."""
    db = ctx.db
    async with db.transaction():
        known = db.person_record(person)
        if known is not None:
            if name and not known.name:
                known = known.model_copy(update={"name": name[:120]})
                db.save_person(known)
            return known
        if on_create is not None:
            on_create()
        record = Person(
            id=person,
            kind=kind or kind_of(person),  # type: ignore[arg-type]
            name=name[:120],
            joined_at=datetime.now(UTC),
            via=via,
        )
        db.save_person(record)
    ctx.for_person(person).refresh(always=True)
    return record


async def forget(ctx: AppContext, person: int) -> int:
    """Delete everything about a person: profile versions, picks, votes, marks, settings,
    searches, runs, proposals, spend, chat state, and their people record. What everyone
    shares (postings in the pool and the seen set, the score cache, the fetch log) stays.
    Returns how many records went."""
    db = ctx.db
    async with db.transaction():
        gone = db.forget_person(person)
    ctx.forget_context(person)
    return gone


async def ensure_configured(ctx: AppContext) -> list[Person]:
    """Every chat of TELEGRAM_CHAT_IDS (or the local person, with none) is in the people
    table; the new ones are added (`via="config"`). Writes only when one is missing."""
    chats = ctx.settings.telegram_chat_ids or [LOCAL_PERSON]
    missing = [c for c in chats if ctx.db.person_record(c) is None]
    for chat in missing:
        await add(ctx, chat, via="config")
    return [p for c in chats if (p := ctx.db.person_record(c)) is not None]


def served(ctx: AppContext) -> list[int]:
    """Who is served now, and so gets a morning: the chats of TELEGRAM_CHAT_IDS (the owner
    first), or the local person when none is configured, then everyone admitted another way
    — except someone the access mode admitted who has not set up a profile yet (see
    `awaits_setup`). Reads every person's record: for one person, `gets_mornings`."""
    chats = listed(ctx)
    return chats + [p for p in _others(ctx, set(chats)) if gets_mornings(ctx, p)]


def listed(ctx: AppContext) -> builtins.list[int]:
    """The people served whatever the people table says: the chats of TELEGRAM_CHAT_IDS (the
    owner first), or the local person when none is configured."""
    return builtins.list(ctx.settings.telegram_chat_ids or [LOCAL_PERSON])


def candidates(ctx: AppContext) -> builtins.list[int]:
    """Everyone who may get a morning, without the profile check of `gets_mornings`: what a
    caller that checks them in slices (the bot's watchdog) walks through."""
    chats = listed(ctx)
    return chats + _others(ctx, set(chats))


def _others(ctx: AppContext, listed_: set[int]) -> builtins.list[int]:
    return [p.id for p in ctx.db.people() if p.via not in FILE_SEEDED and p.id not in listed_]


def gets_mornings(ctx: AppContext, person: int) -> bool:
    """Whether `person` is one of `served(ctx)`, reading only their own records: what a
    morning job fired for one person asks (O(1), where `served` reads everyone)."""
    if person in listed(ctx):
        return True
    record = ctx.db.person_record(person)
    if record is None or record.via in FILE_SEEDED:
        return False
    return not setting_up(ctx, record)


def setting_up(ctx: AppContext, record: Person) -> bool:
    """Whether the access mode admitted this person and they have not finished onboarding
    (no morning yet; `jobpicks users` says so)."""
    return record.via.partition(":")[0] in ADMITTED and awaits_setup(ctx, record.id)


# How the access mode admits a person (`bot.services.access`; an invite's via is
# ``invite:<code>``): admitted on /start, before onboarding has asked them anything.
ADMITTED = ("allowlist", "invite", "open")


def awaits_setup(ctx: AppContext, person: int) -> bool:
    """Whether the person's profile is still the built-in example (they were admitted and
    have not finished onboarding). Such a person is served in the chat but gets no morning:
    picks for a profile that is not theirs would be noise. Onboarding makes their morning
    job as it saves their profile."""
    pctx = ctx.for_person(person)
    if pctx.seeded_from_file():
        return False
    example = pctx.config.profile.to_profile()
    current = pctx.store.current_profile(example)
    return (current.about, current.directives, current.filters) == (
        example.about,
        example.directives,
        example.filters,
    )


def is_served(ctx: AppContext, person: int) -> bool:
    if person in ctx.settings.telegram_chat_ids:
        return True
    record = ctx.db.person_record(person)
    return record is not None and record.via not in FILE_SEEDED


@dataclass(frozen=True)
class PersonSchedule:
    """When a person's morning is: what a JobQueue job per person is built from."""

    person: int
    at: time
    timezone: ZoneInfo
    days: tuple[int, ...]  # 0 = Sunday, as python-telegram-bot counts
    paused: bool


def schedule_of(ctx: AppContext, person: int) -> PersonSchedule:
    """A person's delivery time, timezone, days and pause, in one call."""
    pctx = ctx.for_person(person)
    sched = pctx.config.schedule
    return PersonSchedule(
        person=person,
        at=sched.at,
        timezone=sched.tz,
        days=tuple(sched.days),
        paused=chat_state.is_paused(pctx, person),
    )


def last_run(ctx: AppContext, person: int) -> RunRecord | None:
    """The person's last finished run (not a dry run), or None."""
    done = [r for r in ctx.for_person(person).store.all_runs() if r.status == "done"]
    done = [r for r in done if not r.dry_run]
    return max(done, key=lambda r: r.started_at, default=None)


def spend_today(ctx: AppContext, person: int) -> tuple[float, int]:
    """Dollars and tokens the person spent on the LLM today."""
    return spent_today(ctx.for_person(person))
