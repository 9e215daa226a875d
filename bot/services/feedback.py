"""Feedback services: votes on picks, and profile changes they cause. No Telegram types here."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.context import AppContext
from bot.errors import InputError
from bot.services.marks import votes_from_marks
from bot.services.spend import new_ledger, record_proposal_spend
from bot.store.records import VOTE_REASONS, LearningState, Pick, Vote
from scoring.filters import blocks_company
from scoring.learning import learn
from scoring.llm.client import Caller
from scoring.llm.failures import LLMFailure
from scoring.llm.prompt import Example
from scoring.llm.proposals import Proposal, request_proposal, select_examples
from scoring.models import LearnedWeights
from scoring.profile import Profile
from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)


class FeedbackError(InputError):
    """A vote that cannot be taken (unknown pick, bad reason); the message is for the user."""


class ProposalFailed(JobpicksError):
    """The LLM gave no usable learning proposal; the message is one short line for the user.
    The next vote tries again."""


async def record_vote(
    ctx: AppContext, chat_id: int, pick: Pick, vote: str, reason: str | None = None
) -> Vote:
    """Store (or change) a chat's vote on a pick. A reason keeps the vote's direction."""
    if vote not in ("up", "down"):
        raise FeedbackError(f"unknown vote {vote!r}")
    if reason is not None and reason not in VOTE_REASONS:
        raise FeedbackError(f"unknown reason {reason!r}")
    # What produced the pick (score, scorer, profile version) is what the vote answered.
    shared = pick.model_dump(include=set(Vote.model_fields) - {"chat", "vote", "reason", "at"})
    record = Vote(**shared, chat=chat_id, vote=vote, reason=reason, at=datetime.now(UTC))
    async with ctx.store.transaction():
        ctx.store.record_vote(record)
    return record


def vote_of(ctx: AppContext, chat_id: int, key: str) -> str | None:
    """This chat's vote on a posting ("up" / "down"), or None."""
    vote = ctx.store.vote_for(key, chat_id)
    return vote.vote if vote else None


def is_blocked(profile: Profile, company: str, real_employer: str | None = None) -> bool:
    """Whether the profile's blocked list names this company (the hard filter's rule,
    `scoring.filters.blocks_company`)."""
    return blocks_company(profile.filters, company, real_employer)


async def block_company(ctx: AppContext, company: str) -> Profile:
    """Add a company to the profile's blocked list at once (a new profile version)."""
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        if is_blocked(profile, company):
            return profile
        blocked = [*profile.filters.blocked_companies, company]
        filters = profile.filters.model_copy(update={"blocked_companies": blocked})
        return ctx.store.save_profile(
            profile.model_copy(update={"filters": filters}), f"blocked {company}"
        )


async def unblock_company(ctx: AppContext, company: str) -> Profile | None:
    """Take off the blocked list every entry that blocks this company (a new profile
    version); None when none does."""
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        listed = profile.filters.blocked_companies
        kept = [
            b
            for b in listed
            if not blocks_company(
                profile.filters.model_copy(update={"blocked_companies": [b]}), company
            )
        ]
        if len(kept) == len(listed):
            return None
        filters = profile.filters.model_copy(update={"blocked_companies": kept})
        return ctx.store.save_profile(
            profile.model_copy(update={"filters": filters}), f"unblocked {company[:60]}"
        )


# -- learning ---------------------------------------------------------------------------------
def _votes(ctx: AppContext) -> list[Vote]:
    return ctx.store.votes()


def learned_weights(ctx: AppContext, profile: Profile | None = None) -> LearnedWeights:
    """What the local scorer should add for the current votes (decayed, capped)."""
    profile = profile or ctx.store.current_profile(ctx.config.profile.to_profile())
    # 🔖 saved and ✅ applied count as strong 👍 (saved once, applied twice).
    votes = [*_votes(ctx), *votes_from_marks(ctx)]
    return learn(votes, profile, ctx.config.learning, now=ctx.now())


def scoring_examples(ctx: AppContext) -> list[Example]:
    """3–5 liked, then 3–5 disliked postings (title, company, one-line reason) for the LLM
    scoring prompt's static prefix, as `score_postings(examples=...)` takes them; a kind is
    left out until there are enough votes of it."""
    return select_examples(
        _votes(ctx), VOTE_REASONS, n=ctx.config.learning.examples, learned=learned_weights(ctx)
    )


def proposals(ctx: AppContext) -> list[Proposal]:
    """Stored proposals, oldest first."""
    return ctx.store.proposals()


def pending_proposal(ctx: AppContext) -> Proposal | None:
    pending = [p for p in proposals(ctx) if p.status == "pending"]
    return pending[-1] if pending else None


