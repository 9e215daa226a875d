"""Hard filters: the user's deal-breakers, enforced in code. No scorer overrides a veto."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from scoring.profile import COMMUTE_KM, Filters
from scrapers.dedup import normalise_company
from scrapers.postings.places import place_areas, where
from scrapers.postings.posting import Posting


def _words(text: str) -> str:
    return " " + re.sub(r"[^a-z0-9.+#]+", " ", text.lower()) + " "


def veto(posting: Posting, filters: Filters, now: datetime | None = None) -> str | None:
    """Why this posting is ruled out, or None if it passes every filter."""
    if blocks_company(filters, posting.company, posting.real_employer):
        return "blocked company"
    title = _words(posting.title)
    for word in filters.excluded_title_words:
        if _words(word) in title:
            return f"title word '{word.strip()}'"
    if filters.locations and not location_ok(posting, filters.locations, filters.commute_km):
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
            # The limit in the reason: a day with no picks can say what to change.
            return f"older than {filters.max_age_days} days"
    yearly = yearly_pay(posting) if filters.min_salary else None
    if yearly is not None and yearly < filters.min_salary:
        return "pay below minimum"
    if filters.workplace and posting.workplace:
        wanted = {w.strip().lower().replace("-", "") for w in filters.workplace}
        if posting.workplace not in wanted:
            return f"workplace {posting.workplace}"
    return None


def blocks_company(filters: Filters, company: str, real_employer: str | None = None) -> bool:
    """Whether the blocked list names the company a posting is under or, for an agency's or
    a board's posting, the real employer it names (names compared as `normalise_company`
    folds them: case, punctuation, "Inc."). The one rule for the veto and for /profile's
    block / unblock."""
    names = {normalise_company(company)}
    if real_employer:
        names.add(normalise_company(real_employer))
    return any(normalise_company(blocked) in names for blocked in filters.blocked_companies)


def yearly_pay(posting: Posting) -> float | None:
    """The best pay a posting states, as a year's worth; None when it states none."""
    return posting.pay.yearly() if posting.pay is not None else None


def location_ok(posting: Posting, wanted: list[str], km: float = COMMUTE_KM) -> bool:
    """True if the posting lies in a wanted place (a city takes in what is within `km` of it:
    "Birmingham" takes "Coventry"), or it is remote and remote is wanted, or a remote posting
    hires where a wanted place is ("Remote (UK)" for "London"; "Remote (worldwide)" for any).

    An unknown location passes: it is not a reason to drop a job."""
    if not posting.location.strip():
        return True
    w = where(posting.location)
    remote = bool(posting.remote) or w.remote
    loc = _words(posting.location)
    for place in wanted:
        p = place.strip().lower()
        if not p:
            continue
        if p == "remote":
            if remote:
                return True
            continue
        areas = place_areas(place)
        if any(area.contains(w, km) for area in areas):
            return True
        if remote and (w.anywhere or any(w.hires_in & a.countries() for a in areas)):
            return True
        if not areas and _words(p) in loc:  # a place the gazetteer does not know, as written
            return True
    return False
