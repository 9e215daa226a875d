"""Settings in a person's words: a time of day ("7am", "7:30pm", "19:30"), a timezone ("Berlin",
"PST", "UTC+2", "Europe/Berlin"), a set of days ("mon wed fri", "weekdays", "every day but
Sunday") and a date to pause until ("2027-01-05", "2 weeks", "next monday").

Times, zones and days are read here with small documented tables (a time is a handful of
shapes; a zone abbreviation means what people in that zone mean by it, which no library
decides); dates go through `dateparser` (relative and written dates in every common form).
Days count as the config counts them: 0 = Sunday … 6 = Saturday. No Telegram types here.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import available_timezones

from bot.errors import InputError
from scrapers.postings.text import fold

DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
EVERY_DAY = [0, 1, 2, 3, 4, 5, 6]
WEEKDAYS = [1, 2, 3, 4, 5]
WEEKEND = [0, 6]


class NotUnderstood(InputError):
    """Words this module could not read; the message says what would be read, for the user."""


class AmbiguousZone(InputError):
    """An abbreviation that means different zones to different people: ask which one."""

    def __init__(self, said: str, choices: tuple[str, ...]) -> None:
        super().__init__(f"{said} can mean {', '.join(choices)}: which one?")
        self.said = said
        self.choices = choices  # IANA names, most common first


# -- a time of day ------------------------------------------------------------------------------
_CLOCK = re.compile(
    r"^(?:at\s+)?(?P<h>\d{1,2})(?:[:.h](?P<m>\d{2}))?\s*(?P<ampm>[ap])?\.?\s*(?:m\.?)?"
    r"(?:\s*o'?clock)?$"
)
_FOUR = re.compile(r"^(?P<h>\d{2})(?P<m>\d{2})$")  # "0730"
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}
TIME_HELP = "a time of day like 7am, 7:30pm or 19:30"


def parse_time(text: str) -> time:
    """ "7am", "7:30 pm", "7.30pm", "19:30", "0730", "noon" → a time; NotUnderstood else."""
    said = " ".join(text.lower().split())
    if said in _WORDS:
        return _WORDS[said]
    m = _CLOCK.match(said) or _FOUR.match(said)
    if m is None:
        raise NotUnderstood(f"{text.strip()!r} is not {TIME_HELP}.")
    hour, minute = int(m["h"]), int(m["m"] or 0)
    ampm = m.groupdict().get("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            raise NotUnderstood(f"{text.strip()!r}: with am/pm the hour is 1–12.")
        hour = hour % 12 + (12 if ampm == "p" else 0)
    if hour > 23 or minute > 59:
        raise NotUnderstood(f"{text.strip()!r} is not {TIME_HELP}.")
    return time(hour, minute)


# -- a timezone ---------------------------------------------------------------------------------
# What people mean by an abbreviation: the zone of the place most of them live in (so DST
# follows: "PST" in July is still Los Angeles). Several places → the person is asked.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "PST": ("America/Los_Angeles",),
    "PDT": ("America/Los_Angeles",),
    "PT": ("America/Los_Angeles",),
    "MST": ("America/Denver", "America/Phoenix"),
    "MDT": ("America/Denver",),
    "MT": ("America/Denver",),
    "CST": ("America/Chicago", "Asia/Shanghai"),
    "CDT": ("America/Chicago",),
    "CT": ("America/Chicago",),
    "EST": ("America/New_York",),
    "EDT": ("America/New_York",),
    "ET": ("America/New_York",),
    "AKST": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "Asia/Riyadh"),
    "NST": ("America/St_Johns",),
    "BRT": ("America/Sao_Paulo",),
    "ART": ("America/Argentina/Buenos_Aires",),
    "GMT": ("Europe/London", "UTC"),
    "BST": ("Europe/London", "Asia/Dhaka"),
    "WET": ("Europe/Lisbon",),
    "CET": ("Europe/Berlin",),
    "CEST": ("Europe/Berlin",),
    "EET": ("Europe/Athens",),
    "EEST": ("Europe/Athens",),
    "MSK": ("Europe/Moscow",),
    "IST": ("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin"),
    "PKT": ("Asia/Karachi",),
    "GST": ("Asia/Dubai",),
    "SGT": ("Asia/Singapore",),
    "HKT": ("Asia/Hong_Kong",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "WIB": ("Asia/Jakarta",),
    "AEST": ("Australia/Sydney",),
    "AEDT": ("Australia/Sydney",),
    "ACST": ("Australia/Adelaide",),
    "AWST": ("Australia/Perth",),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "SAST": ("Africa/Johannesburg",),
    "WAT": ("Africa/Lagos",),
    "EAT": ("Africa/Nairobi",),
    "CAT": ("Africa/Maputo",),
    "UTC": ("UTC",),
    "Z": ("UTC",),
}
# Big cities that are not a zone's own name (the zone names its largest city: Berlin, not
# Munich). Any city that names a zone (Berlin, Tokyo, New York, São Paulo) is read from the
# zone list itself.
CITIES = {
    "san francisco": "America/Los_Angeles",
    "sf": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "portland": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "la": "America/Los_Angeles",
    "salt lake city": "America/Denver",
    "austin": "America/Chicago",
    "dallas": "America/Chicago",
    "houston": "America/Chicago",
    "minneapolis": "America/Chicago",
    "boston": "America/New_York",
    "nyc": "America/New_York",
    "washington": "America/New_York",
    "atlanta": "America/New_York",
    "miami": "America/New_York",
    "philadelphia": "America/New_York",
    "pittsburgh": "America/New_York",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "munich": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "frankfurt": "Europe/Berlin",
    "cologne": "Europe/Berlin",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "geneva": "Europe/Zurich",
    "edinburgh": "Europe/London",
    "manchester": "Europe/London",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "mumbai": "Asia/Kolkata",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "hyderabad": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "shenzhen": "Asia/Shanghai",
    "tel aviv": "Asia/Jerusalem",
    "osaka": "Asia/Tokyo",
    "melbourne": "Australia/Melbourne",
}
_OFFSET = re.compile(r"^(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?::?00)?$")
ZONE_HELP = "a city (Berlin, New York), an abbreviation (PST, CET) or a zone like Europe/Berlin"


@cache
def _zones() -> dict[str, str]:
    """Every IANA name (lower case) → its spelling, and each zone's city ("new york")."""
    names: dict[str, str] = {}
    cities: dict[str, list[str]] = {}
    for zone in available_timezones():
        names[zone.lower()] = zone
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            city = fold(zone.rsplit("/", 1)[1].replace("_", " ")).lower()
            cities.setdefault(city, []).append(zone)
    for city, zones in cities.items():
        if len(zones) == 1:  # a city two zones share names neither
            names.setdefault(city, zones[0])
    return names


