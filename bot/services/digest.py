"""The markdown digest: "# Daily Job Picks - DATE", one entry per pick, best first."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote

from bot.store.records import Pick

# Characters that change meaning in CommonMark inline text; a `]` in a title would end a link.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape_md(text: str) -> str:
    """Escape markdown-special characters and fold the text onto one line."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def escape_url(url: str) -> str:
    """Percent-encode what would end a markdown link target early (spaces, parentheses, <>)."""
    return quote(url.strip(), safe=":/?#[]@!$&'*+,;=%-._~")


def render_entry(pick: Pick) -> str:
    return (
        f"## [{escape_md(pick.title)}]({escape_url(pick.url)})\n"
        f"**Company:** {escape_md(pick.company)} | **Location:** {escape_md(pick.location or 'n/a')}"
        f" | **Score:** {pick.score}/100\n"
        "\n"
        f"**Reason:** {escape_md(pick.reason)}\n"
        "\n"
        f"**Summary:** {escape_md(pick.summary)}\n"
        "\n"
        "---\n"
    )


def render_digest(day: str, picks: Iterable[Pick]) -> str:
    """The day's digest, best score first (ties keep their pick rank)."""
    ordered = sorted(picks, key=lambda p: (-p.score, p.rank))
    parts = [f"# Daily Job Picks - {day}\n"]
    if not ordered:
        parts.append("\nNo picks today.\n")
    for pick in ordered:
        parts.append("\n" + render_entry(pick))
    return "".join(parts)
