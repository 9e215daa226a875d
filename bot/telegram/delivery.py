"""Talking to chats: the morning delivery, /picks, replies and edits, paced and crash-safe.

Every delivered pick message is recorded at once (`Store.mark_sent`, flushed), and so is
the header, so a crash or restart resumes with what was not sent and never resends what
was. Sends, replies, edits, photos and documents to one chat share one pacer (about one a
second); a `RetryAfter` is waited out and the call made again; a 403 (the user blocked the
bot) marks the chat unreachable instead of retrying forever. A pick Telegram refuses for
good (a 400 about the message itself) is repaired once as shortened plain text and, if
still refused, skipped and recorded with the reason: it never costs the picks after it.

In the morning the header notifies; the picks under it arrive silently
(``disable_notification``), so a morning makes one sound, not eleven.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, TypeVar

from aiolimiter import AsyncLimiter
from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter

from bot.context import AppContext
from bot.errors import ConfigError
from bot.services import chat_state, feedback, preferences
from bot.store.records import Pick, RunRecord
from bot.telegram import render
from bot.telegram.client import make_bot
from bot.telegram.keyboards import pick_keyboard, pick_state
from bot.telegram.logsafe import token_errors_named_not_shown
from bot.telegram.tasks import TaskTracker
from scrapers.errors import JobpicksError

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
# A 400 that is about the chat, not the message: repairing the message cannot help.
CHAT_LEVEL_400 = ("chat not found", "rights", "chat_write_forbidden", "have no rights")
T = TypeVar("T")


class ChatUnreachable(JobpicksError):
    """Telegram refuses to deliver to this chat (403)."""


@dataclass
class ChatReport:
    sent: int = 0
    already_sent: int = 0
    header: bool = False
    skipped: str | None = None  # paused / unreachable / weekly digest mode
    error: str | None = None
    repaired: int = 0  # picks sent as plain text after their HTML was refused
    failed: dict[str, str] = field(default_factory=dict)  # posting key -> why it was refused
    weekly: bool = False  # this chat got its weekly digest


@dataclass
class DeliveryReport:
    day: str
    chats: dict[int, ChatReport] = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return sum(c.sent for c in self.chats.values())

    @property
    def failed(self) -> dict[int, str]:
        """Chats whose delivery stopped (or lost a pick), with why."""
        out = {chat: c.error for chat, c in self.chats.items() if c.error}
        for chat, c in self.chats.items():
            if c.failed and chat not in out:
                out[chat] = f"{len(c.failed)} pick(s) refused by Telegram"
        return out

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
            if c.weekly:
                line = f"  chat {chat}: weekly digest sent"
            if c.already_sent:
                line += f", {c.already_sent} already sent earlier"
            if c.repaired:
                line += f", {c.repaired} as plain text (Telegram refused the formatted one)"
            if c.error:
                line += f"; stopped: {c.error}"
            lines.append(line)
            for key, why in c.failed.items():
                lines.append(f"    not delivered: {key}: {why}")
        if not self.chats:
            lines.append("  nothing to deliver")
        return "\n".join(lines)


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_chat_level(exc: BadRequest) -> bool:
    """A 400 about the chat (not found, no rights) rather than about this message."""
    return any(word in exc.message.lower() for word in CHAT_LEVEL_400)


def eligible(ctx: AppContext, picks: list[Pick]) -> list[Pick]:
    """The picks a chat should see now: blocked companies and scores under the minimum
    (both as set at this moment, not when the run picked) left out, at most `max_picks`."""
    profile = ctx.store.current_profile()
    selection = ctx.config.selection
    kept = [
        p
        for p in picks
        if p.score >= selection.min_score and not feedback.is_blocked(profile, p.company)
    ]
    return kept[: selection.max_picks]


class Courier:
    """Everything sent to Telegram for one bot: one pacer and one delivery lock per chat."""

    def __init__(
        self,
        bot: Bot,
        ctx: AppContext,
        interval: float | None = None,
        tracker: TaskTracker | None = None,
    ) -> None:
        self.bot = bot
        self.ctx = ctx
        self.interval = PER_CHAT_INTERVAL if interval is None else interval
        self.tracker = tracker or TaskTracker()
        self._pacers: dict[int, AsyncLimiter] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._markups: dict[tuple[int, int], InlineKeyboardMarkup | None] = {}
        self._edit_locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}  # chat -> messages waiting for their turn
        # Set on shutdown: deliveries stop between two messages, never in the middle of one.
        self.stopping = False

    def lock(self, chat_id: int) -> asyncio.Lock:
        """Held while delivering to a chat, so two deliveries never interleave or repeat."""
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def _paced(
        self, chat_id: int, call: Callable[[], Awaitable[T]], *, urgent: bool = True
    ) -> T:
        """Make one call to a chat in its turn; wait out RetryAfter; retry network errors a
        few times; 403 → ChatUnreachable; other 400s are raised (the same call would fail
        again). A call that is not `urgent` (a keyboard redraw) lets waiting messages go
        first, so fast tapping never slows a delivery down."""
        pacer = self._pacers.get(chat_id)
        if pacer is None and self.interval > 0:
            pacer = self._pacers[chat_id] = AsyncLimiter(1, self.interval)
        floods = failures = 0
        while True:
            if pacer is not None:
                if urgent:
                    self._waiting[chat_id] = self._waiting.get(chat_id, 0) + 1
                    try:
                        await pacer.acquire()
                    finally:
                        self._waiting[chat_id] -= 1
                else:
                    # Never queue inside the pacer ahead of a message: take a free slot only.
                    while self._waiting.get(chat_id) or not pacer.has_capacity():  # noqa: ASYNC110
                        await asyncio.sleep(self.interval / 4)
                    await pacer.acquire()
            try:
                return await call()
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
                raise  # the call itself is refused: making it again cannot help
            except NetworkError as exc:  # a dropped connection, a 5xx, a timeout
                if failures >= len(NETWORK_RETRY_WAITS):
                    raise
                wait = NETWORK_RETRY_WAITS[failures]
                failures += 1
                log.warning("chat %s: %s; trying again in %.0f s", chat_id, exc, wait)
                await asyncio.sleep(wait)

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        quiet: bool = False,
        html: bool = True,
    ) -> Message:
        """Send one message (HTML unless `html` is False), paced; `quiet` sends it without
        a notification sound."""
        return await self._paced(
            chat_id,
            lambda: self.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML if html else None,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
                disable_notification=quiet,
            ),
        )

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """Replace a message's HTML (and keyboard), paced like a send. False when Telegram
        refuses the edit (too old, deleted): logged, never an error for the user."""
        try:
            await self._paced(
                chat_id,
                lambda: self.bot.edit_message_text(
                    text,
                    chat_id=chat_id,
                    message_id=message_id,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    link_preview_options=NO_PREVIEW,
                ),
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return True
            log.info("chat %s: could not edit message %s: %s", chat_id, message_id, exc.message)
            return False
        return True

    def edit_markup_soon(
        self, chat_id: int, message_id: int, markup: InlineKeyboardMarkup | None
    ) -> None:
        """Show `markup` under a message, in the chat's turn. Taps come faster than a chat
        may be edited: only the latest keyboard of a message is sent, and the tap's answer
        never waits for it."""
        key = (chat_id, message_id)
        fresh = key not in self._markups
        self._markups[key] = markup
        if fresh:
            self.tracker.spawn(self._edit_markup(key))

    async def _edit_markup(self, key: tuple[int, int]) -> None:
        chat_id, message_id = key
        async with self._edit_locks.setdefault(key, asyncio.Lock()):
            if key not in self._markups:
                return
            markup = self._markups.pop(key)
            try:
                await self._paced(
                    chat_id,
                    lambda: self.bot.edit_message_reply_markup(
                        chat_id=chat_id, message_id=message_id, reply_markup=markup
                    ),
                    urgent=False,
                )
            except BadRequest as exc:
                # "not modified": already shown; "can't be edited" / "not found": an old or
                # deleted message. The tap is recorded either way; nothing to tell the user.
                if "not modified" not in exc.message:
                    log.info("chat %s: keyboard of message %s not updated: %s",
                             chat_id, message_id, exc.message)  # fmt: skip
            except (JobpicksError, NetworkError, RuntimeError) as exc:
                log.warning("chat %s: keyboard update failed: %s", chat_id, exc)
        if key not in self._markups:
            self._edit_locks.pop(key, None)

    async def send_photo(self, chat_id: int, png: bytes, caption: str) -> Message:
        """A PNG as a photo with an HTML caption (≤ 1024 characters), paced."""
        return await self._paced(
            chat_id,
            lambda: self.bot.send_photo(
                chat_id,
                InputFile(png, filename="stats.png"),
                caption=caption,
                parse_mode=ParseMode.HTML,
            ),
        )

    async def send_document(
        self, chat_id: int, data: bytes, filename: str, caption: str = ""
    ) -> Message:
        """A file as a document (≤ 50 MB), paced."""
        return await self._paced(
            chat_id,
            lambda: self.bot.send_document(
                chat_id,
                InputFile(data, filename=filename),
                caption=caption or None,
                parse_mode=ParseMode.HTML,
            ),
        )

    # -- picks --------------------------------------------------------------------------------
    async def _pick(self, chat_id: int, pick: Pick, *, quiet: bool = False) -> bool:
        """Send one pick and record it; True when it went as the plain-text repair."""
        repaired = False
        markup = pick_keyboard(pick, pick_state(self.ctx, chat_id, pick))
        try:
            message = await self.send(chat_id, render.pick_message(pick), markup, quiet=quiet)
        except BadRequest as exc:
            if is_chat_level(exc):
                raise
            # Refused for good (can't parse entities, too long…): one repair, as plain text.
            log.warning("chat %s: pick %s refused (%s); sending it as plain text",
                        chat_id, pick.key, exc.message)  # fmt: skip
            message = await self.send(
                chat_id, render.pick_plain(pick), markup, quiet=quiet, html=False
            )
            repaired = True
        # Shielded: once Telegram has the message, a stop must not lose the record of it.
        await asyncio.shield(self._mark_sent(pick, chat_id, message.message_id))
        return repaired

    async def _mark_sent(self, pick: Pick, chat_id: int, message_id: int) -> None:
        async with self.ctx.store.transaction():
            self.ctx.store.mark_sent(pick.day, pick.key, chat_id, message_id)

    async def _deliver(self, chat_id: int, pick: Pick, report: ChatReport, quiet: bool) -> None:
        """One pick; a pick refused even as plain text is recorded as failed and skipped."""
        try:
            repaired = await self._pick(chat_id, pick, quiet=quiet)
        except BadRequest as exc:
            if is_chat_level(exc):
                raise
            log.warning("chat %s: pick %s not delivered: %s", chat_id, pick.key, exc.message)
            await chat_state.mark_failed(self.ctx, pick.day, chat_id, pick.key, exc.message)
            report.failed[pick.key] = exc.message
            return
        report.repaired += repaired
        report.sent += 1

    async def morning_to_chat(self, chat_id: int, day: str, record: RunRecord) -> ChatReport:
        """The day's header (once) and every pick not yet delivered to this chat, quietly."""
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
            try:
                if preferences.weekly(ctx, chat_id):
                    await self._weekly(chat_id, day, report)
                    return report
                await self._header(chat_id, day, record, report)
                failed = chat_state.failed_picks(ctx, day, chat_id)
                # Fresh from the Store (what is sent is recorded), as the chat's settings
                # and blocks stand now.
                for pick in eligible(ctx, ctx.store.picks_for(day)):
                    if self.stopping:
                        report.error = "stopped before the end (resumes at the next start)"
                        break
                    if str(chat_id) in pick.sent:
                        report.already_sent += 1
                        continue
                    if pick.key in failed:
                        continue  # refused for good earlier today: it would be refused again
                    await self._deliver(chat_id, pick, report, quiet=True)
            except ChatUnreachable as exc:
                log.warning("chat %s refuses messages (%s): delivery paused", chat_id, exc)
                await chat_state.set_unreachable(ctx, chat_id, str(exc))
                report.error = str(exc)
            except Exception as exc:  # one chat's failure must not stop the others
                log.exception("delivery to chat %s failed", chat_id)
                report.error = f"{type(exc).__name__}: {exc}"
        return report

    async def _header(self, chat_id: int, day: str, record: RunRecord, report: ChatReport) -> None:
        """The header above the day's picks, once a day. A morning where every source failed
        gets a notice instead, and a later successful run that day still gets its header."""
        ctx = self.ctx
        if chat_state.header_sent(ctx, day, chat_id):
            return
        if record.status == "all-sources-failed":
            if not chat_state.notice_sent(ctx, day, chat_id):
                await self.send(chat_id, render.header_message(day, record, 0))
                await chat_state.mark_notice_sent(ctx, day, chat_id)
            return
        count = len(eligible(ctx, ctx.store.picks_for(day)))
        await self.send(chat_id, render.header_message(day, record, count))
        await chat_state.mark_header_sent(ctx, day, chat_id)
        report.header = True

    async def _weekly(self, chat_id: int, day: str, report: ChatReport) -> None:
        """Weekly-digest chats: one message with the week's best, on the week's first run."""
        ctx = self.ctx
        if not preferences.weekly_digest_due(ctx, chat_id, day):
            report.skipped = "weekly digest mode (this week's digest is sent)"
            return
        week = [p for d in preferences.week_days(day) for p in ctx.store.picks_for(d)]
        best = eligible(ctx, sorted(week, key=lambda p: (-p.score, p.day, p.rank)))
        await self.send(chat_id, render.weekly_digest_message(day, best))
        await preferences.mark_weekly_digest_sent(ctx, chat_id, day)
        report.weekly = True

    async def morning(
        self, day: str, record: RunRecord, chat_ids: Iterable[int] | None = None
    ) -> DeliveryReport:
        """Deliver a day's run to every configured chat (concurrently; paced per chat)."""
        chats = list(self.ctx.settings.telegram_chat_ids if chat_ids is None else chat_ids)
        results = await asyncio.gather(*(self.morning_to_chat(c, day, record) for c in chats))
        return DeliveryReport(day=day, chats=dict(zip(chats, results, strict=True)))

    async def unsent_to_chat(self, chat_id: int, day: str, limit: int | None = None) -> ChatReport:
        """The day's top `limit` eligible picks this chat has not been sent yet."""
        report = ChatReport()
        async with self.lock(chat_id):
            failed = chat_state.failed_picks(self.ctx, day, chat_id)
            for pick in eligible(self.ctx, self.ctx.store.picks_for(day))[:limit]:
                if str(chat_id) not in pick.sent and pick.key not in failed:
                    await self._deliver(chat_id, pick, report, quiet=False)
        return report

    async def picks_again(self, chat_id: int, picks: list[Pick]) -> ChatReport:
        """/picks: send these picks to one chat again, each showing its current vote and
        marks, recording each."""
        report = ChatReport()
        async with self.lock(chat_id):
            for pick in picks:
                await self._deliver(chat_id, pick, report, quiet=False)
        return report


async def deliver_run(ctx: AppContext, outcome: RunOutcome) -> DeliveryReport:
    """Deliver a finished run to every configured chat (used by `jobpicks run`).

    Resumes where an earlier delivery of the same day stopped; sends nothing twice.
    """
    record = outcome.record
    if record.dry_run:
        return DeliveryReport(day=record.day)
    bot = make_bot(ctx.settings)
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
