"""Filtering company-board postings locally by the searches' keywords, types and places.

Boards return every open job of a company; a search on LinkedIn/Indeed is answered by the
board itself, so here we apply the same search to what a board returned. A posting is kept
when any one search accepts it (or when there are no searches at all).
"""

from __future__ import annotations

import re

from scrapers.options import SearchConfig
from scrapers.postings.places import place_areas, where
from scrapers.postings.posting import Posting

_WORD = re.compile(r"[a-z0-9+#]+")
_STOP = {
    "a",
    "an",
    "and",
    "or",
    "the",
    "of",
    "for",
    "in",
    "at",
    "to",
    "with",
    "job",
    "jobs",
    "role",
}
# Keyword -> title words that mean the same (abbreviations boards actually use).
_SYNONYMS = {
    "intern": ("intern", "internship", "interns", "co", "coop"),
    "internship": ("intern", "internship", "interns", "coop"),
    "machine": ("machine", "ml"),
    "learning": ("learning", "ml"),
    "engineer": ("engineer", "engineering", "developer", "swe"),
    "software": ("software", "swe"),
    "developer": ("developer", "engineer"),
}


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _phrase_in(phrase: str, text: str) -> bool:
    return f" {phrase} " in f" {' '.join(_words(text))} "


def keywords_match(keywords: str, title: str) -> bool:
    """Every meaningful keyword appears in the title (or a word boards use for it)."""
    title_words = set(_words(title))
    for word in _words(keywords):
        if word in _STOP:
            continue
        options = _SYNONYMS.get(word, (word,))
        if not any(o in title_words for o in options):
            return False
    return True


def location_matches(wanted: str, posting: Posting) -> bool:
    """A search's place against a board's posting, as the board's own search would answer:
    'California' accepts 'San Francisco, CA', 'United States' any US place, 'London' what is
    within commuting distance of it (not London, Ontario), 'Austin' not all of Texas. A remote
    posting is kept where it hires: 'Remote (UK)' for London, 'Remote - US' for Austin,
    'Remote (worldwide)' for anywhere.

    An unknown posting location is accepted: better a scorer sees it than it silently vanishes.
    """
    want = " ".join(_words(wanted))
    have = posting.location
    if not want or not have.strip():
        return True
    if want == "remote":
        return bool(posting.remote) or where(have).remote
    areas = place_areas(wanted)
    if not areas:
        return _phrase_in(want, have)  # a place the gazetteer does not know, as written
    w = where(have)
    if any(area.contains(w) for area in areas):
        return True
    if bool(posting.remote) or w.remote:
        # Remote with no stated reach is unknown, not elsewhere.
        if w.anywhere or not w.hires_in:
            return True
        return any(w.hires_in & area.countries() for area in areas)
    return not w.known and _phrase_in(want, have)


def search_accepts(search: SearchConfig, posting: Posting) -> bool:
    """Keywords, employment type, workplace and place as the search states them.

    Age is not filtered here: boards list jobs for weeks, and the profile's `max_age_days`
    filter and cross-day dedup already keep old jobs out of the picks.
    """
    if not keywords_match(search.keywords, posting.title):
        return False
    if not kind_and_workplace_ok(search, posting):
        return False
    return not search.location or location_matches(search.location, posting)


def kind_and_workplace_ok(search: SearchConfig, posting: Posting) -> bool:
    """The search's employment types and workplaces: a posting that states one must state a
    wanted one; one that states none passes."""
    if (
        search.employment_types
        and posting.employment_type
        and posting.employment_type not in search.employment_types
    ):
        return False
    wanted = {w.replace("-", "") for w in search.workplace}
    if wanted and posting.workplace and posting.workplace not in wanted:
        return False
    return not (wanted == {"remote"} and posting.remote is False)  # "not remote", said plainly


def filter_board(postings: list[Posting], searches: list[SearchConfig]) -> list[Posting]:
    """The postings at least one search would have found (all of them with no searches)."""
    if not searches:
        return list(postings)
    return [p for p in postings if any(search_accepts(s, p) for s in searches)]
