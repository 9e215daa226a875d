"""Talking to chats: every message the bot sends, paced and retried, and the `Courier` that
implements the delivery's `Messenger` (`bot.services.delivery`: who gets what lives there).

Every call that puts something in a chat (a send, a reply, an edit, a photo, a file) waits
for its turn in the bot's one `Outbox` (`bot.telegram.outbox`): about one a second per chat,
20 a minute in a group, 30 a second for the bot, and answers to a person (replies, a tap's
keyboard, the /picks progress line) ahead of bulk sends (the `Messenger`'s header, picks,
weekly digest and failure notice). A `RetryAfter` holds the chat (or, when several chats get
one, the bot) for its `retry_after` and the call is made again first; a 403 (the user blocked
the bot) raises `ChatUnreachable` instead of retrying forever. A pick Telegram refuses for
good (a 400 about the message itself) is repaired once as shortened plain text and, if still
refused, raises `MessageRefused`: the delivery records it and goes on with the next.

In the morning the header notifies; the picks under it arrive silently
(``disable_notification``), so a morning makes one sound, not eleven.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter

from bot.services.delivery import (
    ChatUnreachable,
    MessageRefused,
    MessengerUnavailable,
    PickState,
    Sent,
)
from bot.services.records import Pick, RunRecord
from bot.settings import Settings
from bot.telegram import outbox, render
from bot.telegram.client import make_bot
from bot.telegram.keyboards import list_keyboard, pick_keyboard
from bot.telegram.logsafe import TOKEN_REJECTED
from bot.telegram.outbox import Outbox, Priority
from bot.telegram.tasks import TaskTracker
from scrapers.errors import JobpicksError
from scrapers.redact import redact

log = logging.getLogger(__name__)

# Telegram allows about one message per second to one chat.
PER_CHAT_INTERVAL = outbox.CHAT_INTERVAL
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


def _seconds(value: int | float | timedelta) -> float:
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def is_chat_level(exc: BadRequest) -> bool:
    """A 400 about the chat (not found, no rights) rather than about this message."""
    return any(word in exc.message.lower() for word in CHAT_LEVEL_400)


class Courier:
    """Everything sent to Telegram for one bot, through one `Outbox`; the delivery's
    `Messenger` (header, pick, weekly digest, run failure) in Telegram messages, sent as bulk.

    `interval`: seconds between two calls to one chat (default `PER_CHAT_INTERVAL`);
    `per_second`: calls a second for the whole bot (default Telegram's 30)."""

    def __init__(
        self,
        bot: Bot,
        interval: float | None = None,
        tracker: TaskTracker | None = None,
        *,
        per_second: float | None = None,
    ) -> None:
        self.bot = bot
        self.interval = PER_CHAT_INTERVAL if interval is None else interval
        self.tracker = tracker or TaskTracker()
        self.outbox = Outbox(
            per_second=outbox.PER_SECOND if per_second is None else per_second,
            chat_interval=self.interval,
        )
        self._markups: dict[tuple[int, int], InlineKeyboardMarkup | None] = {}
        self._edit_locks: dict[tuple[int, int], asyncio.Lock] = {}
        self._connecting = asyncio.Lock()

    async def _paced(
        self, chat_id: int, call: Callable[[], Awaitable[T]], *, bulk: bool = False
    ) -> T:
        """Make one call to a chat in its turn (`bulk`: after every waiting answer); after a
        RetryAfter or a network error (a few times) make it again, first in its chat;
        403 → ChatUnreachable; other 400s are raised (the same call would fail again)."""
        priority = Priority.BULK if bulk else Priority.ANSWER
        floods = failures = 0
        again = False
        while True:
            async with self.outbox.turn(chat_id, priority, first=again):
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
                    self.outbox.flood(chat_id, wait)
                except Forbidden as exc:  # kept and shown, so never with the token
                    raise ChatUnreachable(redact(exc.message, (self.bot.token,))) from exc
                except BadRequest:
                    raise  # the call itself is refused: making it again cannot help
                except NetworkError as exc:  # a dropped connection, a 5xx, a timeout
                    if failures >= len(NETWORK_RETRY_WAITS):
                        raise
                    wait = NETWORK_RETRY_WAITS[failures]
                    failures += 1
                    log.warning("chat %s: %s; trying again in %.0f s", chat_id, exc, wait)
                    self.outbox.pause(chat_id, wait)
            again = True

    async def send(
        self,
        chat_id: int,
        text: str,
        markup: InlineKeyboardMarkup | None = None,
        *,
        quiet: bool = False,
        html: bool = True,
        bulk: bool = False,
    ) -> Message:
        """Send one message (HTML unless `html` is False), paced; `quiet` sends it without
        a notification sound; `bulk` lets every waiting answer go first (an answer to a
        person is the default)."""
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
            bulk=bulk,
        )

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, markup: InlineKeyboardMarkup | None = None
    ) -> bool:
        """Replace a message's HTML (and keyboard), paced like a send, as an answer. False when
        Telegram refuses the edit (too old, deleted): logged, never an error for the user."""
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
        """Show `markup` under a message in the chat's next turn, ahead of bulk sends. Taps
        come faster than a chat may be edited: only the latest keyboard of a message is sent,
        and the tap's answer never waits for it."""
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

    async def close(self) -> None:
        """Stop the send queue and disconnect (the last thing a bot or a one-off does)."""
        await self.outbox.aclose()
        await self.bot.shutdown()

    # -- the delivery's Messenger ------------------------------------------------------------
    async def ready(self) -> None:
        """Connect the bot if it is not yet (`jobpicks run` connects only when it delivers,
        after its run is stored); one line, naming no secret, when Telegram cannot be used."""
        async with self._connecting:
            try:
                await self.bot.initialize()  # once: a no-op when connected
            except InvalidToken:
                raise MessengerUnavailable(TOKEN_REJECTED) from None
            except NetworkError as exc:
                raise MessengerUnavailable(
                    f"cannot reach Telegram at TELEGRAM_API_BASE ({type(exc).__name__})"
                ) from None

    async def header(self, chat_id: int, day: str, record: RunRecord, picks: int) -> None:
        await self.send(chat_id, render.header_message(day, record, picks), bulk=True)

    async def pick(self, chat_id: int, pick: Pick, state: PickState, *, quiet: bool) -> Sent:
        """One pick as HTML; refused for good (can't parse entities, too long…), once more as
        plain text; refused again, `MessageRefused`."""
        markup = pick_keyboard(pick, state)
        try:
            message = await self.send(
                chat_id, render.pick_message(pick), markup, quiet=quiet, bulk=True
            )
            return Sent(message.message_id)
        except BadRequest as exc:
            if is_chat_level(exc):
                raise
            log.warning("chat %s: pick %s refused (%s); sending it as plain text",
                        chat_id, pick.key, exc.message)  # fmt: skip
        try:
            plain = render.pick_plain(pick)
            message = await self.send(chat_id, plain, markup, quiet=quiet, html=False, bulk=True)
        except BadRequest as exc:
            if is_chat_level(exc):
                raise
            raise MessageRefused(redact(exc.message, (self.bot.token,))) from None  # issue 22
        return Sent(message.message_id, repaired=True)

    async def weekly_digest(self, chat_id: int, day: str, picks: list[Pick]) -> None:
        await self.send(chat_id, render.weekly_digest_message(day, picks), bulk=True)

    async def pick_list(self, chat_id: int, day: str, record: RunRecord, picks: list[Pick]) -> Sent:
        """The compact view: one message, a line a pick, a number button each."""
        html = render.picks_list_message(day, record, picks)
        message = await self.send(chat_id, html, list_keyboard(picks))
        return Sent(message.message_id)

    async def run_failed(self, chat_id: int, day: str, cause: str) -> None:
        await self.send(chat_id, render.run_failed_message(day, cause), bulk=True)


@contextlib.asynccontextmanager
async def one_off_courier(settings: Settings) -> AsyncIterator[Courier]:
    """A Courier for one delivery outside the bot (`jobpicks run`): it connects to Telegram
    when the delivery starts (`ready`) and disconnects when the block ends."""
    courier = Courier(make_bot(settings), per_second=settings.telegram_max_rate)
    try:
        yield courier
    finally:
        await courier.close()
