"""Capacity bench: one bot serving 1, 100 and 1,000 people through one morning (issue 19, 7).

Everything is local (127.0.0.1), with no key and no network; the scorer is the local one:

- a fake Telegram Bot API (`tests.fakes.telegram`) that enforces Telegram's limits — about one
  message a second in a chat and 30 a second for the bot across chats — and answers 429 with
  `retry_after` past them, as the real API does;
- fake job boards (`tests.fakes.boards`): Indeed answers each of a pool of 300 distinct
  searches (keywords and place) with 25 postings of its own, and three Greenhouse boards that
  everyone's config names serve 30 postings each; every request is counted;
- the people: N private chats, each added through the services onboarding uses
  (`bot.services.onboarding.apply_draft`: their own profile in their own words, their filters
  and 1–3 searches drawn from the pool; at 1 person, only their own), every one with the same
  morning time (the config file's, a minute or so after the bot starts), so the morning is
  one burst;
- the real bot: `jobpicks bot` (python-telegram-bot long-polling the fake) in its own process,
  so its CPU time and peak RSS are its own, with `bot.services.delivery.mark_sent` timed.

While the morning goes out, simulated people tap 👍/👎 on picks they received and send
commands (/settings, /searches, /help). Printed per size: board requests against the distinct
searches asked (they must grow with those, not with people), the morning's first and last
message after the slot against its floor (10 picks each at 30 messages a second: 333 s for
1,000 people; never less than 10 s, one chat's 10 picks at one a second; goal ≤ 1.3×), the
messages sent and the 429s the fake gave, the bot's CPU seconds from the slot to the last
message and its peak RSS, the database's size, mark-sent time p50/p95, tap → answerCallbackQuery
p95/max (goal ≤ 100 ms) and command → reply.

`--quick` scales Telegram's limits up (`--scale`, 6 by default: 180 messages a second, a
chat every 1/6 s) so the 1,000-person morning takes about a minute; its wall times are
measured at that rate and labelled so, the ratio to the floor is comparable, and taps and
commands come `scale` times as often.

Not part of CI. Usage: python bench/people.py [--people 1,100,1000] [--quick [--scale 6]]
                                           [--taps 2] [--commands 0.5] [--profile]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEARCHES = 300  # distinct searches in the pool the people draw from
JOBS_PER_SEARCH = 25
PICKS = 10
RATE = 30.0  # Telegram: messages a second for a bot, across chats
CHAT_INTERVAL = 1.0  # Telegram: about one message a second in a chat
FIRST_CHAT = 500_000_001
BOARDS = ("bench-alpha", "bench-beta", "bench-gamma")
COMMANDS = {"/settings": "Delivery time", "/searches": "@", "/help": "/picks list"}

ROLES = (
    "backend engineer", "data engineer", "machine learning engineer", "frontend developer",
    "data analyst", "devops engineer", "site reliability engineer", "mobile developer",
    "security engineer", "product designer", "product manager", "qa engineer",
    "embedded software engineer", "data scientist", "cloud architect", "full stack developer",
    "technical writer", "solutions engineer", "database administrator", "research scientist",
    "game developer", "robotics engineer", "network engineer", "business analyst",
    "ux researcher", "platform engineer", "computer vision engineer", "nlp engineer",
    "firmware engineer", "analytics engineer",
)  # fmt: skip
PLACES = (
    "Austin, TX", "Boston, MA", "Seattle, WA", "New York, NY", "San Francisco, CA",
    "Chicago, IL", "Denver, CO", "Atlanta, GA", "Portland, OR", "Pittsburgh, PA",
)  # fmt: skip
SKILLS = ("Python", "SQL", "Go", "TypeScript", "Kubernetes", "PyTorch", "Rust", "Postgres",
          "React", "Spark", "Terraform", "C++", "Swift", "Kotlin", "Figma", "Airflow")  # fmt: skip
COMPANIES = tuple(
    f"{a} {b}"
    for a in (
        "Acme",
        "Globex",
        "Initech",
        "Umbrella",
        "Hooli",
        "Vandelay",
        "Stark",
        "Wayne",
        "Tyrell",
        "Cyberdyne",
        "Soylent",
        "Wonka",
        "Aperture",
        "Massive",
        "Oscorp",
    )
    for b in (
        "Labs",
        "Systems",
        "Robotics",
        "Health",
        "Analytics",
        "Cloud",
        "Energy",
        "Works",
        "Bio",
        "Media",
    )
)  # fmt: skip  (150 employers)


# -- the world: searches, postings, people ------------------------------------------------------
def search_pool() -> list[tuple[str, str]]:
    """The 300 distinct searches: every role in every place."""
    return [(role, place) for role in ROLES for place in PLACES][:SEARCHES]


@dataclass
class Plan:
    """One simulated person: their chat, their words and their searches (pool indices)."""

    chat: int
    about: str
    searches: list[int]


def plan_people(n: int, seed: int = 19) -> list[Plan]:
    """Person i's first search is pool[i % 300] (so 1,000 people cover the pool), then 0–2
    more at random; their `about` names the roles of their searches and a few skills."""
    rnd = random.Random(seed)
    pool = search_pool()
    out = []
    for i in range(n):
        chosen = [i % len(pool)]
        for _ in range(rnd.randint(0, 2)):
            extra = rnd.randrange(len(pool))
            if extra not in chosen:
                chosen.append(extra)
        roles = sorted({pool[s][0] for s in chosen})
        skills = ", ".join(rnd.sample(SKILLS, 4))
        about = (
            f"Looking for {' or '.join(roles)} roles, full-time, junior to mid level. "
            f"I work with {skills}; I like small teams and shipping often."
        )
        out.append(Plan(FIRST_CHAT + i, about, chosen))
    return out


def jobs_for(what: str, where: str) -> list[Any]:
    """What the Indeed fake finds for one search: 25 postings of its own, spread over the
    employers, posted a few hours ago."""
    from tests.fakes.boards import NOW, Job

    pool = search_pool()
    index = pool.index((what, where)) if (what, where) in pool else 999
    title = what.title()
    out = []
    for j in range(JOBS_PER_SEARCH):
        company = COMPANIES[(index * 7 + j * 11) % len(COMPANIES)]
        level = ("Junior ", "", "Senior ", "Associate ", "")[j % 5]
        skills = ", ".join(SKILLS[(index + j + k) % len(SKILLS)] for k in range(3))
        out.append(
            Job(
                id=f"s{index}j{j}",
                title=f"{level}{title}",
                company=company,
                location=where or "United States",
                description=(
                    f"{company} is hiring a {level.lower()}{what} to build and run our "
                    f"products with {skills}. You will work in a small team, ship weekly "
                    f"and own what you build.\nRequirements: {skills}; 0-3 years."
                ),
                employment="full-time",
                seniority="Entry level" if j % 5 != 2 else "Mid-Senior level",
                posted=NOW - timedelta(hours=1 + j % 6),
            )
        )
    return out


def board_jobs(board: str) -> list[Any]:
    from tests.fakes.boards import make_jobs

    start = 1000 * (BOARDS.index(board) + 1)
    return make_jobs("", 30, company=board.replace("-", " ").title(), start_id=start)


def config_toml(slot: str) -> str:
    boards = "".join(f'[[boards]]\nboard = "greenhouse:{b}"\n' for b in BOARDS)
    return f"""
