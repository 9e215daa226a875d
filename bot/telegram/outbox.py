"""The bot's one send queue: every call that puts something in a chat (a message, a reply, an
edit, a photo, a file) waits here for its turn, answers to a person ahead of bulk sends, within
Telegram's limits.

Telegram allows about one message a second in a chat, 20 a minute in a group and 30 a second
for the whole bot (DESIGN.md §4, "Telegram Bot API"). The `Outbox` gives each call a turn:

- a chat has one call in flight at a time, and the next starts `chat_interval` after the
  last one came back (a group's also at most `group_per_minute` in any minute): a chat's
  messages arrive in order, and never closer together than the interval, however late a
  request leaves a busy process;
- the whole bot starts at most `per_second` calls a second: an aiolimiter bucket that holds
  one, so the calls are spread out and never burst past the limit;
- of the chats whose turn it may be, an answer (a command's reply, a tap's keyboard, the
  /picks progress line) goes before any bulk message (the morning's picks and header, a weekly
  digest), and among equals the chat served longest ago goes first: one person's morning never
  holds up another person's answer, nor another person's morning. Within a chat, a bulk
  message that waits gets every `ANSWER_RUN + 1`-th turn, so tapping away never stalls
  one's own morning;
- a 429 holds its chat for its `retry_after`; when a second chat gets one while the first is
  held, Telegram is limiting the bot, not a chat, and every chat waits.

The queue is ours (aiolimiter has no priorities); the bot-wide bucket is aiolimiter's.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import IntEnum

from aiolimiter import AsyncLimiter

log = logging.getLogger(__name__)

# Telegram's limits (about): one message a second in a chat, 20 a minute in a group, 30 a
# second for the bot across all chats.
CHAT_INTERVAL = 1.0
GROUP_PER_MINUTE = 20
GROUP_WINDOW = 60.0  # the minute of GROUP_PER_MINUTE, in seconds
PER_SECOND = 30.0
# Answers in a row a chat's waiting bulk message lets go first before it takes a turn.
ANSWER_RUN = 3


class Priority(IntEnum):
    """What waits for whom: every answer goes before any bulk message."""

    ANSWER = 0  # to a person who just did something: a command's reply, a tap's edit
    BULK = 1  # what the bot sends on its own: the morning's picks, headers, digests


@dataclass(eq=False)
class _Ticket:
    chat_id: int
    priority: Priority
    seq: int
    go: asyncio.Future[None]


@dataclass(eq=False)
class _Lane:
    """One chat's calls: waiting (per priority), in flight, and when it may go next."""

    queues: tuple[deque[_Ticket], deque[_Ticket]] = field(
        default_factory=lambda: (deque(), deque())
    )
    busy: bool = False  # a call of this chat is in flight
    next_at: float = 0.0  # the chat's pacing: not before this (its last call's end + interval)
    held_until: float = 0.0  # a 429 or a network error: not before this
    flooded_until: float = 0.0  # a 429's part of it
    served: float = float("-inf")  # when its last call started (fairness)
    recent: deque[float] | None = None  # a group's call starts in the last minute
    answers_run: int = 0  # answers granted in a row while a bulk message waited

    def head(self) -> _Ticket | None:
        """The chat's next call: its first answer, else its first bulk message, unless
        `ANSWER_RUN` answers in a row went while that one waited (tickets of callers that
        gave up are dropped on the way)."""
        for queue in self.queues:
            while queue and queue[0].go.done():
                queue.popleft()
        answers, bulk = self.queues
        if bulk and (not answers or self.answers_run >= ANSWER_RUN):
            return bulk[0]
        return answers[0] if answers else None


