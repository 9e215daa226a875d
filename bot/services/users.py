"""The operator's view: who the bot serves (id, kind, name, joined, how admitted, last run,
picks sent, LLM spend this month) and how each distinct search, board and list fetched
lately (source health). What `jobpicks users` prints and `/admin` shows the owner; it only
reads, so it works on a read-only Store beside a live bot. No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.context import AppContext
from bot.services import people
from bot.services.spend import spend_by_purpose
from bot.store.records import FetchRecord, Person

__all__ = ["PersonRow", "SourceRow", "overview", "people_rows", "source_rows"]

MAX_REASON = 80


@dataclass(frozen=True)
class PersonRow:
    id: int
    kind: str
    name: str
    joined: str  # ISO date
    via: str  # how they were admitted: config, migrated, allowlist, invite:<code>, open, …
    last_run: str  # ISO day, or "" (never)
    picks_sent: int
    month_usd: float
    month_tokens: int
    setting_up: bool = False  # admitted, onboarding not finished: no morning yet


@dataclass(frozen=True)
class SourceRow:
    kind: str  # search / board / list
    label: str
    fetched_at: datetime | None
    state: str
    reason: str
    postings: int


def _row(ctx: AppContext, person: Person) -> PersonRow:
    pctx = ctx.for_person(person.id)
    first_day = pctx.now().date().replace(day=1).isoformat()
    month = spend_by_purpose(pctx, first_day).values()
    last = people.last_run(ctx, person.id)
    return PersonRow(
        id=person.id,
        kind=person.kind,
        name=person.name,
        joined=person.joined_at.date().isoformat(),
        via=person.via,
        last_run=last.day if last is not None else (person.last_run_day or ""),
        picks_sent=ctx.db.picks_sent_to(person.id, person.id),
        month_usd=sum(s.cost_usd for s in month),
        month_tokens=sum(s.tokens for s in month),
        setting_up=people.setting_up(ctx, person),
    )


def people_rows(ctx: AppContext) -> list[PersonRow]:
    """Everyone in the people table, in the order they came."""
    return [_row(ctx, p) for p in people.all(ctx)]


def _source(record: FetchRecord) -> SourceRow:
    return SourceRow(
        kind=record.kind,
        label=record.label or record.key,
        fetched_at=record.fetched_at,
        state=record.state or "never fetched",
        reason=record.reason,
        postings=record.postings,
    )


def source_rows(ctx: AppContext) -> list[SourceRow]:
    """The last fetch of each distinct search, board and list: failing ones first."""
    rows = [_source(r) for r in ctx.db.fetch_log()]
    return sorted(rows, key=lambda r: (r.state == "ok", r.kind, r.label.lower()))


def _person_line(row: PersonRow) -> str:
    name = f" {row.name}" if row.name else ""
    if row.last_run:
        ran = f"last run {row.last_run}"
    else:
        ran = "still setting up" if row.setting_up else "no run yet"
    spend = f"${row.month_usd:.4f}, {row.month_tokens:,} tokens this month"
    return (
        f"{row.id} ({row.kind}){name} · joined {row.joined} via {row.via} · {ran} · "
        f"{row.picks_sent} picks sent · {spend}"
    )


def _source_line(row: SourceRow) -> str:
    when = row.fetched_at.strftime("%Y-%m-%d %H:%M UTC") if row.fetched_at else "never"
    reason = f" ({row.reason[:MAX_REASON]})" if row.reason else ""
    return f"{row.kind} {row.label}: {row.state}{reason} · {when} · {row.postings} postings"


def overview(ctx: AppContext) -> list[str]:
    """The whole view as plain lines: a heading, the people, a heading, the sources."""
    rows = people_rows(ctx)
    sources = source_rows(ctx)
    lines = [f"People ({len(rows)})"]
    lines += [_person_line(r) for r in rows] or ["nobody yet"]
    lines += ["", f"Sources ({len(sources)})"]
    lines += [_source_line(s) for s in sources] or ["nothing fetched yet"]
    return lines