[schedule]
time = "{slot}"
timezone = "UTC"
days = [0, 1, 2, 3, 4, 5, 6]

[selection]
min_score = 0
max_picks = {PICKS}
per_company = 3

{boards}
[http]
linkedin_gap_seconds = 0
default_gap_seconds = 0
timeout_seconds = 20
"""


# -- setting up the people, through the services -------------------------------------------------
async def add_people(plans: list[Plan]) -> float:
    """Each person as onboarding saves them: profile, filters, searches (`apply_draft`).
    Returns the seconds it took."""
    from bot.cli import make_context
    from bot.services import onboarding
    from scoring.profile import Filters
    from scrapers.options import SearchConfig

    pool = search_pool()
    ctx = make_context()
    t0 = time.perf_counter()
    for plan in plans:
        draft = onboarding.Draft(
            about=plan.about,
            directives=["Not interested in unpaid roles"],
            filters=Filters(max_age_days=14),
            searches=[
                SearchConfig(
                    keywords=pool[s][0], location=pool[s][1], sources=["indeed"], max_results=50
                )
                for s in plan.searches
            ],
        )
        await onboarding.apply_draft(ctx, plan.chat, draft)
    took = time.perf_counter() - t0
    ctx.db.close()
    return took


# -- the bot's process ---------------------------------------------------------------------------
def child() -> int:
    """`jobpicks bot`, with `delivery.mark_sent` timed (written out at exit) and, in quick
    mode, Telegram's per-chat interval scaled as the fake's is."""
    import atexit

    from bot.services import delivery
    from bot.telegram import delivery as courier

    if interval := os.environ.get("PEOPLEBENCH_CHAT_INTERVAL"):
        courier.PER_CHAT_INTERVAL = float(interval)
    real = delivery.mark_sent
    took: list[float] = []

    async def timed(*args: Any, **kwargs: Any) -> None:
        t0 = time.perf_counter()
        try:
            await real(*args, **kwargs)
        finally:
            took.append(time.perf_counter() - t0)

    delivery.mark_sent = timed  # type: ignore[assignment]
    atexit.register(lambda: Path(os.environ["PEOPLEBENCH_MARKS"]).write_text(json.dumps(took)))
    if out := os.environ.get("PEOPLEBENCH_PROFILE"):
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
        atexit.register(lambda: (profiler.disable(), profiler.dump_stats(out)))
    from bot.cli import main as jobpicks

    return jobpicks(["bot"])


def proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * (len(values) - 1) + 0.5))] if values else math.nan


def ms(values: list[float]) -> str:
    if not values:
        return "none measured"
    return (
        f"p50 {quantile(values, 0.5) * 1000:.0f} ms, p95 {quantile(values, 0.95) * 1000:.0f} ms, "
        f"max {max(values) * 1000:.0f} ms (n={len(values)})"
    )


# -- the morning, watched from the fake's side ---------------------------------------------------
@dataclass
class Watch:
    """What the fake saw, read incrementally from its call record."""

    fake: Any
    slot: float  # monotonic time of the morning slot
    cursor: int = 0
    pick_messages: dict[int, list[tuple[int, str, str]]] = field(default_factory=dict)
    taps: dict[str, float] = field(default_factory=dict)  # query id -> when tapped
    commands: int = 0
    pending: dict[int, list[tuple[str, float]]] = field(default_factory=dict)  # chat -> (cmd, at)
    replies: list[float] = field(default_factory=list)  # seconds from a command to its reply
    morning: list[float] = field(default_factory=list)  # when each morning message arrived
    chats_reached: set[int] = field(default_factory=set)
    refused: Counter[tuple[str, int]] = field(default_factory=Counter)  # (method, status)
    last_pick: float = 0.0  # when the last pick message arrived

    def scan(self) -> None:
        calls = self.fake.calls
        while self.cursor < len(calls):
            call = calls[self.cursor]
            if call.status == 0 and time.monotonic() - call.at < 5:  # in flight: look again
                break
            self.cursor += 1
            if call.status not in (0, 200):
                self.refused[(call.method, call.status)] += 1
            elif call.status == 0:  # no answer after 5 s: the fake failed on it
                self.refused[(call.method, 0)] += 1
            if call.method != "sendMessage" or call.status != 200:
                continue
            chat = call.params.get("chat_id")
            waiting = self.pending.get(chat, [])
            text = str(call.params.get("text", ""))
            reply = next((w for w in waiting if COMMANDS[w[0]] in text), None)
            if reply is not None:  # a command's answer, not the morning's
                waiting.remove(reply)
                self.replies.append(call.at - reply[1])
                continue
            if call.at >= self.slot - 1:
                self.morning.append(call.at)
                self.chats_reached.add(chat)
            markup = (call.result or {}).get("reply_markup") or {}
            datas = {
                b["text"]: b.get("callback_data", "")
                for row in markup.get("inline_keyboard", [])
                for b in row
            }
            if "👍" in datas and "👎" in datas:
                entry = (call.result["message_id"], datas["👍"], datas["👎"])
                self.pick_messages.setdefault(chat, []).append(entry)
                self.last_pick = max(self.last_pick, call.at)


async def drive(
    watch: Watch, people: list[int], taps: float, commands: float, stop: asyncio.Event
) -> None:
    """Taps on received picks at `taps` a second and commands at `commands` a second, from
    random people, until `stop`."""
    rnd = random.Random(7)
    fake = watch.fake
    t0 = time.monotonic()
    next_tap, next_cmd = t0, t0
    while not stop.is_set():
        now = time.monotonic()
        watch.scan()
        if taps and now >= next_tap and watch.pick_messages:
            chat = rnd.choice(list(watch.pick_messages))
            mid, up, down = rnd.choice(watch.pick_messages[chat])
            qid = await fake.tap(chat, mid, up if rnd.random() < 0.6 else down)
            watch.taps[qid] = time.monotonic()
            next_tap += 1 / taps
        if commands and now >= next_cmd:
            chat = rnd.choice(people)
            command = rnd.choice(list(COMMANDS))
            watch.commands += 1
            watch.pending.setdefault(chat, []).append((command, time.monotonic()))
            await fake.user_says(chat, command)
            next_cmd += 1 / commands
        await asyncio.sleep(max(0.0, min(next_tap, next_cmd) - time.monotonic()) or 0.001)


def leftovers(tmp: Path) -> dict[str, Any]:
    """What the bot left behind: its mark-sent times, and the database's files and size."""
    marks = tmp / "marks.json"
    files = sorted(f for f in tmp.iterdir() if f.name.startswith("db.json"))
    return {
        "marks": json.loads(marks.read_text()) if marks.exists() else [],
        "db_mb": sum(f.stat().st_size for f in files) / 1e6,
        # A lock file per chat (empty): counted, not named.
        "db_files": [f.name for f in files if not f.name.endswith(".lock")]
        + [f"{sum(1 for f in files if f.name.endswith('.lock'))} lock files"],
    }


