"""Makes `v3.json` with its `.journal`, `.seen` and `.scores`: a single-profile database in
layout 3 (the last jobpicks before people: main at 26d5c1f, with the application pipeline,
notes, reminders, pauses until a day, rescoring and learning's bot side), as a bot serving
two chats leaves it after a few days: one profile with two versions, picks delivered to both
chats (one dropped by a rescore), the day's picked postings, votes and marks from both (the
pipeline's later stages, a reminder, a closed posting), notes from both, the settings and
searches changed in the chat (days, weekly day, compact view), a learning proposal and
learning state, proposal spend, a paid-for score, and the delivery state of five chats.

Run from a tree of that commit (it imports that tree's code, not ours), e.g.
    mkdir /tmp/old && git archive 26d5c1f | tar -x -C /tmp/old
    cd /tmp/old && python /path/to/tests/bot/store/data/make_v3_db.py /path/to/v3.json
Kept so the fixture can be remade; the migration test reads the committed files.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, date, datetime
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))

from bot.config import default_config  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.services import chat_state, feedback, marks, preferences, searches, settings  # noqa: E402
from bot.services.run import run_daily  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.records import SCHEMA_VERSION, DaySpend, LearningState  # noqa: E402
from scoring.llm.proposals import Proposal  # noqa: E402
from scoring.models import Score  # noqa: E402
from scrapers.sources.sample import collect_samples  # noqa: E402

OWNER, OTHER = 111, 222


async def main(path: Path) -> None:
    assert SCHEMA_VERSION == 3, SCHEMA_VERSION
    config = default_config()
    config = config.model_copy(
        update={"selection": config.selection.model_copy(update={"min_score": 0})}
    )
    ctx = AppContext(
        settings=Settings(_env_file=None, jobpicks_db=path, telegram_chat_ids=[OWNER, OTHER]),  # type: ignore[call-arg]
        config=config,
        store=Store(path),
    )

    async def samples(_ctx: AppContext, _on_source: object = None) -> list:
        return await collect_samples()

    outcome = await run_daily(ctx, collector=samples)
    day = outcome.record.day
    picks = outcome.picks
    assert len(picks) >= 4 and ctx.store.pool(), (len(picks), len(ctx.store.pool()))
    for i, pick in enumerate(picks):  # each pick sent as the courier records it: one step each
        async with ctx.store.transaction():
            ctx.store.mark_sent(day, pick.key, OWNER, 500 + i)
    for i, pick in enumerate(picks[1:], start=1):
        async with ctx.store.transaction():
            ctx.store.mark_sent(day, pick.key, OTHER, 900 + i)
    await chat_state.mark_header_sent(ctx, day, OWNER)
    await chat_state.mark_header_sent(ctx, day, OTHER)
    await chat_state.set_paused(ctx, 333, True)
    await chat_state.set_paused(ctx, 555, True, until=date(2026, 2, 2))
    await chat_state.set_unreachable(ctx, 444, "Forbidden: bot was blocked by the user")
    await chat_state.mark_failed(ctx, day, OTHER, picks[0].key, "Bad Request: message is too long")
    await chat_state.mark_notice_sent(ctx, "2026-01-04", OWNER)
    await feedback.record_vote(ctx, OWNER, picks[0], "up")
    await feedback.record_vote(ctx, OWNER, picks[1], "down", "senior")
    await feedback.record_vote(ctx, OTHER, picks[2], "up")
    await feedback.record_vote(ctx, OTHER, picks[2], "down", "location")  # changed: one vote
    await marks.toggle(ctx, OWNER, picks[0], "saved")
    await marks.toggle(ctx, OWNER, picks[0], "applied")
    await marks.toggle(ctx, OTHER, picks[1], "saved")
    await marks.toggle(ctx, OTHER, picks[3], "applied")
    await marks.toggle(ctx, OWNER, picks[0], "interviewing")
    await marks.mark_reminded(ctx, OTHER, picks[1])
    await marks.toggle(ctx, OWNER, picks[2], "saved")
    await marks.mark_closed(ctx, OWNER, picks[2])
    await marks.set_note(ctx, OWNER, picks[0], "asked Sam there about the team")
    await marks.set_note(ctx, OTHER, picks[1], "deadline Friday")
    await feedback.block_company(ctx, picks[3].company)  # profile version 2
    await settings.change(ctx, "time", "07:15")
    await settings.change(ctx, "timezone", "Europe/Berlin")
    await settings.change(ctx, "picks", "7")
    await preferences.set_weekly(ctx, OWNER, False)
    await settings.change(ctx, "days", "mon wed fri")
    await settings.change(ctx, "weekly", "friday")
    await settings.change(ctx, "weekly", "off")  # the day stays set
    await settings.change(ctx, "view", "compact")
    await searches.add(ctx, "data engineer intern @ Berlin")
    async with ctx.store.transaction():
        ctx.store.save_proposal(
            Proposal(
                id=1,
                lines=["prefers backend roles"],
                base_learned=[],
                base_version=1,
                votes=4,
                created_at=datetime(2026, 1, 5, 9, 0, tzinfo=UTC),
                model="openai/fake",
            )
        )
        ctx.store.set_learning_state(
            LearningState(
                votes_at_last_proposal=4,
                proposal_failed_at_votes=6,
                proposal_failed_on=day,
                forgotten={"w:backend": "backend"},
                rescore_mark=datetime(2026, 1, 5, 10, 0, tzinfo=UTC),
            )
        )
        # A rescore took the last pick out of the day (its buttons still work where sent).
        last = picks[-1].model_copy(update={"dropped": "no longer among today's best"})
        ctx.store.save_picks([last])
        ctx.store.save_proposal_spend(
            DaySpend(day=day, figures={"proposal.calls": 1, "proposal.cost_usd": 0.0012})
        )
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
    ctx.store.close()


if __name__ == "__main__":
    target = Path(sys.argv[1]).resolve()
    for suffix in ("", ".journal", ".seen", ".scores"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    asyncio.run(main(target))
