"""The bot's send queue on its own (no sockets): answers before bulk, chats served in turn,
one call in flight per chat, the per-chat, group and bot-wide rates, 429 holds, callers that
give up. Times are the event loop's; the limits are scaled down so each test takes a fraction
of a second. The same queue against the Telegram fake: tests/bot/telegram/test_answers_first.py.
"""

from __future__ import annotations

import asyncio
import random

import pytest

from bot.telegram import outbox as outbox_module
from bot.telegram.outbox import Outbox, Priority

ANSWER, BULK = Priority.ANSWER, Priority.BULK


class Recorder:
    """Calls through an outbox that record (chat, label, start time) when their turn comes."""

    def __init__(self, box: Outbox, busy: float = 0.0) -> None:
        self.box, self.busy = box, busy
        self.started: list[tuple[int, str, float]] = []
        self.tasks: list[asyncio.Task[None]] = []
        self.on_start: dict[int, asyncio.Event] = {}

    async def _call(self, chat: int, label: str, priority: Priority) -> None:
        async with self.box.turn(chat, priority):
            self.started.append((chat, label, asyncio.get_running_loop().time()))
            if (event := self.on_start.get(len(self.started))) is not None:
                event.set()
            if self.busy:
                await asyncio.sleep(self.busy)  # the request in flight

    def call(self, chat: int, label: str, priority: Priority = BULK) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self._call(chat, label, priority))
        self.tasks.append(task)
        return task

    def reached(self, count: int) -> asyncio.Event:
        """Set when the `count`-th call starts."""
        return self.on_start.setdefault(count, asyncio.Event())

    async def done(self) -> None:
        await asyncio.wait_for(asyncio.gather(*self.tasks), 5)

    def labels(self) -> list[str]:
        return [label for _, label, _ in self.started]

    def times(self, chat: int | None = None) -> list[float]:
        return [t for c, _, t in self.started if chat is None or c == chat]


async def _settle() -> None:
    """Let the tasks just created take their place in the queue."""
    for _ in range(3):
        await asyncio.sleep(0)


async def test_an_answer_goes_before_every_waiting_bulk_message_of_any_chat():
    rec = Recorder(Outbox(per_second=100, chat_interval=0))
    for chat in (1, 2, 3):
        for i in range(4):
            rec.call(chat, f"bulk{chat}.{i}")
    await rec.reached(3).wait()
    rec.call(4, "answer", ANSWER)  # a person taps while three mornings go out
    await rec.done()
    assert rec.labels().index("answer") == 3  # the very next turn, not the thirteenth


async def test_within_a_chat_an_answer_overtakes_its_bulk_and_order_is_kept_otherwise():
    rec = Recorder(Outbox(per_second=1000, chat_interval=0.02))
    for i in range(5):
        rec.call(1, f"pick{i}")
    await rec.reached(2).wait()
    rec.call(1, "reply", ANSWER)
    rec.call(1, "edit", ANSWER)
    await rec.done()
    assert rec.labels() == ["pick0", "pick1", "reply", "edit", "pick2", "pick3", "pick4"]


async def test_chats_take_turns_so_one_long_morning_does_not_hold_up_another():
    rec = Recorder(Outbox(per_second=200, chat_interval=0))
    for i in range(10):
        rec.call(1, f"a{i}")  # one person's twenty picks, queued first
    await _settle()
    for i in range(3):
        rec.call(2, f"b{i}")
    await rec.done()
    order = rec.labels()
    assert order.index("b2") < 7, order  # b's three went out between a's, not after all ten


