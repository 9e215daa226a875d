"""Many people, one morning time: what the bot's own work costs when N people share a slot.

One process: the fake Bot API (tests/fakes) and the real bot (`serve`, local scorer, a
collector of six postings), N people admitted by the open bot, each with a profile of their
own, all at the same time of day a little ahead of now. Prints:

- setup: the watchdog's scan (`Mornings.due()` over everyone) and `schedule_mornings`;
- the morning: first morning message after the slot, the last one, the process's CPU from the
  slot to the last message (the fake's share included: it is the same per message before and
  after a change), and collection rounds made;
- taps while the morning goes out: tap → answerCallbackQuery p50/p95 (a tap on a stale
  button, answered at once), every `--every` seconds;
- with `--profile FILE`: cProfile of the morning, its top functions by own time.

Usage: python bench/mornings.py [--people 300] [--rate 1000] [--every 0.2] [--profile FILE]
`--rate` is the bot's messages a second (TELEGRAM_MAX_RATE; Telegram's is 30): high, the
morning's wall time is the bot's own work, not the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

OWNER = 4242
FIRST = 100_000  # the first simulated person's chat id


async def main(args: argparse.Namespace) -> None:
    from bench.bot import percentiles
    from bench.people import answered, settled
    from bot.context import AppContext
    from bot.services import collect, people, profile
    from bot.services.schedule import Mornings
    from bot.store import Store
    from bot.telegram.app import build_application, serve
    from bot.telegram.schedule import schedule_mornings
    from tests.bot.telegram_support import bot_settings, collect_fake, make_config
    from tests.fakes.telegram import FakeTelegram

    fake = FakeTelegram()
    await fake.start()
    chats = [FIRST + i for i in range(args.people)]
    fake.add_chat(OWNER)
    for chat in chats:
        fake.add_chat(chat)
    db = Path(tempfile.mkdtemp(prefix="mornings-")) / "db.json"
    settings = bot_settings(db, fake.token, fake.base_url, [OWNER]).model_copy(
        update={"jobpicks_access": "open", "telegram_max_rate": args.rate}
    )
    ctx = AppContext(settings=settings, config=make_config(), store=Store(db))
    t0 = time.perf_counter()
    for chat in chats:
        await people.add(ctx, chat, via="open")
        await profile.set_about(ctx.for_person(chat), f"Python backend internship, person {chat}.")
    print(f"{args.people} people set up in {time.perf_counter() - t0:.1f} s")
    # The bot as it starts: everyone's slot the same minute, a little ahead.
    slot = (datetime.now(UTC) + timedelta(seconds=args.lead + 60)).replace(second=0, microsecond=0)
    ctx = AppContext(
        settings=settings, config=make_config(time=slot.strftime("%H:%M")), store=Store(db)
    )

    t0 = time.perf_counter()
    due = Mornings(ctx).due()
    print(f"watchdog scan (Mornings.due over everyone): {(time.perf_counter() - t0) * 1000:.0f} ms"
          f" ({len(due)} due)")  # fmt: skip
    app = build_application(ctx)
    t0 = time.perf_counter()
    schedule_mornings(app)
    print(f"schedule_mornings: {(time.perf_counter() - t0) * 1000:.0f} ms")

    rounds = 0
    real_round = collect.Collection.round

    async def counted(self, *a, **k):  # type: ignore[no-untyped-def]
        nonlocal rounds
        rounds += 1
        return await real_round(self, *a, **k)

    collect.Collection.round = counted  # type: ignore[method-assign]

    stop = asyncio.Event()
    bot = asyncio.create_task(serve(ctx, stop, collector=collect_fake, poll_timeout=1))
    wait = slot.timestamp() - time.time()
    print(f"waiting {wait:.0f} s for the slot {slot:%H:%M} UTC")
    await asyncio.sleep(max(0.0, wait - 0.5))
    prof = cProfile.Profile() if args.profile else None
    cpu0 = time.process_time()
    at_slot = time.monotonic() + max(0.0, slot.timestamp() - time.time())
    if prof:
        prof.enable()
    expected = args.people * 4  # a header and three picks each
    taps: list[tuple[str, float]] = []
    deadline = time.monotonic() + args.within
    tapper = chats[0]
    while time.monotonic() < deadline:
        sent = [c for c in fake.calls_of("sendMessage") if c.params.get("chat_id") != OWNER]
        if len(sent) >= expected:
            break
        if time.monotonic() >= at_slot:
            qid = await fake.tap(tapper, 1, "zz:stale")
            taps.append((qid, time.monotonic()))
        await asyncio.sleep(args.every)
    if prof:
        prof.disable()
    cpu = time.process_time() - cpu0
    morning = [c for c in fake.calls_of("sendMessage") if c.params.get("chat_id") != OWNER]
    await settled(lambda: answered(fake, {q for q, _ in taps}), within=30)
    answers = {c.params["callback_query_id"]: c.at for c in fake.calls_of("answerCallbackQuery")}
    tap_ms = [(answers[q] - at) * 1000 for q, at in taps if q in answers]
    if morning:
        print(f"first morning message: +{morning[0].at - at_slot:.1f} s after the slot; "
              f"last: +{morning[-1].at - at_slot:.1f} s ({len(morning)}/{expected} messages)")  # fmt: skip
    print(f"CPU from the slot to the last message: {cpu:.1f} s; collection rounds: {rounds}")
    print(
        f"tap -> answer: {percentiles(tap_ms)} (n={len(tap_ms)}); unanswered: {len(taps) - len(tap_ms)}"
    )
    stop.set()
    await asyncio.wait_for(bot, 30)
    await fake.stop()
    if prof:
        prof.dump_stats(args.profile)
        pstats.Stats(prof).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--rate", type=float, default=1000.0)
    parser.add_argument("--lead", type=float, default=0.0, help="extra seconds before the slot")
    parser.add_argument("--every", type=float, default=0.2)
    parser.add_argument("--within", type=float, default=600.0)
    parser.add_argument("--profile", default="")
    parser.add_argument("--top", type=int, default=30)
    asyncio.run(main(parser.parse_args()))
