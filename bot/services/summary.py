"""The one-screen run summary printed at the end of `jobpicks run` / `demo`."""

from __future__ import annotations

import re

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


# -- the header's funnel ------------------------------------------------------------------------
def looked_at(record: RunRecord) -> int:
    """The postings a run looked at: the new ones and those carried over from earlier runs
    (not the duplicates and the ones seen before). The header and /stats count the same."""
    return record.counts.new + record.counts.retried


def funnel(record: RunRecord) -> str:
    """ "70 collected, 21 duplicates, 10 filtered out, 39 scored": where the collected went
    (a zero step is left out, except filtered and scored)."""
    c = record.counts
    steps = [
        (c.collected, "collected"),
        (c.duplicates, "duplicates"),
        (c.seen, "seen before"),
        (c.retried, "carried over"),
    ]
    parts = [f"{n} {what}" for n, what in steps if n or what == "collected"]
    parts += [f"{c.filtered} filtered out", f"{c.scored} scored"]
    if c.unscored:
        parts.append(f"{c.unscored} not scored")
    return ", ".join(parts)


# -- a day with no picks: why, and what to change ----------------------------------------------
_AGE = re.compile(r"^older than (\d+) days$")
MAX_AGE_SUGGESTED = 365


def _filter_reason(reason: str) -> tuple[str, str]:
    """A veto reason (`scoring.filters.veto`) as people read it, and the command that
    loosens it."""
    if m := _AGE.match(reason):
        days = int(m.group(1))
        return reason, f"/filters age {min(days * 2, MAX_AGE_SUGGESTED)}"
    if reason == "location":
        return "outside your places", "/filters places … (more places, or anywhere)"
    if reason == "blocked company":
        return "from a blocked company", "/profile unblock <company>"
    if reason == "pay below minimum":
        return "paying less than your minimum", "/filters pay … (a lower yearly pay)"
    if reason.startswith("title word"):
        return f"with the {reason}", "/setup (your excluded title words)"
    if reason.startswith("employment type"):
        return reason, "/filters types …"
    if reason.startswith("level"):
        return reason, "/filters levels …"
    if reason.startswith("workplace"):
        return reason, "/filters workplace …"
    return reason, "/filters"


def why_no_picks(record: RunRecord) -> list[str]:
    """Why a finished run gave a chat no picks, from what the run recorded, and what to
    change: each line plain text (the caller escapes it). Empty when the run had picks
    (the chat's own settings left them out: `picks_left_out`)."""
    c = record.counts
    looked = looked_at(record)
    if c.picked:
        return []
    if looked == 0:
        if c.collected == 0:
            fix = (
                "see the sources below"
                if any(s.state != "ok" for s in record.sources)
                else ("/searches add … asks for more")
            )
            return ["No postings came in this morning.", f"→ {fix}"]
        return [
            f"Nothing new: all {c.collected} collected were seen before or twice today.",
            "→ /searches add … widens what is asked",
        ]
    if c.filtered == looked:
        ranked = sorted(record.filtered_reasons.items(), key=lambda kv: (-kv[1], kv[0]))
        readable = [(_filter_reason(reason), n) for reason, n in ranked]
        if len(readable) == 1:
            ((why, fix), _), *_ = readable
            lines = [f"All {looked} filtered out: {why}."]
        else:
            parts = ", ".join(f"{n} {why}" for (why, _), n in readable[:3])
            lines = [f"All {looked} filtered out: {parts}."]
        fixes = list(dict.fromkeys(fix for (_, fix), _ in readable[:2]))
        return [*lines, f"→ to see more: {' · '.join(fixes)}"]
    if c.scored == 0 and c.unscored:
        why = _counter(record.unscored_reasons) or "scoring failed"
        return [f"None of the {c.unscored} could be scored ({why}); they are tried again next run."]
    return [
        f"None of the {c.scored} scored reached your minimum score.",
        "→ /settings min_score … (a lower one) · /profile (what you want)",
    ]


def picks_left_out(record: RunRecord) -> list[str]:
    """The run picked some, but none is for this chat now (a minimum score raised or a
    company blocked since)."""
    n = record.counts.picked
    return [
        f"Today's {n} pick{'s' if n != 1 else ''} are below your minimum score or from a "
        "company you blocked since the run.",
        "→ /settings min_score … · /profile unblock <company>",
    ]