def parse_zone(text: str) -> str:
    """An IANA zone name for what a person said; `AmbiguousZone` when the words mean several
    zones (the person picks), `NotUnderstood` when they mean none."""
    said = " ".join(text.split())
    upper = said.upper()
    if upper in ABBREVIATIONS:
        choices = ABBREVIATIONS[upper]
        if len(choices) > 1:
            raise AmbiguousZone(upper, choices)
        return choices[0]
    key = fold(said).lower().replace("_", " ")
    if m := _OFFSET.match(key.replace(" ", "")):
        hours = int(m["h"])
        if hours > 14:
            raise NotUnderstood(f"{said!r}: an offset is at most 14 hours.")
        if hours == 0:
            return "UTC"
        # The Etc zones count the other way round (POSIX): UTC+2 is Etc/GMT-2.
        return f"Etc/GMT{'-' if m['sign'] == '+' else '+'}{hours}"
    zones = _zones()
    found = zones.get(said.lower()) or zones.get(key) or CITIES.get(key)
    if found is None:
        raise NotUnderstood(f"{said!r} is not a known timezone. Use {ZONE_HELP}.")
    return found


# -- a set of days ------------------------------------------------------------------------------
_DAY_WORDS = {
    **{name.lower(): i for i, name in enumerate(DAY_NAMES)},
    **{name.lower()[:3]: i for i, name in enumerate(DAY_NAMES)},
    "tues": 2,
    "weds": 3,
    "thur": 4,
    "thurs": 4,
    "tu": 2,
    "th": 4,
}
_GROUPS = {
    "daily": EVERY_DAY,
    "everyday": EVERY_DAY,
    "all": EVERY_DAY,
    "weekdays": WEEKDAYS,
    "weekday": WEEKDAYS,
    "workdays": WEEKDAYS,
    "weekends": WEEKEND,
    "weekend": WEEKEND,
}
_FILLER = {"every", "on", "only", "and", "days", "day", "the", "each", "a", "week", "of"}
_EXCEPT = re.compile(r"\b(?:but|except|excluding|without|not)\b")
_RANGE = re.compile(r"^(?P<a>[a-z]+)\s*(?:-|–|to|through|thru|till|until)\s*(?P<b>[a-z]+)$")
DAYS_HELP = "days like mon wed fri, weekdays, every day, or every day but sunday"


