"""Place knowledge shared by board matching, hard filters and scoring: US states and cities,
countries, well-known cities abroad, and regions ("the Bay Area", "the Northeast", "Europe").

One home for it, at the bottom layer, so `scrapers` and `scoring` read the same table.
`where(location)` reads a posting's location string; `areas_in(text)` finds the places a
person names in free text ("Prefers Seattle or the Pacific Northwest; remote in the US").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from scrapers.postings.text import fold

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
# More US cities (for regions and for boards that list a city alone); state by abbreviation.
_MORE_US_CITIES = {
    "oakland": "ca", "berkeley": "ca", "santa clara": "ca", "san mateo": "ca", "cupertino": "ca",
    "redwood city": "ca", "fremont": "ca", "foster city": "ca", "south san francisco": "ca",
    "milpitas": "ca", "burlingame": "ca", "emeryville": "ca", "irvine": "ca", "santa monica": "ca",
    "culver city": "ca", "playa vista": "ca", "pasadena": "ca", "sacramento": "ca",
    "portland": "or", "beaverton": "or", "hillsboro": "or", "eugene": "or", "tacoma": "wa",
    "kirkland": "wa", "spokane": "wa", "everett": "wa", "boise": "id",
    "arlington": "va", "reston": "va", "herndon": "va", "mclean": "va", "tysons": "va",
    "alexandria": "va", "chantilly": "va", "fairfax": "va", "richmond": "va", "falls church": "va",
    "vienna": "va", "bethesda": "md", "baltimore": "md", "columbia": "md", "rockville": "md",
    "annapolis junction": "md", "fort meade": "md", "laurel": "md", "gaithersburg": "md",
    "silver spring": "md", "college park": "md", "washington d.c.": "dc",
    "brooklyn": "ny", "manhattan": "ny", "jersey city": "nj", "hoboken": "nj", "princeton": "nj",
    "philadelphia": "pa", "stamford": "ct", "greenwich": "ct", "hartford": "ct",
    "providence": "ri", "burlington": "vt", "somerville": "ma", "waltham": "ma",
    "miami": "fl", "tampa": "fl", "orlando": "fl", "raleigh": "nc", "durham": "nc",
    "charlotte": "nc", "nashville": "tn", "phoenix": "az", "salt lake city": "ut",
    "detroit": "mi", "ann arbor": "mi", "minneapolis": "mn", "columbus": "oh",
    "cleveland": "oh", "madison": "wi", "milwaukee": "wi", "st. louis": "mo", "kansas city": "mo",
    "san antonio": "tx", "boulder": "co", "las vegas": "nv", "albuquerque": "nm",
}  # fmt: skip
US_STATE_NAMES = set(US_STATES.values())
US_NAMES = {"united states", "usa", "us", "u s", "united states of america", "america"}
# How a country name is also written ("U.S." folds to "u s" once punctuation is dropped).
US_NAMES |= {"u.s.", "u.s.a."}

# Countries by ISO code, with the names and big cities postings use for them.
COUNTRIES: dict[str, tuple[str, ...]] = {
    "us": tuple(sorted(US_NAMES)),
    "ca": ("canada",),
    "gb": (
        "united kingdom",
        "uk",
        "u.k.",
        "u k",
        "great britain",
        "britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
    ),
    "ie": ("ireland",),
    "de": ("germany", "deutschland"),
    "fr": ("france",),
    "nl": ("netherlands", "the netherlands", "nederland", "holland"),
    "ch": ("switzerland", "schweiz", "suisse"),
    "es": ("spain", "espana"),
    "it": ("italy", "italia"),
    "pt": ("portugal",),
    "se": ("sweden", "sverige"),
    "dk": ("denmark", "danmark"),
    "no": ("norway", "norge"),
    "fi": ("finland", "suomi"),
    "pl": ("poland", "polska"),
    "cz": ("czech republic", "czechia"),
    "at": ("austria", "osterreich"),
    "be": ("belgium", "belgique", "belgie"),
    "ro": ("romania",),
    "ee": ("estonia",),
    "in": ("india",),
    "sg": ("singapore",),
    "jp": ("japan",),
    "cn": ("china",),
    "hk": ("hong kong",),
    "tw": ("taiwan",),
    "kr": ("south korea", "korea"),
    "au": ("australia",),
    "nz": ("new zealand",),
    "il": ("israel",),
    "ae": ("united arab emirates", "uae"),
    "br": ("brazil", "brasil"),
    "mx": ("mexico",),
    "za": ("south africa",),
    "ph": ("philippines",),
    "my": ("malaysia",),
}
_ABROAD_CITIES: dict[str, str] = {
    "toronto": "ca", "vancouver": "ca", "montreal": "ca", "waterloo": "ca", "ottawa": "ca",
    "calgary": "ca", "markham": "ca", "mississauga": "ca", "london": "gb", "edinburgh": "gb",
    "manchester": "gb", "belfast": "gb", "bristol": "gb", "dublin": "ie", "berlin": "de",
    "munich": "de", "hamburg": "de", "frankfurt": "de", "stuttgart": "de", "paris": "fr",
    "amsterdam": "nl", "rotterdam": "nl", "zurich": "ch", "geneva": "ch", "lausanne": "ch",
    "madrid": "es", "barcelona": "es", "milan": "it", "lisbon": "pt", "stockholm": "se",
    "copenhagen": "dk", "oslo": "no", "helsinki": "fi", "warsaw": "pl", "krakow": "pl",
    "prague": "cz", "brussels": "be", "bucharest": "ro", "tallinn": "ee", "bangalore": "in",
    "bengaluru": "in", "hyderabad": "in", "pune": "in", "mumbai": "in", "tokyo": "jp",
    "shanghai": "cn", "beijing": "cn", "shenzhen": "cn", "sydney": "au", "melbourne": "au",
    "tel aviv": "il", "dubai": "ae", "sao paulo": "br", "mexico city": "mx",
}  # fmt: skip
# Canadian provinces as boards abbreviate them ("Toronto, ON, Canada").
_CA_PROVINCES = {"on", "bc", "qc", "ab", "mb", "ns", "nb", "sk", "nl", "pe"}
_EUROPE = ("gb", "ie", "de", "fr", "nl", "ch", "es", "it", "pt", "se", "dk", "no", "fi", "pl",
           "cz", "at", "be", "ro", "ee")  # fmt: skip

# Regions as people name them -> member states (US), cities and countries. Hand-made from
# common usage (the US Census regions for "Northeast"/"Midwest"/"South"/"West").
REGIONS: dict[str, dict[str, tuple[str, ...]]] = {
    "bay area": {"cities": ("san francisco", "oakland", "berkeley", "san jose", "palo alto",
                            "mountain view", "sunnyvale", "menlo park", "santa clara", "san mateo",
                            "cupertino", "redwood city", "fremont", "foster city", "milpitas",
                            "south san francisco", "burlingame", "emeryville")},
    "silicon valley": {"cities": ("san jose", "palo alto", "mountain view", "sunnyvale",
                                  "menlo park", "santa clara", "cupertino", "redwood city",
                                  "milpitas", "san mateo")},
    "pacific northwest": {"states": ("wa", "or", "id")},
    "northeast": {"states": ("ct", "me", "ma", "nh", "ri", "vt", "nj", "ny", "pa")},
    "new england": {"states": ("ct", "me", "ma", "nh", "ri", "vt")},
    "tri-state": {"states": ("ny", "nj", "ct")},
    "midwest": {"states": ("il", "in", "ia", "ks", "mi", "mn", "mo", "ne", "nd", "oh", "sd", "wi")},
    "south": {"states": ("al", "ar", "fl", "ga", "ky", "la", "ms", "nc", "ok", "sc", "tn", "tx",
                         "va", "wv", "de", "md", "dc")},
    "southeast": {"states": ("al", "fl", "ga", "ms", "nc", "sc", "tn")},
    "southwest": {"states": ("az", "nm", "tx", "ok", "nv")},
    "west coast": {"states": ("wa", "or", "ca")},
    "east coast": {"states": ("me", "nh", "ma", "ri", "ct", "ny", "nj", "de", "md", "dc", "va",
                              "nc", "sc", "ga", "fl", "pa")},
    "southern california": {"cities": ("los angeles", "san diego", "irvine", "santa monica",
                                       "culver city", "playa vista", "pasadena")},
    "dmv": {"states": ("dc", "va", "md")},
    "research triangle": {"cities": ("raleigh", "durham")},
    "europe": {"countries": _EUROPE},
    "eu": {"countries": tuple(c for c in _EUROPE if c not in ("gb", "ch", "no"))},
    "north america": {"countries": ("us", "ca", "mx")},
}  # fmt: skip
# Other ways people write a region.
_REGION_ALIASES = {
    "sf bay area": "bay area", "san francisco bay area": "bay area", "pnw": "pacific northwest",
    "the northwest": "pacific northwest", "north east": "northeast", "tristate": "tri-state",
    "tri state": "tri-state", "socal": "southern california", "dc area": "dmv",
    "dc metro": "dmv", "washington metro": "dmv", "d.c. area": "dmv", "mid-atlantic": "dmv",
    "european union": "eu",
}  # fmt: skip
# Short names boards use for cities ("SF; NYC").
_CITY_ALIASES = {"nyc": "new york", "new york city": "new york", "sf": "san francisco",
                 "washington dc": "washington", "washington d.c.": "washington",
                 "d.c.": "washington", "dc": "washington", "st louis": "st. louis",
                 "montréal": "montreal", "zürich": "zurich", "münchen": "munich"}  # fmt: skip

# City -> (country, state or "") for every city we know.
CITIES: dict[str, tuple[str, str]] = {
    **{c: ("us", s) for c, s in {**US_CITIES, **_MORE_US_CITIES}.items()},
    **{c: (k, "") for c, k in _ABROAD_CITIES.items()},
    "washington": ("us", "dc"),
}
CITIES.pop("nyc", None)
CITIES.pop("washington dc", None)
CITIES.pop("washington d.c.", None)
_COUNTRY_BY_NAME = {name: code for code, names in COUNTRIES.items() for name in names}
_STATE_BY_NAME = {name: abbr for abbr, name in US_STATES.items()}


def in_us(location: str) -> bool:
    """True for 'Austin, TX', 'Remote - US', 'Ohio', 'New York, NY, United States'."""
    parts = [p.strip() for p in re.split(r"[,;()\-–/]", location) if p.strip()]
    for part in parts:
        low = part.lower()
        if low in US_NAMES or low in US_STATE_NAMES or (part.isupper() and low in US_STATES):
            return True
    return False


@dataclass(frozen=True)
class Where:
    """What a location string says: countries, US states and cities (all lower case), and
    whether it offers remote work (and in which countries, if it says)."""

    countries: frozenset[str] = field(default_factory=frozenset)
    states: frozenset[str] = field(default_factory=frozenset)
    cities: frozenset[str] = field(default_factory=frozenset)
    remote: bool = False

    @property
    def known(self) -> bool:
        return bool(self.countries or self.states or self.cities)


_SPLIT_PLACES = re.compile(r"\s*[;|]\s*|\s+/\s+|\s+or\s+|\s+and\s+")


@lru_cache(maxsize=20_000)
def where(location: str) -> Where:
    """Read a posting's location ("Arlington, VA; Remote in USA", "SF; NYC", "London, UK").

    Each `;`-separated place is read as "city, state/province, country" from the right; a
    two-letter upper-case part after a comma is a state or province; "LA" alone is the city."""
    countries: set[str] = set()
    states: set[str] = set()
    cities: set[str] = set()
    remote = False
    for place in _SPLIT_PLACES.split(location):
        if not place.strip():
            continue
        if re.search(r"\bremote\b|\bwork from home\b|\banywhere\b", place, re.I):
            remote = True
        parts = [p.strip() for p in re.split(r",|\s-\s|\(|\)", place) if p.strip()]
        for i, part in enumerate(parts):
            low = fold(part).strip(" .")
            low = re.sub(r"^(remote|hybrid|on-?site)\s*(in|-|:)?\s*", "", low).strip()
            low = re.sub(r"\s*\b(metro(politan)?( area)?|area|region|hq|office)$", "", low).strip()
            if not low:
                continue
            if low in _COUNTRY_BY_NAME:
                countries.add(_COUNTRY_BY_NAME[low])
            elif part.strip().isupper() and len(low) == 2 and i > 0 and low in US_STATES:
                states.add(low)
                countries.add("us")
            elif part.strip().isupper() and len(low) == 2 and i > 0 and low in _CA_PROVINCES:
                countries.add("ca")
            elif low in _STATE_BY_NAME and not (low == "new york" and i == 0 and len(parts) > 1):
                # "Seattle, Washington" is the state; "Washington, DC" is the city.
                if low == "washington" and i == 0 and len(parts) > 1:
                    cities.add("washington")
                    states.add("dc")
                else:
                    states.add(_STATE_BY_NAME[low])
                countries.add("us")
            else:
                low = _CITY_ALIASES.get(low, low)
                if low == "la" and i == 0 and len(parts) == 1:
                    low = "los angeles"
                if low in CITIES:
                    country, state = CITIES[low]
                    # "Cambridge, UK" is not Cambridge, MA: a later part names the country.
                    later = {_COUNTRY_BY_NAME.get(fold(p).strip(" .")) for p in parts[i + 1 :]}
                    later.discard(None)
                    if later and country not in later:
                        continue
                    cities.add(low)
                    countries.add(country)
                    if state:
                        states.add(state)
                elif len(low) == 2 and low in US_STATES and part.strip().isupper():
                    states.add(low)
                    countries.add("us")
    return Where(frozenset(countries), frozenset(states), frozenset(cities), remote)


@dataclass(frozen=True)
class Area:
    """A place a person names: a region, a US state, a city or a country."""

    kind: str  # region | state | city | country
    name: str  # the key in REGIONS, the state's abbreviation, the city, the country code
    label: str  # how the person wrote it

    def contains(self, w: Where) -> bool:
        """True when a posting location read by `where` lies (partly) in this area."""
        if self.kind == "city":
            return self.name in w.cities
        if self.kind == "state":
            return self.name in w.states
        if self.kind == "country":
            return self.name in w.countries
        members = REGIONS[self.name]
        return bool(
            set(members.get("states", ())) & w.states
            or set(members.get("cities", ())) & w.cities
            or set(members.get("countries", ())) & w.countries
        )

    def countries(self) -> frozenset[str]:
        """The countries this area lies in."""
        if self.kind == "country":
            return frozenset({self.name})
        if self.kind == "city":
            return frozenset({CITIES[self.name][0]})
        if self.kind == "state":
            return frozenset({"us"})
        members = REGIONS[self.name]
        found = set(members.get("countries", ()))
        if members.get("states"):
            found.add("us")
        found.update(CITIES[c][0] for c in members.get("cities", ()) if c in CITIES)
        return frozenset(found)


def _name_pattern() -> re.Pattern[str]:
    names = set(REGIONS) | set(_REGION_ALIASES) | set(CITIES) | set(_CITY_ALIASES)
    names |= set(_STATE_BY_NAME) | set(_COUNTRY_BY_NAME)
    names -= {"la", "us", "dc", "sf", "uk", "eu", "u s", "america"}
    alts = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    # Upper-case abbreviations only as written ("US", "UK", "DC", "SF", "NYC", "EU").
    return re.compile(
        rf"(?i:\b(?:{alts})\b)|(?<![\w.])(?:USA|US|U\.S\.A\.|U\.S\.|UK|DC|D\.C\.|SF|NYC|EU|PNW|DMV)(?![\w])"
    )


_NAMES = _name_pattern()


def areas_in(text: str) -> list[Area]:
    """The places named in free text, in order: "Seattle or the Pacific Northwest" ->
    [city seattle, region pacific northwest]; "Washington DC / Virginia / Maryland" ->
    [city washington, state va, state md]. A bare "Washington" is the state."""
    out: list[Area] = []
    # Accents off but case kept: "US" and "DC" count only as written in capitals.
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    folded = plain.lower()
    for m in _NAMES.finditer(plain):
        label = raw = m.group(0)
        low = raw.lower()
        if raw in ("US", "USA", "U.S."):
            low = "us"
        area: Area | None = None
        after = folded[m.end() : m.end() + 6].lower()
        if low in REGIONS or low in _REGION_ALIASES or raw in ("PNW", "DMV"):
            key = _REGION_ALIASES.get(low, low)
            key = {"pnw": "pacific northwest"}.get(key, key)
            area = Area("region", key, label)
        elif low == "washington" and not re.match(r"\s*(,\s*)?(dc|d\.c\.)", after):
            area = Area("state", "wa", label)
        elif low in _CITY_ALIASES or low in CITIES:
            city = _CITY_ALIASES.get(low, low)
            if (
                city == "washington"
                or (low == "new york" and "state" not in after)
                or city in CITIES
            ):
                area = Area("city", city, label)
        if area is None and low in _STATE_BY_NAME:
            area = Area("state", _STATE_BY_NAME[low], label)
        if area is None and (low in _COUNTRY_BY_NAME or raw in ("UK", "EU")):
            code = _COUNTRY_BY_NAME.get(low) or {"UK": "gb"}.get(raw)
            area = Area("country", code, label) if code else Area("region", "eu", label)
        if area is not None and all((a.kind, a.name) != (area.kind, area.name) for a in out):
            out.append(area)
    return out


def country_of(areas: list[Area]) -> frozenset[str]:
    """The countries a list of named places lies in."""
    found: set[str] = set()
    for a in areas:
        found |= a.countries()
    return frozenset(found)


def country_code(text: str) -> str | None:
    """'GB', 'gb', 'United Kingdom', 'Deutschland' → the ISO 3166 code in capitals; None when
    the text names no country we know."""
    folded = " ".join(fold(text).replace(".", " ").split())
    if folded in COUNTRIES:
        return folded.upper()
    code = _COUNTRY_BY_NAME.get(folded) or _COUNTRY_BY_NAME.get(fold(text).strip())
    return code.upper() if code else None


def location_country(location: str) -> str | None:
    """The one country a place names ('Berlin', 'Toronto, ON', 'London, United Kingdom', any US
    place → 'US'), in capitals; None when it names none or several."""
    found = where(location).countries if location.strip() else frozenset()
    return next(iter(found)).upper() if len(found) == 1 else None
