"""Sending picks to chats: the morning delivery and /picks, paced and crash-safe.

Every delivered pick message is recorded at once (`Store.mark_sent`, flushed), and so is
the header, so a crash or restart resumes with what was not sent and never resends what
was. At most one message per second goes to one chat; a `RetryAfter` is waited out and the
message sent; a 403 (the user blocked the bot) marks the chat unreachable instead of
retrying forever.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.context import AppContext
from bot.errors import ConfigError
from bot.services import chat_state
from bot.store.records import Pick, RunRecord
from bot.telegram import render
from bot.telegram.keyboards import pick_keyboard
from bot.telegram.logsafe import quiet_loggers, redact_token, token_errors_named_not_shown

if TYPE_CHECKING:
    from bot.services.run import RunOutcome

log = logging.getLogger(__name__)

# Telegram allows about one message per second to one chat.
PER_CHAT_INTERVAL = 1.0
# How many RetryAfter answers one message may get before delivery to that chat gives up.
MAX_FLOOD_RETRIES = 5
# Never wait longer than this for one RetryAfter (a longer one ends this chat's delivery).
MAX_RETRY_AFTER = 300.0
# Waits before sending again after a network error or a 5xx (then delivery to the chat stops
# until the next start or /picks). A timed-out send may have arrived: at least once, not lost.
NETWORK_RETRY_WAITS = (2.0, 10.0, 30.0)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class ChatUnreachable(Exception):
    """Telegram refuses to deliver to this chat (403)."""


@dataclass
class ChatReport:
    sent: int = 0
    already_sent: int = 0
    header: bool = False
    skipped: str | None = None  # paused / unreachable
    error: str | None = None


@dataclass
class DeliveryReport:
    day: str
    chats: dict[int, ChatReport] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.chats.values())

    @property
    def failed(self) -> dict[int, str]:
        return {chat: c.error for chat, c in self.chats.items() if c.error}

    @property
    def ok(self) -> bool:
        """Every chat got everything it should (paused chats count as fine)."""
        return not self.failed

    def __str__(self) -> str:
        lines = [f"Telegram delivery {self.day}:"]
        for chat, c in self.chats.items():
            if c.skipped:
                lines.append(f"  chat {chat}: skipped ({c.skipped})")
                continue
            line = f"  chat {chat}: {c.sent} sent"
            if c.already_sent:
                line += f", {c.already_sent} already sent earlier"
            if c.error:
                line += f"; stopped: {c.error}"
            lines.append(line)
        if not self.chats:
            lines.append("  nothing to deliver")
        return "\n".join(lines)


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


class Courier:
    """Sends messages for one bot: one pacer and one lock per chat."""

    def __init__(self, bot: Bot, ctx: AppContext, interval: float | None = None) -> None:
        self.bot = bot
        self.ctx = ctx
        self.interval = PER_CHAT_INTERVAL if interval is None else interval
        self._pacers: dict[int, AsyncLimiter] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        # Set on shutdown: deliveries stop between two messages, never in the middle of one.
        self.stopping = False

    def lock(self, chat_id: int) -> asyncio.Lock:
        """Held while delivering to a chat, so two deliveries never interleave or repeat."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def send(
        self, chat_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> Message:
        """Send one HTML message, paced; wait out RetryAfter; retry network errors a few times;
        403 → ChatUnreachable."""
        pacer = self._pacers.get(chat_id)
        if pacer is None and self.interval > 0:
            pacer = self._pacers[chat_id] = AsyncLimiter(1, self.interval)
        floods = failures = 0
        while True:
            if pacer is not None:
                await pacer.acquire()
            try:
                return await self.bot.send_message(
                    chat_id,
                    text,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                )
            except RetryAfter as exc:
                floods += 1
                if floods > MAX_FLOOD_RETRIES:
                    raise RuntimeError(
                        f"Telegram kept answering 429 after {MAX_FLOOD_RETRIES} waits"
                    ) from exc
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    wait = _seconds(exc.retry_after)
                if wait > MAX_RETRY_AFTER:
                    raise
                log.warning("chat %s: flood control, waiting %.1f s", chat_id, wait)
                await asyncio.sleep(wait)
            except Forbidden as exc:
                raise ChatUnreachable(exc.message) from exc
            except BadRequest:
                raise  # the message itself is refused: sending it again cannot help
            except NetworkError as exc:  # a dropped connection, a 5xx, a timeout
                if failures >= len(NETWORK_RETRY_WAITS):
                    raise
                wait = NETWORK_RETRY_WAITS[failures]
                failures += 1
                log.warning("chat %s: %s; trying again in %.0f s", chat_id, exc, wait)
                await asyncio.sleep(wait)

    async def _pick(self, chat_id: int, pick: Pick) -> None:
        message = await self.send(chat_id, render.pick_message(pick), pick_keyboard(pick))
        # Shielded: once Telegram has the message, a stop must not lose the record of it.
        await asyncio.shield(self._mark_sent(pick, chat_id, message.message_id))

    async def _mark_sent(self, pick: Pick, chat_id: int, message_id: int) -> None:
        async with self.ctx.store.transaction():
            self.ctx.store.mark_sent(pick.day, pick.key, chat_id, message_id)

    async def morning_to_chat(self, chat_id: int, day: str, record: RunRecord) -> ChatReport:
        """The day's header (once) and every pick not yet delivered to this chat."""
        report = ChatReport()
        ctx = self.ctx
        if chat_state.is_paused(ctx, chat_id):
            report.skipped = "paused"
            return report
        why = chat_state.unreachable(ctx, chat_id)
        if why:
            report.skipped = f"unreachable: {why}"
            return report
        async with self.lock(chat_id):
            picks = ctx.store.picks_for(day)  # fresh from the Store: what is sent is recorded
            try:
                if not chat_state.header_sent(ctx, day, chat_id):
                    await self.send(chat_id, render.header_message(day, record, len(picks)))
                    await chat_state.mark_header_sent(ctx, day, chat_id)
                    report.header = True
                for pick in picks:
                    if self.stopping:
                        report.error = "stopped before the end (resumes at the next start)"
                        break
                    if str(chat_id) in pick.sent:
                        report.already_sent += 1
                        continue
                    await self._pick(chat_id, pick)
                    report.sent += 1
            except ChatUnreachable as exc:
                log.warning("chat %s refuses messages (%s): delivery paused", chat_id, exc)
                await chat_state.set_unreachable(ctx, chat_id, str(exc))
                report.error = str(exc)
            except Exception as exc:  # one chat's failure must not stop the others
                log.exception("delivery to chat %s failed", chat_id)
                report.error = f"{type(exc).__name__}: {exc}"
        return report

    async def morning(
        self, day: str, record: RunRecord, chat_ids: Iterable[int] | None = None
    ) -> DeliveryReport:
        """Deliver a day's run to every configured chat (concurrently; paced per chat)."""
        chats = list(self.ctx.settings.telegram_chat_ids if chat_ids is None else chat_ids)
        results = await asyncio.gather(*(self.morning_to_chat(c, day, record) for c in chats))
        return DeliveryReport(day=day, chats=dict(zip(chats, results, strict=True)))

    async def unsent_to_chat(self, chat_id: int, day: str, limit: int) -> int:
        """The day's top `limit` picks that this chat has not been sent yet."""
        sent = 0
        async with self.lock(chat_id):
            for pick in self.ctx.store.picks_for(day)[:limit]:  # fresh: sent ones are recorded
                if str(chat_id) not in pick.sent:
                    await self._pick(chat_id, pick)
                    sent += 1
        return sent

    async def picks_again(self, chat_id: int, picks: list[Pick]) -> int:
        """/picks: send these picks to one chat again (fresh buttons), recording each."""
        async with self.lock(chat_id):
            for pick in picks:
                await self._pick(chat_id, pick)
        return len(picks)


