"""Place knowledge shared by board matching, hard filters and scoring: US states and cities.

One home for it, at the bottom layer, so `scrapers` and `scoring` read the same table.
"""

from __future__ import annotations

import re

US_STATES = {
    "al": "alabama", "ak": "alaska", "az": "arizona", "ar": "arkansas", "ca": "california",
    "co": "colorado", "ct": "connecticut", "de": "delaware", "fl": "florida", "ga": "georgia",
    "hi": "hawaii", "id": "idaho", "il": "illinois", "in": "indiana", "ia": "iowa",
    "ks": "kansas", "ky": "kentucky", "la": "louisiana", "me": "maine", "md": "maryland",
    "ma": "massachusetts", "mi": "michigan", "mn": "minnesota", "ms": "mississippi",
    "mo": "missouri", "mt": "montana", "ne": "nebraska", "nv": "nevada", "nh": "new hampshire",
    "nj": "new jersey", "nm": "new mexico", "ny": "new york", "nc": "north carolina",
    "nd": "north dakota", "oh": "ohio", "ok": "oklahoma", "or": "oregon", "pa": "pennsylvania",
    "ri": "rhode island", "sc": "south carolina", "sd": "south dakota", "tn": "tennessee",
    "tx": "texas", "ut": "utah", "vt": "vermont", "va": "virginia", "wa": "washington",
    "wv": "west virginia", "wi": "wisconsin", "wy": "wyoming", "dc": "district of columbia", "pr": "puerto rico",
}  # fmt: skip
# Big cities that boards often list without a state.
US_CITIES = {
    "san francisco": "ca", "los angeles": "ca", "san diego": "ca", "san jose": "ca",
    "palo alto": "ca", "mountain view": "ca", "sunnyvale": "ca", "menlo park": "ca",
    "new york": "ny", "nyc": "ny", "seattle": "wa", "redmond": "wa", "bellevue": "wa",
    "austin": "tx", "dallas": "tx", "houston": "tx", "boston": "ma", "cambridge": "ma",
    "chicago": "il", "denver": "co", "atlanta": "ga", "pittsburgh": "pa", "washington dc": "dc",
}  # fmt: skip
US_STATE_NAMES = set(US_STATES.values())
US_NAMES = {"united states", "usa", "us", "u s", "united states of america", "america"}
# How a country name is also written ("U.S." folds to "u s" once punctuation is dropped).
US_NAMES |= {"u.s.", "u.s.a."}


def in_us(location: str) -> bool:
    """True for 'Austin, TX', 'Remote - US', 'Ohio', 'New York, NY, United States'."""
    parts = [p.strip() for p in re.split(r"[,;()\-–/]", location) if p.strip()]
    for part in parts:
        low = part.lower()
        if low in US_NAMES or low in US_STATE_NAMES or (part.isupper() and low in US_STATES):
            return True
    return False
