"""/settings: delivery time, timezone, picks per day and minimum score, changed from the chat.

Changes are validated, stored in the Store's meta (so they survive a restart) and applied to
`ctx.config` at once (`AppContext.apply_overrides`), so the schedule and the next run use them.
No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import parse_hhmm, parse_timezone
from bot.context import OVERRIDES_META, AppContext


class SettingsError(ValueError):
    """A bad /settings request; the message is for the user."""


@dataclass(frozen=True)
class Setting:
    name: str  # what the user types
    section: str  # config section
    field: str  # config field
    label: str
    help: str


SETTINGS = (
    Setting("time", "schedule", "time", "Delivery time", "HH:MM, 24 h, e.g. 07:30"),
    Setting("timezone", "schedule", "timezone", "Timezone", "a zone name such as Europe/Berlin"),
    Setting("days", "schedule", "days", "Delivery days", "daily or weekdays"),
    Setting("picks", "selection", "max_picks", "Picks per day", "a whole number 1–100"),
    Setting("min_score", "selection", "min_score", "Minimum score", "a whole number 0–100"),
)
ALIASES = {
    "tz": "timezone",
    "max_picks": "picks",
    "picks_per_day": "picks",
    "min": "min_score",
    "minscore": "min_score",
    "score": "min_score",
}


# Delivery days by name (0 = Sunday … 6 = Saturday, as [schedule] days counts).
DAYS: dict[str, list[int]] = {"daily": [0, 1, 2, 3, 4, 5, 6], "weekdays": [1, 2, 3, 4, 5]}


def days_label(days: list[int]) -> str:
    """ "daily", "weekdays", or the day names of a custom list."""
    for name, value in DAYS.items():
        if sorted(days) == value:
            return name
    names = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
    return ", ".join(names[d] for d in sorted(days))


@dataclass(frozen=True)
class SettingsView:
    values: list[tuple[Setting, str, bool]]  # setting, effective value, changed from the chat


@dataclass(frozen=True)
class SettingChange:
    setting: Setting
    value: str
    schedule_changed: bool


def lookup(name: str) -> Setting:
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    for s in SETTINGS:
        if s.name == key:
            return s
    names = ", ".join(s.name for s in SETTINGS)
    raise SettingsError(f"There is no setting {name!r}. Settings: {names}.")


def view(ctx: AppContext) -> SettingsView:
    overrides = ctx.store.get_meta(OVERRIDES_META) or {}
    values = []
    for s in SETTINGS:
        value = getattr(getattr(ctx.config, s.section), s.field)
        changed = s.field in (overrides.get(s.section) or {})
        values.append((s, days_label(value) if s.name == "days" else str(value), changed))
    return SettingsView(values)


def _parse(setting: Setting, raw: str) -> str | int | list[int]:
    raw = raw.strip()
    if setting.name == "time":
        try:
            t = parse_hhmm(raw)
        except ValueError:
            raise SettingsError(f"{raw!r} is not a time of day. Use {setting.help}.") from None
        return f"{t.hour:02d}:{t.minute:02d}"
    if setting.name == "timezone":
        try:
            parse_timezone(raw)
        except ValueError:
            raise SettingsError(
                f"{raw!r} is not a known timezone. Use {setting.help}, or tap one in /settings."
            ) from None
        return raw
    if setting.name == "days":
        if raw.lower() not in DAYS:
            raise SettingsError(f"{raw!r} is not one of: {', '.join(DAYS)}.")
        return DAYS[raw.lower()]
    low, high = (1, 100) if setting.name == "picks" else (0, 100)
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(
            f"{raw!r} is not a whole number. {setting.label}: {setting.help}."
        ) from None
    if not low <= number <= high:
        raise SettingsError(f"{number} is out of range. {setting.label}: {setting.help}.")
    return number


async def change(ctx: AppContext, name: str, raw_value: str) -> SettingChange:
    """Validate and store one setting; `ctx.config` reflects it when this returns."""
    setting = lookup(name)
    if not raw_value.strip():
        raise SettingsError(f"Give a value: /settings {setting.name} <{setting.help}>")
    value = _parse(setting, raw_value)
    shown = days_label(value) if isinstance(value, list) else str(value)
    async with ctx.store.transaction():
        overrides = dict(ctx.store.get_meta(OVERRIDES_META) or {})
        section = dict(overrides.get(setting.section) or {})
        section[setting.field] = value
        overrides[setting.section] = section
        ctx.store.set_meta(OVERRIDES_META, overrides)
    ctx.apply_overrides(overrides)
    return SettingChange(setting, shown, schedule_changed=setting.section == "schedule")
