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

The queue is ours (aiolimiter has no priorities); the bot-wide bucket is aiolimiter's. Each
choice is O(log chats), not a walk over every chat's lane (at 1,000 people a morning's 10,000
sends made that O(n²)): a lane whose state changes (a call queued, granted, done, held) is put
on a heap by when it may go; the ones whose time has come move to a heap by (priority, served
longest ago, queued first), and the next turn is that heap's top. An entry a later change made
stale (the lane's `version` moved on) is dropped when it reaches the top.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
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

    chat_id: int
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
    version: int = 0  # moved on at every change: the lane's older heap entries are stale

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
        self._queued = 0  # tickets waiting (not granted, not given up)
        # (ready at, version, chat): lanes with a call waiting, by when they may go
        self._timed: list[tuple[float, int, int]] = []
        # (priority, served, seq, version, chat): lanes whose call may go now, best first
        self._ready: list[tuple[int, float, int, int, int]] = []
        # (forget at, version, chat): lanes with nothing waiting, dropped once nothing is owed
        self._idle: list[tuple[float, int, int]] = []

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
        self._queued += 1
        self._touch(lane)
        self._kick(loop)
        try:
            await ticket.go
        except asyncio.CancelledError:
            if ticket.go.done() and not ticket.go.cancelled():
                self._release(lane)  # granted just as the caller was cancelled
            else:
                ticket.go.cancel()  # its place in the queue is dropped by `head`
                self._queued -= 1
                self._touch(lane)
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
        self._touch(lane)
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
        self._touch(lane)
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
            lane = self._lanes[chat_id] = _Lane(chat_id)
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
        self._touch(lane)
        self._wake.set()

    def _ready_at(self, lane: _Lane) -> float:
        """When the lane's next call may start, by its own pacing, holds and group minute (the
        bot-wide hold of two chats' 429s is checked apart: it holds every lane alike)."""
        at = max(lane.next_at, lane.held_until)
        if lane.recent is not None and len(lane.recent) == lane.recent.maxlen:
            at = max(at, lane.recent[0] + GROUP_WINDOW)
        return at

    def _touch(self, lane: _Lane) -> None:
        """The lane changed: its heap entries go stale, and it is put where it now belongs —
        by when it may go, if a call waits and none is in flight; else, with nothing waiting,
        by when it may be forgotten."""
        lane.version += 1
        if lane.busy:
            return
        if lane.head() is not None:
            heapq.heappush(self._timed, (self._ready_at(lane), lane.version, lane.chat_id))
            return
        forget_at = self._ready_at(lane)
        if lane.recent:
            forget_at = max(forget_at, lane.recent[-1] + GROUP_WINDOW)
        heapq.heappush(self._idle, (forget_at, lane.version, lane.chat_id))

    def _current(self, chat_id: int, version: int) -> _Lane | None:
        """The lane of a heap entry, if the entry is not stale and the lane is free."""
        lane = self._lanes.get(chat_id)
        if lane is None or lane.version != version or lane.busy:
            return None
        return lane

    def _choose(self, now: float) -> tuple[int | None, float | None]:
        """The chat whose call goes next, or (None, seconds until one may go; None: until
        something changes)."""
        while self._idle and self._idle[0][0] <= now:  # nothing waiting, nothing owed
            _, version, chat_id = heapq.heappop(self._idle)
            if self._current(chat_id, version) is not None:
                del self._lanes[chat_id]
        if now < self._all_held_until:
            return None, self._all_held_until - now
        while self._timed and self._timed[0][0] <= now:
            _, version, chat_id = heapq.heappop(self._timed)
            lane = self._current(chat_id, version)
            if lane is not None and (ticket := lane.head()) is not None:
                entry = (ticket.priority, lane.served, ticket.seq, version, chat_id)
                heapq.heappush(self._ready, entry)
        while self._ready:
            *_, version, chat_id = self._ready[0]
            if self._current(chat_id, version) is not None:
                return chat_id, 0.0
            heapq.heappop(self._ready)
        while self._timed:
            at, version, chat_id = self._timed[0]
            if self._current(chat_id, version) is not None:
                return None, at - now
            heapq.heappop(self._timed)
        return None, None

    def _grant(self, chat_id: int, now: float) -> None:
        lane = self._lanes[chat_id]
        ticket = lane.head()
        assert ticket is not None
        lane.queues[ticket.priority].popleft()
        self._queued -= 1
        bulk_waits = bool(lane.queues[Priority.BULK])
        lane.answers_run = (
            lane.answers_run + 1 if ticket.priority == Priority.ANSWER and bulk_waits else 0
        )
        lane.busy = True
        lane.served = now
        if lane.recent is not None:
            lane.recent.append(now)
        lane.version += 1  # its entries are stale until the call is done (`_release`)
        ticket.go.set_result(None)

    def _pending(self) -> bool:
        return self._queued > 0

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
