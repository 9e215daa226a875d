"""Places, the one home for them: what a posting's location says and what places a person names.

Board matching (`scrapers.sources.match`), the hard filters (`scoring.filters`) and the scorer
read places only through here, over the gazetteer (`scrapers.postings.gazetteer`: GeoNames
cities with coordinates and populations, ISO countries and subdivisions, a few hand-named
regions such as "EMEA" or "the Klang Valley").

- `where(location)` reads a posting's location ("Toowong, Brisbane QLD (hybrid)", "Remote (UK)",
  "Remote (North America, Europe)", "SF; NYC"): its countries, divisions, cities with
  coordinates, and for a remote posting the countries it hires in.
- `areas_in(text)` finds the places a person names in their own words ("within commuting
  distance of Birmingham", "the Black Country", "remote within Australia").
- `Area.contains(where, km)` and `Area.km_to(where)` answer "is this posting there / how far".

Nothing is read from the packages until a place is first asked about.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from scrapers.postings.gazetteer import (
    CITY_ALIASES,
    DEMONYMS,
    FREE_TEXT_DIVISIONS,
    REGION_ALIASES,
    REGIONS,
    City,
    Region,
    gazetteer,
    km_between,
)
from scrapers.postings.text import fold

# How far a person is taken to travel to work when they do not say (a profile filter,
# `Filters.commute_km`, changes it).
COMMUTE_KM = 50.0
# How a country is shown in a reason.
_SHOWN = {"us": "the US", "gb": "the UK", "ae": "the UAE", "nl": "the Netherlands"}
US_NAMES = frozenset({"united states", "usa", "us", "u s", "united states of america", "america"})


def country_label(code: str) -> str:
    """'gb' -> 'the UK', 'my' -> 'Malaysia'."""
    return _SHOWN.get(code) or gazetteer().country_names.get(code, code.upper())


@dataclass(frozen=True)
class Where:
    """What a location string says. Codes are lower case: countries "gb", divisions "au-qld"
    (ISO 3166-2), cities by folded name with their gazetteer entries in `points`."""

    countries: frozenset[str] = frozenset()
    divisions: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    points: tuple[City, ...] = ()
    remote: bool = False
    # A remote posting's reach: "Remote (worldwide)" / "anywhere" is everyone's.
    anywhere: bool = False
    # Countries the location names only as the reach of remote work ("Remote (UK)").
    hires_in: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()  # named regions ("emea")

    @property
    def known(self) -> bool:
        return bool(self.countries or self.divisions or self.points)

    @property
    def states(self) -> frozenset[str]:
        """US states as postal codes ("va")."""
        return frozenset(d[3:] for d in self.divisions if d.startswith("us-"))


# -- reading a posting's location ----------------------------------------------------------
_SPLIT_PLACES = re.compile(r"\s*[;|]\s*|\s+/\s+|\s+or\s+|\s*/\s*(?=[A-Z])")
_PARENS = re.compile(r"\(([^()]*)\)")
_REMOTE = re.compile(
    r"\bremote\b|\bwork from home\b|\bwfh\b|\btelecommut\w*|\bhome[- ]based\b|\banywhere\b|"
    r"\bworldwide\b|\bglobal(ly)?\b|\bdistributed\b|\bhome office\b",
    re.I,
)
_ANYWHERE = re.compile(r"\b(worldwide|anywhere|global(ly)?|world)\b", re.I)
# Words around a place that are not the place.
_NOISE = re.compile(
    r"\b(remote|hybrid|on-?site|in[- ]office|work from home|wfh|home office|based|hires? in|"
    r"hiring in|in|within|only|time ?zones?|hours|friendly|preferred|multiple cities|"
    r"multiple locations|locations?|-wide|wide|greater|metro(politan)?( area)?|"
    r"area|region|hq|office|headquarters|regional municipality|city of|the)\b",
    re.I,
)
_DIV_AFTER_CITY = re.compile(r"^(.*\S)\s+([A-Z]{2,3})$")


@lru_cache(maxsize=50_000)
def where(location: str) -> Where:
    """Read a posting's location; unknown words are ignored, never guessed."""
    g = gazetteer()
    countries: set[str] = set()
    divisions: set[str] = set()
    points: list[City] = []
    regions: set[str] = set()
    hires: set[str] = set()
    remote = bool(_REMOTE.search(location))
    anywhere = remote and bool(_ANYWHERE.search(location))
    # A parenthesis qualifies the place before it: "(remote, Australia-wide)", "(UK)".
    outer = _PARENS.sub(",", location)
    inner = _PARENS.findall(location)
    for text, is_reach in [(outer, False), *((i, True) for i in inner)]:
        for place in _SPLIT_PLACES.split(text):
            found = _read_place(place, g)
            if found is None:
                continue
            cs, ds, ps, rs = found
            (hires if (is_reach and remote) else countries).update(cs)
            divisions.update(ds)
            points.extend(ps)
            regions.update(rs)
    countries |= {p.country for p in points}
    countries |= {d.split("-", 1)[0] for d in divisions}
    if remote and not hires:
        # "United States (remote)", "Remote - US": the places named are the reach.
        hires = set(countries)
    if remote:
        for key in regions:
            hires |= g.region_countries(REGIONS[key])
    return Where(
        countries=frozenset(countries | hires),
        divisions=frozenset(divisions),
        cities=frozenset(fold(p.name) for p in points),
        points=tuple(dict.fromkeys(points)),
        remote=remote,
        anywhere=anywhere,
        hires_in=frozenset(hires),
        regions=frozenset(regions),
    )


