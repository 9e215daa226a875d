"""Shared pieces for the Telegram tests: the fake server, a context, postings, a running bot,
and the steps most tests take (a command and its replies, a delivery as `jobpicks run` makes
it)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Config
from bot.context import AppContext
from bot.services.daily import Daily
from bot.services.delivery import DeliveryReport
from bot.settings import Settings
from bot.store import Store
from bot.telegram.app import serve
from bot.telegram.delivery import one_off_courier
from bot.telegram.runtime import Runtime, runtime_of
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.fakes.telegram import FakeTelegram
from tests.waiting import eventually as eventually  # the telegram tests' usual import

CHAT = 4242
CHAT2 = 4343
STRANGER = 9999

COMPANIES = ["Acme <Robotics>", "Globex & Sons", "Initech"]


def make_postings() -> list[Posting]:
    """Two postings per company (hostile characters included), all fresh."""
    now = datetime.now(UTC)
    postings = []
    for i, company in enumerate(COMPANIES):
        for j in range(2):
            postings.append(
                Posting(
                    source="fakeboard",
                    source_id=f"{i}{j}",
                    url=f"https://jobs.example.com/{i}{j}?a=1&b=<2>",
                    title=f"Backend <Python> Intern {i}{j} & ML",
                    company=company,
                    location="Austin, TX",
                    posted_at=now - timedelta(hours=j + 1),
                    employment_type="internship",
                    description="Python, Postgres, machine learning pipelines. <script>x</script>",
                )
            )
    return postings


async def collect_fake(_ctx: AppContext, _on_source: object = None) -> list[SourceResult]:
    return [
        SourceResult(source="fakeboard", postings=make_postings()),
        SourceResult(source="brokenboard", state="failed", reason="layout changed <div>"),
    ]


def slow_collector(seconds: float):  # type: ignore[no-untyped-def]
    """Two sources that take `seconds` in all, each reported as it finishes."""

    async def collect(ctx, on_source=lambda _done, _total: None):  # type: ignore[no-untyped-def]
        for done in (1, 2):
            await asyncio.sleep(seconds / 2)
            on_source(done, 2)
        return await collect_fake(ctx)

    return collect


async def deliver_once(ctx: AppContext, collector=collect_fake) -> DeliveryReport:  # type: ignore[no-untyped-def]
    """Today's run and its delivery, as `jobpicks run` makes them (a bot of its own)."""
    async with one_off_courier(ctx.settings) as courier:
        delivered = await Daily(ctx, courier, collector=collector).run_then_deliver()
    assert delivered.report is not None
    return delivered.report


def make_config(**schedule: object) -> Config:
    return Config.model_validate(
        {
            "profile": {
                "about": "Student looking for a Python backend or machine learning internship.",
                "directives": ["Internships only."],
            },
            "schedule": {"time": "00:00", "timezone": "UTC", **schedule},
            "selection": {"min_score": 0, "max_picks": 3, "per_company": 1},
        }
    )


def bot_settings(db: Path, token: str, base: str, chats: list[int] | None = None) -> Settings:
    """Settings for a bot against the fake: local scorer, one chat unless told otherwise."""
    return Settings(
        jobpicks_db=db,
        jobpicks_config=db.with_name("none.toml"),
        telegram_bot_token=token,
        telegram_chat_ids=[CHAT] if chats is None else chats,
        telegram_api_base=base,
        llm_model="",
    )


def make_ctx(
    tmp_path: Path, fake: FakeTelegram, chats: list[int] | None = None, **sched
) -> AppContext:
    db = tmp_path / "db.json"
    settings = bot_settings(db, fake.token, fake.base_url, chats)
    return AppContext(settings=settings, config=make_config(**sched), store=Store(db))


def reopen(ctx: AppContext) -> AppContext:
    """The same setup with the Store read back from disk (as after a restart)."""
    return AppContext(
        settings=ctx.settings, config=ctx.file_config or ctx.config, store=Store(ctx.store.path)
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    server.add_chat(CHAT)
    server.add_chat(CHAT2, "Bea")
    try:
        yield server
    finally:
        await server.stop()


# A schedule that is never due today: the bot starts without a catch-up run.
def not_today() -> dict[str, object]:
    today = (datetime.now(UTC).weekday() + 1) % 7
    return {"days": [d for d in range(7) if d != today]}


@contextlib.asynccontextmanager
async def running_bot(
    ctx: AppContext, *, collector=collect_fake, interval: float = 0.0
) -> AsyncIterator[object]:
    """The real PTB Application, long-polling the fake, until the block ends."""
    stop = asyncio.Event()
    started = asyncio.Event()
    holder: dict[str, object] = {}

    def on_started(app: object) -> None:
        holder["app"] = app
        started.set()

    task = asyncio.create_task(
        serve(
            ctx,
            stop,
            collector=collector,
            poll_timeout=1,
            per_chat_interval=interval,
            on_started=on_started,
        )
    )
    waiter = asyncio.create_task(started.wait())
    done, _ = await asyncio.wait({task, waiter}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
    if task in done:
        waiter.cancel()
        task.result()  # raises the start-up error
    assert waiter in done, "bot did not start"
    try:
        yield holder["app"]
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


def runtime(app: object) -> Runtime:
    return runtime_of(app)  # type: ignore[arg-type]


async def settled(app: object, within: float = 10.0) -> None:
    """Wait until the bot's background work (a /picks, a delivery, keyboard edits) is done:
    what it was going to send has been sent."""
    tracker = runtime(app).tracker
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while tracker.tasks:
        left = deadline - loop.time()
        if left <= 0:
            raise AssertionError("the bot's background work did not finish in time")
        await asyncio.wait(set(tracker.tasks), timeout=left)


async def command(fake: FakeTelegram, text: str, chat: int = CHAT, count: int = 1) -> list:
    """Say `text` in `chat` and wait for `count` new messages there (returned)."""
    before = len(fake.calls_of("sendMessage", chat_id=chat))
    await fake.user_says(chat, text)
    calls = await fake.wait_for("sendMessage", count=before + count, chat_id=chat)
    return calls[before:]


def ctx_for_child(db: Path, token: str, base: str) -> AppContext:
    """Used by the subprocess tests (`python -c …`), where there is no fake object."""
    return AppContext(settings=bot_settings(db, token, base), config=make_config(), store=Store(db))
