"""The one-screen run summary printed at the end of `jobpicks run` / `demo`."""

from __future__ import annotations

from bot.store.records import RunRecord
from scoring.models import PURPOSES, Spend, spend_from_record

_MARK = {"ok": "✓", "partial": "~", "blocked": "✗", "failed": "✗"}
_STATUS = {"done": "done", "all-sources-failed": "every source failed", "running": "unfinished"}


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _counter(items: dict[str, int]) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(items.items(), key=lambda kv: (-kv[1], kv[0])))


def spend_line(purpose: str, s: Spend) -> str:
    """One purpose's LLM figures: calls, tokens in (cached), out, cost."""
    return (
        f"{purpose}: {_n(s.calls, 'call')} · {s.tokens_in} in ({s.cached_tokens} cached) · "
        f"{s.tokens_out} out · ${s.cost_usd:.4f}"
    )


def spend_lines(record: dict[str, float]) -> list[str]:
    """Per-purpose lines (triage, scoring, proposal) of a stored spend record."""
    out = []
    for purpose in PURPOSES:
        s = spend_from_record(record, purpose)
        if s.calls:
            out.append(spend_line(purpose, s))
    return out


def render_summary(
    record: RunRecord, *, scorer: str, timezone: str, already_ran: bool = False
) -> str:
    """Plain text, ≤ one screen: sources and their status, the funnel, spend, time."""
    c = record.counts
    lines = []
    if already_ran:
        lines.append(
            f"Today's run ({record.day}) already happened; nothing collected or scored again."
        )
        lines.append(
            "Use `jobpicks digest` to see its picks, or `jobpicks run --force` to run again."
        )
        return "\n".join(lines)
    head = f"jobpicks run {record.day} ({timezone})"
    if record.dry_run:
        head += " [dry run: nothing stored or sent]"
    status = _STATUS.get(record.status, record.status)
    lines.append(f"{head} — {status} in {record.seconds:.1f} s")
    lines.append("Sources:")
    if not record.sources:
        lines.append("  (none configured)")
    for s in record.sources:
        mark = _MARK.get(s.state, "?")
        detail = f"{_n(s.postings, 'posting')}, {_n(s.requests, 'request')}, {s.seconds:.1f} s"
        if s.state != "ok":
            detail = f"{s.state}: {s.reason} ({detail})"
        lines.append(f"  {mark} {s.source:<22} {detail}")
    if record.status == "all-sources-failed":
        lines.append(
            "!! EVERY SOURCE FAILED — no digest today. Check the reasons above (`jobpicks doctor`)."
        )
        return "\n".join(lines)
    lines.append(
        f"Postings: {c.collected} collected · {c.duplicates} duplicates · {c.seen} seen before · "
        f"{c.new} new · {c.retried} carried over"
    )
    filtered = f"Filtered: {c.filtered}"
    if record.filtered_reasons:
        filtered += f" ({_counter(record.filtered_reasons)})"
    lines.append(filtered)
    scored = f"Scored: {c.scored} ({scorer})"
    if c.unscored:
        scored += (
            f" · unscored {c.unscored} ({_counter(record.unscored_reasons)}) — retried next run"
        )
    lines.append(scored)
    spend = record.spend or {}
    if spend.get("calls"):
        lines.append(
            f"LLM: {int(spend['calls'])} calls · {int(spend.get('tokens_in', 0))} tokens in "
            f"({int(spend.get('cached_tokens', 0))} cached) · {int(spend.get('tokens_out', 0))} out · "
            f"${spend.get('cost_usd', 0.0):.4f}"
        )
        lines.extend(f"  {line}" for line in spend_lines(spend))
    lines.append(f"Picked: {c.picked}")
    lines.extend(f"Note: {n}" for n in record.notes)
    return "\n".join(lines)
