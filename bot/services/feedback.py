"""Feedback services: votes on picks, and profile changes they cause. No Telegram types here."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from bot.context import AppContext
from bot.errors import InputError
from bot.services.marks import votes_from_marks
from bot.services.spend import new_ledger, record_proposal_spend
from bot.store.records import VOTE_REASONS, Pick, Vote
from scoring.features import roles_phrase
from scoring.filters import blocks_company
from scoring.learning import learn
from scoring.llm.client import Caller
from scoring.llm.failures import LLMFailure
from scoring.llm.prompt import Example
from scoring.llm.proposals import Proposal, request_proposal, retry_due, select_examples
from scoring.models import LearnedLine, LearnedWeights
from scoring.profile import Profile
from scrapers.dedup import normalise_company
from scrapers.errors import JobpicksError

log = logging.getLogger(__name__)


class FeedbackError(InputError):
    """A vote that cannot be taken (unknown pick, bad reason); the message is for the user."""


class ProposalFailed(JobpicksError):
    """The LLM gave no usable learning proposal; the message is one short line for the user,
    said once: the next try is after `propose_every` more votes or on a later day."""


# A learned line /profile shows (and numbers, for /profile forget N) weighs at least this
# many score points either way; at most this many are shown, strongest first.
SHOWN_MIN_POINTS = 1.0
SHOWN_LINES = 10


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


async def withdraw_vote(ctx: AppContext, chat_id: int, pick: Pick) -> bool:
    """Take back this chat's vote on a pick (the same vote tapped again): learning no longer
    counts it. False when there was none."""
    async with ctx.store.transaction():
        return ctx.store.remove_vote(pick.key, chat_id)


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


def blocked_like(profile: Profile, name: str) -> list[str]:
    """The blocked-list entries a partial name refers to: every word of `name` begins a word
    of the entry, case and punctuation aside ("hewlett packard" and "HP" both find
    "Hewlett Packard (HP)"). Blocked-list order."""
    words = normalise_company(name).split()
    if not words:
        return []
    found = []
    for entry in profile.filters.blocked_companies:
        have = normalise_company(entry).split()
        if all(any(h.startswith(w) for h in have) for w in words):
            found.append(entry)
    return found


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
    """What the local scorer should add for the current votes (decayed, capped), without
    the lines the person removed."""
    profile = profile or ctx.store.current_profile(ctx.config.profile.to_profile())
    # 🔖 saved and ✅ applied count as strong 👍 (saved once, applied twice).
    votes = [*_votes(ctx), *votes_from_marks(ctx)]
    forgotten = ctx.store.learning_state().forgotten
    return learn(votes, profile, ctx.config.learning, now=ctx.now(), forgotten=forgotten)


def shown_lines(learned: LearnedWeights) -> list[LearnedLine]:
    """The learned lines /profile shows, strongest first, numbered from 1 in that order
    (`/profile forget N`): at most `SHOWN_LINES`, each worth `SHOWN_MIN_POINTS` or more."""
    ids = [line[0] for line in learned.lines(SHOWN_MIN_POINTS)]
    return [learned.features[i] for i in ids[:SHOWN_LINES]]


def phrase(line: LearnedLine) -> str:
    """A learned line in words: "data analysis roles", "roles at a bank"."""
    return roles_phrase(line.group, line.words)


def forgotten_lines(ctx: AppContext) -> dict[str, str]:
    """The learned lines the person removed: id -> its words."""
    return dict(ctx.store.learning_state().forgotten)


async def forget_line(ctx: AppContext, line: LearnedLine) -> str:
    """Remove a learned line: learning leaves that feature out from now on, whatever the
    votes say (`scoring.learning.learn(forgotten=...)`). Returns its words."""
    words = phrase(line)
    async with ctx.store.transaction():
        state = ctx.store.learning_state()
        gone = {**state.forgotten, line.id: words}
        ctx.store.set_learning_state(state.model_copy(update={"forgotten": gone}))
    return words


async def relearn(ctx: AppContext) -> list[str]:
    """Bring back every removed learned line (the votes behind them never left); returns
    their words."""
    async with ctx.store.transaction():
        state = ctx.store.learning_state()
        back = list(state.forgotten.values())
        if back:
            ctx.store.set_learning_state(state.model_copy(update={"forgotten": {}}))
    return back


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


def _proposal_due(ctx: AppContext, count: int) -> bool:
    """Whether `count` votes call for a proposal: every `propose_every` new votes once there
    are `propose_min_votes`; after a failed one, only `retry_due` (more votes, a new day)."""
    cfg = ctx.config.learning
    state = ctx.store.learning_state()
    if count < cfg.propose_min_votes:
        return False
    if state.proposal_failed_on is not None:
        return retry_due(
            votes=count,
            failed_at_votes=state.proposal_failed_at_votes or 0,
            failed_on=state.proposal_failed_on,
            today=ctx.today(),
            every=cfg.propose_every,
        )
    return count - state.votes_at_last_proposal >= cfg.propose_every


def _set_state(ctx: AppContext, **changes: object) -> None:
    """Change some of the learning state (inside a transaction), keeping the rest."""
    state = ctx.store.learning_state()
    ctx.store.set_learning_state(state.model_copy(update=changes))


async def after_vote(ctx: AppContext) -> Proposal | None:
    """Call after every recorded vote. After every `propose_every` new votes, once there are
    at least `propose_min_votes`, and only with an LLM configured, ask the LLM for a new
    `learned` section and store it as the pending proposal (an older pending one is
    superseded). Returns the new proposal for the bot to show, else None.

    The call goes through the shared LLM client (its limits, retries and the daily budget)
    and its spend is recorded under "proposal". A failed or unusable answer raises
    `ProposalFailed` with one short line for the user, once: the failure is recorded, and
    the next try comes only after `propose_every` more votes or on a later day, so the taps
    in between (a 👎's reason, a save) neither call the model nor repeat the warning."""
    client = ctx.llm_client()
    cfg = ctx.config.learning
    if client is None:
        return None
    if not _proposal_due(ctx, len(ctx.store.votes())):
        return None  # the common case: no write, so a tap costs no flush of the database
    async with ctx.store.transaction():  # claim the slot, so two quick taps ask only once
        count = len(ctx.store.votes())
        if not _proposal_due(ctx, count):
            return None
        cleared = {"proposal_failed_at_votes": None, "proposal_failed_on": None}
        _set_state(ctx, votes_at_last_proposal=count, **cleared)
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
    except Exception as exc:  # the vote is stored already; said once, tried again later
        log.warning("learning proposal failed: %s", type(exc).__name__ + ": " + str(exc)[:200])
        async with ctx.store.transaction():
            record_proposal_spend(ctx, ledger)
            _set_state(ctx, proposal_failed_at_votes=count, proposal_failed_on=ctx.today())
        cause = exc.cause if isinstance(exc, LLMFailure) else "no usable answer"
        raise ProposalFailed(
            f"Couldn't draft a profile update from your votes ({cause}); I'll try again "
            f"after {cfg.propose_every} more votes or tomorrow."
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


def _find(ctx: AppContext, proposal_id: int) -> Proposal:
    found = next((p for p in proposals(ctx) if p.id == proposal_id), None)
    if found is None:
        raise FeedbackError(f"there is no proposal #{proposal_id}")
    return found


def _take_pending(ctx: AppContext, proposal_id: int) -> Proposal:
    found = _find(ctx, proposal_id)
    if found.status != "pending":
        raise FeedbackError(f"proposal #{proposal_id} was already {found.status}")
    return found


def _same_lines(a: list[str], b: list[str]) -> bool:
    return [" ".join(x.lower().split()) for x in a] == [" ".join(x.lower().split()) for x in b]


OUT_OF_DATE = (
    "proposal #{id} is out of date: the learned section changed since. "
    "/profile versions lists every version; /profile restore N brings one back"
)


async def apply_proposal(ctx: AppContext, proposal_id: int) -> Profile:
    """Make a new profile version whose `learned` section is the proposal's lines. `about`,
    `directives` and `filters` stay as they are now. Refused when the learned section
    changed since the proposal was made (its diff would be a lie). A proposal applied and
    then undone (the learned section is back to what it was proposed against) is applied
    again: Apply after `/profile undo` is never a dead end."""
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        proposal = _find(ctx, proposal_id)
        profile = ctx.store.current_profile()
        if proposal.status == "applied":
            if _same_lines(profile.learned, proposal.lines):
                raise FeedbackError(
                    f"proposal #{proposal_id} is already applied: it is your learned section now"
                )
            if profile.learned != proposal.base_learned:
                raise FeedbackError(OUT_OF_DATE.format(id=proposal_id))
            return ctx.store.save_profile(
                profile.model_copy(update={"learned": list(proposal.lines)}),
                f"learned: applied proposal #{proposal_id} again",
            )
        proposal = _take_pending(ctx, proposal_id)
        stale = profile.learned != proposal.base_learned
        proposal.status = "superseded" if stale else "applied"
        ctx.store.save_proposal(proposal)
        if not stale:
            return ctx.store.save_profile(
                profile.model_copy(update={"learned": list(proposal.lines)}),
                f"learned: applied proposal #{proposal_id}",
            )
    # Raised outside the step: a failed step keeps none of its changes, and this one must.
    raise FeedbackError(OUT_OF_DATE.format(id=proposal_id))


async def reject_proposal(ctx: AppContext, proposal_id: int) -> Proposal:
    """Keep the current profile; the proposal is marked rejected."""
    async with ctx.store.transaction():
        proposal = _take_pending(ctx, proposal_id)
        proposal.status = "rejected"
        ctx.store.save_proposal(proposal)
    return proposal
