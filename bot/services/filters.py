"""/filters: the hard filters a person sets in the chat — places, levels, employment types,
workplace, maximum age, minimum pay — read from what they type or tap, and saved as a new
profile version (undoable with /profile undo). Onboarding reads places and choices with the
same functions. No Telegram types here.

Every filter `[profile.filters]` takes in TOML can be set here; blocked companies and excluded
title words stay with /profile (block, unblock) and the 👎 "never show" button.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.context import AppContext
from bot.errors import InputError
from bot.services import profile as profile_service
from scoring.profile import Filters, Profile
from scrapers.postings.places import where

MAX_PLACES = 8
MAX_PLACE = 80
MAX_AGE_DAYS = 365
MAX_PAY = 10_000_000

# The values each kind of choice takes (as `Filters` and `SearchConfig` spell them) and
# what a person reads on a button.
LEVELS = {
    "internship": "Internship",
    "entry": "Entry level",
    "associate": "Associate",
    "mid-senior": "Mid-senior",
    "director": "Director",
    "executive": "Executive",
}
TYPES = {
    "internship": "Internship",
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contract",
    "temporary": "Temporary",
}
WORKPLACES = {"remote": "Remote", "hybrid": "Hybrid", "on-site": "On-site"}
CHOICES = {"levels": LEVELS, "types": TYPES, "workplace": WORKPLACES}
# Other ways people write them (compared lower-case, spaces and hyphens as typed).
_ALIASES = {
    "intern": "internship",
    "interns": "internship",
    "co-op": "internship",
    "coop": "internship",
    "entry-level": "entry",
    "entry level": "entry",
    "junior": "entry",
    "graduate": "entry",
    "new grad": "entry",
    "mid": "mid-senior",
    "mid-level": "mid-senior",
    "senior": "mid-senior",
    "mid senior": "mid-senior",
    "full time": "full-time",
    "fulltime": "full-time",
    "part time": "part-time",
    "parttime": "part-time",
    "contractor": "contract",
    "freelance": "contract",
    "temp": "temporary",
    "onsite": "on-site",
    "on site": "on-site",
    "in office": "on-site",
    "office": "on-site",
    "wfh": "remote",
}
_COMMUTE = re.compile(
    r"^(?:within\s+)?(?:(?:a\s+)?commut\w*(?:\s+distance)?\s+(?:of|from|to)|near|close to|"
    r"around)\s+(.+)$",
    re.I,
)
_REMOTE = re.compile(r"^(?:fully\s+|100%\s+)?(?:remote(?:ly)?|work from home|wfh)$", re.I)
_ANYWHERE = re.compile(r"^(?:anywhere|any|everywhere|any place|no preference)$", re.I)
_PAY = re.compile(r"^[^\d]{0,3}(\d[\d,. ]*)\s*(k|thousand|m)?\b", re.I)
_CODE = re.compile(r"^[A-Z]{2,3}$")  # "TX", "ON", "NSW", "UK" after a town
_FILLER = {"and", "or", "level", "roles", "jobs", "only"}


class FiltersError(InputError):
    """A bad /filters request (or onboarding answer); the message is for the person."""


# -- places ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Places:
    """Where a person wants to work: named places, remote, and a town they commute from."""

    places: tuple[str, ...] = ()
    remote: bool = False
    commute_from: str = ""

    def locations(self) -> list[str]:
        """The hard filter's `locations`: every named place, the town a person commutes from
        (the filter takes in what lies within the profile's `commute_km` of a city), and
        "remote" when it suits them."""
        out = list(self.places)
        if self.commute_from:
            out.append(self.commute_from)
        if self.remote:
            out.append("remote")
        return _dedup(out)

    def workplace(self) -> list[str]:
        """Remote and nowhere else: only remote postings (one stating none still passes)."""
        return ["remote"] if self.remote and not self.places and not self.commute_from else []

    def rule(self) -> str:
        """A plain sentence for the profile's rules, so the scorer reads it too."""
        parts = []
        if self.commute_from:
            parts.append(f"within commuting distance of {self.commute_from}")
        if self.places:
            parts.append("in " + _or(list(self.places)))
        if not parts:
            return "Remote only." if self.remote else ""
        if self.remote:
            parts.append("remotely")
        return "Wants to work " + " or ".join(parts) + "."

    def describe(self) -> str:
        if not (self.places or self.commute_from):
            return "remote only" if self.remote else "anywhere"
        return self.rule().removeprefix("Wants to work ").rstrip(".")


def _or(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _dedup(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def _split_places(text: str) -> list[str]:
    """ "Berlin; Munich", "Berlin, Munich or Hamburg", but "Austin, TX" and "London, UK" are
    one place each."""
    parts: list[str] = []
    for chunk in re.split(r"\s*(?:;|\n|\|| / | or | and )\s*", text):
        for piece in (p.strip() for p in chunk.split(",")):
            if not piece:
                continue
            if parts and _qualifies(piece) and "," not in parts[-1] and not _is_country(parts[-1]):
                parts[-1] = f"{parts[-1]}, {piece}"
            else:
                parts.append(piece)
    return parts


def _qualifies(piece: str) -> bool:
    """A state, province or country code, a US state or a country: it names where the place
    before it is, not a place of its own."""
    if _CODE.match(piece):
        return True
    w = where(piece)
    us_state = bool(w.divisions) and all(d.startswith("us-") for d in w.divisions)
    return not w.cities and (us_state or _is_country(piece))


def _is_country(text: str) -> bool:
    w = where(text)
    return bool(w.countries) and not w.divisions and not w.cities


def parse_places(text: str) -> Places:
    """ "Berlin; remote", "near Boston", "within commuting distance of Austin, TX", "anywhere"."""
    text = " ".join(text.split()).strip(" .")
    if not text:
        raise FiltersError("Name a place (e.g. Berlin; Munich), say remote, or anywhere.")
    places: list[str] = []
    remote = False
    commute = ""
    for part in _split_places(text):
        part = part.strip(" .")
        m = _COMMUTE.match(part)
        if _REMOTE.match(part):
            remote = True
        elif _ANYWHERE.match(part):
            continue
        elif m:
            if commute:
                raise FiltersError("Name one town to commute from.")
            commute = m.group(1).strip(" .")
        else:
            places.append(part)
    for place in [*places, commute]:
        if len(place) > MAX_PLACE:
            raise FiltersError(f"Keep each place under {MAX_PLACE} characters.")
    if len(places) > MAX_PLACES:
        raise FiltersError(f"Name at most {MAX_PLACES} places.")
    return Places(tuple(_dedup(places)), remote, commute)


def places_of(filters: Filters) -> Places:
    """A saved `locations` list read back as places (for showing it)."""
    named = [p for p in filters.locations if p.lower() != "remote"]
    remote = len(named) < len(filters.locations)
    return Places(tuple(named), remote, "")


# -- finite choices ----------------------------------------------------------------------------
def choice(value: str, kind: str) -> str | None:
    """The canonical value of one typed choice of `kind` (levels, types, workplace), or None."""
    options = CHOICES[kind]
    low = " ".join(value.lower().replace("_", " ").split()).strip(" .")
    low = _ALIASES.get(low, low)
    if low in options:
        return low
    for key, label in options.items():
        if low == label.lower():
            return key
    return None


def parse_choices(text: str, kind: str) -> list[str]:
    """ "entry associate", "Entry level, mid-senior" → ["entry", "associate"] / […]; the
    whole list is refused if one word is not a choice (saying which are)."""
    options = CHOICES[kind]
    words = [w for w in re.split(r"[,;/\s]+", text.strip()) if w]
    out: list[str] = []
    i = 0
    while i < len(words):
        # Two-word forms first ("entry level", "full time").
        pair = f"{words[i]} {words[i + 1]}" if i + 1 < len(words) else ""
        found = choice(pair, kind) if pair else None
        if found is not None:
            i += 2
        else:
            word, i = words[i], i + 1
            if word.lower() in _FILLER:
                continue
            found = choice(word, kind)
            if found is None:
                raise FiltersError(f"{word!r} is not one of: {', '.join(options)}.")
        if found not in out:
            out.append(found)
    return out


def parse_days(text: str) -> int:
    """Maximum posting age: "14", "14 days", "any" (0)."""
    value = text.strip().lower().removesuffix("days").removesuffix("day").strip()
    if value in ("any", "off", "none", "0", ""):
        return 0
    if not value.isdigit() or not 1 <= int(value) <= MAX_AGE_DAYS:
        raise FiltersError(f"Give the age as a number of days, 1–{MAX_AGE_DAYS}, or any.")
    return int(value)


def parse_pay(text: str) -> float:
    """Minimum yearly pay: "60000", "60k", "€55,000", "any" (0)."""
    value = text.strip().lower()
    if value in ("any", "off", "none", "0", ""):
        return 0.0
    m = _PAY.match(value)
    if not m:
        raise FiltersError("Give the minimum yearly pay as a number, e.g. 60000 or 60k, or any.")
    digits = re.sub(r"[,. ](?=\d{3}\b)", "", m.group(1).strip()).replace(",", ".")
    try:
        amount = float(digits)
    except ValueError:
        raise FiltersError("Give the minimum yearly pay as a number, e.g. 60000 or 60k.") from None
    amount *= {"k": 1_000, "thousand": 1_000, "m": 1_000_000}.get((m.group(2) or "").lower(), 1)
    if not 0 < amount <= MAX_PAY:
        raise FiltersError("That pay is out of range; give a yearly amount, e.g. 60000.")
    return amount


# -- reading and changing a person's filters ---------------------------------------------------
async def current(ctx: AppContext, chat: int) -> Filters:
    """The filters in force for the person of `chat`."""
    return (await profile_service.current(ctx.for_person(chat))).filters


async def save(ctx: AppContext, chat: int, changes: dict[str, object], note: str) -> Profile:
    """Change some filters of the person of `chat`: a new profile version (the rest of the
    profile as it is). The one place filters are saved from the chat."""
    ctx = ctx.for_person(chat)
    await profile_service.current(ctx)
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        filters = Filters.model_validate(profile.filters.model_dump() | changes)
        if filters == profile.filters:
            return profile
        return ctx.store.save_profile(profile.model_copy(update={"filters": filters}), note)


NAMES = ("places", "levels", "types", "workplace", "age", "pay")


async def change(ctx: AppContext, chat: int, name: str, value: str) -> Profile:
    """A typed change: `/filters places Berlin; remote`, `levels entry associate`,
    `types internship`, `workplace remote hybrid`, `age 14`, `pay 60k`, `reset`. An empty
    value clears that filter (any)."""
    name = name.lower().strip()
    value = value.strip()
    if name == "reset":
        return await save(
            ctx,
            chat,
            {
                "locations": [],
                "levels": [],
                "employment_types": [],
                "workplace": [],
                "max_age_days": 0,
                "min_salary": 0.0,
            },
            "filters reset from chat",
        )
    if name == "places":
        locations = parse_places(value).locations() if value and not _ANYWHERE.match(value) else []
        return await save(ctx, chat, {"locations": locations}, "places set from chat")
    if name in ("levels", "types", "workplace"):
        field = {"levels": "levels", "types": "employment_types", "workplace": "workplace"}[name]
        chosen = parse_choices(value, name) if value else []
        return await save(ctx, chat, {field: chosen}, f"{name} set from chat")
    if name in ("age", "max_age"):
        return await save(ctx, chat, {"max_age_days": parse_days(value)}, "max age set from chat")
    if name in ("pay", "min_pay", "salary"):
        return await save(ctx, chat, {"min_salary": parse_pay(value)}, "min pay set from chat")
    raise FiltersError(
        "Use /filters, or /filters places … | levels … | types … | workplace … | age N | "
        "pay N | reset."
    )


async def toggle(ctx: AppContext, chat: int, kind: str, value: str) -> Profile:
    """A button: add or take away one level, type or workplace."""
    if kind not in CHOICES or value not in CHOICES[kind]:
        raise FiltersError("That button is out of date; send /filters again.")
    field = {"levels": "levels", "types": "employment_types", "workplace": "workplace"}[kind]
    now = list(getattr(await current(ctx, chat), field))
    chosen = [v for v in now if v != value] if value in now else [*now, value]
    ordered = [v for v in CHOICES[kind] if v in chosen]  # the buttons' order, always
    return await save(ctx, chat, {field: ordered}, f"{kind} set from chat")