def make_bot(ctx: AppContext) -> Bot:
    """A Bot for the configured API base, with Telegram's overall rate limit applied."""
    from telegram.ext import AIORateLimiter, ExtBot

    token = ctx.settings.token
    if not token:
        raise RuntimeError("TELEGRAM_BOT_TOKEN is not set")
    quiet_loggers()
    redact_token(token)
    return ExtBot(
        token,
        base_url=ctx.settings.telegram_api_base,
        rate_limiter=AIORateLimiter(max_retries=0),
    )


async def deliver_run(ctx: AppContext, outcome: RunOutcome) -> DeliveryReport:
    """Deliver a finished run to every configured chat (used by `jobpicks run`).

    Resumes where an earlier delivery of the same day stopped; sends nothing twice.
    """
    record = outcome.record
    if record.dry_run:
        return DeliveryReport(day=record.day)
    bot = make_bot(ctx)
    try:
        with token_errors_named_not_shown():
            async with bot:
                return await Courier(bot, ctx).morning(record.day, record)
    except (ConfigError, NetworkError) as exc:  # the run is stored: the delivery failed
        why = str(exc)
        if isinstance(exc, NetworkError):
            why = f"cannot reach Telegram at TELEGRAM_API_BASE ({type(exc).__name__})"
        chats = ctx.settings.telegram_chat_ids
        return DeliveryReport(day=record.day, chats={c: ChatReport(error=why) for c in chats})
