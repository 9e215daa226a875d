"""/settings: delivery time, timezone, days, picks per day, minimum score, the weekly digest and
the compact view, changed from the chat in a person's words (`bot.services.natural`).

Changes are validated, stored in the Store's overrides (so they survive a restart) and applied to
`ctx.config` at once (`AppContext.apply_overrides`), so the schedule and the next run use them.
No Telegram types here.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from bot.context import AppContext
from bot.errors import InputError
from bot.services import access, natural
from bot.services.natural import DAY_NAMES, AmbiguousZone, NotUnderstood, days_label

__all__ = [
    "SETTINGS",
    "AmbiguousZone",
    "SettingChange",
    "SettingsError",
    "UnknownSetting",
    "days_label",
]


class SettingsError(InputError):
    """A bad /settings request; the message is for the user."""


class UnknownSetting(SettingsError):
    """A setting name nobody knows (the reply lists every setting)."""


@dataclass(frozen=True)
class Setting:
    name: str  # what the user types
    section: str  # the overrides' section
    field: str  # the overrides' field
    label: str
    help: str


SETTINGS = (
    Setting("time", "schedule", "time", "Delivery time", natural.TIME_HELP),
    Setting("timezone", "schedule", "timezone", "Timezone", natural.ZONE_HELP),
    Setting("days", "schedule", "days", "Delivery days", natural.DAYS_HELP),
    Setting("picks", "selection", "max_picks", "Picks per day", "a whole number 1–100"),
    Setting("min_score", "selection", "min_score", "Minimum score", "a whole number 0–100"),
    Setting(
        "weekly",
        "delivery",
        "weekly_digest",
        "Weekly digest",
        "on, off, or its day (weekly friday): one message a week instead of daily picks",
    ),
    Setting(
        "view",
        "delivery",
        "compact",
        "View",
        "compact (one message, a line a pick) or full (a message a pick, with buttons)",
    ),
)
ALIASES = {
    "tz": "timezone",
    "zone": "timezone",
    "day": "days",
    "max_picks": "picks",
    "picks_per_day": "picks",
    "min": "min_score",
    "minscore": "min_score",
    "score": "min_score",
    "digest": "weekly",
    "compact": "view",
    "list": "view",
}
_ON = {"on", "yes", "true", "1"}
_OFF = {"off", "no", "false", "0", "daily"}
_COMPACT = {"compact", "list", "lines", "short", "on"}
_FULL = {"full", "messages", "cards", "normal", "off"}
DEFAULT_WEEKLY_DAY = 1  # Monday: the week's first delivery


def lookup(name: str) -> Setting:
    key = name.strip().lower().replace("-", "_")
    key = ALIASES.get(key, key)
    for s in SETTINGS:
        if s.name == key:
            return s
    names = [s.name for s in SETTINGS]
    near = difflib.get_close_matches(key, names, n=1)
    hint = f" Did you mean {near[0]}?" if near else ""
    raise UnknownSetting(f"There is no setting {name!r}.{hint} Settings: {', '.join(names)}.")


@dataclass(frozen=True)
class SettingsView:
    values: list[tuple[Setting, str, bool]]  # setting, effective value, changed from the chat


def weekly_day(ctx: AppContext) -> int:
    """The day the weekly digest goes out (the first delivery on or after it each week)."""
    day = ctx.store.overrides().delivery.weekly_day
    return DEFAULT_WEEKLY_DAY if day is None else day


def weekly_label(ctx: AppContext) -> str:
    delivery = ctx.store.overrides().delivery
    if not delivery.weekly_digest:
        return "off"
    return f"on, {DAY_NAMES[weekly_day(ctx)]}s"


def compact(ctx: AppContext) -> bool:
    """Whether the morning's picks come as one list message (`/settings view compact`)."""
    return bool(ctx.store.overrides().delivery.compact)


