"""HTML → clean text for descriptions: entities decoded, blocks on their own lines, capped."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata

from bs4 import BeautifulSoup, NavigableString, Tag

from scrapers.postings.posting import clean_text

# Elements whose content starts on a new line in the text.
_BLOCKS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt",
}  # fmt: skip
_DROP = {"script", "style", "noscript", "template", "svg", "head"}
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{2,}")


def looks_escaped(text: str) -> bool:
    """Greenhouse sends `&lt;p&gt;…`: HTML whose tags are themselves entity-escaped."""
    return "&lt;" in text and "<" not in text.replace("&lt;", "")


def html_to_text(markup: str, max_chars: int | None = None) -> str:
    """Readable plain text of an HTML fragment (or already-plain text), at most `max_chars`."""
    if not markup:
        return ""
    # lxml refuses a lone surrogate outright (UnicodeEncodeError): cleaned first, the
    # posting is read instead of skipped.
    markup = clean_text(markup)
    if looks_escaped(markup):
        markup = htmllib.unescape(markup)
    if "<" not in markup:
        return cut(normalise_space(htmllib.unescape(markup)), max_chars)
    return element_text(BeautifulSoup(markup, "lxml"), max_chars)


def element_text(node: Tag, max_chars: int | None = None) -> str:
    """Readable plain text of an already parsed element (no second parse of its markup)."""
    parts: list[str] = []
    _walk(node, parts)
    return cut(normalise_space("".join(parts)), max_chars)


def _walk(node: Tag, out: list[str]) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            # skip comments, doctypes, CDATA; and the indentation between a bullet and the
            # block it holds (Lever's `<li>\n  <p>…`), which would leave the bullet alone
            if type(child) is NavigableString and not (out and out[-1] == "- " and child.isspace()):
                out.append(str(child))
            continue
        if not isinstance(child, Tag) or child.name in _DROP:
            continue
        block = child.name in _BLOCKS
        # A block right inside a list item (<li><p>…</p></li>) stays on the bullet's line.
        if block and not (out and out[-1] == "- "):
            out.append("\n")
        if child.name == "li":
            out.append("- ")
        _walk(child, out)
        if block:
            out.append("\n")


def normalise_space(text: str) -> str:
    """Collapse runs of spaces, trim each line, drop blank lines (one line per block)."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").split("\n"))
    joined = "\n".join(lines)
    return _BLANK_LINES.sub("\n", joined).strip()


def cut(text: str, limit: int | None, *, one_line: bool = False) -> str:
    """At most `limit` characters: cut at a word boundary when one is near, marked with "…".

    `one_line` first collapses all whitespace (titles, button labels, reasons)."""
    if one_line:
        text = " ".join(str(text).split())
    if limit is None or len(text) <= limit:
        return text
    head = text[: max(limit - 1, 0)]
    space = head.rfind(" ")
    if space > limit * 0.6:
        head = head[:space]
    return head.rstrip(" ,;:") + "…"


def fold(text: str) -> str:
    """Lower case without accents ("Zürich" → "zurich"), for matching, never for display."""
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def inline_text(node: Tag | None) -> str:
    """One-line text of an element (titles, company names): whitespace collapsed."""
    if node is None:
        return ""
    return _SPACES.sub(" ", node.get_text(" ", strip=True)).strip()


# -- one line for what a person reads: scorer reasons and summaries --------------------------
_TAG = re.compile(r"<[^<>]{0,200}>")
_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS = re.compile(r"(\*\*|__|[*`#>]|~~)")


def plain_line(text: str) -> str:
    """Markup gone (HTML tags, markdown links keep their text, emphasis marks), one line."""
    text = _MD_LINK.sub(r"\1", text)
    text = _TAG.sub(" ", text)
    text = _MD_MARKS.sub("", text)
    return " ".join(text.split())
