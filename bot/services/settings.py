"""/settings: delivery time, timezone, picks per day and minimum score, changed from the chat.

Changes are validated, stored in the Store's overrides (so they survive a restart) and applied to
`ctx.config` at once (`AppContext.apply_overrides`), so the schedule and the next run use them.
No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import parse_hhmm, parse_timezone
from bot.context import CADENCE_DAYS, AppContext
from bot.errors import InputError
from bot.services import access


class SettingsError(InputError):
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
    # Stored as the delivery cadence; the effective config has it as `[schedule] days`.
    Setting("days", "delivery", "cadence", "Delivery days", "daily or weekdays"),
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


def days_label(days: list[int]) -> str:
    """ "daily", "weekdays", or the day names of a custom `[schedule] days` list."""
    for name, value in CADENCE_DAYS.items():
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
    overrides = ctx.store.overrides()
    values = []
    for s in SETTINGS:
        changed = getattr(getattr(overrides, s.section), s.field) is not None
        if s.name == "days":
            values.append((s, days_label(ctx.config.schedule.days), changed))
            continue
        value = getattr(getattr(ctx.config, s.section), s.field)
        values.append((s, str(value), changed))
    return SettingsView(values)


def _parse(setting: Setting, raw: str) -> str | int:
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
        if raw.lower() not in CADENCE_DAYS:
            raise SettingsError(f"{raw!r} is not one of: {', '.join(CADENCE_DAYS)}.")
        return raw.lower()
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
    cap = ctx.settings.jobpicks_max_picks_per_day
    if setting.name == "picks" and cap and access.limited(ctx) and int(value) > cap:
        raise SettingsError(f"At most {cap} picks a day here (the bot's limit per person).")
    async with ctx.store.transaction():
        overrides = ctx.store.overrides()
        section = getattr(overrides, setting.section).model_copy(update={setting.field: value})
        overrides = overrides.model_copy(update={setting.section: section})
        ctx.store.set_overrides(overrides)
    ctx.apply_overrides(overrides)
    return SettingChange(
        setting, str(value), schedule_changed=setting.section in ("schedule", "delivery")
    )