def _clean(part: str) -> str:
    text = _NOISE.sub(" ", part)
    return " ".join(text.replace("–", " ").split()).strip(" .,-:")


_COUNTRY_CODES_AFTER_CITY = {"UK": "gb", "US": "us", "USA": "us", "U.S.": "us", "U.K.": "gb"}
# Division codes boards write after a city, by how often each country's boards do it.
_CODE_ORDER = ("us", "ca", "au", "in", "my", "gb")


def _read_place(place: str, g) -> tuple[set[str], set[str], list[City], set[str]] | None:
    """One place ("Toowong, Brisbane QLD", "Toronto, ON, Canada"), read right to left: the
    country and division first, so the city is the one in them."""
    parts = [p for p in (_clean(x) for x in re.split(r",|\s+-\s+|\s+–\s+", place)) if p]
    if not parts:
        return None
    countries: set[str] = set()
    regions: set[str] = set()
    written: list[tuple[str, ...]] = []  # division options per division the place names
    cities: list[tuple[str, tuple[str, ...]]] = []  # (city, division options written with it)
    seats: list[City] = []  # the city a division is named after ("Berlin")
    single = len(parts) == 1
    raw_parts = [fold(x).strip(" .") for x in re.split(r",|\s+-\s+|\s+–\s+", place)]
    for raw in raw_parts:
        # "San Francisco Bay Area", "Greater Toronto Area": a region by its whole name.
        raw = REGION_ALIASES.get(raw, raw)
        if raw in REGIONS:
            regions.add(raw)
            parts = [p for p in parts if REGION_ALIASES.get(fold(p), fold(p)) not in REGIONS
                     and fold(p) not in raw]  # fmt: skip
    for i, part in enumerate(parts):
        low = fold(part)
        region = REGION_ALIASES.get(low, low)
        if region in REGIONS:
            regions.add(region)
        elif part in _COUNTRY_CODES_AFTER_CITY:
            countries.add(_COUNTRY_CODES_AFTER_CITY[part])
        elif i > 0 and part.isupper() and 2 <= len(part) <= 3 and _division_codes(low):
            # A code after a city: a division ("Austin, TX"), or a country's own code when the
            # city is there ("Reykjavik, IS").
            earlier = [c for n, _o in cities for c in _named(n) if c.country == low]
            if earlier and not any(f"{c.country}-{c.division}" in _division_codes(low)
                                   for n, _o in cities for c in _named(n)):  # fmt: skip
                countries.add(low)
            else:
                written.append(_division_codes(low))
        elif low in g.countries and (len(low) > 3 or part.isupper()):
            code = g.countries[low]
            countries.add(code)
            if code in g.capitals:
                cities.append((g.capitals[code].name, ()))
        elif low in g.divisions and (i > 0 or (single and low not in CITY_ALIASES)):
            written.append(g.divisions[low])
            if single and (seat := _seat(part, g.divisions[low])) is not None:
                # "Berlin", "Hamburg", "New York": a division named after its own city is, on
                # a job board, that city too (so a commute from it can be measured).
                seats.append(seat)
        elif (m := _DIV_AFTER_CITY.match(part)) and _division_codes(fold(m.group(2))):
            cities.append((m.group(1), _division_codes(fold(m.group(2)))))
        else:
            cities.append((part, ()))
    divisions: set[str] = set()
    points: list[City] = []
    every = tuple(d for options in written for d in options)
    # Right to left: "Toowong, Brisbane QLD" is a suburb of the city after it, so a first
    # part is kept only when it lies near that city ("Milton" there is not Milton, Ontario).
    anchor: City | None = None
    for name, options in reversed(cities):
        near_countries = {anchor.country} if anchor else countries
        city = _city(name, near_countries, options or every)
        if city is not None and anchor is not None and km_between(city, anchor) > 60:
            city = None
        if city is None:
            if options:
                written.append(options)
            continue
        anchor = anchor or city
        points.append(city)
        if city.division:
            divisions.add(f"{city.country}-{city.division}")
    points += [seat for seat in seats if seat not in points]
    near = countries | {p.country for p in points}
    for options in written:
        chosen = [o for o in options if o.split("-", 1)[0] in near]
        if not chosen:
            chosen = sorted(
                (o for o in options if o.split("-", 1)[0] in _CODE_ORDER),
                key=lambda o: _CODE_ORDER.index(o.split("-", 1)[0]),
            ) or list(options)
        divisions.update(chosen[:1])
    if not (countries or divisions or points or regions):
        return None
    return countries, divisions, points, regions


