"""Who the employer is: a trading firm, a bank, a defense contractor, a hospital, a university.

Known from a small hand-made file of well-known employers by industry
(`scoring/data/employers.json`, see its README) and, failing that, from words in the name that
say the kind ("… Securities", "… Bank", "… Hospital", "University of …"). An employer we do not
know is neutral: no kind, no points either way.

People name kinds in their own words ("at a trading firm, hedge fund or bank", "defense and
government contractors are welcome", "avoids defense contractors"); `kinds_named(text)` maps
those words to the same kinds.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from importlib import resources

from scrapers.dedup import normalise_company
from scrapers.postings.text import fold

KINDS = (
    "trading firm", "hedge fund", "bank", "asset manager", "exchange or market infrastructure",
    "insurance", "defense contractor", "government contractor", "government", "security company",
    "big tech", "consulting firm", "hospital or health system", "healthcare company", "university",
    "startup",
)  # fmt: skip

# Words in an employer's own name that say its kind (checked on the folded name).
_NAME_CUES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), kind)
    for p, kind in (
        (r"\b(trading|securities|markets)\b", "trading firm"),
        (r"\bcapital (management|partners)\b|\bquantitative\b|\bhedge\b", "hedge fund"),
        (r"\b(bank|bancorp|banking|credit union|savings)\b", "bank"),
        (r"\b(asset management|investments?|wealth|advisors)\b", "asset manager"),
        (r"\b(insurance|assurance|mutual)\b", "insurance"),
        (r"\b(defense|defence|aerospace and defense)\b", "defense contractor"),
        (
            r"\b(department of|agency|national laborator|federal|county of|city of|state of)\b",
            "government",
        ),
        (
            r"\b(hospital|medical center|health system|clinic|healthcare)\b",
            "hospital or health system",
        ),
        (r"\b(pharma|therapeutics|biosciences|bio)\b", "healthcare company"),
        (r"\b(university|college|institute of technology|school of)\b", "university"),
        (r"\b(security|cyber)\b", "security company"),
    )
)

# How people write each kind (matched on folded text, plural "s" optional).
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "trading firm": ("trading firm", "trading company", "prop shop", "proprietary trading",
                     "prop trading", "market maker", "market making firm", "hft firm",
                     "trading shop", "quant firm", "quant fund"),
    "hedge fund": ("hedge fund", "quant fund", "investment fund"),
    "bank": ("bank", "investment bank", "financial institution", "wall street"),
    "asset manager": ("asset manager", "asset management", "investment firm", "buy side",
                      "buy-side", "private equity"),
    "insurance": ("insurer", "insurance company"),
    "defense contractor": ("defense contractor", "defense company", "defense firm", "defense",
                           "defence", "military"),
    "government contractor": ("government contractor", "federal contractor", "gov contractor"),
    "government": ("government", "public sector", "federal agency", "government agency",
                   "national lab", "national laboratory"),
    "security company": ("security company", "security vendor", "cybersecurity company",
                         "security firm"),
    "big tech": ("big tech", "faang", "maang", "large tech company", "tech giant"),
    "consulting firm": ("consulting firm", "consultancy", "big four", "big 4"),
    "hospital or health system": ("hospital", "health system", "healthcare provider", "clinic"),
    "healthcare company": ("healthcare company", "health tech", "healthtech", "pharma",
                           "biotech", "pharmaceutical", "medical device"),
    "university": ("university", "universities", "academia", "academic lab", "research lab"),
    "startup": ("startup", "start-up", "early-stage", "early stage company", "seed stage"),
}  # fmt: skip
# "defense and government contractors": a kind word shared by a list ends in "contractor".
_CONTRACTORS = re.compile(
    r"\b(defen[cs]e|government|federal)(?:\s*(?:,|and|or|/)\s*(?:defen[cs]e|government|federal))*\s+contractors?\b"
)
_KIND_PATTERNS = [
    (re.compile(r"\b" + r"\b|\b".join(re.escape(w) + "s?" for w in words) + r"\b"), kind)
    for kind, words in _KIND_WORDS.items()
]

# Which field an employer's kind suggests when the title does not say (a trading firm's
# "Software Developer" is close to quant work).
KIND_FIELDS: dict[str, str] = {
    "trading firm": "quant",
    "hedge fund": "quant",
    "bank": "finance",
    "asset manager": "finance",
    "exchange or market infrastructure": "finance",
    "insurance": "finance",
    "security company": "security",
    "hospital or health system": "health",
    "healthcare company": "health",
}


_NOUNS = {
    "big tech": "big tech",
    "government": "a government employer",
    "exchange or market infrastructure": "an exchange or market-infrastructure firm",
    "insurance": "an insurer",
    "asset manager": "an asset manager",
}


def as_noun(kind: str) -> str:
    """A kind as a reason says it: "a trading firm", "big tech", "a government employer"."""
    return _NOUNS.get(kind) or f"a {kind}"


@cache
def _table() -> dict[str, tuple[str, ...]]:
    raw = json.loads(resources.files("scoring").joinpath("data/employers.json").read_text("utf-8"))
    table: dict[str, list[str]] = {}
    for kind, names in raw.items():
        for name in names:
            table.setdefault(normalise_company(name), []).append(kind)
    return {k: tuple(v) for k, v in table.items()}


@lru_cache(maxsize=20_000)
def kinds_of(company: str) -> tuple[str, ...]:
    """The kinds of an employer: from the data file, else from its name; () when unknown."""
    name = normalise_company(company)
    if not name:
        return ()
    known = _table().get(name)
    if known:
        return known
    folded = fold(company)
    return tuple(dict.fromkeys(kind for pattern, kind in _NAME_CUES if pattern.search(folded)))


def kinds_named(text: str) -> list[str]:
    """The employer kinds a person names in free text, in order of mention."""
    folded = fold(text)
    found: dict[str, int] = {}
    for m in _CONTRACTORS.finditer(folded):
        for word in re.findall(r"defen[cs]e|government|federal", m.group(0)):
            kind = "defense contractor" if word.startswith("defen") else "government contractor"
            found.setdefault(kind, m.start())
            if word == "government":
                found.setdefault("government", m.start())
    for pattern, kind in _KIND_PATTERNS:
        m = pattern.search(folded)
        if m:
            found.setdefault(kind, m.start())
    # "trading" alone is a field, "trading firm" the employer; "bank" inside "banking" is not.
    return sorted(found, key=found.__getitem__)


def known_company(name: str) -> bool:
    """True when the data file lists this employer."""
    return normalise_company(name) in _table()
