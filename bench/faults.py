"""Reliability bench: real `jobpicks` child processes under faults, against the local fakes.

Every scenario starts the real CLI (`python -m bot run|bot|digest|doctor`) from this tree,
pointed at the fakes in `tests/fakes/` (job boards, an OpenAI-compatible LLM, the Telegram Bot
API), all on 127.0.0.1 and served by this process; where a fault must land at an exact moment,
through bench/child.py (the same CLI with that fault put in place first). It measures, it
does not assume:

- run-kill        SIGKILL of `jobpicks run` at a random moment, then a rerun to completion;
- bot-kill        SIGKILL of `jobpicks bot` (catch-up morning due) at a random moment, then a
                  restart until every pick is out, then SIGTERM;
- after-send      a database seeded with N seen postings (150k; built by `bench/store.py`), and
                  `jobpicks run` killed right after Telegram answered a pick (0–100 ms later),
                  then rerun: does the pick go out twice?
- compaction-kill `jobpicks run` compacting its database at every commit, SIGKILLed inside its
                  n-th compaction at one of its steps (half the snapshot written; written, not
                  renamed; renamed, its journal not started; the journal written, not renamed);
- second-process  `jobpicks run`, `doctor`, `digest`, `run --dry-run` and a second `jobpicks
                  bot` started on the database while the bot delivers its morning;
- clock-jump      `jobpicks bot` started before its morning slot, then its wall clock jumps
                  2 h forward past the slot (the monotonic clock does not): does the day run?
- boards          429, 500, slow, changed markup, refused connection: is each one named?
- llm             the model answers posting by posting: a 429 once, bad JSON, nonsense scores
                  (-3, 150, "high"), too slow — each must be served (else it is not tested),
                  and none may score;
- telegram        429 retry_after, a 5xx, a persistent 400 on one message: the rest still go; a
                  working run after a morning where every source failed sends its header;
- hostile         HTML/markdown injection, `javascript:` links, huge fields, odd unicode;
- database        damaged database files (truncated, a list, a table or record not an object).

Picks expected = what `jobpicks digest` lists for the day; delivered = the pick messages the fake
Bot API accepted (each posting's title carries a unique marker `Q<nnnn>`). A traceback is any
"Traceback (most recent call last)" on a child's stdout or stderr. The fake Bot API echoes the
request path (the bot token) in every error, as a careless proxy does: the token and the LLM
key are counted in every child's output.

Not part of CI. Usage: python bench/faults.py [--quick] [--runs N] [--only NAME ...]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import os
import random
import re
import shutil
import signal
import socket
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

from tests.conftest import _OUR_ENV, jobpicks_cmd  # noqa: E402
from tests.fakes import boards as fb  # noqa: E402
from tests.fakes import llm as fl  # noqa: E402
from tests.fakes.telegram import FakeTelegram, bad  # noqa: E402

TRACEBACK = "Traceback (most recent call last)"
MARK = re.compile(r"\bQ(\d{4})\b")
CHILD_TIMEOUT = 120.0
KEEP = False  # --keep: write each child's output to files in its work folder
BENCH_KEY = "bench-llm-key-0123456789abcdef"  # counted in every child's output, like the token

PROFILE = """
[profile]
about = "CS student looking for a software engineering or machine learning internship. Python, PyTorch, SQL, Postgres, distributed systems."

[profile.filters]
excluded_title_words = []
locations = []
levels = []
employment_types = []
max_age_days = 0

[schedule]
time = "00:00"
timezone = "UTC"
days = [0, 1, 2, 3, 4, 5, 6]
"""


def config_toml(
    boards: list[str],
    *,
    max_picks: int = 4,
    searches: str = "",
    http: str = "",
    scoring: str = "",
) -> str:
    parts = [
        PROFILE,
        f"[selection]\nmin_score = 0\nmax_picks = {max_picks}\nper_company = {max_picks}\n",
        searches,
    ]
    parts += [f'[[boards]]\nboard = "{b}"\n' for b in boards]
    manners = {
        "linkedin_gap_seconds": "0",
        "default_gap_seconds": "0",
        "timeout_seconds": "2",
        "max_retries": "1",
        "backoff_base_seconds": "0.05",
    }
    for line in http.splitlines():
        key, _, value = line.partition("=")
        manners[key.strip()] = value.strip()
    parts.append("[http]\n" + "".join(f"{k} = {v}\n" for k, v in manners.items()))
    if scoring:
        parts.append("[scoring]\n" + scoring)
    return "\n".join(parts)


# -- the fakes ------------------------------------------------------------------------------
class BenchTelegram(FakeTelegram):
    """The fake Bot API plus two bench hooks: refuse HTML messages that carry a marker (a
    persistent 400, as Telegram gives for entities it cannot parse), and tell the bench the
    moment a message was accepted (to kill the sender right after)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.refuse_html: set[str] = set()
        self.on_sent: dict[int, Callable[[str], None]] = {}

    async def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = params.get("text") or ""
        if params.get("parse_mode") and any(m in text for m in self.refuse_html):
            raise bad('can\'t parse entities: unsupported start tag "jp" at byte offset 0')
        result = await super().api_sendMessage(params)
        hook = self.on_sent.get(result["chat"]["id"])
        if hook is not None:
            hook(result.get("text", ""))
        return result


_marker_ids = iter(range(1, 10_000))


def marker() -> str:
    return f"Q{next(_marker_ids):04d}"


def jobs(
    n: int, company: str, *, title: str = "Software Engineer Intern", **kw: Any
) -> list[fb.Job]:
    out = []
    for _ in range(n):
        m = marker()
        out.append(
            fb.Job(
                id=m.lower(),
                title=f"{m} {title}",
                company=company,
                description=f"{m}: build backend services in Python and Postgres; machine "
                "learning pipelines; distributed systems.",
                **kw,
            )
        )
    return out


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- child processes ------------------------------------------------------------------------
def command(args: tuple[str, ...], env: dict[str, str]) -> list[str]:
    """`python -m bot ARGS`, or bench/child.py (the same CLI with a fault put in place first)
    when the environment names one."""
    if any(name.startswith("JOBPICKS_BENCH_") for name in env):
        return [sys.executable, str(REPO / "bench" / "child.py"), *args]
    return jobpicks_cmd(*args)


@dataclass
class Child:
    """One `jobpicks` process; its output is drained as it comes (a full pipe would stall it)."""

    args: tuple[str, ...]
    env: dict[str, str]
    cwd: Path
    proc: asyncio.subprocess.Process | None = None
    out: bytearray = field(default_factory=bytearray)
    err: bytearray = field(default_factory=bytearray)
    started: float = 0.0
    rc: int | None = None
    _readers: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> Child:
        self.started = time.monotonic()
        self.proc = await asyncio.create_subprocess_exec(
            *command(self.args, self.env),
            env=self.env,
            cwd=self.cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert self.proc.stdout and self.proc.stderr
        self._readers = [
            asyncio.create_task(self._drain(self.proc.stdout, self.out)),
            asyncio.create_task(self._drain(self.proc.stderr, self.err)),
        ]
        return self

    @staticmethod
    async def _drain(stream: asyncio.StreamReader, into: bytearray) -> None:
        while chunk := await stream.read(65536):
            into.extend(chunk)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.returncode is None

    async def wait(self, within: float = CHILD_TIMEOUT) -> int:
        assert self.proc
        try:
            await asyncio.wait_for(self.proc.wait(), within)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()
            self.err.extend(f"\n[bench] killed after {within:.0f} s timeout\n".encode())
        await asyncio.gather(*self._readers)
        self.rc = self.proc.returncode
        if KEEP:  # for a reproducer: what each child said, next to its database
            stem = self.cwd / f"{'-'.join(self.args)}-{self.proc.pid}"
            stem.with_suffix(".out").write_bytes(self.out)
            stem.with_suffix(".err").write_bytes(self.err)
        return self.rc

    async def kill(self) -> None:
        assert self.proc
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGKILL)
        await self.wait(10)

    async def terminate(self, within: float = 20) -> bool:
        """SIGTERM; True if it stopped by itself `within` seconds."""
        assert self.proc
        if self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.proc.wait(), within)
            stopped = True
        except TimeoutError:
            stopped = False
        await self.wait(5)
        return stopped

    @property
    def text(self) -> str:
        return self.out.decode(errors="replace") + self.err.decode(errors="replace")

    @property
    def stdout(self) -> str:
        return self.out.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self.err.decode(errors="replace")


