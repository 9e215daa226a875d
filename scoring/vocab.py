"""Words as a reader splits them: the one `tokens` function of the scorers and learning.

Accents are folded (`scrapers.text.fold`), "Intern-SRE" is two words, "Co-Op" is one
("coop"), "(MS/PhD)" is "ms", "phd", "Sr." is "senior", "C++", "C#" and "Node.js" stay whole,
and a plural "s" is dropped ("systems" -> "system") so singular and plural match.
"""

from __future__ import annotations

import re

from scrapers.text import fold

# Written forms that mean one word; applied before splitting on hyphens and slashes.
_JOINS = {"sr": "senior", "jr": "junior", "sw": "software", "hw": "hardware"}
_JOIN = re.compile(r"\bco[\s-]?ops?\b|\b(?:sr|jr|sw|hw)\b\.?|\bui/ux\b|\bux/ui\b")


def _join(m: re.Match[str]) -> str:
    word = m.group(0)
    if word.startswith("co"):
        return "coop"
    if word.startswith(("ui", "ux")):
        return "ui ux"
    return _JOINS[word.rstrip(".")]


_TOKEN = re.compile(r"[a-z0-9+#]+(?:\.(?:js|net|io|ai))?|\.net\b")
_NORM_CACHE: dict[str, str] = {}
_POSSESSIVE = re.compile(r"'s\b")
# Words whose trailing "s" is not a plural.
_KEEP_S = frozenset(
    "analytics physics statistics economics robotics graphics mathematics series ops devops "
    "mlops kubernetes pandas redis jenkins sales news canvas atlas postgres windows".split()
)


def _norm(tok: str) -> str:
    """Light, consistent stemming: drop a plural 's'."""
    n = _NORM_CACHE.get(tok)
    if n is None:
        n = tok
        if (
            len(n) > 4
            and n.isalpha()
            and n.endswith("s")
            and not n.endswith(("ss", "us", "is"))
            and n not in _KEEP_S
        ):
            n = n[:-1]
        if len(_NORM_CACHE) < 200_000:
            _NORM_CACHE[tok] = n
    return n


def prepare(text: str) -> str:
    """Folded text with the joins applied (what `tokens` splits)."""
    # Most postings are plain ASCII: lower-casing is all that folding would do.
    low = text.lower() if text.isascii() else fold(text).replace("’", "'")
    if "'" in low:
        low = _POSSESSIVE.sub("", low)
    return _JOIN.sub(_join, low)


def tokens(text: str) -> list[str]:
    """Normalised word tokens of a text: ``"Sr. ML/AI Intern-SRE (MS/PhD)"`` ->
    ``["senior", "ml", "ai", "intern", "sre", "ms", "phd"]``."""
    raw = _TOKEN.findall(prepare(text))
    out = list(map(_NORM_CACHE.get, raw))  # the hot path: C-level lookups of known tokens
    if None in out:
        out = [n if n is not None else _norm(t) for n, t in zip(out, raw, strict=True)]
    return out


def phrase(text: str) -> str:
    """Tokens joined by single spaces: the form phrases are compared in."""
    return " ".join(tokens(text))