class Outbox:
    """Turns for every call to Telegram, bot-wide: `async with outbox.turn(chat, priority):`
    make the call inside the block (the turn ends with it)."""

    def __init__(
        self,
        *,
        per_second: float = PER_SECOND,
        chat_interval: float = CHAT_INTERVAL,
        group_per_minute: int = GROUP_PER_MINUTE,
    ) -> None:
        if per_second <= 0:
            raise ValueError("per_second must be positive")
        self.per_second = per_second
        self.chat_interval = chat_interval
        self.group_per_minute = group_per_minute
        self._rate = AsyncLimiter(1, 1 / per_second)
        self._lanes: dict[int, _Lane] = {}
        self._seq = itertools.count()
        self._wake = asyncio.Event()
        self._dispatcher: asyncio.Task[None] | None = None
        self._all_held_until = 0.0

    # -- what callers use ---------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def turn(
        self, chat_id: int, priority: Priority = Priority.ANSWER, *, first: bool = False
    ) -> AsyncIterator[None]:
        """Wait for this chat's turn at `priority`, hold it for the block. `first`: go before
        the chat's other waiting calls of the same priority (a call made again after a 429)."""
        loop = asyncio.get_running_loop()
        ticket = _Ticket(chat_id, priority, next(self._seq), loop.create_future())
        lane = self._lane(chat_id)
        queue = lane.queues[priority]
        queue.appendleft(ticket) if first else queue.append(ticket)
        self._kick(loop)
        try:
            await ticket.go
        except asyncio.CancelledError:
            if ticket.go.done() and not ticket.go.cancelled():
                self._release(lane)  # granted just as the caller was cancelled
            else:
                ticket.go.cancel()  # its place in the queue is dropped by `head`
                self._wake.set()
            raise
        try:
            yield
        finally:
            self._release(lane)

    def flood(self, chat_id: int, retry_after: float) -> None:
        """Telegram answered 429 for this chat: nothing more to it for `retry_after` seconds.
        A second chat held meanwhile means the bot is over its limit: every chat waits."""
        now = asyncio.get_running_loop().time()
        until = now + retry_after
        others = [
            other.flooded_until
            for cid, other in self._lanes.items()
            if cid != chat_id and other.flooded_until > now
        ]
        lane = self._lane(chat_id)
        lane.held_until = max(lane.held_until, until)
        lane.flooded_until = max(lane.flooded_until, until)
        if others:
            self._all_held_until = max(self._all_held_until, until, *others)
            log.warning(
                "Telegram limits the bot (429 in %d chats): every chat waits %.1f s",
                len(others) + 1,
                self._all_held_until - now,
            )
        self._wake.set()

    def pause(self, chat_id: int, seconds: float) -> None:
        """Nothing more to this chat for `seconds` (after a network error), its order kept."""
        lane = self._lane(chat_id)
        lane.held_until = max(lane.held_until, asyncio.get_running_loop().time() + seconds)
        self._wake.set()

    def waiting(self, chat_id: int | None = None) -> int:
        """Calls waiting for their turn (in one chat, or in all)."""
        lanes = list(self._lanes.values()) if chat_id is None else [self._lanes.get(chat_id)]
        return sum(1 for lane in lanes if lane for q in lane.queues for t in q if not t.go.done())

    async def aclose(self) -> None:
        """Stop the dispatcher (callers still waiting are left waiting: stop them first)."""
        task, self._dispatcher = self._dispatcher, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # -- the dispatcher -----------------------------------------------------------------------
    def _lane(self, chat_id: int) -> _Lane:
        lane = self._lanes.get(chat_id)
        if lane is None:
            lane = self._lanes[chat_id] = _Lane()
            if chat_id < 0:  # groups and channels (Telegram's negative ids)
                lane.recent = deque(maxlen=max(1, self.group_per_minute))
        return lane

    def _kick(self, loop: asyncio.AbstractEventLoop) -> None:
        self._wake.set()
        if self._dispatcher is None or self._dispatcher.done():
            self._dispatcher = loop.create_task(self._dispatch())
            self._dispatcher.add_done_callback(_report_crash)

    def _release(self, lane: _Lane) -> None:
        lane.busy = False
        lane.next_at = asyncio.get_running_loop().time() + self.chat_interval
        self._wake.set()

    def _ready_at(self, lane: _Lane) -> float:
        at = max(lane.next_at, lane.held_until, self._all_held_until)
        if lane.recent is not None and len(lane.recent) == lane.recent.maxlen:
            at = max(at, lane.recent[0] + GROUP_WINDOW)
        return at

    def _choose(self, now: float) -> tuple[int | None, float | None]:
        """The chat whose call goes next, or (None, seconds until one may go; None: until
        something changes)."""
        best: tuple[int, float, int] | None = None
        best_chat: int | None = None
        soonest: float | None = None
        idle: list[int] = []
        for chat_id, lane in self._lanes.items():
            if lane.busy:
                continue
            ticket = lane.head()
            if ticket is None:
                if now >= self._ready_at(lane):
                    idle.append(chat_id)
                continue
            at = self._ready_at(lane)
            if at > now:
                soonest = at if soonest is None else min(soonest, at)
                continue
            key = (ticket.priority, lane.served, ticket.seq)
            if best is None or key < best:
                best, best_chat = key, chat_id
        for chat_id in idle:  # nothing waiting, nothing owed: forget the chat
            recent = self._lanes[chat_id].recent
            if not recent or now >= recent[-1] + GROUP_WINDOW:
                del self._lanes[chat_id]
        if best_chat is not None:
            return best_chat, 0.0
        return None, None if soonest is None else soonest - now

    def _grant(self, chat_id: int, now: float) -> None:
        lane = self._lanes[chat_id]
        ticket = lane.head()
        assert ticket is not None
        lane.queues[ticket.priority].popleft()
        bulk_waits = bool(lane.queues[Priority.BULK])
        lane.answers_run = (
            lane.answers_run + 1 if ticket.priority == Priority.ANSWER and bulk_waits else 0
        )
        lane.busy = True
        lane.served = now
        if lane.recent is not None:
            lane.recent.append(now)
        ticket.go.set_result(None)

    def _pending(self) -> bool:
        return any(lane.head() is not None for lane in self._lanes.values())

    async def _dispatch(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending():
            self._wake.clear()
            chat_id, wait = self._choose(loop.time())
            if chat_id is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), wait)
                continue
            await self._rate.acquire()
            # Chosen again after the bucket's wait: an answer may have come in meanwhile.
            chat_id, _ = self._choose(loop.time())
            if chat_id is not None:
                self._grant(chat_id, loop.time())


def _report_crash(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and (exc := task.exception()) is not None:
        log.error("the Telegram send queue stopped: %r", exc, exc_info=exc)
