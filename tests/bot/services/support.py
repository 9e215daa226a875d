"""Shared pieces for the services tests: a context on a tmp database, a stored day of picks,
and a messenger that records what delivery would send (no Telegram, no sockets)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Config
from bot.context import AppContext
from bot.services.delivery import (
    ChatUnreachable,
    MessageRefused,
    MessengerUnavailable,
    PickState,
    Sent,
)
from bot.services.records import Pick, RunRecord
from bot.settings import Settings
from bot.store import Store

CHAT = 4242
CHAT2 = 4343
DAY = "2026-03-02"  # a Monday


def make_ctx(
    tmp_path: Path, chats: list[int] | None = None, *, min_score: int = 0, max_picks: int = 3
) -> AppContext:
    """Two served chats by default (the first is the owner); the local scorer; UTC."""
    config = Config.model_validate(
        {
            "profile": {"about": "Student looking for a Python backend internship."},
            "schedule": {"time": "08:00", "timezone": "UTC"},
            "selection": {"min_score": min_score, "max_picks": max_picks, "per_company": 3},
        }
    )
    settings = Settings(
        jobpicks_db=tmp_path / "db.json",
        jobpicks_config=tmp_path / "none.toml",
        telegram_chat_ids=[CHAT, CHAT2] if chats is None else chats,
    )
    return AppContext(settings=settings, config=config, store=Store(tmp_path / "db.json"))


def pick(rank: int, score: int, company: str = "", day: str = DAY) -> Pick:
    return Pick(
        day=day,
        key=f"board:{day}:{rank}",
        rank=rank,
        score=score,
        reason="Python backend internship.",
        summary="Builds data services.",
        scorer="local",
        profile_version=1,
        title=f"Backend Intern {rank}",
        company=company or f"Company {rank}",
        url=f"https://jobs.example.com/{day}/{rank}",
        source="board",
    )


def run_record(day: str = DAY, status: str = "done") -> RunRecord:
    return RunRecord(day=day, started_at=datetime.now(UTC), status=status)


async def store_day(ctx: AppContext, picks: list[Pick], day: str = DAY) -> RunRecord:
    """A finished run of `day` with these picks, as the run stores them, for each served chat
    (each its own person, with the same picks)."""
    record = run_record(day)
    for chat in ctx.settings.telegram_chat_ids:
        own = ctx.for_person(chat)
        await own.store.ensure_profile(own.config.profile.to_profile())
        async with own.store.transaction():
            own.store.save_picks(picks)
            own.store.save_run(record)
    return record


def each(ctx: AppContext, record: RunRecord) -> dict[int, RunRecord]:
    """The run record for every served chat (what `Delivery.to_chats` takes)."""
    return dict.fromkeys(ctx.settings.telegram_chat_ids, record)


@dataclass
class RecordingMessenger:
    """A `Messenger` that records each message as (kind, chat, detail) and delivers it,
    unless told otherwise: `refuse` pick keys for good, `unreachable` chats, `down` (nothing
    can be sent), or `hold` the pick sends until `release` (to stop a delivery midway)."""

    sent: list[tuple[str, int, object]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    unreachable: set[int] = field(default_factory=set)
    down: str | None = None
    states: dict[str, PickState] = field(default_factory=dict)
    held: asyncio.Event | None = None
    waiting: asyncio.Event = field(default_factory=asyncio.Event)
    _next_id: int = 100

    def hold(self) -> None:
        self.held = asyncio.Event()

    def release(self) -> None:
        assert self.held is not None
        self.held.set()

    def of(self, kind: str, chat: int | None = None) -> list[object]:
        return [d for k, c, d in self.sent if k == kind and (chat is None or c == chat)]

    async def ready(self) -> None:
        if self.down:
            raise MessengerUnavailable(self.down)

    def _check(self, chat_id: int) -> None:
        if chat_id in self.unreachable:
            raise ChatUnreachable("Forbidden: bot was blocked by the user")

    async def header(self, chat_id: int, day: str, record: RunRecord, picks: int) -> None:
        self._check(chat_id)
        self.sent.append(("header", chat_id, (day, record.status, picks)))

    async def pick(self, chat_id: int, pick: Pick, state: PickState, *, quiet: bool) -> Sent:
        self._check(chat_id)
        if self.held is not None:
            self.waiting.set()
            await self.held.wait()
        if pick.key in self.refuse:
            raise MessageRefused("Bad Request: can't parse entities")
        self.states[pick.key] = state
        self.sent.append(("pick", chat_id, (pick.key, quiet)))
        self._next_id += 1
        return Sent(self._next_id)

    async def weekly_digest(self, chat_id: int, day: str, picks: list[Pick]) -> None:
        self._check(chat_id)
        self.sent.append(("weekly", chat_id, [p.key for p in picks]))

    async def pick_list(self, chat_id: int, day: str, record: RunRecord, picks: list[Pick]) -> Sent:
        self._check(chat_id)
        self.sent.append(("list", chat_id, [p.key for p in picks]))
        self._next_id += 1
        return Sent(self._next_id)

    async def run_failed(self, chat_id: int, day: str, cause: str) -> None:
        self._check(chat_id)
        self.sent.append(("run_failed", chat_id, cause))
