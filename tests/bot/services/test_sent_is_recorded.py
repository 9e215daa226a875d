"""A message Telegram accepted is always recorded: when another process holds the database's
writer lock right then (`StoreBusy`), recording it is tried again until the database takes
it, so a resumed delivery never sends it twice."""

from __future__ import annotations

import asyncio
import logging

from tenacity import wait_fixed

from bot.context import AppContext
from bot.services import delivery as delivery_module
from bot.services.delivery import Delivery
from bot.store import Store
from bot.store.locks import WriteLock
from tests.bot.services.support import CHAT, DAY, RecordingMessenger, make_ctx, pick, store_day


async def eventually(condition, within: float) -> None:  # type: ignore[no-untyped-def]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


async def _busy_database_for_a_while(ctx, caplog, what: str, start) -> object:  # type: ignore[no-untyped-def]
    """Another process takes the writer lock; `start()` begins the delivery; once the log says
    `what` went out and its record was refused, the other process lets go."""
    other = WriteLock(ctx.store.path)  # another jobpicks process, stuck mid-write
    other.acquire_blocking()
    try:
        task = start()
        await eventually(
            lambda: any(
                what in r.getMessage() and "database is busy" in r.getMessage()
                for r in caplog.records
            ),
            within=5,
        )
        assert not task.done()  # the delivery waits for the record; nothing more goes out
    finally:
        other.release()
    return await asyncio.wait_for(task, 5)


def _quick_store(ctx, monkeypatch) -> AppContext:  # type: ignore[no-untyped-def]
    """The context again over a Store with a short lock wait (it keeps the test quick)."""
    monkeypatch.setattr(delivery_module, "KEEP_PAUSES", wait_fixed(0.02))
    quick = Store(ctx.store.path, lock_wait=0.05)
    return AppContext(settings=ctx.settings, config=ctx.config, store=quick)


async def test_a_pick_sent_while_the_database_is_busy_is_recorded_not_sent_again(
    tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING)
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    ctx = _quick_store(ctx, monkeypatch)
    m = RecordingMessenger()
    m.hold()  # the header goes; the first pick waits until the other process holds the lock
    delivery = Delivery(ctx, m)
    task = asyncio.create_task(delivery.to_chat(CHAT, record))
    await m.waiting.wait()

    def release_the_pick():  # type: ignore[no-untyped-def]
        m.release()
        return task

    report = await _busy_database_for_a_while(ctx, caplog, f"pick board:{DAY}:1", release_the_pick)
    assert report.error is None and report.sent == 3
    assert all(str(CHAT) in p.sent for p in Store(ctx.store.path).person(CHAT).picks_for(DAY))
    again = await Delivery(ctx, RecordingMessenger()).to_chat(CHAT, record)  # a resume
    assert again.sent == 0 and again.already_sent == 3 and not again.header


async def test_a_header_sent_while_the_database_is_busy_is_not_sent_again(
    tmp_path, monkeypatch, caplog
):
    caplog.set_level(logging.WARNING)
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90)])
    ctx = _quick_store(ctx, monkeypatch)
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    report = await _busy_database_for_a_while(
        ctx,
        caplog,
        f"the header of {DAY}",
        lambda: asyncio.create_task(delivery.to_chat(CHAT, record)),
    )
    assert report.error is None and report.header and report.sent == 1
    assert len(m.of("header")) == 1
    again = await Delivery(ctx, m).to_chat(CHAT, record)
    assert not again.header and len(m.of("header")) == 1
