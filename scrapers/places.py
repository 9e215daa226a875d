"""Place knowledge shared by board matching, hard filters and scoring: US states and cities,
country names and codes.

One home for it, at the bottom layer, so `scrapers` and `scoring` read the same table.
"""

from __future__ import annotations

import re

from scrapers.text import fold

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


# ISO 3166 alpha-2 codes and the names (folded: lower case, no accents) a place may give them.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("united states", "united states of america", "usa", "us", "u s", "u s a", "america"),
    "GB": ("united kingdom", "uk", "u k", "great britain", "britain", "england", "scotland", "wales", "northern ireland"),
    "CA": ("canada",), "AU": ("australia",), "NZ": ("new zealand",), "IE": ("ireland",),
    "IN": ("india",), "SG": ("singapore",), "ZA": ("south africa",),
    "AE": ("united arab emirates", "uae"), "HK": ("hong kong",), "PH": ("philippines",),
    "MY": ("malaysia",), "DE": ("germany", "deutschland"), "AT": ("austria", "osterreich"),
    "CH": ("switzerland", "schweiz", "suisse"), "FR": ("france",),
    "BE": ("belgium", "belgique", "belgie"), "NL": ("netherlands", "the netherlands", "nederland", "holland"),
    "ES": ("spain", "espana"), "IT": ("italy", "italia"), "PT": ("portugal",),
    "SE": ("sweden", "sverige"), "DK": ("denmark", "danmark"), "NO": ("norway", "norge"),
    "FI": ("finland", "suomi"), "PL": ("poland", "polska"), "JP": ("japan",),
    "BR": ("brazil", "brasil"), "MX": ("mexico",),
}  # fmt: skip
# Big cities searched without their country.
WORLD_CITIES = {
    "london": "GB", "manchester": "GB", "edinburgh": "GB", "toronto": "CA", "vancouver": "CA",
    "montreal": "CA", "berlin": "DE", "munich": "DE", "hamburg": "DE", "paris": "FR",
    "amsterdam": "NL", "dublin": "IE", "sydney": "AU", "melbourne": "AU", "bangalore": "IN",
    "bengaluru": "IN", "zurich": "CH", "stockholm": "SE", "madrid": "ES", "tokyo": "JP",
}  # fmt: skip
_COUNTRY_BY_NAME = {name: code for code, names in COUNTRIES.items() for name in names}


def _folded(text: str) -> str:
    return " ".join(fold(text).replace(".", " ").split())


def country_code(text: str) -> str | None:
    """'GB', 'gb', 'United Kingdom', 'Deutschland' → the ISO code; None when unknown."""
    folded = _folded(text)
    if folded.upper() in COUNTRIES:
        return folded.upper()
    return _COUNTRY_BY_NAME.get(folded)


def country_of(location: str) -> str | None:
    """The country a place names ('Berlin', 'Toronto, ON', 'London, United Kingdom'), US for
    any US place, None when it names none."""
    if not location.strip():
        return None
    if in_us(location):
        return "US"
    parts = [_folded(p) for p in location.split(",")]
    for part in reversed(parts):
        if part in _COUNTRY_BY_NAME:
            return _COUNTRY_BY_NAME[part]
        if len(part) == 2 and part.upper() in COUNTRIES and part != "in":
            return part.upper()
    for part in parts:
        if part in WORLD_CITIES:
            return WORLD_CITIES[part]
    return None