def _seat(name: str, divisions: tuple[str, ...]) -> City | None:
    """The city of the same name inside one of `divisions`, if there is one."""
    for city in _named(name):
        if f"{city.country}-{city.division}" in divisions:
            return city
        # The gazetteer leaves some cities' division blank (German city-states among them).
        if not city.division and any(d.startswith(f"{city.country}-") for d in divisions):
            return city
    return None


def _named(name: str) -> tuple[City, ...]:
    g = gazetteer()
    low = fold(name)
    return g.cities.get(low) or g.alt_cities.get(low) or ()


def _division_codes(code: str) -> tuple[str, ...]:
    return gazetteer().division_codes.get(code, ()) if 2 <= len(code) <= 3 else ()


def _city(name: str, countries: set[str], options: tuple[str, ...]) -> City | None:
    """The city a board means: in the named country and division if any, else the biggest;
    None when the gazetteer has no such city there ("London, KY" is not London, England)."""
    g = gazetteer()
    low = fold(name)
    candidates = g.cities.get(low) or g.alt_cities.get(low) or ()
    alias = CITY_ALIASES.get(low)
    if alias:
        anchor = g.anchor(*alias)
        if anchor is not None:
            candidates = (anchor, *candidates)
    if countries:
        candidates = tuple(c for c in candidates if c.country in countries)
    if options:
        candidates = tuple(c for c in candidates if f"{c.country}-{c.division}" in options)
    return candidates[0] if candidates else None


# -- places a person names -----------------------------------------------------------------
@dataclass(frozen=True)
class Area:
    """A place a person names: a city (with its coordinates), a division, a country or a region."""

    kind: str  # city | division | country | region
    name: str  # folded city name, "au-qld", "gb", or the REGIONS key
    label: str  # as the person wrote it
    point: City | None = field(default=None, compare=False)

    def contains(self, w: Where, km: float = COMMUTE_KM) -> bool:
        """True when a posting read by `where` lies (partly) in this area; a city takes in
        what is within `km` of it."""
        if self.kind == "country":
            return self.name in w.countries
        if self.kind == "division":
            return self.name in w.divisions
        if self.kind == "city":
            if self.point is None or not w.points:  # by name only when nothing better
                return self.name in w.cities
            d = self.km_to(w)
            return d is not None and d <= km
        region = REGIONS[self.name]
        if self.name in w.regions:
            return True
        if set(region.divisions) & w.divisions:
            return True
        g = gazetteer()
        if region.countries or region.continents:
            members = g.region_countries(Region("", region.countries, region.continents))
            if members & w.countries:
                return True
        for city, country, radius in region.anchors:
            anchor = g.anchor(city, country)
            if anchor and any(km_between(anchor, p) <= radius for p in w.points):
                return True
        return False

    def km_to(self, w: Where) -> float | None:
        """Distance from this city to the nearest place of the posting (None: unknown)."""
        if self.point is None or not w.points:
            return None
        return min(km_between(self.point, p) for p in w.points)

    def countries(self) -> frozenset[str]:
        """The countries this area lies in."""
        if self.kind == "country":
            return frozenset({self.name})
        if self.kind == "division":
            return frozenset({self.name.split("-", 1)[0]})
        if self.kind == "city":
            return frozenset({self.point.country}) if self.point else frozenset()
        return gazetteer().region_countries(REGIONS[self.name])

    def centre(self) -> City | None:
        """Where distances are measured from: the city, or a region's first anchor."""
        if self.point is not None:
            return self.point
        if self.kind == "region" and REGIONS[self.name].anchors:
            city, country, _km = REGIONS[self.name].anchors[0]
            return gazetteer().anchor(city, country)
        return None


