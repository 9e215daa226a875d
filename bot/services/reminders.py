"""Reminders: "You saved X 5 days ago — applied?", once per saved posting, after checking that
the posting is still open (`scrapers.still_open`): a closed one is marked closed and not
reminded; one whose board cannot tell (a timeout, bot protection) is reminded, saying so.

Reminders go out after the day's delivery time (in the configured timezone), so a person hears
about them with the morning, not at night. No Telegram types here: the sender is a function
the caller gives.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.context import AppContext
from bot.services import marks
from bot.services.marks import Tracked
from bot.services.records import Pick
from scrapers.http import HttpClient, gaps_for, new_session
from scrapers.still_open import Openness, Verdict, still_open

log = logging.getLogger(__name__)

REMIND_AFTER_DAYS = 5
# At most this many checks (and reminders) per chat per round: the rest wait for the next.
MAX_PER_ROUND = 10

Checker = Callable[[Pick], Awaitable[Verdict]]
Send = Callable[[int, Tracked, int, Verdict], Awaitable[None]]


def due(ctx: AppContext, chat_id: int, now: datetime | None = None) -> list[Tracked]:
    """Saved postings not applied to, not closed, never reminded, saved at least
    `REMIND_AFTER_DAYS` ago; oldest first. None before today's delivery time."""
    now = now or ctx.now()
    sched = ctx.config.schedule
    if now.astimezone(sched.tz).time() < sched.at:
        return []
    cutoff = now - timedelta(days=REMIND_AFTER_DAYS)
    items = [
        t
        for t in marks.saved_list(ctx, chat_id)
        if t.closed is None and t.reminded is None and _aware(t.at) <= cutoff
    ]
    return sorted(items, key=lambda t: t.at)[:MAX_PER_ROUND]


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def days_since(item: Tracked, now: datetime) -> int:
    return max(0, (now - _aware(item.at)).days)


@contextlib.asynccontextmanager
async def board_checker(ctx: AppContext) -> AsyncIterator[Checker]:
    """A `Checker` on one HTTP client for a round of checks (the run's manners: per-host
    gaps, timeouts, bounded retries), closed when the block ends."""
    http = ctx.config.http
    urls = ctx.source_urls()
    async with new_session(http) as session:
        client = HttpClient(session, http, gaps_for(http, urls.linkedin))

        async def check(pick: Pick) -> Verdict:
            return await still_open(client, urls, source=pick.source, key=pick.key, url=pick.url)

        yield check


@dataclass
class RemindReport:
    reminded: list[str] = field(default_factory=list)  # posting keys
    closed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # reminded without knowing


async def remind(
    ctx: AppContext, chat_id: int, send: Send, check: Checker, now: datetime | None = None
) -> RemindReport:
    """Check each due posting and either mark it closed or remind the chat (recorded, so it
    is asked once). A send that fails leaves the posting to the next round."""
    now = now or ctx.now()
    report = RemindReport()
    for item in due(ctx, chat_id, now):
        verdict = await check(item.pick)
        if verdict.closed:
            log.info("chat %s: %s is closed (%s)", chat_id, item.pick.key, verdict.why)
            await marks.mark_closed(ctx, chat_id, item.pick)
            report.closed.append(item.pick.key)
            continue
        await send(chat_id, item, days_since(item, now), verdict)
        await marks.mark_reminded(ctx, chat_id, item.pick)
        report.reminded.append(item.pick.key)
        if verdict.state is Openness.UNKNOWN:
            report.unknown.append(item.pick.key)
    return report
