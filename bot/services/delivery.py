"""Who gets which picks, and getting them there: the delivery rules, with no Telegram types.

- **Eligibility** (`eligible`): a chat sees the day's picks as its settings and blocks stand
  *now*, not when the run picked: a company blocked since, or a minimum score raised since,
  leaves a pick out, and so does a rescore that dropped it; at most `max_picks` of them.
- **The header** above a day's picks goes to a chat once a day, whoever delivers first (the
  morning, a catch-up, /picks, `jobpicks run`) and in whatever order they meet. A day where
  every source failed gets a notice instead (also once), and a later successful run that day
  still gets its header.
- **The weekly digest**: a chat in weekly mode gets one message with the week's best
  eligible picks on the first delivery on or after its day (`/settings weekly friday`;
  Monday unless chosen), and nothing else that week.
- **The compact view** (`/settings view compact`, `/picks list`): the header and the day's
  picks in one message, a line each; each listed pick is recorded sent like a pick message.
- **Marking sent**: each delivered pick is recorded at once, shielded from cancellation,
  so a crash or a stop neither loses nor repeats a pick; a rerun sends only what is unsent.
  A database busy with another process's write is waited out, never a record dropped.
- **A refused pick** (`MessageRefused`) is recorded with the reason and skipped, today and
  on reruns: it never costs the picks after it. A chat that refuses every message
  (`ChatUnreachable`) is marked unreachable until it talks to the bot again.
- **The report** (`DeliveryReport`) says, per chat, what was sent, skipped or refused, and why.

The `Messenger` protocol is all that delivery needs from the outside: the Telegram
`Courier` implements it (rendering, pacing and retries are its business); tests use a
recording one. Every function here takes the chat id explicitly; a chat is a person, and
each works on that person's own picks and settings whichever person's context it is handed
(`AppContext.for_person`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_delay,
    wait_exponential,
)

from bot.context import AppContext
from bot.services import chat_state, failures, feedback, marks, preferences
from bot.services.records import Pick, RunRecord
from bot.services.settings import compact
from bot.store.errors import StoreBusy, StoreError
from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)

ALL_SOURCES_FAILED = "all-sources-failed"
# The record of a message already sent (a pick, a header, a digest) waits out another
# process's write: each try waits the Store's own lock wait (5 s), then a pause that grows to a
# minute, for up to this long in all; after that the chat's delivery stops with the error (and
# the message may go again at the next delivery).
KEEP_PATIENCE = 30 * 60.0
KEEP_PAUSES = wait_exponential(multiplier=0.5, max=60)


class ChatUnreachable(JobpicksError):
    """The messenger cannot deliver to this chat at all (in Telegram: a 403, the person
    blocked the bot)."""


class MessageRefused(JobpicksError):
    """One message was refused for good, even in its repaired form: sending it again cannot
    help. The message is why."""


class MessengerUnavailable(JobpicksError):
    """No message can be sent at all (e.g. Telegram cannot be reached, or it rejects the
    token); the message is one line for the person, naming no secret."""


@dataclass(frozen=True)
class Sent:
    """A message the messenger delivered."""

    message_id: int
    repaired: bool = False  # it went out in its repaired form (plain text)


@dataclass(frozen=True)
class PickState:
    """What a pick's buttons show for one chat."""

    vote: str | None = None  # "up" / "down"
    reason: str | None = None
    blocked: bool = False
    saved: bool = False
    applied: bool = False