async def settled(condition: Callable[[], bool], within: float) -> None:
    """Wait (a while at most) until `condition()` holds, looking every half second."""
    end = time.monotonic() + within
    while not condition() and time.monotonic() < end:  # noqa: ASYNC110 (polls the fake's record)
        await asyncio.sleep(0.5)


def answered(fake: Any, queries: set[str]) -> bool:
    """Whether every tap in `queries` has its answerCallbackQuery."""
    return queries <= {
        c.params.get("callback_query_id") for c in fake.calls_of("answerCallbackQuery")
    }


# -- one size ------------------------------------------------------------------------------------
async def one_size(n: int, args: argparse.Namespace) -> dict[str, Any]:
    from bench.bot import peak_rss_mb
    from tests.cli_support import OUR_ENV
    from tests.fakes.boards import BoardsFake
    from tests.fakes.telegram import FakeTelegram, FloodLimits

    scale = args.scale if args.quick else 1.0
    rate, interval = RATE * scale, CHAT_INTERVAL / scale
    plans = plan_people(n)
    chats = [p.chat for p in plans]
    pool = search_pool()
    planned = {pool[s] for p in plans for s in p.searches}

    asked: list[tuple[str, str]] = []

    def indeed_for(what: str, where: str) -> list[Any]:
        asked.append((what, where))
        return jobs_for(what, where)

    boards = BoardsFake(indeed_for=indeed_for)
    boards.greenhouse = {b: board_jobs(b) for b in BOARDS}
    urls = await boards.start()
    fake = FakeTelegram()
    await fake.start()
    for chat in chats:
        fake.add_chat(chat, first_name=f"P{chat - FIRST_CHAT}")
    result: dict[str, Any] = {"people": n, "quick": args.quick, "scale": scale}
    with tempfile.TemporaryDirectory(prefix="jobpicks-people-") as tmp_name:
        tmp = Path(tmp_name)
        db, config = tmp / "db.json", tmp / "jobpicks.toml"
        config.write_text(config_toml("06:00"))
        env = {k: v for k, v in os.environ.items() if k not in OUR_ENV}
        env |= {
            "PYTHONPATH": str(REPO),
            "JOBPICKS_DB": str(db),
            "JOBPICKS_CONFIG": str(config),
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_API_BASE": fake.base_url,
            "TELEGRAM_CHAT_IDS": str(chats[0]),  # the owner; everyone else came by onboarding
            "TELEGRAM_MAX_RATE": f"{rate:g}",
            "JOBPICKS_INDEED_URL": urls.indeed,
            "JOBPICKS_GREENHOUSE_URL": urls.greenhouse,
            "PEOPLEBENCH_MARKS": str(tmp / "marks.json"),
        }
        if args.quick:
            env["PEOPLEBENCH_CHAT_INTERVAL"] = f"{interval:g}"
        if args.profile:
            env["PEOPLEBENCH_PROFILE"] = str(Path(args.profile_dir) / f"people-{n}.prof")
        saved_env, saved_cwd = dict(os.environ), Path.cwd()
        os.environ.clear()
        os.environ.update(env)
        os.chdir(tmp)  # no .env of the developer's
        try:
            result["setup_s"] = await add_people(plans)
        finally:
            os.environ.clear()
            os.environ.update(saved_env)
            os.chdir(saved_cwd)

        # The slot: the next whole minute that leaves the bot time to start (it reads the
        # schedule at start and makes a job per person).
        margin = 10 + n * 0.01
        wall = datetime.now(UTC) + timedelta(seconds=margin)
        slot_wall = (wall + timedelta(seconds=59.999)).replace(second=0, microsecond=0)
        config.write_text(config_toml(slot_wall.strftime("%H:%M")))
        slot = time.monotonic() + (slot_wall.timestamp() - time.time())

        fake.flood_limits = FloodLimits(
            chat_interval=interval, per_second=round(rate), slack=0.05 / scale
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--child", cwd=tmp, env=env,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        err = bytearray()

        async def drain() -> None:
            assert proc.stderr is not None
            while chunk := await proc.stderr.read(65536):
                err.extend(chunk)

        drainer = asyncio.create_task(drain())
        ready = (await fake.wait_for("setMyCommands", within=300))[0].at
        result["ready_before_slot_s"] = slot - ready
        await asyncio.sleep(max(0.0, slot - time.monotonic() - 0.5))
        cpu0 = proc_cpu(proc.pid)

        watch = Watch(fake, slot)
        stop = asyncio.Event()
        # A person taps now and then, so a small bot gets fewer taps than a big one.
        taps, commands = min(args.taps, 0.25 * n) * scale, min(args.commands, 0.1 * n) * scale
        driver = asyncio.create_task(drive(watch, chats, taps, commands, stop))
        floor = max(n * PICKS / rate, PICKS * interval)
        deadline = slot + max(600.0, floor * 5)
        quiet = max(5.0, 15.0 / scale)
        cpu1 = None
        while time.monotonic() < deadline:  # noqa: ASYNC110 (watches the fake's record)
            await asyncio.sleep(0.5)
            watch.scan()
            got = sum(len(v) for v in watch.pick_messages.values())
            if got and time.monotonic() - watch.morning[-1] > quiet:
                cpu1 = proc_cpu(proc.pid)
                break
            if got >= n * PICKS and time.monotonic() - watch.morning[-1] > 1:
                cpu1 = proc_cpu(proc.pid)
                break
        stop.set()
        await driver
        await settled(lambda: answered(fake, set(watch.taps)), within=60)

        def replied() -> bool:  # every command sent has had its reply
            watch.scan()
            return not any(watch.pending.values())

        await settled(replied, within=30)
        result["rss_mb"] = peak_rss_mb(proc.pid)
        result["cpu_s"] = (cpu1 if cpu1 is not None else proc_cpu(proc.pid)) - cpu0
        proc.send_signal(signal.SIGTERM)
        try:
            result["rc"] = await asyncio.wait_for(proc.wait(), 60)
        except TimeoutError:
            proc.kill()
            result["rc"] = await proc.wait()
        await drainer
        result |= leftovers(tmp)
        result["err"] = err.decode(errors="replace")

    await fake.stop()
    await boards.stop()

    watch.scan()
    answers = {c.params["callback_query_id"]: c.at for c in fake.calls_of("answerCallbackQuery")}
    result |= {
        "planned_searches": len(planned),
        "asked_searches": len(set(asked)),
        "indeed_requests": boards.count("indeed"),
        "board_requests": len(boards.requests),
        "greenhouse_requests": sum(1 for r in boards.requests if r.board == "greenhouse"),
        "first_s": (watch.morning[0] - slot) if watch.morning else math.nan,
        "last_s": (watch.morning[-1] - slot) if watch.morning else math.nan,
        "floor_s": floor,
        "rate": rate,
        "messages": len(watch.morning),
        "picks_sent": sum(len(v) for v in watch.pick_messages.values()),
        "chats_reached": len(watch.chats_reached),
        "edits": sum(1 for c in fake.calls if c.method.startswith("edit") and c.status == 200),
        "floods": len(fake.floods),
        "refused": dict(watch.refused),
        "taps": [answers[q] - at for q, at in watch.taps.items() if q in answers],
        "taps_unanswered": sum(1 for q in watch.taps if q not in answers),
        "replies": watch.replies,
        "unanswered": sum(len(v) for v in watch.pending.values()),
        "commands": watch.commands,
    }
    return result


def report(r: dict[str, Any]) -> None:
    label = (
        f" (quick: Telegram's limits ×{r['scale']:g}, {r['rate']:g} msg/s)" if r["quick"] else ""
    )
    n = r["people"]
    print(f"\n== {n} people{label}")
    print(f"  set up through onboarding.apply_draft in {r['setup_s']:.1f} s; the bot was ready "
          f"{r['ready_before_slot_s']:.1f} s before the slot")  # fmt: skip
    print(
        f"  board requests: {r['board_requests']} (Indeed {r['indeed_requests']}, Greenhouse "
        f"{r['greenhouse_requests']}) for {r['asked_searches']} distinct searches asked "
        f"({r['planned_searches']} among the people's) and {len(BOARDS)} boards"
    )
    ratio = r["last_s"] / r["floor_s"]
    print(
        f"  morning: first message +{r['first_s']:.1f} s, last +{r['last_s']:.1f} s after the "
        f"slot; floor {r['floor_s']:.1f} s ({n}×{PICKS} picks at {r['rate']:g}/s, at least "
        f"{PICKS} at one a chat-interval): {ratio:.2f}× the floor (goal ≤ 1.3×)"
    )
    print(
        f"  messages sent: {r['messages']} in the morning to {r['chats_reached']} chats "
        f"({r['picks_sent']} picks), {r['edits']} edits; 429s from the fake: {r['floods']}"
    )
    print(
        f"  bot CPU from the slot to the last message: {r['cpu_s']:.1f} s; peak RSS "
        f"{r['rss_mb']:.0f} MB; database {r['db_mb']:.1f} MB ({', '.join(r['db_files'])})"
    )
    if r["refused"]:
        print(f"  calls the fake refused or failed, (method, status): {r['refused']}")
    print(f"  mark-sent: {ms(r['marks'])}")
    print(f"  tap → answerCallbackQuery: {ms(r['taps'])} (goal p95 ≤ 100 ms)"
          + (f"; {r['taps_unanswered']} never answered" if r["taps_unanswered"] else ""))  # fmt: skip
    print(f"  command → reply ({r['commands']} commands): {ms(r['replies'])}"
          + (f"; {r['unanswered']} without a reply found" if r["unanswered"] else ""))  # fmt: skip
    tracebacks = r["err"].count("Traceback (most recent call last)")
    if r["rc"] != 0 or tracebacks or os.environ.get("BENCH_SHOW_ERR"):
        print(f"  bot exit code {r['rc']}, tracebacks {tracebacks}; its stderr's end:")
        print("    " + "\n    ".join(r["err"][-4000:].splitlines()))


def print_profile(path: Path, top: int = 25) -> None:
    import pstats

    if not path.exists():
        return
    print(f"\n  profile of the bot ({path}), by own time:")
    stats = pstats.Stats(str(path))
    total = stats.total_tt  # type: ignore[attr-defined]
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]  # type: ignore[attr-defined]
    for (file, line, name), (_cc, _nc, tt, ct, _callers) in rows:
        short = file.replace(str(REPO) + "/", "")
        print(
            f"    {tt:7.1f} s own {100 * tt / total:5.1f}%  {ct:7.1f} s cum  {short}:{line} {name}"
        )