# -- results --------------------------------------------------------------------------------
@dataclass
class Result:
    name: str
    kills: int = 0
    survived: int = 0
    lost: int = 0
    duplicated: int = 0
    faults: int = 0
    named: int = 0
    tracebacks: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        if text not in self.failures:
            self.failures.append(text)


@dataclass
class Bench:
    args: argparse.Namespace
    root: Path
    tg: BenchTelegram
    boards: fb.BoardsFake
    llm: fl.FakeLLM
    children: list[Child] = field(default_factory=list)
    # For each pick sent twice after a kill: seconds from the Bot API receiving its first send
    # to the kill (the send→record window a kill must land in to repeat a pick).
    gaps: list[float] = field(default_factory=list)
    _chats: Any = field(default_factory=lambda: iter(range(70_001, 80_000)))

    def new_chat(self) -> int:
        chat = next(self._chats)
        self.tg.add_chat(chat)
        return chat

    def workdir(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.root))
        return path

    def env(
        self, work: Path, *, chat: int | None, llm: bool = False, **extra: str
    ) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in _OUR_ENV}
        env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
        env["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
        env["JOBPICKS_DB"] = str(work / "db" / "jobpicks.json")
        env["JOBPICKS_CONFIG"] = str(work / "jobpicks.toml")
        u = self.boards.urls
        assert u is not None
        env |= {
            "JOBPICKS_LINKEDIN_URL": u.linkedin,
            "JOBPICKS_INDEED_URL": u.indeed,
            "JOBPICKS_GREENHOUSE_URL": u.greenhouse,
            "JOBPICKS_LEVER_URL": u.lever,
            "JOBPICKS_ASHBY_URL": u.ashby,
        }
        if chat is not None:
            env |= {
                "TELEGRAM_BOT_TOKEN": self.tg.token,
                "TELEGRAM_CHAT_IDS": str(chat),
                "TELEGRAM_API_BASE": self.tg.base_url,
            }
        if llm:
            env |= {
                "LLM_MODEL": "openai/bench",
                "LLM_API_BASE": self.llm.base,
                "LLM_API_KEY": BENCH_KEY,
            }
        env |= extra
        return env

    def child(self, work: Path, env: dict[str, str], *args: str) -> Child:
        c = Child(args, env, work)
        self.children.append(c)
        return c

    async def run(self, work: Path, env: dict[str, str], *args: str) -> Child:
        c = await self.child(work, env, *args).start()
        await c.wait()
        return c

    async def digest_markers(
        self, work: Path, env: dict[str, str], res: Result
    ) -> tuple[list[str], Child]:
        """The day's picks as `jobpicks digest` lists them (the store's own answer)."""
        c = await self.run(work, env, "digest")
        if c.rc != 0:
            res.fail(f"`jobpicks digest` exited {c.rc}: {last_line(c.stderr)}")
        found = [m for ln in c.stdout.splitlines() if ln.startswith("## ") for m in markers(ln)]
        return found, c

    def delivered(self, chat: int) -> tuple[Counter[str], int]:
        """Pick markers the fake accepted for this chat (with counts), and other messages."""
        picks: Counter[str] = Counter()
        other = 0
        for message in self.tg.sent_to(chat):
            found = markers(message.text)
            if found:
                picks[found[0]] += 1
            else:
                other += 1
        return picks, other

    def check_delivery(
        self, res: Result, chat: int, expected: list[str], *, exempt: set[str] = frozenset()
    ) -> tuple[int, int]:
        got, other = self.delivered(chat)
        lost = [m for m in expected if m not in got and m not in exempt]
        dup = sum(n - 1 for n in got.values() if n > 1)
        if other > 1:
            res.notes.append(f"chat {chat}: {other} messages without a pick (header sent twice?)")
        return len(lost), dup


def markers(text: str) -> list[str]:
    return ["Q" + m for m in MARK.findall(text)]


def tracebacks(children: list[Child]) -> int:
    return sum(c.text.count(TRACEBACK) for c in children)


def last_line(text: str) -> str:
    lines = [ln for ln in text.strip().splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "(no output)"


def traceback_tails(text: str) -> list[str]:
    """The exception line that ends each traceback in `text`."""
    tails = []
    for chunk in text.split(TRACEBACK)[1:]:
        for line in chunk.splitlines()[1:]:
            if line and not line.startswith((" ", "\t")):
                tails.append(line[:200])
                break
    return tails


def traceback_tail(children: list[Child]) -> str | None:
    """The exception line of the first traceback in these children's output."""
    return next((t for c in children for t in traceback_tails(c.text)), None)


def res_seconds(summary: str) -> str:
    """The run's own wall time from its summary line, if it printed one."""
    m = re.search(r" in (\d+(?:\.\d+)?) s\n", summary)
    return f"{m.group(1)} s" if m else "time unknown"


def corrupt_files(work: Path) -> list[Path]:
    return sorted((work / "db").glob("*.corrupt-*"))


# -- run-kill -------------------------------------------------------------------------------
KILL_BOARDS = ["greenhouse:killacme", "lever:killglobex"]


def setup_kill_boards(b: Bench) -> None:
    # The Telegram tests' employers, markup in their names included, when that module has them.
    try:
        from tests.bot.telegram_support import COMPANIES as names
    except ImportError:
        names = ["Acme <Robotics>", "Globex & Sons"]
    b.boards.greenhouse["killacme"] = jobs(5, names[0])
    b.boards.lever["killglobex"] = jobs(4, names[1], title="Machine Learning Intern")


async def clean_run(b: Bench, res: Result) -> tuple[float, int]:
    """One `jobpicks run` with no kill: how long it takes, and that it delivers every pick."""
    work = b.workdir("run")
    (work / "jobpicks.toml").write_text(config_toml(KILL_BOARDS, max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    run = await b.run(work, env, "run")
    took = time.monotonic() - run.started
    expected, digest = await b.digest_markers(work, env, res)
    lost, dup = b.check_delivery(res, chat, expected)
    res.lost += lost
    res.duplicated += dup
    res.tracebacks += tracebacks([run, digest])
    if run.rc != 0:
        res.fail(f"a clean `jobpicks run` exited {run.rc}: {last_line(run.stderr)}")
    if not expected or lost or dup:
        res.fail(f"a clean run: {len(expected)} picks, {lost} lost, {dup} duplicated")
    return took, len(expected)


def unsurvived(
    b: Bench, chat: int, kills: list[float], procs: list[Child], *, lost: bool
) -> set[int]:
    """Which of a chain's kills (monotonic moments; `procs[i + 1]` started after kill i) were
    not survived: the first kill after a pick's first send, when that pick went out again; a
    kill whose next process printed a traceback or failed; every kill of a chain that lost a
    pick or its database."""
    failed: set[int] = set(range(len(kills))) if lost else set()
    got, _ = b.delivered(chat)
    for m in (m for m, n in got.items() if n > 1):
        first = min(
            c.at
            for c in b.tg.calls_of("sendMessage", chat_id=chat)
            if c.status == 200 and m in str(c.params.get("text"))
        )
        after = [i for i, k in enumerate(kills) if k > first]
        if after:  # the kill that cut the record of this send short
            failed.add(after[0])
            b.gaps.append(kills[after[0]] - first)
        else:
            b.gaps.append(float("nan"))  # a duplicate no kill explains
    for i, c in enumerate(procs[1:]):
        ok_exit = c.rc in (0, -signal.SIGKILL, -signal.SIGTERM)
        if i < len(kills) and (c.text.count(TRACEBACK) or not ok_exit):
            failed.add(i)
    return failed


async def run_chain(b: Bench, res: Result, kill_times: list[float]) -> int:
    """`jobpicks run` on one database, killed at each of `kill_times` (seconds after its start)
    until one finishes by itself; then a run to completion. Returns the kills made.

    A kill is survived unless a pick first sent before it (and after the previous kill) went
    out again, the next process printed a traceback or failed, or the chain lost a pick or its
    database."""
    work = b.workdir("run")
    (work / "jobpicks.toml").write_text(config_toml(KILL_BOARDS, max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    procs: list[Child] = []
    kills: list[float] = []  # monotonic moments of the kills
    finished = False
    for t in kill_times:
        c = await b.child(work, env, "run").start()
        procs.append(c)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(c.proc.wait()), t)  # type: ignore[union-attr]
        if not c.running:
            await c.wait()
            finished = True
            break
        kills.append(time.monotonic())
        await c.kill()
    if not finished:
        procs.append(await b.run(work, env, "run"))
    final = procs[-1]
    expected, digest = await b.digest_markers(work, env, res)
    lost, dup = b.check_delivery(res, chat, expected)
    res.lost += lost
    res.duplicated += dup
    res.tracebacks += tracebacks([*procs, digest])
    res.kills += len(kills)
    bad_db = corrupt_files(work)
    failed = unsurvived(b, chat, kills, procs, lost=bool(lost or bad_db))
    res.survived += len(kills) - len(failed)
    if final.rc != 0:
        res.fail(f"`jobpicks run` after a kill exited {final.rc}: {last_line(final.stderr)}")
    if bad_db:
        res.fail(f"database set aside as corrupt after a kill: {bad_db[0].name}")
    where = ", ".join(f"{t:.1f}" for t in kill_times[: len(kills)])
    if lost:
        res.fail(f"kills at {where} s: {lost} pick(s) never delivered after the rerun")
    if dup:
        res.fail(f"kills at {where} s: {dup} pick(s) delivered twice")
    return len(kills)


async def gather_limited(n: int, coros: list[Any]) -> list[Any]:
    sem = asyncio.Semaphore(n)

    async def one(c: Any) -> Any:
        async with sem:
            return await c

    return await asyncio.gather(*(one(c) for c in coros))


async def scenario_run_kill(b: Bench, n: int) -> Result:
    res = Result("run-kill (SIGKILL `jobpicks run`)")
    setup_kill_boards(b)
    clean, expected = await clean_run(b, res)
    res.notes.append(
        f"clean run {clean:.1f} s, {expected} picks; kills uniform in [0.2, {clean:.1f}] s after "
        "each start, up to 3 per database"
    )
    rng = random.Random(b.args.seed)
    budget = [n]

    async def worker() -> None:
        for _ in range(3 * n):  # bounded: a chain whose first run beats its kill kills nothing
            take = min(3, budget[0])
            if take <= 0:
                return
            budget[0] -= take
            made = await run_chain(b, res, [rng.uniform(0.2, clean) for _ in range(take)])
            budget[0] += take - made

    await asyncio.gather(*(worker() for _ in range(b.args.jobs)))
    return res


# -- bot-kill -------------------------------------------------------------------------------
async def wait_delivered(b: Bench, chat: int, want: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if len(b.delivered(chat)[0]) >= want:
            return True
        await asyncio.sleep(0.05)
    return False


async def bot_chain(b: Bench, res: Result, kill_times: list[float], want: int) -> float:
    """`jobpicks bot` (today's run due at start) on one database, killed at each of
    `kill_times` after its start and started again; the last one runs until `want` picks are
    out (or 45 s), then gets SIGTERM. Returns how long the last one took to deliver."""
    work = b.workdir("bot")
    (work / "jobpicks.toml").write_text(config_toml(KILL_BOARDS, max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    procs: list[Child] = []
    kills: list[float] = []
    for t in kill_times:
        c = await b.child(work, env, "bot").start()
        procs.append(c)
        await asyncio.sleep(t)
        if not c.running:
            await c.wait()
            res.fail(f"`jobpicks bot` exited {c.rc} by itself: {last_line(c.stderr)}")
        kills.append(time.monotonic())
        await c.kill()
    final = await b.child(work, env, "bot").start()
    procs.append(final)
    complete = await wait_delivered(b, chat, want, 45)
    took = time.monotonic() - final.started
    await asyncio.sleep(1.5)  # anything still in flight (a duplicate) arrives now
    if not await final.terminate():
        res.fail("`jobpicks bot` did not stop within 20 s of SIGTERM")
    if final.rc not in (0, -signal.SIGTERM):
        res.fail(f"`jobpicks bot` exited {final.rc} on SIGTERM: {last_line(final.stderr)}")
    expected, digest = await b.digest_markers(work, env, res)
    lost, dup = b.check_delivery(res, chat, expected)
    if not complete and not lost:
        res.notes.append(f"chat {chat}: fewer than {want} picks (the digest lists {len(expected)})")
    res.lost += lost
    res.duplicated += dup
    res.kills += len(kills)
    res.tracebacks += tracebacks([*procs, digest])
    bad_db = corrupt_files(work)
    res.survived += len(kills) - len(unsurvived(b, chat, kills, procs, lost=bool(lost or bad_db)))
    if bad_db:
        res.fail(f"database set aside as corrupt after a kill: {bad_db[0].name}")
    where = ", ".join(f"{t:.1f}" for t in kill_times)
    if lost:
        res.fail(f"bot killed at {where} s: {lost} pick(s) never delivered after restart")
    if dup:
        res.fail(f"bot killed at {where} s: {dup} pick(s) delivered twice")
    if not kill_times and (lost or dup or not expected):
        res.fail(f"a clean bot: {len(expected)} picks, {lost} lost, {dup} duplicated")
    return took


async def scenario_bot_kill(b: Bench, n: int) -> Result:
    res = Result("bot-kill (SIGKILL `jobpicks bot`)")
    setup_kill_boards(b)
    clean = await bot_chain(b, res, [], 4)
    res.notes.append(
        f"clean bot: all 4 picks out {clean:.1f} s after start; kills uniform in "
        f"[0.5, {clean:.1f}] s after each start, up to 2 per database"
    )
    rng = random.Random(b.args.seed + 1)
    times = [rng.uniform(0.5, max(clean, 1.0)) for _ in range(n)]
    chains = [times[i : i + 2] for i in range(0, n, 2)]
    await gather_limited(b.args.jobs, [bot_chain(b, res, ts, 4) for ts in chains])
    return res


# -- kill right after a send, on a database of N seen postings --------------------------------
async def seed_database(b: Bench, seen: int) -> Path | None:
    """A database holding `seen` seen postings, built the way bench/store.py builds one."""
    # In a folder of its own: copies take the whole folder, whatever files the store keeps
    # beside the database (a journal, say).
    seed = b.root / f"seed-{seen}" / "jobpicks.json"
    seed.parent.mkdir()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        str(REPO / "bench" / "store.py"),
        "--phase",
        "create",
        "--seen",
        str(seen),
        "--db",
        str(seed),
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    if proc.returncode != 0 or not seed.exists():
        print(f"bench/store.py could not seed a database:\n{out.decode()[-800:]}", file=sys.stderr)
        return None
    return seed


async def after_send_chain(
    b: Bench, res: Result, seed: Path, kills: int, rng: random.Random
) -> None:
    """Runs on one copy of the seeded DB: each is killed 0–100 ms after Telegram accepted a
    pick; a kill is survived when that pick never goes out again."""
    work = b.workdir("big")
    shutil.copytree(seed.parent, work / "db")
    (work / "jobpicks.toml").write_text(config_toml(["greenhouse:bigacme"], max_picks=6), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    mine: list[Child] = []
    just_sent: list[str] = []
    loop = asyncio.get_running_loop()
    for _ in range(kills):
        c = b.child(work, env, "run")
        fired = asyncio.Event()

        def on_sent(text: str, c: Child = c, fired: asyncio.Event = fired) -> None:
            found = markers(text)
            if not found or fired.is_set():
                return
            fired.set()
            just_sent.append(found[0])
            delay = rng.uniform(0, b.args.after_send_ms / 1000)
            loop.call_later(delay, lambda: c.proc and c.proc.returncode is None and c.proc.kill())

        b.tg.on_sent[chat] = on_sent
        await c.start()
        mine.append(c)
        await c.wait()
        if fired.is_set() and c.rc == -signal.SIGKILL:
            res.kills += 1
            continue
        if fired.is_set():
            just_sent.pop()  # it ended before the kill landed: not a kill
        break  # nothing left to send: the day is complete
    b.tg.on_sent.pop(chat, None)
    final = await b.run(work, env, "run")
    mine.append(final)
    if final.rc != 0:
        res.fail(f"run after kills on a big database exited {final.rc}: {last_line(final.stderr)}")
    expected, digest = await b.digest_markers(work, env, res)
    mine.append(digest)
    got, _other = b.delivered(chat)
    lost = [m for m in expected if m not in got]
    res.lost += len(lost)
    res.duplicated += sum(n - 1 for n in got.values() if n > 1)
    for m in just_sent:
        if got[m] <= 1:
            res.survived += 1
    if corrupt_files(work):
        res.fail("database set aside as corrupt after a kill at 150k")
    res.tracebacks += tracebacks(mine)


async def scenario_after_send(b: Bench, seen: int, kills: int) -> Result:
    res = Result(f"after-send kill @ {seen // 1000}k seen")
    t0 = time.monotonic()
    seed = await seed_database(b, seen)
    if seed is None:
        res.fail("could not seed the database (bench/store.py --phase create failed)")
        return res
    res.notes.append(
        f"seeded {seen:,} seen postings in {time.monotonic() - t0:.1f} s "
        f"({sum(f.stat().st_size for f in seed.parent.iterdir()) / 1e6:.1f} MB); kill 0–{b.args.after_send_ms} ms after the "
        "Bot API answered a pick"
    )
    b.boards.greenhouse["bigacme"] = jobs(8, "Initech", title="Backend Engineer Intern")
    rng = random.Random(b.args.seed + 2)
    chains = 2 if kills >= 4 else 1
    per = [kills // chains + (1 if i < kills % chains else 0) for i in range(chains)]
    await gather_limited(b.args.jobs, [after_send_chain(b, res, seed, k, rng) for k in per])
    dup_kills = res.kills - res.survived
    if res.kills:
        rate = 10 * dup_kills / res.kills
        res.notes.append(f"duplicates per 10 kills right after a send: {rate:.1f} (target ≤ 1)")
        if rate > 1:
            res.fail(
                f"{dup_kills} of {res.kills} kills right after a send resent that pick "
                f"({rate:.1f} per 10; target ≤ 1)"
            )
    return res


# -- a kill inside a compaction -----------------------------------------------------------------
COMPACTION_STEPS = ("mid-write", "before-rename", "after-rename", "journal")


async def compaction_chain(b: Bench, res: Result, nth: int, step: str) -> bool:
    """`jobpicks run` compacting at every commit, killed in its `nth` compaction at `step`
    (bench/child.py), then a run to completion. False when the run ended before its `nth`
    compaction (no kill). A kill is survived when no pick is lost or repeated, the database is
    not set aside and the rerun is clean."""
    work = b.workdir("compact")
    (work / "jobpicks.toml").write_text(config_toml(KILL_BOARDS, max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    killed = await b.run(work, env | {"JOBPICKS_BENCH_COMPACT_KILL": f"{nth}:{step}"}, "run")
    if killed.rc != -signal.SIGKILL:
        if killed.rc != 0:
            res.fail(f"compacting at every commit, `jobpicks run` exited {killed.rc}: "
                     f"{last_line(killed.stderr)}")  # fmt: skip
        return False
    final = await b.run(work, env, "run")
    expected, digest = await b.digest_markers(work, env, res)
    lost, dup = b.check_delivery(res, chat, expected)
    bad_db = corrupt_files(work)
    tb = tracebacks([final, digest])
    res.kills += 1
    res.lost += lost
    res.duplicated += dup
    res.tracebacks += tracebacks([killed]) + tb
    where = f"compaction {nth}, {step}"
    if not (lost or dup or bad_db or tb or final.rc):
        res.survived += 1
        return True
    if bad_db:
        res.fail(f"kill in {where}: the database was set aside as corrupt ({bad_db[0].name})")
    if lost or dup:
        res.fail(f"kill in {where}: {lost} pick(s) lost, {dup} sent twice")
    if final.rc or tb:
        res.fail(f"kill in {where}: the rerun exited {final.rc}: "
                 f"{traceback_tail([final]) or last_line(final.stderr)}")  # fmt: skip
    return True


async def scenario_compaction_kill(b: Bench, n: int) -> Result:
    res = Result("compaction-kill (SIGKILL inside one)")
    setup_kill_boards(b)
    rng = random.Random(b.args.seed + 3)
    # A run of 4 picks commits about 8 times; past its last compaction nothing is killed.
    plans = [(rng.randint(1, 8), COMPACTION_STEPS[i % len(COMPACTION_STEPS)]) for i in range(n)]
    made = await gather_limited(b.args.jobs, [compaction_chain(b, res, k, s) for k, s in plans])
    res.notes.append(
        f"{sum(made)} of {n} runs killed inside a compaction (the database compacts at every "
        "commit; steps: " + ", ".join(COMPACTION_STEPS) + "); the others ended first"
    )
    return res


# -- a second process on the database ------------------------------------------------------------
async def scenario_second_process(b: Bench) -> Result:
    """`jobpicks bot` delivering its morning while `jobpicks run`, `doctor`, `digest`,
    `run --dry-run` and a second `jobpicks bot` start on the same database."""
    res = Result("second process beside the bot")
    setup_kill_boards(b)
    work = b.workdir("beside")
    (work / "jobpicks.toml").write_text(config_toml(KILL_BOARDS, max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    bot = await b.child(work, env, "bot").start()
    try:
        # The morning is due: the bot runs it and starts sending (one message a second).
        started = await wait_messages(b, chat, 2, 45)
        others = {
            "run": b.run(work, env, "run"),
            "doctor": b.run(work, env, "doctor"),
            "digest": b.run(work, env, "digest"),
            "run --dry-run": b.run(work, env, "run", "--dry-run"),
            "bot": b.run(work, env, "bot"),
        }
        done = dict(zip(others, await asyncio.gather(*others.values()), strict=True))
        complete = await wait_delivered(b, chat, 4, 45)
        await asyncio.sleep(1.5)  # anything still in flight (a duplicate) arrives now
    finally:
        stopped = await bot.terminate()
    if not started:
        res.fail("the bot sent nothing of its morning within 45 s")
    if not stopped or bot.rc not in (0, -signal.SIGTERM):
        res.fail(f"`jobpicks bot` beside the others ended {bot.rc}: {last_line(bot.stderr)}")
    expected, digest = await b.digest_markers(work, env, res)
    lost, dup = b.check_delivery(res, chat, expected)
    res.lost, res.duplicated = lost, dup
    if lost or dup or not complete:
        res.fail(f"with `jobpicks run` beside the bot: {lost} pick(s) lost, {dup} sent twice")
    res.faults = len(done)
    want = {
        "run": lambda c: c.rc == 0,
        "doctor": lambda c: c.rc == 0 and "✗" not in c.stdout,
        "digest": lambda c: c.rc == 0 and markers(c.stdout),
        "run --dry-run": lambda c: c.rc == 0,
        "bot": lambda c: c.rc == 1 and "already serving" in c.stderr,
    }
    for name, c in done.items():
        if want[name](c) and not tracebacks([c]):
            res.named += 1
        else:
            res.fail(f"`jobpicks {name}` beside the bot exited {c.rc}: "
                     f"{traceback_tail([c]) or last_line(c.text)}")  # fmt: skip
    if bad := corrupt_files(work):
        res.fail(f"the database was set aside as corrupt: {bad[0].name}")
    res.tracebacks = tracebacks([bot, digest, *done.values()])
    return res


async def wait_messages(b: Bench, chat: int, want: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if len(b.tg.sent_to(chat)) >= want:
            return True
        await asyncio.sleep(0.02)
    return False


# -- the clock jumps ---------------------------------------------------------------------------------
def zone_near(hour: int) -> tuple[str, datetime]:
    """A fixed-offset zone where it is now about `hour` o'clock, and the time there: the
    scenario's morning and its jump then stay within one local day."""
    now = datetime.now(UTC)
    offset = (hour - now.hour + 12) % 24 - 12  # −12 … +11
    name = "Etc/GMT" + (f"{-offset:+d}" if offset else "")  # Etc/GMT-5 is UTC+5
    return name, now + timedelta(hours=offset)


async def scenario_clock_jump(b: Bench) -> Result:
    """`jobpicks bot` started before its morning slot; its wall clock then jumps 2 h forward
    (a laptop waking, a restored VM, an NTP step), past the slot. The day must still run."""
    res = Result("clock jump +2 h past the morning slot")
    res.faults = 1
    setup_kill_boards(b)
    zone, local = zone_near(10)
    slot = local + timedelta(minutes=30)
    work = b.workdir("clock")
    config = config_toml(KILL_BOARDS, max_picks=4).replace(
        'time = "00:00"\ntimezone = "UTC"', f'time = "{slot:%H:%M}"\ntimezone = "{zone}"'
    )
    (work / "jobpicks.toml").write_text(config, "utf-8")
    # A Bot API of its own: "the bot is up" is then this bot's calls, not another scenario's.
    tg = BenchTelegram()
    await tg.start()
    own = Bench(b.args, b.root, tg, b.boards, b.llm, children=b.children)
    chat = own.new_chat()
    env = own.env(work, chat=chat, JOBPICKS_BENCH_CLOCK=str(JUMP.total_seconds()))
    bot = await own.child(work, env, "bot").start()
    got: int | None = None
    early = 0
    try:
        await tg.wait_for("setMyCommands", within=30)
        await tg.wait_for("deleteWebhook", within=30)  # polling starts next: the bot is up
        early = len(tg.sent_to(chat))
        assert bot.proc is not None
        bot.proc.send_signal(signal.SIGUSR1)  # the clock jumps
        jumped = time.monotonic()
        if await wait_delivered(own, chat, 1, b.args.jump_wait):
            got = len(own.delivered(chat)[0])
            res.notes.append(f"first pick {time.monotonic() - jumped:.1f} s after the jump")
        # What the person is told: the next run, as the jumped clock reads it.
        before = len(tg.sent_to(chat))
        await tg.user_says(chat, "/start")
        if await wait_messages(own, chat, before + 1, 15):
            text = tg.sent_to(chat)[before].text
            line = next((ln for ln in text.splitlines() if "next run" in ln.lower()), "")
            res.notes.append(f"/start after the jump says: {line.strip()[:100] or text[:100]}")
    finally:
        await bot.terminate()
        await tg.stop()
    res.tracebacks = tracebacks([bot])
    res.notes.append(f"slot {slot:%H:%M} in {zone}, bot started at {local:%H:%M} there; "
                     f"{early} message(s) before the jump")  # fmt: skip
    if got:
        res.named = 1
    else:
        res.fail(f"no pick within {b.args.jump_wait:.0f} s of a +2 h jump past the morning slot: "
                 "the day is lost until a restart")  # fmt: skip
    return res


JUMP = timedelta(hours=2)


# -- board faults ---------------------------------------------------------------------------
async def scenario_boards(b: Bench) -> Result:
    res = Result("boards: 429, 500, slow, changed, refused")
    b.boards.greenhouse["fine"] = jobs(3, "Fine Corp")
    b.boards.greenhouse["ratelimited"] = jobs(2, "Rate Corp")
    b.boards.always["greenhouse:ratelimited"] = fb.status(429, retry_after="1")
    b.boards.lever["broken"] = jobs(2, "Broken Corp")
    b.boards.always["lever:broken"] = fb.status(500)
    b.boards.ashby["sluggish"] = jobs(2, "Slow Corp")
    b.boards.always["ashby:sluggish"] = fb.slow(4.0)  # http timeout is 2 s
    b.boards.always["linkedin.search"] = fb.CHANGED
    searches = (
        '[[searches]]\nkeywords = "software engineer intern"\nlocation = "United States"\n'
        'sources = ["linkedin", "indeed"]\n'
    )
    work = b.workdir("boards")
    (work / "jobpicks.toml").write_text(
        config_toml(
            ["greenhouse:fine", "greenhouse:ratelimited", "lever:broken", "ashby:sluggish"],
            searches=searches,
        ),
        "utf-8",
    )
    refused = f"http://127.0.0.1:{closed_port()}/graphql"
    env = b.env(work, chat=None, JOBPICKS_INDEED_URL=refused)
    c = await b.run(work, env, "run")
    res.seconds = time.monotonic() - c.started
    faults = {
        "429 (greenhouse:ratelimited)": ("ratelimited", ("429", "rate")),
        "500 (lever:broken)": ("broken", ("500",)),
        "slow (ashby:sluggish)": ("sluggish", ("timeout", "timed out", "slow")),
        "changed markup (linkedin)": ("linkedin", ("layout", "0 cards", "changed")),
        "refused (indeed)": ("indeed", ("refused", "connect", "network", "unreachable")),
    }
    res.faults = len(faults)
    for fault, (who, words) in faults.items():
        line = next((ln for ln in c.stderr.splitlines() if who in ln and "✓" not in ln), None)
        bad_state = line is not None and re.search(r"failed|blocked|partial|✗|~", line)
        if bad_state and any(w in line.lower() for w in words):
            res.named += 1
        elif bad_state:
            res.named += 1
            res.notes.append(f"{fault}: named, but the reason is vague: {line.strip()[:120]}")
        else:
            res.fail(f"{fault}: not named in the run summary")
    if c.rc != 0:
        res.fail(f"`jobpicks run` with some boards failing exited {c.rc}: {last_line(c.stderr)}")
    if "Fine Corp" not in c.stdout:
        res.fail("the healthy board's postings are missing from the digest")
    res.tracebacks = tracebacks([c])

    # No network at all: no source's host resolves (".invalid" never does, and asks nobody).
    work = b.workdir("nonet")
    (work / "jobpicks.toml").write_text(
        config_toml(
            ["greenhouse:fine", "lever:broken"], searches=searches, http="max_retries = 3\n"
        ),
        "utf-8",
    )
    dead = "http://jobpicks-bench.invalid"
    env = b.env(
        work,
        chat=None,
        JOBPICKS_LINKEDIN_URL=dead,
        JOBPICKS_INDEED_URL=dead + "/graphql",
        JOBPICKS_GREENHOUSE_URL=dead,
        JOBPICKS_LEVER_URL=dead,
        JOBPICKS_ASHBY_URL=dead,
    )
    c2 = await b.run(work, env, "run")
    took = time.monotonic() - c2.started
    res.notes.append(f"no network at all: exit {c2.rc} in {took:.1f} s (max_retries = 3)")
    if c2.rc != 3:
        res.fail(f"no network: exit {c2.rc}, expected 3 (every source failed)")
    if took > 8:
        res.fail(f"no network: {took:.0f} s before giving up (DNS failures are retried)")
    res.faults += 1
    if "no network" in c2.stderr.lower():
        res.named += 1
    else:
        res.fail('no network: the run never says "no network" (each source names its own error)')
    res.tracebacks += tracebacks([c2])
    return res


# -- LLM faults -----------------------------------------------------------------------------
# Each faulty posting's answer, as the model gives it when that posting is asked about. A fault
# of the whole reply (429, bad JSON, slow) is the reply to a request holding that posting; a
# nonsense score is that posting's own entry, whatever else the request holds.
LLM_FAULTS = {
    "rate429": "a 429 the first time",
    "badjson": "bad JSON",
    "neg": "-3",
    "over": "150",
    "word": '"high"',
    "slow": "an answer after 9 s (timeout 6 s)",
}
UNSCORABLE = {
    "badjson": "unreadable answer",
    "neg": "unreadable answer",
    "over": "unreadable answer",
    "word": "unreadable answer",
    "slow": "timed out",
}
NONSENSE = {"neg": -3, "over": 150, "word": "high"}


class LLMResponder:
    """The fake model's answers, posting by posting (`plan`: marker -> fault kind). The quick
    look (triage) gives every faulty posting a high score, so each reaches the full scoring,
    where its fault is served; `served` counts the faulty answers actually given, per kind."""

    def __init__(self, plan: dict[str, str]) -> None:
        self.plan = plan
        self.served: Counter[str] = Counter()
        self.asked: Counter[str] = Counter()  # requests that held a faulty posting, per kind

    def __call__(self, body: dict[str, Any]) -> fl.Reply | str:
        items = fl.postings_in(body)
        if not items:
            return fl.score_by_keywords(body)
        triage = fl.is_triage(body)
        faulty = {
            pid: self.plan[m]
            for pid, fields in items
            for m in markers(fields.get("title", ""))
            if m in self.plan
        }
        for kind in set(faulty.values()):
            self.asked[kind] += 1
        if "rate429" in faulty.values() and not self.served["rate429"]:
            self.served["rate429"] += 1
            return fl.status(429, retry_after=0.5)
        if not triage and "badjson" in faulty.values():
            self.served["badjson"] += 1
            return fl.invalid('{"scores": [{"id": "x", "score": eighty, "reason": "good fit"')
        if not triage and "slow" in faulty.values():
            self.served["slow"] += 1
            return fl.slow(9.0, 90)
        scores = dict(fl.score_by_keywords(body).scores)
        for pid, kind in faulty.items():
            if triage:
                scores[pid] = 95  # into the top K: the full scoring is where the fault is
            elif kind in NONSENSE:
                self.served[kind] += 1
                scores[pid] = NONSENSE[kind]
        return fl.valid(scores=scores, reason="Keyword overlap.", summary="A posting.")


def unscored_causes(summary: str) -> tuple[int, dict[str, int]]:
    """`unscored N (cause: n, cause: n)` from a run summary."""
    m = re.search(r"unscored (\d+) \(([^)]*)\)", summary)
    if not m:
        return 0, {}
    causes = {}
    for part in m.group(2).split(","):
        name, _, n = part.rpartition(":")
        if n.strip().isdigit():
            causes[name.strip()] = int(n)
    return int(m.group(1)), causes


async def scenario_llm(b: Bench) -> Result:
    res = Result("llm: 429, bad JSON, nonsense, slow")
    good = jobs(4, "Good AI", title="Machine Learning Engineer Intern")
    faulty = jobs(len(LLM_FAULTS), "Odd AI", title="Python Machine Learning Intern")
    weak = jobs(4, "Plain Co", title="Office Assistant")
    for j in weak:
        j.description = f"{j.title.split()[0]}: filing, phones and scheduling."
    b.boards.greenhouse["llmgood"] = good + faulty + weak
    plan = {j.title.split()[0]: k for j, k in zip(faulty, LLM_FAULTS, strict=True)}
    model = LLMResponder(plan)
    b.llm.responder = model
    work = b.workdir("llm")
    # One posting per full-scoring call: a fault of a whole reply (bad JSON, slow) then fails
    # only the posting it belongs to, and each fault is counted on its own.
    (work / "jobpicks.toml").write_text(
        config_toml(
            ["greenhouse:llmgood"],
            max_picks=20,
            scoring="top_k = 10\nbatch_size = 1\ntimeout_seconds = 6\nrequests_per_minute = 6000\n",
        ),
        "utf-8",
    )
    env = b.env(work, chat=None, llm=True)
    c = await b.run(work, env, "run")
    res.seconds = time.monotonic() - c.started
    res.tracebacks = tracebacks([c])
    if c.rc != 0:
        res.fail(f"`jobpicks run` with LLM faults exited {c.rc}: {last_line(c.stderr)}")
    picked: dict[str, int] = {}
    for line in c.stdout.split("## ")[1:]:
        found = markers(line.splitlines()[0])
        score = re.search(r"Score:\*\* (-?\d+)/100", line)
        if found and score:
            picked[found[0]] = int(score.group(1))
    by_kind = {k: m for m, k in plan.items()}
    res.notes.append(
        "faulty answers served (requests holding the posting): "
        + ", ".join(f"{k} {model.served[k]} ({model.asked[k]})" for k in LLM_FAULTS)
        + f"; run {res_seconds(c.stderr)}"
    )
    res.faults = len(LLM_FAULTS)
    never = [k for k in LLM_FAULTS if not model.served[k]]
    for k in never:
        res.fail(f"{LLM_FAULTS[k]} was never served: that fault was not tested")
    # A 429 is waited out: the posting is scored after the retry.
    if "rate429" not in never:
        if by_kind["rate429"] in picked:
            res.named += 1
        else:
            res.fail("LLM 429 once: the posting was not scored after the retry")
    total, causes = unscored_causes(c.stderr)
    expected = Counter(UNSCORABLE[k] for k in UNSCORABLE if k not in never)
    for k in UNSCORABLE:
        if k in never:
            continue
        if by_kind[k] in picked:
            res.fail(
                f"LLM answered {LLM_FAULTS[k]} and the posting was picked with score "
                f"{picked[by_kind[k]]}"
            )
    named = sum(min(causes.get(cause, 0), n) for cause, n in expected.items())
    res.named += named
    if causes != dict(expected):
        res.fail(f"summary counts unscored postings as {causes or 'nothing'}, expected "
                 f"{dict(expected)}")  # fmt: skip
    zeros = [m for m, s in picked.items() if s == 0 and m not in plan]
    if zeros:
        res.fail(f"{len(zeros)} postings outside the LLM's top K got a local estimate of 0")
    res.notes.append(f"summary: unscored {total} {causes}")
    return res


# -- Bot API faults ---------------------------------------------------------------------------
async def scenario_telegram(b: Bench) -> Result:
    res = Result("telegram: 429, 5xx, 400, late header")
    t0 = time.monotonic()
    res.faults = 3
    # 429 twice and a 502 once, on one chat.
    b.boards.greenhouse["tgflaky"] = jobs(4, "Umbrella", title="Python Machine Learning Intern")
    work = b.workdir("tgflaky")
    (work / "jobpicks.toml").write_text(config_toml(["greenhouse:tgflaky"], max_picks=4), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    b.tg.fail_next("sendMessage", code=429, retry_after=1, chat_id=chat, times=2, after=1)
    b.tg.fail_next(
        "sendMessage", code=502, retry_after=None, description="Bad Gateway", chat_id=chat, after=3
    )
    flaky = await b.run(work, env, "run")
    expected, digest = await b.digest_markers(work, env, res)
    mine = [flaky, digest]
    lost, dup = b.check_delivery(res, chat, expected)
    res.lost, res.duplicated = lost, dup
    calls = b.tg.calls_of("sendMessage", chat_id=chat)
    for code, words in ((429, r"flood|429|retry"), (502, r"502|bad gateway|trying again")):
        if not any(c.status == code for c in calls):
            res.fail(f"the scripted {code} never happened (bench setup)")
        elif re.search(words, flaky.stderr, re.I):
            res.named += 1
        else:
            res.fail(f"a handled {code} from the Bot API is not named in the output")
    if flaky.rc != 0:
        res.fail(
            f"`jobpicks run` with a 429 and a 502 exited {flaky.rc}: {last_line(flaky.stderr)}"
        )
    if lost or dup:
        res.fail(f"429/502 during delivery: {lost} lost, {dup} duplicated")

    # One message the Bot API refuses for good; it ranks first, the rest must still go.
    pool = jobs(6, "Hooli", title="Python Machine Learning Intern Python")
    poison = pool[0].title.split()[0]
    b.boards.greenhouse["tgpoison"] = pool
    b.tg.refuse_html.add(poison)
    work = b.workdir("tgpoison")
    (work / "jobpicks.toml").write_text(config_toml(["greenhouse:tgpoison"], max_picks=6), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    first = await b.run(work, env, "run")
    again = await b.run(work, env, "run")  # a rerun must not be stopped by the same message
    expected, digest = await b.digest_markers(work, env, res)
    mine += [first, again, digest]
    lost, dup = b.check_delivery(res, chat, expected, exempt={poison})
    res.lost += lost
    res.duplicated += dup
    got, _ = b.delivered(chat)
    said = first.stderr + again.stderr
    if poison in got or re.search(r"refused|400|bad request|parse", said, re.I):
        res.named += 1
    else:
        res.fail("a message refused for good is not named in the output")
    if lost:
        rank = expected.index(poison) + 1 if poison in expected else "?"
        res.fail(
            f"one message refused for good (400, pick {rank} of {len(expected)}) stopped {lost} "
            "other picks, on the run and on the rerun"
        )
    if poison not in got:
        res.notes.append("the refused pick was not delivered (not repaired as plain text)")
    # A morning where every source failed, then a run that works the same day: its picks
    # must come under a header of their own.
    b.boards.greenhouse["tglate"] = jobs(3, "Initrode", title="Python Machine Learning Intern")
    b.boards.always["greenhouse:tglate"] = fb.status(500)
    work = b.workdir("tglate")
    (work / "jobpicks.toml").write_text(config_toml(["greenhouse:tglate"], max_picks=3), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    failed = await b.run(work, env, "run")
    before = len(b.tg.sent_to(chat))
    del b.boards.always["greenhouse:tglate"]
    later = await b.run(work, env, "run")
    mine += [failed, later]
    res.faults += 1
    after = b.tg.sent_to(chat)[before:]
    if failed.rc != 3:
        res.fail(f"every source failing: `jobpicks run` exited {failed.rc}, expected 3")
    if any(markers(m.text) for m in after) and not any(not markers(m.text) for m in after):
        res.fail("after a morning where every source failed, the day's picks came with no header")
    elif any(markers(m.text) for m in after):
        res.named += 1
    else:
        res.fail(f"after a failed morning, a working run delivered nothing (exit {later.rc})")
    errors = [
        ln for c in mine for ln in c.stderr.splitlines() if " ERROR " in ln and "telegram" in ln
    ]
    if errors:
        res.fail(
            f"handled Telegram errors logged at ERROR ({len(errors)} lines), e.g. "
            f"{errors[0].split(' ERROR ', 1)[1][:100]}"
        )
    res.tracebacks = tracebacks(mine)
    res.seconds = time.monotonic() - t0
    return res


# -- hostile postings -----------------------------------------------------------------------
def _gh_raw(token: str, m: str, title: str, **over: Any) -> dict[str, Any]:
    job = {
        "id": m.lower(),
        "internal_job_id": 1,
        "title": f"{m} {title}",
        "company_name": over.pop("company", "Hostile <b>Inc</b>"),
        "absolute_url": f"https://job-boards.greenhouse.io/{token}/jobs/{m.lower()}",
        "location": {"name": "Austin, TX"},
        "updated_at": datetime.now(UTC).isoformat(),
        "first_published": datetime.now(UTC).isoformat(),
        "content": "&lt;p&gt;Python intern, machine learning.&lt;/p&gt;",
        "metadata": None,
        "requisition_id": "R1",
    }
    job.update(over)
    return job


HOSTILE = [
    ("Intern <script>alert(1)</script> </b></i><a href='x'>", {}),
    ("Intern [click](javascript:alert(1)) **bold** `code` _x_ # h", {}),
    ("Python Intern & Co &amp; &nbsp; &#0; &lt;b&gt;", {}),
    ("Intern with a javascript: link", {"absolute_url": "javascript:alert(document.cookie)"}),
    ("Intern with a data: link", {"absolute_url": "data:text/html,<script>alert(1)</script>"}),
    ("Intern with a spaced link", {"absolute_url": " JavaScript:alert(1)"}),
    ("Python Intern " + "very long title " * 600, {}),
    (
        "Intern huge description",
        {"content": "&lt;p&gt;" + "Python machine learning. " * 40_000 + "&lt;/p&gt;"},
    ),
    ("Intern huge location", {"location": {"name": "Austin, TX " * 2000}}),
    ("Intern <tg-spoiler>hidden</tg-spoiler> </blockquote>", {"company": "</a><b>"}),
    (
        "Python Intern, hostile description",
        {
            # Greenhouse sends its HTML entity-escaped; this is what its board would carry.
            "content": html.escape(
                "<p>Python</p><script>alert(1)</script><b>unclosed &amp; <i>x"
                "<a href='javascript:alert(1)'>apply</a> **[click](javascript:alert(2))** "
                "<img src=x onerror=alert(3)> &#0; &bogus; ]]> <!-- c --> <tg-emoji>"
            )
        },
    ),
]
ODD_UNICODE = [
    "Intern \u202eRTL override\u202c \u200b\u200d zero width",
    "Intern combining e\u0301\u0301\u0301 and emoji 👩\u200d💻🏳️\u200d🌈",
    "Intern with a NUL \x00 and controls \x07\x1b[31m",
    "Intern lone surrogate \ud800 here",
    "Intern \ufeffBOM and \u2028line\u2029separators",
]


async def hostile_run(b: Bench, res: Result, token: str, raw: list[dict[str, Any]]) -> None:
    b.boards.greenhouse[token] = jobs(2, "Plain Co", title="Python Intern")
    b.boards.raw_jobs[f"greenhouse:{token}"] = raw
    work = b.workdir(token)
    (work / "jobpicks.toml").write_text(config_toml([f"greenhouse:{token}"], max_picks=20), "utf-8")
    chat = b.new_chat()
    env = b.env(work, chat=chat)
    c = await b.run(work, env, "run")
    digest = await b.run(work, env, "digest")
    mine = [c, digest]
    res.tracebacks += tracebacks(mine)
    if c.rc != 0:
        res.fail(
            f"hostile postings ({token}): `jobpicks run` exited {c.rc}: {traceback_tail(mine) or last_line(c.stderr)}"
        )
    expected = [m for ln in digest.stdout.splitlines() if ln.startswith("## ") for m in markers(ln)]
    lost, dup = b.check_delivery(res, chat, expected)
    res.lost += lost
    res.duplicated += dup
    refused = [x for x in b.tg.calls_of("sendMessage", chat_id=chat) if x.status == 400]
    for x in refused[:3]:
        res.fail(f"Bot API refused a hostile pick ({token}): {x.result or ''}")
    if refused:
        res.fail(f"{len(refused)} hostile pick message(s) refused by the Bot API ({token})")
    html = "\n".join(m.html for m in b.tg.sent_to(chat))
    for scheme in ("javascript:", "data:"):
        if re.search(rf'href="\s*{scheme}', html, re.I):
            res.fail(f"a `{scheme}` link reached a Telegram message")
        # `\]` is a markdown escape: `\[x\](javascript:…)` is text, not a link.
        if re.search(rf"(?<!\\)\]\(\s*{scheme}", digest.stdout, re.I):
            res.fail(f"a `{scheme}` link reached the markdown digest")
    if re.search(r"(?<!\\)<script", digest.stdout, re.I):  # `\<` is a markdown escape
        res.fail("raw <script> in the markdown digest")
    if len(expected) < len(raw) // 2:
        res.notes.append(f"{token}: only {len(expected)} of {len(raw) + 2} postings were picked")


async def scenario_hostile(b: Bench) -> Result:
    res = Result("hostile postings")
    t0 = time.monotonic()
    raw = [_gh_raw("hostile", marker(), t, **o) for t, o in HOSTILE]
    await hostile_run(b, res, "hostile", raw)
    odd = [_gh_raw("oddunicode", marker(), t) for t in ODD_UNICODE]
    await hostile_run(b, res, "oddunicode", odd)
    res.seconds = time.monotonic() - t0
    return res


# -- damaged database files -------------------------------------------------------------------
DAMAGED = {
    "truncated JSON": b'{"picks": {"1": {"day": "2026-',
    "a JSON list": b"[1, 2, 3]",
    "a table that is not an object": b'{"picks": "oops", "runs": {}}',
    "a record that is not an object": b'{"picks": {"1": "oops"}, "runs": {"1": 7}}',
    "binary garbage": b"\xff\xfe\x00\x01garbage",
}


async def scenario_database(b: Bench) -> Result:
    res = Result("damaged database files")
    b.boards.greenhouse["dbcheck"] = jobs(2, "Vandelay", title="Python Intern")
    res.faults = len(DAMAGED)
    for what, data in DAMAGED.items():
        work = b.workdir("db")
        (work / "jobpicks.toml").write_text(config_toml(["greenhouse:dbcheck"]), "utf-8")
        (work / "db").mkdir()
        (work / "db" / "jobpicks.json").write_bytes(data)
        c = await b.run(work, b.env(work, chat=None), "run")
        res.tracebacks += tracebacks([c])
        aside = corrupt_files(work)
        if aside and aside[0].read_bytes() == data and "corrupt" in c.stderr:
            res.named += 1
        else:
            res.fail(f"a database holding {what} was not set aside and named")
        if c.rc != 0 or "## [" not in c.stdout:
            tail = traceback_tail([c]) or last_line(c.stderr)
            res.fail(f"a database holding {what}: `jobpicks run` exited {c.rc}: {tail}")
    return res


# -- main -----------------------------------------------------------------------------------
SCENARIOS = (
    "run-kill",
    "bot-kill",
    "after-send",
    "compaction-kill",
    "second-process",
    "clock-jump",
    "boards",
    "llm",
    "telegram",
    "hostile",
    "database",
)


COLUMNS = ("kills", "survived", "lost", "dup", "named", "tracebacks", "secs")


def _row(name: str, cells: list[str]) -> str:
    return f"{name:<41}" + "".join(
        f"{c:>{max(6, len(h)) + 1}}" for c, h in zip(cells, COLUMNS, strict=True)
    )


def print_table(
    results: list[Result], wall: float, children: list[Child], secrets: tuple[str, ...]
) -> int:
    """The run's table and notes; returns how often a secret appeared in a child's output."""
    head = _row("scenario", list(COLUMNS))
    print()
    print(head)
    print("-" * len(head))
    tot = Result("total", seconds=wall)
    for r in [*results, tot]:
        if r is tot:
            print("-" * len(head))
        cells = [
            str(r.kills) if r.kills else "-",
            str(r.survived) if r.kills else "-",
            str(r.lost),
            str(r.duplicated),
            f"{r.named}/{r.faults}" if r.faults else "-",
            str(r.tracebacks),
            f"{r.seconds:.0f}",
        ]
        print(_row(r.name, cells))
        for name in ("kills", "survived", "lost", "duplicated", "faults", "named", "tracebacks"):
            setattr(tot, name, getattr(tot, name) + getattr(r, name))
    leaks = sum(c.text.count(s) for c in children for s in secrets)
    print(
        f"\n{len(children)} child processes, wall time {wall:.0f} s; the bot token or the LLM "
        f"key in their output: {leaks} times (the Bot API echoes the token in every error)"
    )
    print("survived: no pick lost or repeated and a clean restart after the kill; lost / dup:")
    print("picks of the day's digest never delivered / delivered more than once; named: faults")
    print("named in the run summary or logs; tracebacks: on the children's stdout and stderr")
    for r in results:
        if r.notes or r.failures:
            print(f"\n{r.name}:")
        for n in r.notes:
            print(f"  · {n}")
        for f in r.failures:
            print(f"  ✗ {f}")
    if leaks:
        print("\n✗ the bot token or the LLM key appeared in a child's output")
    tails = Counter(t for c in children for t in traceback_tails(c.text))
    if tails:
        print("\ntracebacks by last line:")
        for line, n in tails.most_common():
            print(f"  {n:>3} × {line}")
    return leaks


Step = tuple[str, Callable[[], Any]]


async def lane(steps: list[Step], only: set[str]) -> list[Result]:
    """Run these scenarios one after the other; each one's wall time goes in its row."""
    results = []
    for name, step in steps:
        if name not in only:
            continue
        s0 = time.monotonic()
        print(f"… {name}", file=sys.stderr, flush=True)
        r = await step()
        r.seconds = time.monotonic() - s0
        results.append(r)
    return results


async def one_run(args: argparse.Namespace, seed: int) -> tuple[list[Result], int]:
    """Every scenario once, on fresh fakes; prints its table. Returns the results and how often
    a secret reached a child's output."""
    quick = args.quick
    n_run = args.run_kills or (4 if quick else 20)
    n_bot = args.bot_kills or (2 if quick else 10)
    n_big = args.big_kills or (3 if quick else 10)
    n_compact = args.compaction_kills or (4 if quick else 12)
    seen = args.seen or (30_000 if quick else 150_000)
    only = set(args.only or SCENARIOS)
    args = argparse.Namespace(**{**vars(args), "seed": seed})
    root = Path(tempfile.mkdtemp(prefix="jobpicks-faults-"))
    tg = BenchTelegram(echo_path=True)  # a proxy's habit: every error echoes the token's path
    await tg.start()
    boards = fb.BoardsFake()
    await boards.start()
    llm = await fl.FakeLLM().start()
    b = Bench(args, root, tg, boards, llm)
    t0 = time.monotonic()
    results: list[Result] = []
    try:
        # Two lanes side by side (their processes mostly wait on Telegram's pacing), then the
        # after-send kills alone: how fast a send is recorded is what they measure.
        faults: list[Step] = [
            ("boards", lambda: scenario_boards(b)),
            ("llm", lambda: scenario_llm(b)),
            ("telegram", lambda: scenario_telegram(b)),
            ("hostile", lambda: scenario_hostile(b)),
            ("database", lambda: scenario_database(b)),
            ("clock-jump", lambda: scenario_clock_jump(b)),
        ]
        kills: list[Step] = [
            ("run-kill", lambda: scenario_run_kill(b, n_run)),
            ("bot-kill", lambda: scenario_bot_kill(b, n_bot)),
            ("compaction-kill", lambda: scenario_compaction_kill(b, n_compact)),
            ("second-process", lambda: scenario_second_process(b)),
        ]
        alone: list[Step] = [("after-send", lambda: scenario_after_send(b, seen, n_big))]
        lanes = await asyncio.gather(lane(faults, only), lane(kills, only))
        results = [r for got in lanes for r in got] + await lane(alone, only)
    finally:
        for c in b.children:
            if c.running and c.proc:
                c.proc.kill()
        await tg.stop()
        await boards.stop()
        await llm.stop()
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    gaps = [f"{g * 1000:.0f} ms" if g == g else "no kill before it" for g in b.gaps]
    for r in results:
        if r.name.startswith(("run-kill", "bot-kill")) and r.duplicated:
            r.notes.append(
                "each pick sent twice, from the Bot API receiving its first send to the kill: "
                + ", ".join(gaps)
            )
            break
    leaks = print_table(results, time.monotonic() - t0, b.children, (tg.token, BENCH_KEY))
    return results, leaks


def print_runs(runs: list[list[Result]], leaks: list[int]) -> None:
    """Each scenario's figures over all runs: kills summed, the rest run by run."""
    print(
        f"\n=== {len(runs)} runs (seeds from --seed on); per run: lost, dup, named, tracebacks ==="
    )
    width = 4 * len(runs)
    head = (
        f"{'scenario':<41}{'kills':>6}{'survived':>9}  {'lost':<{width}}{'dup':<{width}}"
        f"{'named':<{2 * width}}tracebacks"
    )
    print(head)
    print("-" * len(head))
    names = list(dict.fromkeys(r.name for run in runs for r in run))
    for name in names:
        rows = [r for run in runs for r in run if r.name == name]
        kills = sum(r.kills for r in rows)
        print(
            f"{name:<41}{kills or '-':>6}{sum(r.survived for r in rows) if kills else '-':>9}  "
            f"{' '.join(str(r.lost) for r in rows):<{width}}"
            f"{' '.join(str(r.duplicated) for r in rows):<{width}}"
            f"{' '.join(f'{r.named}/{r.faults}' if r.faults else '-' for r in rows):<{2 * width}}"
            f"{' '.join(str(r.tracebacks) for r in rows)}"
        )
    print(f"\nthe bot token or the LLM key in the children's output, per run: "
          f"{' '.join(map(str, leaks))}")  # fmt: skip
    for name in names:
        failed = [
            (i + 1, f)
            for i, run in enumerate(runs)
            for r in run
            if r.name == name
            for f in r.failures
        ]
        if failed:
            print(f"\n{name}:")
            for i, f in failed:
                print(f"  ✗ run {i}: {f}")


async def amain(args: argparse.Namespace) -> None:
    global KEEP
    KEEP = args.keep
    runs, leaks = [], []
    for i in range(args.runs):
        if args.runs > 1:
            print(f"\n=== run {i + 1} of {args.runs} (seed {args.seed + i}) ===", flush=True)
        results, leaked = await one_run(args, args.seed + i)
        runs.append(results)
        leaks.append(leaked)
    if args.runs > 1:
        print_runs(runs, leaks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer kills, a 30k database")
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, help="run only these scenarios")
    parser.add_argument("--runs", type=int, default=1, help="run everything N times (seed+i)")
    parser.add_argument("--seen", type=int, help="seen postings in the after-send database")
    parser.add_argument("--run-kills", type=int, help="kills of `jobpicks run` (20; quick 4)")
    parser.add_argument("--bot-kills", type=int, help="kills of `jobpicks bot` (10; quick 2)")
    parser.add_argument("--big-kills", type=int, help="kills right after a send (10; quick 3)")
    parser.add_argument(
        "--compaction-kills", type=int, help="runs killed inside a compaction (12; quick 4)"
    )
    parser.add_argument("--after-send-ms", type=int, default=100, help="kill delay bound (ms)")
    parser.add_argument(
        "--jump-wait",
        type=float,
        default=60.0,
        help="how long a day may take to run after a clock jump (s)",
    )
    parser.add_argument("--jobs", type=int, default=3, help="trials run side by side")
    parser.add_argument("--seed", type=int, default=14, help="random seed of the kill points")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    asyncio.run(amain(parser.parse_args()))


if __name__ == "__main__":
    main()