# Capitalised word runs ("Klang Valley", "Newcastle upon Tyne", "EMEA", "St. Louis").
_RUN = re.compile(
    r"(?:[A-Z][\w.'’-]*|[A-Z]{2,})(?:\s+(?:of|upon|on|de|del|la|am|and|the)?\s*(?:[A-Z][\w.'’-]*))*"
)
# Words before a place that say it is one ("in Leeds", "near Bath", "of Birmingham").
_CUES = frozenset(
    "in near around from of to within outside at prefers prefer based live living lives "
    "relocate move commute".split()
)
# Capitalised words that are also cities somewhere but rarely meant as one in a profile.
_NOT_PLACES = frozenset(
    "spring mobile reading bath nice orange split energy police best sale hope deal march "
    "java python ruby go swift rust kafka spark flask django excel lead senior junior "
    "graduate university college school street media data cloud power phoenix "
    "independence enterprise commerce industry liberty union victoria jersey georgia "
    "manhattan brooklyn central western eastern northern southern north south east west "
    "aws gcp sql api apis bi it hr qa ai ml ui ux saas b2b crm erp".split()
)
_BEFORE_PLACE = re.compile(r",\s*(?:[A-Z]{2,3}\b|[A-Z][a-z]+)")
_ABBREVIATIONS = {"US": "us", "USA": "us", "U.S.": "us", "U.S.A.": "us", "UK": "gb", "U.K.": "gb"}


def place_areas(name: str) -> tuple[Area, ...]:
    """The places one place name means, as a filter or a search gives it ("Coventry",
    "Klang Valley", "United States"): every word is taken to be a place."""
    name = name.strip()
    if name.islower():  # typed in lower case: "berlin", "uk"
        name = name.upper() if len(name) <= 3 else name.title()
    return _place_areas(name)


@lru_cache(maxsize=2048)
def _place_areas(name: str) -> tuple[Area, ...]:
    return tuple(areas_in(name, every_word_a_place=True))


def areas_in(text: str, *, every_word_a_place: bool = False) -> list[Area]:
    """The places named in free text, in order, each once: "Seattle or the Pacific Northwest"
    -> [Seattle, the Pacific Northwest]; "within commuting distance of Birmingham" ->
    [Birmingham (England: the most populous of that name)]; "remote within the EU" -> [the EU].
    "us" in a sentence is a pronoun; "US" is the country."""
    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    out: list[Area] = []
    seen: set[tuple[str, str]] = set()
    last_end = -10
    for m in _RUN.finditer(plain):
        words = m.group(0).split()
        start = m.start()
        i = 0
        while i < len(words):
            for j in range(min(len(words), i + 5), i, -1):
                span = " ".join(words[i:j]).strip(".,'’")
                before = plain[max(0, start - 30) : start].lower().split()
                prev = before[-1] if before else ""
                end = start + len(span)
                # A place is expected after "in", "near", "of" …, in a list of places, or
                # before ", <country or division>" ("Seattle, Washington").
                cued = (
                    every_word_a_place
                    or prev in _CUES
                    or 0 <= start - last_end <= 5
                    or bool(_BEFORE_PLACE.match(plain, end))
                )
                area = _area(span, cued, plain, end)
                if area is not None:
                    key = (area.kind, area.name)
                    if key not in seen:
                        seen.add(key)
                        out.append(area)
                    last_end = start + len(span)
                    i = j
                    start = last_end + 1
                    break
            else:
                start += len(words[i]) + 1
                i += 1
    return _merge(out)


