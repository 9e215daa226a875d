"""What a posting is, as learning counts it: its features, each with a stable id and plain words.

A feature is something the profile reader and the posting vocabulary already understand — a
field of work (`scoring.local.fields`), the employer and its kind (`scoring.local.employers`),
a place (`scrapers.postings.places`: city, state, region, country), the workplace and the
employment type (`scrapers.postings.kinds`), the level a title states, and the pay band.
Never a word of a title or a company name: "York" is not a feature of a New York job, and
"Learning" is not one of Ascend Learning; New York is a city and Ascend Learning an employer.

Ids look like ``field:analytics``, ``employer:harbor national bank``, ``industry:bank``,
``city:new york``, ``state:ca``, ``region:west coast``, ``workplace:remote``,
``pay:40+``; they stay the same whatever the posting's spelling, so a learned line can be
named, counted and removed by its id.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from scoring.local.employers import as_noun, kinds_of
from scoring.local.fields import BY_KEY, fields_of_tokens, label
from scrapers.dedup import normalise_company
from scrapers.postings.gazetteer import REGIONS as KNOWN_REGIONS
from scrapers.postings.gazetteer import gazetteer
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.places import Area, country_label, where
from scrapers.postings.posting import Pay, Posting
from scrapers.postings.text import fold
from scrapers.postings.words import tokens

GROUPS = ("field", "family", "employer", "industry", "place", "workplace", "level", "type", "pay")

# Regions people name, as features: a liked job in Seattle says something about the West
# Coast, one in Petaling Jaya about the Klang Valley. Metro areas and regions within or across
# countries; continent-wide ones (EMEA, the Americas) and near-duplicates (Silicon Valley, New
# England, …) are left out: they say little a country does not.
REGIONS = (
    "bay area", "pacific northwest", "southern california", "west coast", "east coast",
    "northeast", "midwest", "south", "southwest", "dmv", "europe", "greater london",
    "greater manchester", "west midlands", "greater toronto area", "lower mainland",
    "greater sydney", "greater melbourne", "south east queensland", "klang valley", "dach",
    "benelux", "nordics", "southeast asia",
)  # fmt: skip
assert set(REGIONS) <= set(KNOWN_REGIONS), set(REGIONS) - set(KNOWN_REGIONS)
_FAMILY_WORDS = {
    "tech": "software and tech roles",
    "data": "data and analytics roles",
    "hardware": "hardware roles",
    "finance": "finance roles",
    "business": "business roles",
    "design": "design roles",
    "health": "healthcare roles",
    "science": "research science roles",
}
_SENIOR = frozenset("senior sr staff principal lead manager director head vp chief".split())
_JUNIOR = frozenset("junior jr entry associate".split())
_PHD = frozenset({"phd", "doctoral", "doctorate"})
_MASTERS = frozenset({"ms", "master", "msc", "meng", "mba"})
_WORKPLACE_WORDS = {"remote": "remote", "hybrid": "hybrid", "onsite": "on-site"}
# Pay thresholds (the top of the stated range, per hour or its yearly equivalent / 2080):
# cumulative, so a liking for well-paid work carries from $45 to $60 an hour.
PAY_STEPS = (15, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 100)


@dataclass(frozen=True)
class Feature:
    """One thing a posting is: ``Feature("field:analytics", "field", "data analysis")``."""

    id: str
    group: str  # one of GROUPS
    words: str  # what a person reads

    @property
    def roles(self) -> str:
        """The feature as "… roles" in a sentence: "data analysis roles", "roles at a bank",
        "roles in New York", "remote roles", "roles paying at least $40/hr"."""
        return roles_phrase(self.group, self.words)


def roles_phrase(group: str, words: str) -> str:
    """A feature's words as "… roles" (see `Feature.roles`)."""
    if group in ("field", "workplace", "type", "level"):
        return f"{words} roles"
    if group == "family":
        return words
    if group == "employer":
        return f"roles at {words}"
    if group == "industry":
        return f"roles {words}"
    if group == "place":
        return f"roles in {words}"
    if group == "pay":
        return "roles with no pay stated" if words == "no pay stated" else f"roles paying {words}"
    return words


def describe(
    title: str,
    company: str,
    location: str = "",
    text: str = "",
    *,
    pay: Pay | None = None,
    workplace: str | None = None,
    employment_type: str | None = None,
) -> list[Feature]:
    """The features of a posting (or of a vote on one), in a fixed order, without repeats.

    `text` (a description, or a vote's one-line summary) is read only for the field when the
    title names none, and for the workplace when it is not given."""
    found: list[Feature] = []
    found += _fields(title, text)
    found += _employer(company)
    found += _places(location)
    wp = workplace or workplace_from_text(title, location, description=text[:3000] or None)
    if wp in _WORKPLACE_WORDS:
        found.append(Feature(f"workplace:{wp}", "workplace", _WORKPLACE_WORDS[wp]))
    found += _levels(title)
    kind = employment_type or employment_from_title(" ".join(tokens(title)))
    if kind:
        found.append(Feature(f"type:{kind}", "type", kind.replace("-", " ")))
    found += pay_features(pay)
    return list(dict.fromkeys(found))