class Messenger(Protocol):
    """What delivery needs from a messenger. Each method sends one message to one chat;
    any method may raise `ChatUnreachable`; any other exception stops delivery to that chat
    (the next delivery resumes with what is unsent)."""

    async def ready(self) -> None:
        """Raise `MessengerUnavailable` when nothing can be sent at all."""
        ...

    async def header(self, chat_id: int, day: str, record: RunRecord, picks: int) -> None:
        """The line above a day's picks (or, for a day where every source failed, the
        notice), with how many picks the chat gets."""
        ...

    async def pick(self, chat_id: int, pick: Pick, state: PickState, *, quiet: bool) -> Sent:
        """One pick with its buttons in `state`; `quiet`: without a notification sound.
        Raises `MessageRefused` when it is refused for good."""
        ...

    async def weekly_digest(self, chat_id: int, day: str, picks: list[Pick]) -> None:
        """One message with the week's best picks."""
        ...

    async def pick_list(self, chat_id: int, day: str, record: RunRecord, picks: list[Pick]) -> Sent:
        """The compact view: the day's header and `picks` as one message, a line each
        (title, company, score, link), with a way to open each pick in full."""
        ...

    async def run_failed(self, chat_id: int, day: str, cause: str) -> None:
        """Tell a chat that the day's run failed, and why (one line)."""
        ...


@dataclass
class ChatReport:
    """What one delivery did for one chat."""

    sent: int = 0
    already_sent: int = 0
    header: bool = False
    skipped: str | None = None  # paused / unreachable / weekly digest mode
    error: str | None = None
    repaired: int = 0  # picks sent in their repaired form
    failed: dict[str, str] = field(default_factory=dict)  # posting key -> why it was refused
    weekly: bool = False  # this chat got its weekly digest


@dataclass
class DeliveryReport:
    """What one delivery of a day did, chat by chat."""

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


# -- who gets what ------------------------------------------------------------------------------
def _own(ctx: AppContext, chat_id: int) -> AppContext:
    """The context of the person of this chat."""
    return ctx if ctx.person == chat_id else ctx.for_person(chat_id)


def eligible(ctx: AppContext, chat_id: int, picks: Iterable[Pick]) -> list[Pick]:
    """The picks (best first) this chat should see now: blocked companies and scores under
    the minimum, both as the person has them set at this moment, left out; at most
    `max_picks`."""
    ctx = _own(ctx, chat_id)
    profile = ctx.store.current_profile(ctx.config.profile.to_profile())
    selection = ctx.config.selection
    kept = [
        p
        for p in picks
        if p.score >= selection.min_score
        and not p.dropped  # a rescore took it out of the day's picks
        and not feedback.is_blocked(profile, p.company)
    ]
    return kept[: selection.max_picks]


def picks_for_chat(ctx: AppContext, chat_id: int, day: str) -> list[Pick]:
    """The day's picks this chat should see now (`eligible`), best first."""
    ctx = _own(ctx, chat_id)
    return eligible(ctx, chat_id, ctx.store.picks_for(day))


def week_best(ctx: AppContext, chat_id: int, day: str) -> list[Pick]:
    """The weekly digest's picks: the eligible picks of the seven days ending with `day`,
    best score first."""
    ctx = _own(ctx, chat_id)
    week = [p for d in preferences.week_days(day) for p in ctx.store.picks_for(d)]
    return eligible(ctx, chat_id, sorted(week, key=lambda p: (-p.score, p.day, p.rank)))


def todays_run(ctx: AppContext) -> RunRecord | None:
    """Today's finished run (in the configured timezone), if there is one."""
    return ctx.store.finished_run(ctx.today())


def sent_pick(
    ctx: AppContext, chat_id: int, day: str, matches: Callable[[str], bool]
) -> Pick | None:
    """The pick of `day` whose posting key `matches` and that was sent to this chat (a chat
    acts only on picks it was sent), or None."""
    ctx = _own(ctx, chat_id)
    for pick in ctx.store.picks_for(day):
        if matches(pick.key):
            return pick if str(chat_id) in pick.sent else None
    return None


def pick_state(ctx: AppContext, chat_id: int, pick: Pick) -> PickState:
    """A pick's vote, block and marks in one chat, as they stand now."""
    ctx = _own(ctx, chat_id)
    vote = ctx.store.vote_for(pick.key, chat_id)
    profile = ctx.store.current_profile(ctx.config.profile.to_profile())
    kinds = marks.marks_of(ctx, chat_id, pick.key)
    return PickState(
        vote=vote.vote if vote else None,
        reason=vote.reason if vote else None,
        blocked=feedback.is_blocked(profile, pick.company),
        saved=marks.SAVED in kinds,
        applied=marks.APPLIED in kinds,
    )