def _area(span: str, cued: bool, text: str, end: int) -> Area | None:
    g = gazetteer()
    low = fold(span).strip()
    after = text[end : end + 8]
    if span in _ABBREVIATIONS:
        return Area("country", _ABBREVIATIONS[span], span)
    if span.isupper() and low not in REGION_ALIASES and low not in REGIONS:
        # Capitals are acronyms ("REST", "GRC", "SQL"), places only when we know them so.
        if low in CITY_ALIASES:
            city = g.anchor(*CITY_ALIASES[low])
            return Area("city", fold(city.name), span, city) if city else None
        return None
    region = REGION_ALIASES.get(low, low)
    if low.startswith("the "):
        region = REGION_ALIASES.get(low[4:], low[4:])
    if region in REGIONS and (len(low) > 3 or span.isupper()):
        return Area("region", region, span)
    if low == "washington" and not re.match(r"\s*,?\s*(dc|d\.c\.)", after, re.I):
        return Area("division", "us-wa", span)
    alias = CITY_ALIASES.get(low)
    if alias and (len(low) > 3 or span.isupper()):
        city = g.anchor(*alias)
        if city:
            return Area("city", fold(city.name), span, city)
    if low in g.countries and (len(low) > 3 or span.isupper()) and low not in DEMONYMS:
        code = g.countries[low]
        if code in g.capitals and low == fold(g.capitals[code].name):
            return Area("city", low, span, g.capitals[code])
        if low in _division_names_gb:
            return Area("division", _division_names_gb[low], span)
        return Area("country", code, span)
    divisions = [d for d in g.divisions.get(low, ()) if d.split("-", 1)[0] in FREE_TEXT_DIVISIONS]
    cities = g.cities.get(low) or ()
    if (
        divisions
        and not (cities and cities[0].population > 500_000)
        and (cued or low not in _NOT_PLACES)
    ):
        return Area("division", divisions[0], span)
    if (low in _NOT_PLACES and not cued) or len(low) < 4:
        return None
    if not cities and cued:
        cities = g.alt_cities.get(low) or ()
    if not cities:
        return None
    # A single capitalised word is a city only where a place is expected, or when it is a
    # big one; "Spring Boot" is not Spring, Texas.
    if not cued and " " not in low and cities[0].population < 1_000_000:
        return None
    return Area("city", fold(cities[0].name), span, cities[0])


_division_names_gb = {"england": "gb-eng", "scotland": "gb-sct", "wales": "gb-wls",
                      "northern ireland": "gb-nir"}  # fmt: skip


def _merge(areas: list[Area]) -> list[Area]:
    """A city named next to a country or division it is not in is another city of that name:
    "London, Ontario" is not London, England."""
    out = list(areas)
    for i, a in enumerate(out):
        if a.kind != "city" or a.point is None or i + 1 >= len(out):
            continue
        nxt = out[i + 1]
        if nxt.kind in ("country", "division") and a.point.country not in nxt.countries():
            g = gazetteer()
            for c in g.cities.get(a.name, ()):
                in_div = nxt.kind == "division" and f"{c.country}-{c.division}" == nxt.name
                if c.country in nxt.countries() and (nxt.kind == "country" or in_div):
                    out[i] = Area("city", a.name, a.label, c)
                    break
    return out


def country_of(areas: list[Area]) -> frozenset[str]:
    """The countries a list of named places lies in."""
    found: set[str] = set()
    for a in areas:
        found |= a.countries()
    return frozenset(found)


def demonym_country(word: str) -> str | None:
    """'Australian' -> 'au'; None for a word that is not a nationality we know."""
    return DEMONYMS.get(fold(word).strip())


def countries_named(text: str) -> frozenset[str]:
    """Every country a text names, by name, region or demonym ("the US, UK or Europe")."""
    found = set(country_of(areas_in(text)))
    for word in re.findall(r"[A-Z][a-z]+(?: [A-Z][a-z]+)?", text):
        code = demonym_country(word)
        if code:
            found.add(code)
    return frozenset(found)


def in_us(location: str) -> bool:
    """True for 'Austin, TX', 'Remote - US', 'Ohio', 'New York, NY, United States'."""
    return "us" in where(location).countries


def country_code(text: str) -> str | None:
    """'GB', 'gb', 'United Kingdom', 'Deutschland' → the ISO 3166 code in capitals; None when
    the text names no country."""
    folded = " ".join(fold(text).replace(".", " ").split())
    if not folded:
        return None
    g = gazetteer()
    if len(folded) == 2 and folded in g.country_names:
        return folded.upper()
    code = g.countries.get(folded) or g.countries.get(fold(text).strip())
    return code.upper() if code else None


def location_country(location: str) -> str | None:
    """The one country a place names ('Berlin', 'Toronto, ON', 'London, United Kingdom', any US
    place → 'US'), in capitals; None when it names none or several."""
    found = where(location).countries if location.strip() else frozenset()
    return next(iter(found)).upper() if len(found) == 1 else None