async def test_a_chat_has_one_call_in_flight_and_the_next_starts_an_interval_after_it():
    rec = Recorder(Outbox(per_second=1000, chat_interval=0.05), busy=0.08)
    for i in range(3):
        rec.call(1, f"m{i}")
    rec.call(2, "other")
    await rec.done()
    starts = rec.times(1)
    # each waits for the one before to come back (0.08 s), then the interval (0.05 s)
    assert all(b - a >= 0.13 - 0.005 for a, b in zip(starts, starts[1:], strict=False)), starts
    assert rec.times(2)[0] - starts[0] < 0.03  # another chat does not wait for it

    rec = Recorder(Outbox(per_second=1000, chat_interval=0.05))
    for i in range(4):
        rec.call(1, f"m{i}")
    await rec.done()
    starts = rec.times(1)
    assert all(b - a >= 0.05 - 0.005 for a, b in zip(starts, starts[1:], strict=False)), starts


async def test_the_bot_wide_rate_holds_in_every_window_across_many_chats():
    rate = 200
    rec = Recorder(Outbox(per_second=rate, chat_interval=0))
    for chat in range(30):
        rec.call(chat, str(chat))
        rec.call(chat, str(chat))
    await rec.done()
    starts = sorted(rec.times())
    window = 0.05  # at most rate × window calls start in any 0.05 s
    for i, t in enumerate(starts):
        within = [s for s in starts[i:] if s - t < window - 0.002]
        assert len(within) <= rate * window, (i, len(within))
    assert starts[-1] - starts[0] < 60 / rate + 0.1  # and it is not much slower than that


async def test_a_group_gets_at_most_its_messages_a_minute(monkeypatch):
    monkeypatch.setattr(outbox_module, "GROUP_WINDOW", 0.2)  # a "minute" of 0.2 s
    rec = Recorder(Outbox(per_second=1000, chat_interval=0, group_per_minute=3))
    for i in range(5):
        rec.call(-100, f"g{i}")
    rec.call(7, "private")
    await rec.done()
    starts = rec.times(-100)
    assert starts[3] - starts[0] >= 0.2 - 0.005 and starts[4] - starts[1] >= 0.2 - 0.005
    assert rec.times(7)[0] - starts[0] < 0.05


async def test_a_429_holds_its_chat_and_a_second_chats_429_holds_the_bot():
    box = Outbox(per_second=1000, chat_interval=0)
    rec = Recorder(box)
    loop = asyncio.get_running_loop()
    held = loop.time()
    box.flood(1, 0.15)
    rec.call(1, "held")
    rec.call(2, "free")
    await rec.done()
    assert rec.labels() == ["free", "held"]
    assert rec.times(1)[0] - held >= 0.15 - 0.005 and rec.times(2)[0] - held < 0.05

    held = loop.time()
    box.pause(4, 0.3)  # a network error in another chat is not a flood
    box.flood(1, 0.15)
    rec.call(3, "third")
    await rec.done()
    assert rec.times(3)[0] - held < 0.05

    held = loop.time()
    box.flood(1, 0.15)
    box.flood(2, 0.05)  # Telegram limits the bot, not a chat: everyone waits for the longest
    rec.call(3, "third")
    await rec.done()
    assert rec.times(3)[-1] - held >= 0.15 - 0.005


async def test_a_caller_that_gives_up_frees_its_place():
    rec = Recorder(Outbox(per_second=1000, chat_interval=0.05))
    first = rec.call(1, "first")
    gone = rec.call(1, "cancelled")
    last = rec.call(1, "last")
    await _settle()
    gone.cancel()
    await asyncio.wait_for(asyncio.gather(first, last), 5)
    with pytest.raises(asyncio.CancelledError):
        await gone
    assert rec.labels() == ["first", "last"]
    assert rec.box.waiting() == 0


async def test_the_dispatcher_stops_when_nothing_waits():
    box = Outbox(per_second=1000, chat_interval=0)
    rec = Recorder(box)
    rec.call(1, "one")
    await rec.done()
    assert box._dispatcher is not None
    await asyncio.wait_for(box._dispatcher, 1)  # it ends by itself: no task left behind
    rec.call(1, "two")  # and the next call starts it again
    await rec.done()
    assert rec.labels() == ["one", "two"]


