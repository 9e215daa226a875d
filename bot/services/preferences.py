"""What the /settings keyboard changes, one tap at a time, and the per-chat delivery choices.

A tap is a step (time ± minutes, picks ± 1, min score ± 5, a timezone from a short list,
daily / weekdays, weekly digest on / off, compact / full view, pause / resume); each goes
through the same validation and storage as a typed ``/settings <name> <value>`` (`bot.services.settings`).
Pause is per chat; the rest (schedule, selection, cadence, weekly digest) are the bot's.
No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.context import CADENCE_DAYS, AppContext
from bot.services import chat_state
from bot.services import settings as settings_service
from bot.services.natural import ABBREVIATIONS, DAY_NAMES, NotUnderstood, parse_until
from bot.services.settings import SettingChange, SettingsError, days_label

# A short list to tap; any other zone can still be typed (/settings timezone Area/City).
TIMEZONES = (
    "America/Los_Angeles",
    "America/Denver",
    "America/Chicago",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
    "UTC",
)


@dataclass(frozen=True)
class Preferences:
    """Everything the /settings keyboard shows."""

    time: str
    timezone: str
    picks: int
    min_score: int
    days: str  # "every day", "weekdays" or day names
    weekly: bool
    paused: bool
    weekly_day: str = "Monday"
    paused_until: date | None = None  # paused: the day picks come again (None: until /resume)
    compact: bool = False


def current(ctx: AppContext, chat_id: int) -> Preferences:
    cfg = ctx.config
    return Preferences(
        time=cfg.schedule.time,
        timezone=cfg.schedule.timezone,
        picks=cfg.selection.max_picks,
        min_score=cfg.selection.min_score,
        days=days_label(cfg.schedule.days),
        weekly=weekly(ctx, chat_id),
        paused=chat_state.is_paused(ctx, chat_id),
        weekly_day=DAY_NAMES[settings_service.weekly_day(ctx)],
        paused_until=chat_state.paused_until(ctx, chat_id),
        compact=settings_service.compact(ctx),
    )


def weekly(ctx: AppContext, chat_id: int | None = None) -> bool:
    """Whether the weekly digest replaces the daily picks (a bot-wide choice, like the rest
    of /settings; `chat_id` is accepted for the per-chat future)."""
    return bool(ctx.store.overrides().delivery.weekly_digest)


async def set_weekly(ctx: AppContext, chat_id: int | None, on: bool) -> None:
    async with ctx.store.transaction():
        overrides = ctx.store.overrides()
        delivery = overrides.delivery.model_copy(update={"weekly_digest": on})
        overrides = overrides.model_copy(update={"delivery": delivery})
        ctx.store.set_overrides(overrides)
    ctx.apply_overrides(overrides)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _signed(arg: str) -> int:
    try:
        return int(arg)
    except ValueError:
        raise SettingsError(f"{arg!r} is not a step") from None


async def step(ctx: AppContext, chat_id: int, action: str, arg: str) -> SettingChange | str:
    """Apply one keyboard tap. Returns the stored change (schedule / selection), or a short
    note for a per-chat choice. Raises SettingsError for a tap that makes no sense."""
    cfg = ctx.config
    if action == "time":
        moved = datetime.combine(datetime(2000, 1, 1), cfg.schedule.at) + timedelta(
            minutes=_signed(arg)
        )
        return await settings_service.change(ctx, "time", moved.strftime("%H:%M"))
    if action == "tz":
        try:
            zone = TIMEZONES[int(arg)]
        except (ValueError, IndexError):
            raise SettingsError("unknown timezone button") from None
        return await settings_service.change(ctx, "timezone", zone)
    if action == "picks":
        value = _clamp(cfg.selection.max_picks + _signed(arg), 1, 100)
        return await settings_service.change(ctx, "picks", str(value))
    if action == "min":
        value = _clamp(cfg.selection.min_score + _signed(arg), 0, 100)
        return await settings_service.change(ctx, "min_score", str(value))
    if action == "days" and arg in CADENCE_DAYS:
        return await settings_service.change(ctx, "days", arg)
    if action == "weekly" and arg in ("on", "off"):
        await set_weekly(ctx, chat_id, arg == "on")
        return "weekly digest on" if arg == "on" else "daily picks again"
    if action == "view" and arg in ("compact", "full"):
        return await settings_service.change(ctx, "view", arg)
    if action == "tzpick":  # the answer to "IST means …: which one?"
        said, _, index = arg.rpartition("_")
        choices = ABBREVIATIONS.get(said, ())
        if not index.isdigit() or int(index) >= len(choices):
            raise SettingsError("unknown timezone button")
        return await settings_service.change(ctx, "timezone", choices[int(index)])
    if action == "pause" and arg in ("on", "off"):
        await chat_state.set_paused(ctx, chat_id, arg == "on")
        return "paused" if arg == "on" else "resumed"
    raise SettingsError(f"unknown settings button {action!r}")


async def pause(ctx: AppContext, chat_id: int, words: str = "") -> date | None:
    """/pause: until /resume with no words, else until the day the words name ("until
    2027-01-05", "2 weeks", "next monday"), returned. Raises SettingsError for words that
    name no day after today."""
    until = None
    if words.strip():
        try:
            until = parse_until(words, date.fromisoformat(ctx.today()))
        except NotUnderstood as exc:
            raise SettingsError(str(exc)) from None
    await chat_state.set_paused(ctx, chat_id, True, until)
    return until


def _week(day: str) -> str:
    year, week, _ = datetime.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def _last_digest_day(ctx: AppContext, day: str) -> str:
    """The latest date on or before `day` that is the weekly digest's chosen day."""
    on = datetime.fromisoformat(day).date()
    chosen = settings_service.weekly_day(ctx)
    back = ((on.weekday() + 1) % 7 - chosen) % 7  # `chosen` counts 0 = Sunday
    return (on - timedelta(days=back)).isoformat()


def weekly_digest_due(ctx: AppContext, chat_id: int, day: str) -> bool:
    """The first delivery on or after the digest's day (Monday unless chosen: /settings
    weekly friday) carries it, once for each such day: a morning missed on that day is made
    up by the next delivery, never twice."""
    slot = _last_digest_day(ctx, day)
    # Stored: the digest day served (older files: its ISO week, read the same way).
    return chat_state.weekly_digest_week(ctx, chat_id) not in (slot, _week(slot))


async def mark_weekly_digest_sent(ctx: AppContext, chat_id: int, day: str) -> None:
    await chat_state.mark_weekly_digest(ctx, chat_id, _last_digest_day(ctx, day))


def week_days(day: str) -> list[str]:
    """The seven days ending with `day` (ISO), oldest first."""
    end = datetime.fromisoformat(day).date()
    return [(end - timedelta(days=n)).isoformat() for n in range(6, -1, -1)]