def _proposal_due(ctx: AppContext) -> bool:
    cfg = ctx.config.learning
    count = len(ctx.store.votes())
    mark = ctx.store.learning_state().votes_at_last_proposal
    return count >= cfg.propose_min_votes and count - mark >= cfg.propose_every


async def after_vote(ctx: AppContext) -> Proposal | None:
    """Call after every recorded vote. After every `propose_every` new votes, once there are
    at least `propose_min_votes`, and only with an LLM configured, ask the LLM for a new
    `learned` section and store it as the pending proposal (an older pending one is
    superseded). Returns the new proposal for the bot to show, else None.

    The call goes through the shared LLM client (its limits, retries and the daily budget)
    and its spend is recorded under "proposal". A failed or unusable answer raises
    `ProposalFailed` with one short line for the user, and the slot is given back, so the
    next vote tries again."""
    client = ctx.llm_client()
    cfg = ctx.config.learning
    if client is None:
        return None
    if not _proposal_due(ctx):
        return None  # the common case: no write, so a tap costs no flush of the database
    async with ctx.store.transaction():  # claim the slot, so two quick taps ask only once
        count = len(ctx.store.votes())
        mark = ctx.store.learning_state().votes_at_last_proposal
        if count < cfg.propose_min_votes or count - mark < cfg.propose_every:
            return None
        ctx.store.set_learning_state(LearningState(votes_at_last_proposal=count))
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    profile = ctx.store.current_profile()
    # The proposal's own ledger and state on the shared client: a run in flight is untouched.
    caller = Caller(ledger=new_ledger(ctx))
    ledger = caller.ledger
    try:
        lines = await request_proposal(
            client,
            caller,
            profile,
            _votes(ctx),
            VOTE_REASONS,
            learned=learned_weights(ctx, profile),
        )
    except Exception as exc:  # the vote is stored already; the next vote asks again
        log.warning("learning proposal failed: %s", type(exc).__name__ + ": " + str(exc)[:200])
        async with ctx.store.transaction():
            record_proposal_spend(ctx, ledger)
            if ctx.store.learning_state().votes_at_last_proposal == count:
                # give the slot back
                ctx.store.set_learning_state(LearningState(votes_at_last_proposal=mark))
        cause = exc.cause if isinstance(exc, LLMFailure) else "no usable answer"
        raise ProposalFailed(
            f"Couldn't draft a profile update from your votes ({cause}); I'll try again "
            "after your next vote."
        ) from None
    async with ctx.store.transaction():
        record_proposal_spend(ctx, ledger)
    if [s.lower() for s in lines] == [s.lower() for s in profile.learned]:
        return None  # nothing new to show
    async with ctx.store.transaction():
        items = proposals(ctx)
        for p in items:
            if p.status == "pending":
                p.status = "superseded"
                ctx.store.save_proposal(p)
        proposal = Proposal(
            id=max((p.id for p in items), default=0) + 1,
            lines=lines,
            base_learned=list(profile.learned),
            base_version=profile.version,
            votes=count,
            created_at=datetime.now(UTC),
            model=client.settings.model,
        )
        ctx.store.save_proposal(proposal)
    return proposal


def _take_pending(ctx: AppContext, proposal_id: int) -> Proposal:
    found = next((p for p in proposals(ctx) if p.id == proposal_id), None)
    if found is None:
        raise FeedbackError(f"there is no proposal #{proposal_id}")
    if found.status != "pending":
        raise FeedbackError(f"proposal #{proposal_id} was already {found.status}")
    return found


async def apply_proposal(ctx: AppContext, proposal_id: int) -> Profile:
    """Make a new profile version whose `learned` section is the proposal's lines. `about`,
    `directives` and `filters` stay as they are now. Refused when the learned section
    changed since the proposal was made (its diff would be a lie)."""
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        proposal = _take_pending(ctx, proposal_id)
        profile = ctx.store.current_profile()
        stale = profile.learned != proposal.base_learned
        proposal.status = "superseded" if stale else "applied"
        ctx.store.save_proposal(proposal)
        if not stale:
            return ctx.store.save_profile(
                profile.model_copy(update={"learned": list(proposal.lines)}),
                f"learned: applied proposal #{proposal_id}",
            )
    # Raised outside the step: a failed step keeps none of its changes, and this one must.
    raise FeedbackError(
        f"proposal #{proposal_id} is out of date: the learned section changed since"
    )


async def reject_proposal(ctx: AppContext, proposal_id: int) -> Proposal:
    """Keep the current profile; the proposal is marked rejected."""
    async with ctx.store.transaction():
        proposal = _take_pending(ctx, proposal_id)
        proposal.status = "rejected"
        ctx.store.save_proposal(proposal)
    return proposal