def _value(ctx: AppContext, setting: Setting) -> str:
    if setting.name == "days":
        return days_label(ctx.config.schedule.days)
    if setting.name == "weekly":
        return weekly_label(ctx)
    if setting.name == "view":
        return "compact" if compact(ctx) else "full"
    return str(getattr(getattr(ctx.config, setting.section), setting.field))


def view(ctx: AppContext) -> SettingsView:
    overrides = ctx.store.overrides()
    values = []
    for s in SETTINGS:
        changed = getattr(getattr(overrides, s.section), s.field) is not None
        if s.name == "days":
            changed = changed or overrides.delivery.cadence is not None
        values.append((s, _value(ctx, s), changed))
    return SettingsView(values)


@dataclass(frozen=True)
class SettingChange:
    setting: Setting
    value: str
    schedule_changed: bool


def _parse(setting: Setting, raw: str) -> dict[str, dict[str, Any]]:
    """What one typed value changes: {overrides section: {field: value}}."""
    raw = " ".join(raw.split())
    name = setting.name
    try:
        if name == "time":
            t = natural.parse_time(raw)
            return {"schedule": {"time": f"{t.hour:02d}:{t.minute:02d}"}}
        if name == "timezone":
            return {"schedule": {"timezone": natural.parse_zone(raw)}}
        if name == "days":
            # The typed days replace an older stored cadence ("weekdays" button).
            return {"schedule": {"days": natural.parse_days(raw)}, "delivery": {"cadence": None}}
        if name == "weekly":
            return {"delivery": _weekly(raw)}
        if name == "view":
            if raw.lower() in _COMPACT | _FULL:
                return {"delivery": {"compact": raw.lower() in _COMPACT}}
            raise SettingsError(f"{raw!r}: use /settings view compact or /settings view full.")
    except NotUnderstood as exc:
        raise SettingsError(str(exc)) from None
    low, high = (1, 100) if name == "picks" else (0, 100)
    try:
        number = int(raw)
    except ValueError:
        raise SettingsError(
            f"{raw!r} is not a whole number. {setting.label}: {setting.help}."
        ) from None
    if not low <= number <= high:
        raise SettingsError(f"{number} is out of range. {setting.label}: {setting.help}.")
    return {setting.section: {setting.field: number}}


def _weekly(raw: str) -> dict[str, Any]:
    """ "on", "off", "friday", "on fridays" → the weekly digest's fields."""
    words = raw.lower().split()
    if len(words) == 1 and words[0] in _OFF:
        return {"weekly_digest": False}
    if words and words[0] in _ON:
        words = words[1:]
    if not words:
        return {"weekly_digest": True}
    day = natural.parse_weekday(" ".join(w for w in words if w not in ("on", "every")))
    return {"weekly_digest": True, "weekly_day": day}


async def change(ctx: AppContext, name: str, raw_value: str) -> SettingChange:
    """Validate and store one setting; `ctx.config` reflects it when this returns. Raises
    `SettingsError`, or `AmbiguousZone` (ask the person which zone they meant)."""
    setting = lookup(name)
    if not raw_value.strip():
        raise SettingsError(f"Give a value: /settings {setting.name} <{setting.help}>")
    updates = _parse(setting, raw_value)
    cap = ctx.settings.jobpicks_max_picks_per_day
    picks = updates.get("selection", {}).get("max_picks")
    if picks is not None and cap and access.limited(ctx) and picks > cap:
        raise SettingsError(f"At most {cap} picks a day here (the bot's limit per person).")
    async with ctx.store.transaction():
        overrides = ctx.store.overrides()
        for section_name, fields in updates.items():
            section = getattr(overrides, section_name).model_copy(update=fields)
            overrides = overrides.model_copy(update={section_name: section})
        ctx.store.set_overrides(overrides)
    ctx.apply_overrides(overrides)
    return SettingChange(
        setting,
        _value(ctx, setting),
        schedule_changed=setting.section == "schedule",
    )