def _day(word: str) -> int | None:
    word = word.strip(".").lower()
    if word in _DAY_WORDS:
        return _DAY_WORDS[word]
    if word.endswith("s") and word[:-1] in _DAY_WORDS:  # "mondays"
        return _DAY_WORDS[word[:-1]]
    return None


def _day_set(text: str) -> set[int]:
    words = re.sub(r"[,;&+/]", " ", text.lower()).split()
    if not words:
        return set()
    phrase = " ".join(w for w in words if w not in ("every", "on", "only"))
    if m := _RANGE.match(phrase):
        a, b = _day(m["a"]), _day(m["b"])
        if a is not None and b is not None:
            return {(a + i) % 7 for i in range((b - a) % 7 + 1)}
    found: set[int] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word == "every" and i + 1 < len(words) and words[i + 1] == "day":
            found.update(EVERY_DAY)
            i += 2
            continue
        if "-" in word or "–" in word:
            found |= _day_set(word.replace("–", "-").replace("-", " to "))
        elif word in _GROUPS:
            found.update(_GROUPS[word])
        elif (day := _day(word)) is not None:
            found.add(day)
        elif word not in _FILLER:
            raise NotUnderstood(f"{word!r} is not a day. Use {DAYS_HELP}.")
        i += 1
    return found


def parse_days(text: str) -> list[int]:
    """ "mon wed fri", "weekdays", "mon-fri", "every day but sunday" → sorted day numbers."""
    said = " ".join(text.split())
    if _EXCEPT.search(said.lower()):
        keep, drop = _EXCEPT.split(said.lower(), maxsplit=1)
        days = (_day_set(keep) or set(EVERY_DAY)) - _day_set(drop)
    else:
        days = _day_set(said)
    if not days:
        raise NotUnderstood(f"{said!r} leaves no day. Use {DAYS_HELP}.")
    return sorted(days)


def parse_weekday(text: str) -> int:
    """One day of the week ("friday", "Fri", "fridays") → its number."""
    day = _day(text.strip())
    if day is None:
        raise NotUnderstood(f"{text.strip()!r} is not a day of the week (monday … sunday).")
    return day


def days_label(days: list[int]) -> str:
    """ "every day", "weekdays", "weekends" or the day names ("Mon, Wed, Fri")."""
    chosen = sorted(set(days))
    for label, group in (("every day", EVERY_DAY), ("weekdays", WEEKDAYS), ("weekends", WEEKEND)):
        if chosen == group:
            return label
    if len(chosen) == 6:
        (missing,) = set(EVERY_DAY) - set(chosen)
        return f"every day but {DAY_NAMES[missing]}"
    # Monday first, as a week is read.
    return ", ".join(DAY_NAMES[d][:3] for d in sorted(chosen, key=lambda d: (d + 6) % 7))


# -- a date to pause until -------------------------------------------------------------------
UNTIL_HELP = "a date like 2027-01-05, 5 January, next monday, or a span like 2 weeks"
MAX_PAUSE_DAYS = 366


def parse_until(text: str, today: date) -> date:
    """The first day picks come again: "2027-01-05", "jan 5", "next monday", "2 weeks",
    "in 10 days". Must be after `today` and within a year."""
    import dateparser  # light (no network, no data download); only /pause needs it

    said = " ".join(text.split())
    words = said.lower().removeprefix("until ").removeprefix("till ").removeprefix("for ")
    base = datetime.combine(today, time(12, 0))
    settings = {"PREFER_DATES_FROM": "future", "RELATIVE_BASE": base}
    try:
        found = dateparser.parse(words, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except (ValueError, OverflowError):  # a date past year 9999, or nonsense it half-reads
        found = None
    if found is None:
        raise NotUnderstood(f"{said!r} is not a date. Use {UNTIL_HELP}.")
    until = found.date()
    if until <= today:
        raise NotUnderstood(f"{until.isoformat()} is not after today ({today.isoformat()}).")
    if until > today + timedelta(days=MAX_PAUSE_DAYS):
        raise NotUnderstood(f"{until.isoformat()} is more than a year away: /pause alone pauses.")
    return until