async def mark_sent(ctx: AppContext, chat_id: int, pick: Pick, message_id: int) -> None:
    """Record that this chat has the pick (as message `message_id`); a busy database is
    waited out (`kept`)."""
    ctx = _own(ctx, chat_id)

    async def write() -> None:
        async with ctx.store.transaction():
            ctx.store.mark_sent(pick.day, pick.key, chat_id, message_id)

    await kept(f"chat {chat_id}: pick {pick.key}", write)


async def kept(what: str, write: Callable[[], Awaitable[None]]) -> None:
    """Make `write`, the record of something already sent (`what`, for the log). A busy
    database (`StoreBusy`: another process holds the writer lock) is tried again until it
    takes the record, for up to `KEEP_PATIENCE`: dropped, the message would go again."""

    def busy(state: RetryCallState) -> None:
        log.warning("%s is sent but the database is busy; recording it again in %.1f s",
                    what, state.upcoming_sleep)  # fmt: skip

    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(StoreBusy),
        wait=KEEP_PAUSES,
        stop=stop_after_delay(KEEP_PATIENCE),
        before_sleep=busy,
        reraise=True,
    ):
        with attempt:
            await write()


async def _mark_listed(
    ctx: AppContext, chat_id: int, day: str, picks: list[Pick], message_id: int
) -> None:
    """A list message delivered: its picks and the day's header, recorded in one step."""
    ctx = _own(ctx, chat_id)
    async with ctx.store.transaction():
        for pick in picks:
            ctx.store.mark_sent(pick.day, pick.key, chat_id, message_id)
        ctx.store.mark_header_sent(day, chat_id)


