"""When a person's morning runs: the next slot, and whether today's run is due now (a
catch-up), each in the person's own timezone and days (the context's person).

The config counts days as python-telegram-bot's JobQueue does (0 = Sunday). No Telegram
types here: the bot's JobQueue wiring (`bot.telegram.schedule`), `/start` and `jobpicks bot`
all read these.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.context import AppContext


def ptb_weekday(moment: datetime) -> int:
    """0 = Sunday … 6 = Saturday, as the config and JobQueue.run_daily count."""
    return (moment.weekday() + 1) % 7


def run_day(ctx: AppContext, now: datetime | None = None) -> bool:
    """Whether today (in the person's timezone) is one of their run days."""
    return ptb_weekday(now or ctx.now()) in ctx.config.schedule.days


def ran_today(ctx: AppContext, now: datetime | None = None) -> bool:
    """Whether today (in the configured timezone) has a finished run."""
    day = (now or ctx.now()).date().isoformat()
    return ctx.store.finished_run(day) is not None


def next_run(ctx: AppContext, now: datetime | None = None) -> datetime | None:
    """When the morning job next runs (today's slot is skipped if today already ran)."""
    sched = ctx.config.schedule
    now = now or ctx.now()
    done_today = ran_today(ctx, now)
    for offset in range(8):
        slot = datetime.combine(now.date() + timedelta(days=offset), sched.at, tzinfo=sched.tz)
        if ptb_weekday(slot) not in sched.days:
            continue
        if offset == 0:
            if done_today:
                continue
            if slot <= now:
                return now  # due: the bot catches up at once
        return slot
    return None


def due_now(ctx: AppContext, now: datetime | None = None) -> bool:
    """Today is a run day, its time has passed, and it has no finished run: catch up."""
    sched = ctx.config.schedule
    now = now or ctx.now()
    slot = datetime.combine(now.date(), sched.at, tzinfo=sched.tz)
    return ptb_weekday(now) in sched.days and now >= slot and not ran_today(ctx, now)
