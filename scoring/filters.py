"""Hard filters: the user's deal-breakers, enforced in code. No scorer overrides a veto."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from scoring.profile import Filters
from scrapers.dedup import normalise_company
from scrapers.models import Posting


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9.+#]+", " ", text.lower()) + " "


def veto(posting: Posting, filters: Filters, now: datetime | None = None) -> str | None:
    """Why this posting is ruled out, or None if it passes every filter."""
    company = normalise_company(posting.real_employer or posting.company)
    companies = {normalise_company(posting.company), company}
    for blocked in filters.blocked_companies:
        if normalise_company(blocked) in companies:
            return "blocked company"
    title = _words(posting.title)
    for word in filters.excluded_title_words:
        if _words(word) in title:
            return f"title word '{word.strip()}'"
    if filters.locations and not location_ok(posting, filters.locations):
        return "location"
    if (
        filters.employment_types
        and posting.employment_type
        and posting.employment_type not in filters.employment_types
    ):
        return f"employment type {posting.employment_type}"
    if filters.levels and posting.seniority and posting.seniority not in filters.levels:
        return f"level {posting.seniority}"
    if filters.max_age_days and posting.posted_at:
        now = now or datetime.now(UTC)
        posted = (
            posting.posted_at if posting.posted_at.tzinfo else posting.posted_at.replace(tzinfo=UTC)
        )
        if now - posted > timedelta(days=filters.max_age_days):
            return "too old"
    return None


_US_NAMES = {"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"}
_US_STATES = {
    "AL": "alabama",
    "AK": "alaska",
    "AZ": "arizona",
    "AR": "arkansas",
    "CA": "california",
    "CO": "colorado",
    "CT": "connecticut",
    "DE": "delaware",
    "DC": "district of columbia",
    "FL": "florida",
    "GA": "georgia",
    "HI": "hawaii",
    "ID": "idaho",
    "IL": "illinois",
    "IN": "indiana",
    "IA": "iowa",
    "KS": "kansas",
    "KY": "kentucky",
    "LA": "louisiana",
    "ME": "maine",
    "MD": "maryland",
    "MA": "massachusetts",
    "MI": "michigan",
    "MN": "minnesota",
    "MS": "mississippi",
    "MO": "missouri",
    "MT": "montana",
    "NE": "nebraska",
    "NV": "nevada",
    "NH": "new hampshire",
    "NJ": "new jersey",
    "NM": "new mexico",
    "NY": "new york",
    "NC": "north carolina",
    "ND": "north dakota",
    "OH": "ohio",
    "OK": "oklahoma",
    "OR": "oregon",
    "PA": "pennsylvania",
    "RI": "rhode island",
    "SC": "south carolina",
    "SD": "south dakota",
    "TN": "tennessee",
    "TX": "texas",
    "UT": "utah",
    "VT": "vermont",
    "VA": "virginia",
    "WA": "washington",
    "WV": "west virginia",
    "WI": "wisconsin",
    "WY": "wyoming",
    "PR": "puerto rico",
}
_US_STATE_NAMES = set(_US_STATES.values())


def in_us(location: str) -> bool:
    """True for 'Austin, TX', 'Remote - US', 'Ohio', 'New York, NY, United States'."""
    parts = [p.strip() for p in re.split(r"[,;()\-–/]", location) if p.strip()]
    for part in parts:
        low = part.lower()
        if (
            low in _US_NAMES
            or low in _US_STATE_NAMES
            or part.upper() in _US_STATES
            and part.isupper()
        ):
            return True
    return False


def location_ok(posting: Posting, wanted: list[str]) -> bool:
    """True if the posting's location names a wanted place, or it is remote and remote is wanted.

    A wanted country name "United States" / "US" / "USA" matches any US city or state.
    """
    loc = _words(posting.location)
    for place in wanted:
        p = place.strip().lower()
        if p == "remote" and (posting.remote or " remote " in loc):
            # "Remote" alone means remote anywhere; a remote posting outside a wanted country
            # still needs that country when other places are listed.
            return True
        if p in _US_NAMES and in_us(posting.location):
            return True
        if p and _words(p) in loc:
            return True
    return not posting.location.strip()  # an unknown location is not a reason to drop a job