async def test_a_chat_tapping_away_does_not_stall_its_own_morning():
    rec = Recorder(Outbox(per_second=1000, chat_interval=0.01))
    rec.call(1, "pick0")
    await rec.reached(1).wait()
    for i in range(1, 4):
        rec.call(1, f"pick{i}")
    for i in range(8):
        rec.call(1, f"tap{i}", ANSWER)
    await rec.done()
    assert rec.labels() == [
        "pick0", "tap0", "tap1", "tap2", "pick1", "tap3", "tap4", "tap5", "pick2",
        "tap6", "tap7", "pick3",
    ]  # fmt: skip


def _scan(box: Outbox, now: float) -> int | None:
    """The choice made by walking every lane (what the outbox did before its heaps): of the
    free lanes with a call waiting whose time has come, the best (priority, served, seq)."""
    if now < box._all_held_until:
        return None
    ready = []
    for chat_id, lane in box._lanes.items():
        ticket = None if lane.busy else lane.head()
        if ticket is not None and box._ready_at(lane) <= now:
            ready.append(((ticket.priority, lane.served, ticket.seq), chat_id))
    return min(ready)[1] if ready else None


class Checked(Outbox):
    """An outbox whose every choice is compared with the walk over every lane."""

    choices = 0

    def _choose(self, now: float) -> tuple[int | None, float | None]:
        expected = _scan(self, now)
        chosen, wait = super()._choose(now)
        assert chosen == expected, (chosen, expected)
        self.choices += 1
        return chosen, wait


async def test_the_heaps_choose_as_a_walk_over_every_lane_would(monkeypatch):
    monkeypatch.setattr(outbox_module, "GROUP_WINDOW", 0.1)
    box = Checked(per_second=2000, chat_interval=0.003, group_per_minute=4)
    rec = Recorder(box, busy=0.001)
    rng = random.Random(19)
    chats = [*range(1, 40), -100, -200]
    for step in range(400):
        chat = rng.choice(chats)
        rec.call(chat, f"{chat}.{step}", ANSWER if rng.random() < 0.3 else BULK)
        if step % 50 == 25:
            box.flood(rng.choice(chats), 0.01)
        if step % 70 == 35:
            box.pause(rng.choice(chats), 0.01)
        if step % 90 == 45:
            rec.tasks[-3].cancel()  # a caller waiting in the queue gives up
        if rng.random() < 0.2:
            await asyncio.sleep(0.002)
    await asyncio.wait_for(asyncio.gather(*rec.tasks, return_exceptions=True), 10)
    assert box.choices > 400 and box.waiting() == 0
    given_up = sum(1 for t in rec.tasks if t.cancelled())
    assert given_up and len(rec.started) >= len(rec.tasks) - given_up


async def test_an_answer_goes_next_while_a_thousand_mornings_wait():
    rec = Recorder(Outbox(per_second=1000, chat_interval=0))
    for chat in range(1, 1001):
        rec.call(chat, f"header{chat}")
        rec.call(chat, f"pick{chat}")
    await rec.reached(5).wait()
    rec.call(5000, "answer", ANSWER)  # a tap's reply, in a chat with no morning of its own
    rec.call(3, "reply", ANSWER)  # a command's reply, in a chat whose morning goes out
    await rec.done()
    order = rec.labels()
    assert order.index("answer") <= 6 and order.index("reply") <= 7, order[:10]
    assert len(order) == 2002


async def test_a_choice_does_not_walk_every_chat(monkeypatch):
    """At 1,000 chats waiting, the next turn is found without reading every lane: the lanes
    whose head is looked at per grant stay a handful (a walk read all 1,000 each time)."""
    box = Outbox(per_second=1000, chat_interval=0)
    rec = Recorder(box)
    for chat in range(1, 1001):
        rec.call(chat, f"m{chat}")
    await _settle()
    heads = 0
    real_head = outbox_module._Lane.head

    def head(lane):  # type: ignore[no-untyped-def]
        nonlocal heads
        heads += 1
        return real_head(lane)

    monkeypatch.setattr(outbox_module._Lane, "head", head)
    await rec.done()
    assert heads < 20 * 1000, heads  # per grant: a few, not 1,000
