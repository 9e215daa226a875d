"""The markdown digest: "# Daily Job Picks - DATE", one entry per pick, best first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, tzinfo
from urllib.parse import quote

from bot.store.records import Pick
from scrapers.postings.posting import http_url

# Characters that change meaning in CommonMark inline text; a `]` in a title would end a link.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape_md(text: str) -> str:
    """Escape markdown-special characters and fold the text onto one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def escape_url(url: str) -> str:
    """Percent-encode what would end a markdown link target early (spaces, parentheses, <>)."""
    return quote(url.strip(), safe=":/?#[]@!$&'*+,;=%-._~")


def posted_age(pick: Pick, day: str, tz: tzinfo = UTC) -> str:
    """ "today", "1 day ago", "12 days ago" — counted from the digest's day, or "" if unknown.
    `day` is the person's day in `tz`: the posting's date is read in `tz` too, or a posting of
    an hour ago reads "1 day ago" just after midnight east of UTC."""
    if pick.posted_at is None:
        return ""
    posted = pick.posted_at
    if posted.tzinfo is None:
        posted = posted.replace(tzinfo=UTC)
    try:
        days = (date.fromisoformat(day) - posted.astimezone(tz).date()).days
    except ValueError:
        return ""
    if days <= 0:
        return "today"
    return "1 day ago" if days == 1 else f"{days} days ago"


def facts_line(pick: Pick, day: str, tz: tzinfo = UTC) -> str:
    """What a job seeker looks at first: posted age, pay, type, workplace, the apply link."""
    facts = []
    if age := posted_age(pick, day, tz):
        facts.append(f"**Posted:** {age}")
    if pick.pay is not None and (pay := pick.pay.label()):
        facts.append(f"**Pay:** {escape_md(pay)}")
    if pick.employment_type:
        facts.append(f"**Type:** {escape_md(pick.employment_type)}")
    if pick.workplace:
        facts.append(
            f"**Workplace:** {'on-site' if pick.workplace == 'onsite' else pick.workplace}"
        )
    apply = http_url(pick.apply_url)
    if apply and apply != pick.url:
        facts.append(f"[Apply]({escape_url(apply)})")
    return " | ".join(facts)


def render_entry(pick: Pick, day: str | None = None, tz: tzinfo = UTC) -> str:
    # Only http(s) links are ever rendered as links (a board's `javascript:` stays text).
    link = http_url(pick.url)
    head = f"[{escape_md(pick.title)}]({escape_url(link)})" if link else escape_md(pick.title)
    company = f"**Company:** {escape_md(pick.company)} | " if pick.company.strip() else ""
    facts = facts_line(pick, day or pick.day, tz)
    return (
        f"## {head}\n"
        f"{company}**Location:** {escape_md(pick.location or 'n/a')}"
        f" | **Score:** {pick.score}/100\n" + (f"{facts}\n" if facts else "") + "\n"
        f"**Reason:** {escape_md(pick.reason)}\n"
        "\n"
        f"**Summary:** {escape_md(pick.summary)}\n"
        "\n"
        "---\n"
    )


def render_digest(day: str, picks: Iterable[Pick], tz: tzinfo = UTC) -> str:
    """The day's digest, best score first (ties keep their pick rank); a pick a rescore
    dropped is no longer one of the day's. `day` is the person's, in their timezone `tz`."""
    ordered = sorted((p for p in picks if not p.dropped), key=lambda p: (-p.score, p.rank))
    parts = [f"# Daily Job Picks - {day}\n"]
    if not ordered:
        parts.append("\nNo picks today.\n")
    for pick in ordered:
        parts.append("\n" + render_entry(pick, day, tz))
    return "".join(parts)
