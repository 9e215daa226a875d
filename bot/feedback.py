"""Feedback services: votes on picks, and profile changes they cause. No Telegram types here."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import AppContext
from bot.models import VOTE_REASONS, Pick, Vote
from scoring.profile import Profile
from scrapers.dedup import normalise_company


class FeedbackError(ValueError):
    """A vote that cannot be taken (unknown pick, bad reason); the message is for the user."""


async def record_vote(
    ctx: AppContext, chat_id: int, pick: Pick, vote: str, reason: str | None = None
) -> Vote:
    """Store (or change) a chat's vote on a pick. A reason keeps the vote's direction."""
    if vote not in ("up", "down"):
        raise FeedbackError(f"unknown vote {vote!r}")
    if reason is not None and reason not in VOTE_REASONS:
        raise FeedbackError(f"unknown reason {reason!r}")
    record = Vote(
        key=pick.key,
        chat=chat_id,
        vote=vote,
        reason=reason,
        day=pick.day,
        score=pick.score,
        scorer=pick.scorer,
        profile_version=pick.profile_version,
        title=pick.title,
        company=pick.company,
        location=pick.location,
        summary=pick.summary,
        source=pick.source,
        at=datetime.now(UTC),
    )
    async with ctx.store.transaction():
        ctx.store.record_vote(record.model_dump(mode="json"))
    return record


async def block_company(ctx: AppContext, company: str) -> Profile:
    """Add a company to the profile's blocked list at once (a new profile version)."""
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        blocked = profile.filters.blocked_companies
        if any(normalise_company(b) == normalise_company(company) for b in blocked):
            return profile
        filters = profile.filters.model_copy(update={"blocked_companies": [*blocked, company]})
        return ctx.store.save_profile(
            profile.model_copy(update={"filters": filters}), f"blocked {company}"
        )