def of_posting(posting: Posting) -> list[Feature]:
    """The features of a scraped posting."""
    return describe(
        posting.title,
        posting.real_employer or posting.company,
        posting.location,
        posting.description,
        pay=posting.pay,
        workplace=posting.workplace,
        employment_type=posting.employment_type,
    )


def of_vote(vote: Any) -> list[Feature]:
    """The features of the posting a vote (or a mark) was about: a `bot.store.records.Vote`,
    or anything with its title, company, location and summary (pay, workplace and employment
    type are read when present)."""
    pay = getattr(vote, "pay", None)
    return describe(
        vote.title,
        vote.company,
        vote.location,
        getattr(vote, "summary", "") or "",
        pay=pay if isinstance(pay, Pay) else None,
        workplace=getattr(vote, "workplace", None),
        employment_type=getattr(vote, "employment_type", None),
    )


# -- the groups --------------------------------------------------------------------------------
@lru_cache(maxsize=8192)
def _fields(title: str, text: str) -> tuple[Feature, ...]:
    named = fields_of_tokens(tokens(title))
    if not named and text:
        body = fields_of_tokens(tokens(text[:3000]))
        named = dict(sorted(body.items(), key=lambda kv: kv[1])[:2])
    out = [Feature(f"field:{key}", "field", label(key)) for key in named]
    for family in dict.fromkeys(BY_KEY[key].family for key in named):
        words = _FAMILY_WORDS.get(family, f"{family} roles")
        out.append(Feature(f"family:{family}", "family", words))
    return tuple(out)


@lru_cache(maxsize=8192)
def _employer(company: str) -> tuple[Feature, ...]:
    name = normalise_company(company)
    if not name:
        return ()
    shown = " ".join(company.split())
    out = [Feature(f"employer:{name}", "employer", shown)]
    out += [Feature(f"industry:{k}", "industry", f"at {as_noun(k)}") for k in kinds_of(company)]
    return tuple(out)


@lru_cache(maxsize=8192)
def _places(location: str) -> tuple[Feature, ...]:
    if not location.strip():
        return ()
    w = where(location)
    names = {fold(c.name): c.name for c in w.points}
    out = [Feature(f"city:{c}", "place", names.get(c, c.title())) for c in sorted(w.cities)]
    division_names = gazetteer().division_names
    out += [
        Feature(f"division:{d}", "place", division_names.get(d, d.upper()))
        for d in sorted(w.divisions)
        if fold(division_names.get(d, "")) not in w.cities  # Berlin the state is Berlin the city
    ]
    out += [
        Feature(f"region:{r}", "place", _region_words(r))
        for r in REGIONS
        if Area("region", r, r).contains(w)
    ]
    out += [Feature(f"country:{c}", "place", country_label(c)) for c in sorted(w.countries)]
    return tuple(out)


def _region_words(key: str) -> str:
    return KNOWN_REGIONS[key].label  # "the Bay Area", "Europe", "the Klang Valley"


def _levels(title: str) -> list[Feature]:
    words = set(tokens(title))
    out = []
    if words & _SENIOR:
        out.append(Feature("level:senior", "level", "senior"))
    if words & _JUNIOR or "new grad" in " ".join(tokens(title)):
        out.append(Feature("level:junior", "level", "junior and new-grad"))
    if words & _PHD:
        out.append(Feature("level:phd", "level", "PhD"))
    if words & _MASTERS:
        out.append(Feature("level:masters", "level", "master's"))
    return out


def hourly(pay: Pay | None) -> float | None:
    """The top of a stated pay range per hour (a yearly figure / 2080), or None when the pay
    is not stated, has no interval, or is in a currency other than US dollars."""
    if pay is None or pay.interval is None:
        return None
    if pay.currency not in (None, "USD"):
        return None
    yearly = pay.yearly()
    return None if yearly is None else yearly / 2080


def pay_features(pay: Pay | None) -> list[Feature]:
    """``pay:none`` when no pay is stated; otherwise one feature per threshold reached
    (``pay:20+``, ``pay:25+`` …), or ``pay:under15``."""
    if pay is None:
        return [Feature("pay:none", "pay", "no pay stated")]
    per_hour = hourly(pay)
    if per_hour is None:
        return []
    reached = [step for step in PAY_STEPS if per_hour >= step]
    if not reached:
        return [Feature("pay:under15", "pay", "under $15/hr")]
    return [Feature(f"pay:{s}+", "pay", f"at least ${s}/hr") for s in reached]
