"""Makes `v1.json`: a database in the layout before schema versions (commit 19d633a).

Run from a checkout of that commit (it imports that tree's code, not ours):
    git worktree add --detach /tmp/old 19d633a
    cd /tmp/old && python /path/to/tests/bot/store/data/make_v1_db.py /path/to/v1.json
Kept so the fixture can be remade; the migration test reads the committed `v1.json`.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from bot.config import default_config  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.services import chat_state, feedback, settings  # noqa: E402
from bot.services.run import run_daily  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from scoring.llm.proposals import Proposal  # noqa: E402
from scoring.models import Score  # noqa: E402
from scrapers.sources.sample import collect_samples  # noqa: E402


async def main(path: Path) -> None:
    config = default_config()
    config = config.model_copy(
        update={"selection": config.selection.model_copy(update={"min_score": 0})}
    )
    ctx = AppContext(
        settings=Settings(_env_file=None, jobpicks_db=path),  # type: ignore[call-arg]
        config=config,
        store=Store(path),
    )

    async def samples(_ctx: AppContext) -> list:
        return await collect_samples()

    outcome = await run_daily(ctx, collector=samples)
    day = outcome.record.day
    picks = outcome.picks
    assert len(picks) >= 4, len(picks)
    # Delivered to two chats, one pick not yet delivered to the second.
    async with ctx.store.transaction():
        for i, pick in enumerate(picks):
            ctx.store.mark_sent(day, pick.key, 111, 500 + i)
            if i:
                ctx.store.mark_sent(day, pick.key, 222, 900 + i)
    await chat_state.mark_header_sent(ctx, day, 111)
    await chat_state.mark_header_sent(ctx, "2026-01-05", 222)
    await chat_state.set_paused(ctx, 333, True)
    await chat_state.set_unreachable(ctx, 444, "Forbidden: bot was blocked by the user")
    # Votes: up, down with a reason, and a changed vote.
    await feedback.record_vote(ctx, 111, picks[0], "up")
    await feedback.record_vote(ctx, 111, picks[1], "down", "senior")
    await feedback.record_vote(ctx, 222, picks[2], "up")
    await feedback.record_vote(ctx, 222, picks[2], "down", "location")
    # A profile change: block a company (version 2).
    await feedback.block_company(ctx, picks[3].company)
    # /settings overrides.
    await settings.change(ctx, "time", "07:15")
    await settings.change(ctx, "timezone", "Europe/Berlin")
    await settings.change(ctx, "picks", "7")
    await settings.change(ctx, "min_score", "55")
    # Learning: one rejected and one pending proposal, and the vote mark.
    profile = ctx.store.current_profile()
    async with ctx.store.transaction():
        feedback._save_proposals(
            ctx,
            [
                Proposal(
                    id=1,
                    lines=["prefers backend roles"],
                    base_learned=[],
                    base_version=1,
                    votes=2,
                    created_at=datetime(2026, 1, 4, 9, 0, tzinfo=UTC),
                    status="rejected",
                    model="openai/fake",
                ),
                Proposal(
                    id=2,
                    lines=["prefers backend roles", "avoids senior titles"],
                    base_learned=list(profile.learned),
                    base_version=profile.version,
                    votes=4,
                    created_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                    model="openai/fake",
                ),
            ],
        )
        ctx.store.set_meta(feedback._MARK, 4)
        ctx.store.set_meta("doctor_checked_at", "2026-01-05T08:00:00+00:00")
        # An LLM score in the cache, as a run with a model leaves it.
        ctx.store.put_scores(
            [
                (
                    "ck-llm-1",
                    Score(
                        posting_key=picks[0].key,
                        score=81,
                        reason="Backend internship in Python.",
                        summary="Builds data services.",
                        scorer="openai/fake",
                        profile_version=1,
                    ),
                )
            ],
            day,
        )
        # What the old API accepted and the Vote model rejects (a test stored such votes).
        ctx.store.record_vote({"key": "lever:legacy", "chat": 5, "vote": "up"})
    ctx.store.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]).resolve()
    target.unlink(missing_ok=True)
    asyncio.run(main(target))
