"""/export and `jobpicks export`: picks with their scores, votes, the pipeline's marks (saved,
applied, interviewing, offer, rejected, closed: the date of each) and the chat's note, as CSV
or JSON, made to open as a spreadsheet: the CSV starts with a UTF-8 byte-order mark
(Excel reads a CSV without one in the machine's legacy code page: "Zürich" becomes
"ZÃ¼rich"), dates are dates (the day a pick was posted, saved or applied, in the configured
timezone: a column a spreadsheet sorts and filters, not a microsecond timestamp), and every
text is whole as stored (no "…"). No Telegram types here."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import Any

from bot.context import AppContext
from bot.services import marks
from bot.store.records import Vote

FIELDS = (
    "day",
    "rank",
    "score",
    "title",
    "company",
    "location",
    "workplace",
    "employment_type",
    "pay",
    "posted",
    "url",
    "source",
    "scorer",
    "reason",
    "summary",
    "vote",
    "vote_reason",
    "saved",
    "applied",
    "interviewing",
    "offer",
    "rejected",
    "closed",
    "note",
)
# A cell a spreadsheet would run as a formula (scraped titles are untrusted).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
# What tells Excel a CSV is UTF-8 (other spreadsheets skip it).
BOM = "\ufeff"


def _day(ctx: AppContext, at: datetime | None) -> str:
    """A moment as the date it was in the configured timezone ("" when unknown)."""
    if at is None:
        return ""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ctx.config.schedule.tz).date().isoformat()


def rows(ctx: AppContext, chat_id: int | None = None) -> list[dict[str, Any]]:
    """Every pick (sent to `chat_id`, when given), oldest day first, best first within a day,
    with that chat's vote and marks (any chat's, without one)."""
    store = ctx.store
    days = sorted({r.day for r in store.all_runs() if not r.dry_run})
    votes: dict[str, Vote] = {v.key: v for v in store.votes(chat_id)}
    marked: dict[str, dict[str, str]] = {}
    for m in marks.all_marks(ctx, chat_id):
        marked.setdefault(m.key, {})[m.kind] = _day(ctx, m.at)
    notes = {n.key: n.text for n in store.notes(chat_id)} if chat_id is not None else {}
    out = []
    for day in days:
        for pick in store.picks_for(day):
            if chat_id is not None and str(chat_id) not in pick.sent:
                continue
            vote = votes.get(pick.key)
            mark = marked.get(pick.key) or {}
            out.append(
                {
                    "day": pick.day,
                    "rank": pick.rank,
                    "score": pick.score,
                    "title": pick.title,
                    "company": pick.company,
                    "location": pick.location,
                    "workplace": pick.workplace or "",
                    "employment_type": pick.employment_type or "",
                    "pay": pick.pay.label() if pick.pay else "",
                    "posted": _day(ctx, pick.posted_at),
                    "url": pick.url,
                    "source": pick.source,
                    "scorer": pick.scorer,
                    "reason": pick.reason,
                    "summary": pick.summary,
                    "vote": vote.vote if vote else "",
                    "vote_reason": (vote.reason or "") if vote else "",
                    **{kind: mark.get(kind, "") for kind in marks.KINDS},
                    "note": notes.get(pick.key, ""),
                }
            )
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def to_csv(items: list[dict[str, Any]]) -> str:
    """CSV with a header row (RFC 4180 quoting; formula-like cells defused with a '),
    after a byte-order mark so Excel reads it as UTF-8."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\r\n")
    writer.writeheader()
    for item in items:
        writer.writerow({k: _cell(item.get(k, "")) for k in FIELDS})
    return out.getvalue()


def to_json(items: list[dict[str, Any]]) -> str:
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def export(ctx: AppContext, fmt: str, chat_id: int | None = None) -> str:
    """The export as text in `fmt` ("csv" or "json")."""
    items = rows(ctx, chat_id)
    if fmt == "csv":
        return to_csv(items)
    if fmt == "json":
        return to_json(items)
    raise ValueError(f"unknown export format {fmt!r} (csv or json)")