async def amain(args: argparse.Namespace) -> None:
    sizes = [int(s) for s in args.people.split(",") if s.strip()]
    results = []
    for n in sizes:
        r = await one_size(n, args)
        report(r)
        if args.profile:
            print_profile(Path(args.profile_dir) / f"people-{n}.prof")
        results.append(r)
    print("\npeople  searches  board req  first s  last s  floor s  ×floor  429s  CPU s  RSS MB"
          "  DB MB  mark p95 ms  tap p95 ms  cmd p95 ms")  # fmt: skip
    for r in results:
        print(
            f"{r['people']:>6}  {r['asked_searches']:>8}  {r['board_requests']:>9}  "
            f"{r['first_s']:>7.1f}  {r['last_s']:>6.1f}  {r['floor_s']:>7.1f}  "
            f"{r['last_s'] / r['floor_s']:>6.2f}  {r['floods']:>4}  {r['cpu_s']:>5.1f}  "
            f"{r['rss_mb']:>6.0f}  {r['db_mb']:>5.1f}  {quantile(r['marks'], 0.95) * 1000:>11.1f}  "
            f"{quantile(r['taps'], 0.95) * 1000:>10.0f}  {quantile(r['replies'], 0.95) * 1000:>10.0f}"
        )
    if args.quick:
        print(f"(quick: Telegram's limits ×{args.scale:g}; seconds are at that rate)")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        raise SystemExit(child())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="1,100,1000", help="sizes, comma-separated")
    parser.add_argument("--quick", action="store_true", help="Telegram's limits scaled up")
    parser.add_argument("--scale", type=float, default=6.0, help="with --quick: how much")
    parser.add_argument("--taps", type=float, default=2.0, help="👍/👎 taps a second (real time)")
    parser.add_argument("--commands", type=float, default=0.5, help="commands a second")
    parser.add_argument(
        "--profile", action="store_true", help="cProfile the bot; print its hottest functions"
    )
    parser.add_argument("--profile-dir", default=tempfile.gettempdir())
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()
