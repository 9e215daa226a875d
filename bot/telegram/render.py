"""Telegram HTML for every message the bot sends.

Every scraped or model-written string goes through `esc` (html.escape) and is clipped
before escaping, so a message stays well under Telegram's 4096 visible characters and one
stray `<` in a job title can never make Telegram reject the whole message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from bot.services.settings import SETTINGS, SettingsView
from bot.services.stats import Stats
from bot.services.summary import spend_line
from bot.store.records import Pick, RunRecord
from scoring.profile import Profile
from scrapers.text import cut

LIMIT = 4096


_TAG = re.compile(r"<[^>]*>")


def visible_len(markup: str) -> int:
    """Length of our HTML as Telegram counts it (escaped content has no raw < or >)."""
    return len(html.unescape(_TAG.sub("", markup)))


def fit(lines: list[str], limit: int = LIMIT) -> str:
    """Join lines (each one balanced HTML); drop whole lines from the end until it fits."""
    while lines and visible_len("\n".join(lines)) > limit - 2:
        lines = lines[:-1]
        if lines and lines[-1] != "…":
            lines = [*lines, "…"]
            if visible_len("\n".join(lines)) <= limit - 2:
                break
            lines = lines[:-1]
    return "\n".join(lines)


def with_note(markup: str, note: str, limit: int = LIMIT) -> str:
    """`markup` (a message's HTML) with `note` below it; just the note when both would not
    fit (cutting HTML anywhere else could leave half a tag, which Telegram rejects)."""
    both = f"{markup}\n\n{note}" if markup else note
    return both if visible_len(both) <= limit else note


def clip(text: str, limit: int) -> str:
    """At most `limit` characters of `text` on one line, with … when cut."""
    return cut(str(text), limit, one_line=True)


def esc(text: str, limit: int = 500) -> str:
    return html.escape(clip(text, limit), quote=True)


def _link(title: str, url: str) -> str:
    if url.startswith(("http://", "https://")) and len(url) <= 2000:
        return f'<a href="{html.escape(url, quote=True)}">{esc(title, 200)}</a>'
    return f"<b>{esc(title, 200)}</b>"


def pick_message(pick: Pick) -> str:
    """One pick: score, linked title, company and location, reason, summary, source."""
    place = f" · 📍 {esc(pick.location, 120)}" if pick.location else ""
    lines = [
        f"<b>{pick.score}/100</b> · #{pick.rank}",
        _link(pick.title, pick.url),
        f"🏢 {esc(pick.company, 120)}{place}",
    ]
    if pick.reason:
        lines.append(f"<b>Why:</b> {esc(pick.reason, 600)}")
    if pick.summary:
        lines.append(esc(pick.summary, 800))
    scorer = "local scorer" if pick.scorer == "local" else pick.scorer
    lines.append(f"<i>{esc(pick.source, 60)} · {esc(scorer, 80)}</i>")
    return fit(lines)


def header_message(day: str, record: RunRecord, picks: int) -> str:
    """The morning header: date, postings looked at, picks, sources that failed and why."""
    c = record.counts
    looked = c.new + c.retried
    lines = [f"<b>Job picks for {esc(day, 20)}</b>"]
    if record.status == "all-sources-failed":
        lines.append("⚠️ Every source failed this morning, so there are no picks today.")
    else:
        lines.append(
            f"Looked at {looked} postings ({c.collected} collected, {c.filtered} filtered out, "
            f"{c.scored} scored) · {picks} pick{'s' if picks != 1 else ''}"
        )
        if picks == 0:
            lines.append("Nothing scored high enough today.")
    failed = [s for s in record.sources if s.state not in ("ok",)]
    if failed:
        lines.append("")
        lines.append("<b>Sources with problems:</b>")
        for s in failed[:12]:
            why = f": {esc(s.reason, 200)}" if s.reason else ""
            lines.append(f"• {esc(s.source, 60)} — {esc(s.state, 20)}{why}")
    return fit(lines)


COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does and when it runs"),
    ("help", "Every command"),
    ("picks", "Today's picks again (/picks N for the top N)"),
    ("profile", "Your profile; set, add, block, history, undo"),
    ("settings", "Delivery time, timezone, picks per day, min score"),
    ("stats", "Postings seen, picks sent, votes, LLM spend"),
    ("pause", "Pause the morning push"),
    ("resume", "Resume the morning push"),
]


def start_message(next_run: datetime | None, scorer: str, paused: bool) -> str:
    when = next_run.strftime("%A %d %B at %H:%M (%Z)") if next_run else "not scheduled"
    lines = [
        "<b>jobpicks</b> finds fresh job postings every morning, scores each against your "
        "profile and sends you the best, one message each.",
        "Tap 👍 or 👎 on a pick: your votes tune tomorrow's picks.",
        "",
        f"<b>Next run:</b> {esc(when, 80)}" + (" (paused: /resume)" if paused else ""),
        f"<b>Scoring:</b> {esc(scorer, 100)}",
        "",
        "See your profile with /profile, change the time or the number of picks with "
        "/settings, and every command with /help.",
    ]
    return "\n".join(lines)


def help_message() -> str:
    lines = ["<b>Commands</b>"]
    lines += [f"/{name} — {esc(desc)}" for name, desc in COMMANDS]
    lines += [
        "",
        "<b>/profile</b> set &lt;text&gt; · add &lt;rule&gt; · block &lt;company&gt; · "
        "history · undo",
        "<b>/settings</b> time 07:30 · timezone Europe/Berlin · picks 5 · min_score 60",
    ]
    return "\n".join(lines)


def _items(values: Iterable[str], limit: int, each: int) -> list[str]:
    values = list(values)
    shown = [f"• {esc(v, each)}" for v in values[:limit]]
    if len(values) > limit:
        shown.append(f"… and {len(values) - limit} more")
    return shown


def profile_message(profile: Profile, taught: tuple[list[str], list[str]] = ([], [])) -> str:
    """The profile as the scorer sees it; `taught` is (lifted, lowered) terms from votes."""
    f = profile.filters
    lines = [f"<b>Profile</b> (version {profile.version})", "", "<b>About</b>"]
    lines.append(esc(profile.about, 1200) if profile.about.strip() else "<i>(empty)</i>")
    lines += ["", "<b>Directives</b>"]
    lines += _items(profile.directives, 10, 150) or ["<i>(none)</i>"]
    lines += ["", "<b>Learned</b>"]
    lines += _items(profile.learned, 10, 150) or ["<i>(nothing yet)</i>"]
    up, down = taught
    if up or down:
        lines += ["", "<b>From your votes</b> (local scorer)"]
        if up:
            lines.append(f"more of: {esc(', '.join(up), 300)}")
        if down:
            lines.append(f"less of: {esc(', '.join(down), 300)}")
    lines += ["", "<b>Filters</b>"]
    for label, values in (
        ("Blocked companies", f.blocked_companies),
        ("Excluded title words", f.excluded_title_words),
        ("Locations", f.locations),
        ("Levels", f.levels),
        ("Employment types", f.employment_types),
    ):
        lines.append(f"{label}: {esc(', '.join(values), 300) if values else 'any'}")
    lines.append(f"Max age: {f.max_age_days} days" if f.max_age_days else "Max age: any")
    return fit(lines)


def history_message(versions: list[dict[str, Any]]) -> str:
    lines = ["<b>Profile versions</b> (newest first)"]
    for v in list(reversed(versions))[:20]:
        mark = " ← current" if v.get("current") else ""
        when = str(v.get("created_at") or "")[:16].replace("T", " ")
        lines.append(f"v{v['version']} · {esc(when, 20)} · {esc(v.get('note') or '', 120)}{mark}")
    if len(versions) > 20:
        lines.append(f"… {len(versions) - 20} older")
    lines.append("\n/profile undo goes back one step.")
    return fit(lines)


def settings_message(view: SettingsView) -> str:
    lines = ["<b>Settings</b>"]
    for setting, value, changed in view.values:
        note = " (set here)" if changed else ""
        lines.append(f"{setting.label}: <b>{esc(value, 60)}</b>{note}")
    lines.append("")
    lines.append("Change one with /settings &lt;name&gt; &lt;value&gt;:")
    lines += [f"• {s.name} — {esc(s.help)}" for s in SETTINGS]
    return "\n".join(lines)


def stats_message(s: Stats) -> str:
    return "\n".join(
        [
            "<b>Stats</b>",
            f"Postings seen: {s.postings_seen} over {s.runs} run day{'s' if s.runs != 1 else ''}",
            f"Picks sent here: {s.picks_sent}",
            f"Votes: 👍 {s.up} · 👎 {s.down}",
            f"LLM spend: ${s.spend_week_usd:.4f} this week · ${s.spend_month_usd:.4f} this month "
            f"({s.llm_calls_month} calls)",
            *(f"• {esc(spend_line(p, sp), 200)}" for p, sp in sorted(s.llm_month.items())),
        ]
    )


def error_message(text: str) -> str:
    return f"⚠️ {esc(text, 600)}"


def run_failed_message(day: str, cause: str) -> str:
    return (
        f"⚠️ <b>This morning's run failed</b> ({esc(day, 20)}).\n"
        f"Cause: {esc(cause, 800)}\n"
        "It will try again at the next scheduled time; /picks runs it now."
    )
