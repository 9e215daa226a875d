"""When each person's morning runs: their slot (a time of day, a timezone, days of the
week — their own, from the file's `[schedule]` with their /settings on top), whether it is due
now, and when it runs next. A person is a chat (`bot.services.people`).

A person's morning is due when today (in their timezone) is one of their days, their time has
passed, they are not paused, and this process has not started it today — whether the JobQueue fired on time, late
(the machine slept through it), or never (a clock stepped past it: the bot's watchdog asks
every minute). A morning this process started that left today without a finished run (it
failed) is due again only when the person's time is moved, as after /settings time. A
paused person's morning is not due: nothing would be sent, so no run is made (/picks still
runs it).

No Telegram types here: the bot's JobQueue wiring (`bot.telegram.schedule`), `/start` and
`jobpicks bot` read these. The config counts days as python-telegram-bot's JobQueue does
(0 = Sunday).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from bot.context import AppContext
from bot.services import chat_state, people


def ptb_weekday(moment: datetime | date) -> int:
    """0 = Sunday … 6 = Saturday, as the config and JobQueue.run_daily count."""
    return (moment.weekday() + 1) % 7


@dataclass(frozen=True)
class Slot:
    """When one chat's morning runs: `at` (local time in `tz`) on `days` (0 = Sunday)."""

    at: time
    tz: tzinfo
    days: tuple[int, ...]

    def runs_on(self, day: date) -> bool:
        return ptb_weekday(day) in self.days

    def on(self, day: date) -> datetime:
        """The slot on `day`, tz-aware."""
        return datetime.combine(day, self.at, tzinfo=self.tz)


def _of(ctx: AppContext, chat_id: int | None) -> AppContext:
    return ctx if chat_id is None or chat_id == ctx.person else ctx.for_person(chat_id)


def slot_of(ctx: AppContext, chat_id: int | None = None) -> Slot:
    """The person's slot (`chat_id`; None: the context's person): their own time, timezone
    and days."""
    sched = _of(ctx, chat_id).config.schedule
    return Slot(sched.at, sched.tz, tuple(sched.days))


def served_chats(ctx: AppContext) -> list[int]:
    """The people (chats) that get a morning."""
    return people.served(ctx)


def ran_on(ctx: AppContext, day: date, chat_id: int | None = None) -> bool:
    """Whether the person's `day` has a finished run of theirs."""
    return _of(ctx, chat_id).store.finished_run(day.isoformat()) is not None


def run_day(ctx: AppContext, now: datetime | None = None) -> bool:
    """Whether today (in the context person's timezone) is one of their run days."""
    slot = slot_of(ctx)
    return slot.runs_on((now or ctx.now()).astimezone(slot.tz).date())


class Mornings:
    """Which people's mornings are due, for one process (what it started lives in memory: a
    restart looks again, and a delivery resumed then sends only what is unsent)."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self._started: dict[int, tuple[date, datetime]] = {}  # chat -> (day, slot started)

    def due(self, now: datetime | None = None) -> list[int]:
        """The served people whose morning is due now (see the module's docstring). Reads
        everyone: a job fired for one person asks `due_of` about them alone."""
        now = now or self.ctx.now()
        return [chat for chat in served_chats(self.ctx) if self._due(chat, now)]

    def due_of(self, chats: Iterable[int], now: datetime | None = None) -> list[int]:
        """Of `chats`, the served people whose morning is due now, in their order: each is
        checked alone (their record, slot, pause and runs), so the cost is theirs, not
        everyone's — 1,000 jobs firing at one time each read one person, not 1,000."""
        now = now or self.ctx.now()
        return [
            chat
            for chat in dict.fromkeys(chats)
            if people.gets_mornings(self.ctx, chat) and self._due(chat, now)
        ]

    def started(self, chats: Iterable[int], now: datetime | None = None) -> None:
        """Note that the mornings of `chats` start now (their day's slot is taken)."""
        now = now or self.ctx.now()
        for chat in chats:
            slot = slot_of(self.ctx, chat)
            today = now.astimezone(slot.tz).date()
            self._started[chat] = (today, slot.on(today))

    def next_run(self, chat_id: int | None = None, now: datetime | None = None) -> datetime | None:
        """When the chat's morning next runs: `now` when it is due (it starts at once),
        else its next slot — never a time already past. Today's slot is skipped once today
        has run, or once this process started today's (it is running, or it failed)."""
        now = now or self.ctx.now()
        slot = slot_of(self.ctx, chat_id)
        local = now.astimezone(slot.tz)
        for offset in range(8):
            day = local.date() + timedelta(days=offset)
            if not slot.runs_on(day):
                continue
            at = slot.on(day)
            if offset == 0:
                if ran_on(self.ctx, day, chat_id):
                    continue
                if at <= local:
                    if chat_id is None or self._due(chat_id, now):
                        return now
                    continue
            return at
        return None

    def _due(self, chat_id: int, now: datetime) -> bool:
        slot = slot_of(self.ctx, chat_id)
        local = now.astimezone(slot.tz)
        today = local.date()
        if not slot.runs_on(today) or local < slot.on(today):
            return False
        if chat_state.is_paused(_of(self.ctx, chat_id), chat_id):
            return False
        started = self._started.get(chat_id)
        if started is None or started[0] != today:
            return True
        # Started today: again only at a new time, and only if today has no finished run.
        return started[1] != slot.on(today) and not ran_on(self.ctx, today, chat_id)


def next_run(ctx: AppContext, now: datetime | None = None) -> datetime | None:
    """When the context person's morning next runs, as a process that has started nothing
    sees it (`jobpicks bot` at start): `now` when today's is due."""
    return Mornings(ctx).next_run(None, now)
