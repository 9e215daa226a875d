"""/stats counts what the header counts, says nothing of LLM spend without an LLM, and never
draws two scorers' scores on one axis (issue 22, defect 9)."""

from __future__ import annotations

from bot.services import stats
from bot.services.summary import looked_at
from bot.settings import Settings
from bot.store.records import RunCounts, SeenPosting
from bot.telegram import render
from tests.bot.services.support import CHAT, make_ctx, pick, run_record


async def _day(ctx, picks, counts: RunCounts, spend: dict | None = None):  # type: ignore[no-untyped-def]
    record = run_record(ctx.today())
    record.counts = counts
    record.spend = spend or {}
    await ctx.store.ensure_profile(ctx.config.profile.to_profile())
    async with ctx.store.transaction():
        ctx.store.save_picks(picks)
        ctx.store.save_run(record)
        for p in picks:
            ctx.store.mark_sent(p.day, p.key, CHAT, 1)
        # the seen log also keeps every copy's id: it is not what the header counts
        ctx.store.add_seen(SeenPosting(key=f"k{i}", day=record.day) for i in range(50))
    return record


async def test_looked_at_agrees_with_the_header_and_no_llm_means_no_spend_line(tmp_path):
    ctx = make_ctx(tmp_path)
    counts = RunCounts(collected=70, duplicates=21, new=49, filtered=10, scored=39, picked=2)
    day = ctx.today()
    record = await _day(ctx, [pick(1, 80, day=day), pick(2, 70, day=day)], counts)
    s = stats.stats(ctx, CHAT)
    assert s.looked_at == looked_at(record) == 49 and ctx.store.seen_count() == 50
    text = render.stats_message(s)
    assert "Postings looked at: 49 over 1 run day" in text
    assert f"Looked at {s.looked_at} postings" in render.header_message(day, record, 2)
    assert "LLM spend" not in text and "$0.0000" not in text


async def test_only_the_scorer_in_use_is_drawn_and_spend_shows_with_an_llm(tmp_path):
    ctx = make_ctx(tmp_path)
    ctx.settings = Settings(**(ctx.settings.model_dump() | {"llm_model": "openai/fake"}))
    day = ctx.today()
    by_llm = [pick(1, 90, day=day), pick(2, 75, day=day)]
    for p in by_llm:
        p.scorer = "openai/fake"
    local = pick(3, 88, day=day)  # the budget ran out: the local score stood in
    spend = {"calls": 2.0, "cost_usd": 0.0123, "tokens_in": 900.0}
    await _day(ctx, [*by_llm, local], RunCounts(collected=3, new=3, scored=3, picked=3), spend)
    s = stats.stats(ctx, CHAT)
    assert sorted(s.pick_scores) == [75, 90] and s.other_scorer == 1
    text = render.stats_message(s)
    assert "Scores drawn: LLM openai/fake (1 picks by another scorer not drawn)" in text
    assert "LLM spend: $0.0123 this week" in text
