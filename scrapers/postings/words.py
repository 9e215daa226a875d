"""Words as a reader splits them: the one `tokens` function of the scorers and learning.

Accents are folded (`scrapers.postings.text.fold`), "Intern-SRE" is two words, "Co-Op" is one
("coop"), "(MS/PhD)" is "ms", "phd", "Sr." is "senior", "C++", "C#" and "Node.js" stay whole,
and a plural "s" is dropped ("systems" -> "system") so singular and plural match.
"""

from __future__ import annotations

import re

from scrapers.postings.text import fold

# Written forms that are one word to a reader: matched as single tokens by `_TOKEN` (so a
# text is scanned once) and mapped to the word here.
_JOINS = {"sr": "senior", "sr.": "senior", "jr": "junior", "jr.": "junior", "sw": "software",
          "hw": "hardware"}  # fmt: skip
_COOP = re.compile(r"co[\s-]?ops?")
_TOKEN = re.compile(
    r"co[ \t-]?ops?(?![a-z0-9])|[sj]r\.|[a-z0-9+#]+(?:'s\b|\.(?:js|net|io|ai)\b)?|\.net\b"
)
_NORM_CACHE: dict[str, str] = {}
# Words whose trailing "s" is not a plural.
_KEEP_S = frozenset(
    "analytics physics statistics economics robotics graphics mathematics series ops devops "
    "mlops kubernetes pandas redis jenkins sales news canvas atlas postgres windows".split()
)


def _norm(tok: str) -> str:
    """One token as a word: joins ("co-op" -> "coop", "sr." -> "senior"), a possessive and a
    plural "s" dropped."""
    n = _NORM_CACHE.get(tok)
    if n is None:
        n = tok[:-2] if tok.endswith("'s") else tok
        if n in _JOINS:
            n = _JOINS[n]
        elif n.startswith("co") and _COOP.fullmatch(n):
            n = "coop"
        elif (
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
    """The text `tokens` splits: lower case, accents folded."""
    # Most postings are plain ASCII: lower-casing is all that folding would do.
    return text.lower() if text.isascii() else fold(text).replace("’", "'")


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
