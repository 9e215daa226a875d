"""What the /settings keyboard changes, one tap at a time, and the per-chat delivery choices.

A tap is a step (time ± minutes, picks ± 1, min score ± 5, a timezone from a short list,
daily / weekdays, weekly digest on / off, pause / resume); each goes through the same
validation and storage as a typed ``/settings <name> <value>`` (`bot.services.settings`).
The weekly digest and pause are per chat; the rest are the bot's schedule and selection.
No Telegram types here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.context import AppContext
from bot.services import chat_state
from bot.services import settings as settings_service
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
_WEEKLY = "weekly_digest_chats"


@dataclass(frozen=True)
class Preferences:
    """Everything the /settings keyboard shows."""

    time: str
    timezone: str
    picks: int
    min_score: int
    days: str  # "daily", "weekdays" or day names
    weekly: bool
    paused: bool


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
    )


def weekly(ctx: AppContext, chat_id: int) -> bool:
    """Whether this chat gets one weekly digest instead of the daily picks."""
    return chat_id in (ctx.store.get_meta(_WEEKLY) or [])


async def set_weekly(ctx: AppContext, chat_id: int, on: bool) -> None:
    async with ctx.store.transaction():
        chats = set(ctx.store.get_meta(_WEEKLY) or [])
        chats = chats | {chat_id} if on else chats - {chat_id}
        ctx.store.set_meta(_WEEKLY, sorted(chats))


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
    if action == "days" and arg in settings_service.DAYS:
        return await settings_service.change(ctx, "days", arg)
    if action == "weekly" and arg in ("on", "off"):
        await set_weekly(ctx, chat_id, arg == "on")
        return "weekly digest on" if arg == "on" else "daily picks again"
    if action == "pause" and arg in ("on", "off"):
        await chat_state.set_paused(ctx, chat_id, arg == "on")
        return "paused" if arg == "on" else "resumed"
    raise SettingsError(f"unknown settings button {action!r}")


_WEEKLY_SENT = "weekly_digest_sent"  # chat id (str) -> ISO week ("2026-W48") last sent


def _week(day: str) -> str:
    year, week, _ = datetime.fromisoformat(day).isocalendar()
    return f"{year}-W{week:02d}"


def weekly_digest_due(ctx: AppContext, chat_id: int, day: str) -> bool:
    """The first delivery of each week (whichever run day that is) carries the digest."""
    return (ctx.store.get_meta(_WEEKLY_SENT) or {}).get(str(chat_id)) != _week(day)


async def mark_weekly_digest_sent(ctx: AppContext, chat_id: int, day: str) -> None:
    async with ctx.store.transaction():
        sent = dict(ctx.store.get_meta(_WEEKLY_SENT) or {})
        sent[str(chat_id)] = _week(day)
        ctx.store.set_meta(_WEEKLY_SENT, sent)


def week_days(day: str) -> list[str]:
    """The seven days ending with `day` (ISO), oldest first."""
    end = datetime.fromisoformat(day).date()
    return [(end - timedelta(days=n)).isoformat() for n in range(6, -1, -1)]