# -- delivering ---------------------------------------------------------------------------------
class Delivery:
    """One process's deliveries through one messenger: a lock per chat, so two deliveries
    to a chat never interleave or repeat a pick, and a stop that ends them between two
    messages, never in the middle of one."""

    def __init__(self, ctx: AppContext, messenger: Messenger) -> None:
        self.ctx = ctx
        self.messenger = messenger
        self.stopping = False
        self._locks: dict[int, asyncio.Lock] = {}

    def lock(self, chat_id: int) -> asyncio.Lock:
        return self._locks.setdefault(chat_id, asyncio.Lock())

    async def to_chats(
        self,
        records: Mapping[int, RunRecord],
        *,
        asked: bool = False,
        limit: int | None = None,
        messenger: Messenger | None = None,
    ) -> DeliveryReport:
        """Each person's run of the day to their chat, concurrently (`to_chat` each)."""
        chat_ids = list(records)
        results = await asyncio.gather(
            *(
                self.to_chat(c, records[c], asked=asked, limit=limit, messenger=messenger)
                for c in chat_ids
            )
        )
        day = next(iter(records.values())).day if records else ""
        return DeliveryReport(day=day, chats=dict(zip(chat_ids, results, strict=True)))

    async def to_chat(
        self,
        chat_id: int,
        record: RunRecord,
        *,
        asked: bool = False,
        limit: int | None = None,
        messenger: Messenger | None = None,
    ) -> ChatReport:
        """What this chat should get now of a day's run: the header (once a day) or the
        weekly digest, then each eligible pick it has not got, quietly.

        `asked`: the chat asked for them (/picks): paused and weekly mode do not apply and
        the picks ring; at most `limit` picks. The header goes once a day all the same: a
        /picks that meets the morning's delivery gets the picks the morning has not sent,
        under the morning's header (`ChatReport.header` says whether this call sent it).
        `messenger` stands in for the usual one for this call."""
        ctx, m = _own(self.ctx, chat_id), messenger or self.messenger
        report = ChatReport()
        if not asked:
            if chat_state.is_paused(ctx, chat_id):
                report.skipped = "paused"
                return report
            if why := chat_state.unreachable(ctx, chat_id):
                report.skipped = f"unreachable: {why}"
                return report
        async with self.lock(chat_id), contextlib.AsyncExitStack() as held:
            try:
                # issue 22: the chat's lock across processes too (`jobpicks run` beside the bot)
                await held.enter_async_context(ctx.store.delivering(chat_id))
                await m.ready()
                # issue 22: a message whose record the disk would refuse is not sent at all.
                await failures.ensure_writable(ctx, before="sending", room=failures.SEND_ROOM)
                if not asked and preferences.weekly(ctx, chat_id):
                    await self._weekly(m, chat_id, record.day, report)
                    return report
                if not asked and compact(ctx) and record.status != ALL_SOURCES_FAILED:
                    await self._list(m, chat_id, record, report, asked=False)
                    return report
                await self._header(m, chat_id, record, report)
                if record.status == ALL_SOURCES_FAILED:
                    return report
                failed = chat_state.failed_picks(ctx, record.day, chat_id)
                # Fresh from the Store: what is sent is recorded as it goes.
                for pick in picks_for_chat(ctx, chat_id, record.day)[:limit]:
                    if self.stopping:
                        report.error = "stopped before the end (resumes at the next start)"
                        break
                    if str(chat_id) in pick.sent:
                        report.already_sent += 1
                    elif pick.key not in failed:  # refused for good: it would be again
                        await self._send(m, chat_id, pick, report, quiet=not asked)
            except MessengerUnavailable as exc:
                report.error = str(exc)
            except ChatUnreachable as exc:
                log.warning("chat %s refuses messages (%s): delivery paused", chat_id, exc)
                await chat_state.set_unreachable(ctx, chat_id, str(exc))
                report.error = str(exc)
            except StoreError as exc:  # issue 22: a full disk, a busy database: one line
                log.error("delivery to chat %s stopped: %s", chat_id, exc)
                report.error = str(exc)
            except Exception as exc:  # one chat's failure must not stop the others
                log.exception("delivery to chat %s failed", chat_id)
                report.error = f"{type(exc).__name__}: {exc}"
        return report

    async def again(self, chat_id: int, record: RunRecord, limit: int | None = None) -> ChatReport:
        """/picks on a day that has run: the top `limit` eligible picks once more, each
        showing its vote and marks as they stand now (a pick refused for good is left out);
        with none, the header says so."""
        ctx, m = _own(self.ctx, chat_id), self.messenger
        report = ChatReport()
        failed = chat_state.failed_picks(ctx, record.day, chat_id)
        chosen = [p for p in picks_for_chat(ctx, chat_id, record.day) if p.key not in failed]
        async with self.lock(chat_id):
            if not chosen[:limit]:
                await m.header(chat_id, record.day, record, 0)
            for pick in chosen[:limit]:
                await self._send(m, chat_id, pick, report, quiet=False)
        return report

    async def more(self, chat_id: int, day: str) -> ChatReport:
        """Picks added to a day after its delivery (a rescore): each eligible pick of the day
        this chat has not got, under the chat's lock, with no header. The chat asked, so
        paused and weekly mode do not apply; a pick refused for good is left out."""
        ctx, m = _own(self.ctx, chat_id), self.messenger
        report = ChatReport()
        failed = chat_state.failed_picks(ctx, day, chat_id)
        async with self.lock(chat_id):
            for pick in picks_for_chat(ctx, chat_id, day):
                if str(chat_id) in pick.sent:
                    report.already_sent += 1
                elif pick.key not in failed:
                    await self._send(m, chat_id, pick, report, quiet=False)
        return report

    async def listed(
        self,
        chat_id: int,
        record: RunRecord,
        limit: int | None = None,
        *,
        messenger: Messenger | None = None,
    ) -> ChatReport:
        """/picks list: the top `limit` eligible picks of a day as one message (the compact
        view), those already sent included; the ones not sent before are recorded sent."""
        report = ChatReport()
        async with self.lock(chat_id):
            m = messenger or self.messenger
            await m.ready()
            await self._list(m, chat_id, record, report, asked=True, limit=limit)
        return report

    async def _list(
        self,
        m: Messenger,
        chat_id: int,
        record: RunRecord,
        report: ChatReport,
        *,
        asked: bool,
        limit: int | None = None,
    ) -> None:
        """One list message for the day (the header with it); the morning lists only what
        the chat has not had, so a resumed delivery repeats nothing."""
        ctx, day = _own(self.ctx, chat_id), record.day
        failed = chat_state.failed_picks(ctx, day, chat_id)
        picks = [p for p in picks_for_chat(ctx, chat_id, day) if p.key not in failed][:limit]
        new = [p for p in picks if str(chat_id) not in p.sent]
        report.already_sent = len(picks) - len(new)
        if not asked:
            if not new and chat_state.header_sent(ctx, day, chat_id):
                return
            picks = new
        sent = await m.pick_list(chat_id, day, record, picks)
        # Shielded and kept: once the chat has the list, neither a stop nor a busy database
        # may lose the record of it.
        await asyncio.shield(
            kept(
                f"chat {chat_id}: the list of {day}",
                lambda: _mark_listed(ctx, chat_id, day, new, sent.message_id),
            )
        )
        report.sent += len(new)
        report.header = True

    async def _header(
        self, m: Messenger, chat_id: int, record: RunRecord, report: ChatReport
    ) -> None:
        """The day's header, or its all-sources-failed notice, unless the chat has it: one
        each per chat per day (checked and marked under the chat's lock)."""
        ctx, day = _own(self.ctx, chat_id), record.day
        if record.status == ALL_SOURCES_FAILED:
            if not chat_state.notice_sent(ctx, day, chat_id):
                await m.header(chat_id, day, record, 0)
                await kept(
                    f"chat {chat_id}: the notice of {day}",
                    lambda: chat_state.mark_notice_sent(ctx, day, chat_id),
                )
            return
        if chat_state.header_sent(ctx, day, chat_id):
            return
        await m.header(chat_id, day, record, len(picks_for_chat(ctx, chat_id, day)))
        await kept(
            f"chat {chat_id}: the header of {day}",
            lambda: chat_state.mark_header_sent(ctx, day, chat_id),
        )
        report.header = True

    async def _weekly(self, m: Messenger, chat_id: int, day: str, report: ChatReport) -> None:
        ctx = _own(self.ctx, chat_id)
        if not preferences.weekly_digest_due(ctx, chat_id, day):
            report.skipped = "weekly digest mode (this week's digest is sent)"
            return
        await m.weekly_digest(chat_id, day, week_best(ctx, chat_id, day))
        await kept(
            f"chat {chat_id}: the weekly digest of {day}",
            lambda: preferences.mark_weekly_digest_sent(ctx, chat_id, day),
        )
        report.weekly = True

    async def _send(
        self, m: Messenger, chat_id: int, pick: Pick, report: ChatReport, *, quiet: bool
    ) -> None:
        """One pick, recorded as sent; one refused for good is recorded as failed, skipped."""
        # issue 22: never send a pick whose record the disk would refuse (it would go twice).
        await failures.ensure_writable(self.ctx, before="sending", room=failures.SEND_ROOM)
        try:
            sent = await m.pick(chat_id, pick, pick_state(self.ctx, chat_id, pick), quiet=quiet)
        except MessageRefused as exc:
            log.warning("chat %s: pick %s not delivered: %s", chat_id, pick.key, exc)
            await chat_state.mark_failed(
                _own(self.ctx, chat_id), pick.day, chat_id, pick.key, str(exc)
            )
            report.failed[pick.key] = str(exc)
            return
        # Shielded: once the chat has the message, a stop must not lose the record of it.
        await asyncio.shield(mark_sent(self.ctx, chat_id, pick, sent.message_id))
        report.repaired += sent.repaired
        report.sent += 1
