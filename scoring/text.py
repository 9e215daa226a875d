"""Plain one-line text for what the user reads: scorer reasons and summaries."""

from __future__ import annotations

import re

_TAG = re.compile(r"<[^<>]{0,200}>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|[*`#>]|~~)")


def plain_line(text: str) -> str:
    """Markup gone (HTML tags, markdown links keep their text, emphasis marks), one line."""
    text = _MD_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _MD_MARKS.sub("", text)
    return " ".join(text.split())
