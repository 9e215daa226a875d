"""LLM spend per purpose: stored by runs and proposals, counted in the daily budget, shown in
the run summary and /stats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import default_config
from bot.context import AppContext
from bot.services.spend import record_proposal_spend, spend_by_purpose, spent_today
from bot.services.stats import stats
from bot.services.summary import render_summary
from bot.settings import Settings
from bot.store import Store
from bot.store.records import RunRecord
from bot.telegram.render import stats_message
from scoring.models import Ledger, Spend


def make_ctx(tmp_path: Path) -> AppContext:
    settings = Settings(_env_file=None, jobpicks_db=tmp_path / "db.json")  # type: ignore[call-arg]
    return AppContext(settings=settings, config=default_config(), store=Store(settings.jobpicks_db))


def ledger(**purposes: tuple[int, int, int, float]) -> Ledger:
    out = Ledger()
    for name, (calls, tin, tout, cost) in purposes.items():
        out.record(name, Spend(calls=calls, tokens_in=tin, tokens_out=tout, cost_usd=cost))
    return out


async def test_runs_and_proposals_are_counted_per_purpose_and_in_the_budget(tmp_path: Path):
    ctx = make_ctx(tmp_path)
    day = ctx.today()
    run = RunRecord(
        day=day,
        started_at=datetime.now(UTC),
        status="done",
        spend=ledger(triage=(3, 3000, 90, 0.001), scoring=(4, 5000, 800, 0.004)).as_record(),
    )
    async with ctx.store.transaction():
        ctx.store.save_run(run)
        record_proposal_spend(ctx, ledger(proposal=(1, 900, 60, 0.0005)))
    async with ctx.store.transaction():
        record_proposal_spend(ctx, ledger(proposal=(1, 100, 40, 0.0005)))
    usd, tokens = spent_today(ctx)
    assert round(usd, 6) == 0.006 and tokens == 3090 + 5800 + 960 + 140
    by = spend_by_purpose(ctx, day)
    assert {p: s.calls for p, s in by.items()} == {"triage": 3, "scoring": 4, "proposal": 2}

    text = render_summary(run, scorer="LLM openai/x", timezone="UTC")
    assert "LLM: 7 calls · 8000 tokens in" in text
    assert "  triage: 3 calls · 3000 in (0 cached) · 90 out · $0.0010" in text
    assert "  scoring: 4 calls · 5000 in" in text

    s = stats(ctx, 1)
    assert s.llm_calls_month == 9 and round(s.spend_month_usd, 6) == 0.006
    message = stats_message(s)
    for purpose in ("triage: 3 calls", "scoring: 4 calls", "proposal: 2 calls"):
        assert purpose in message


async def test_a_run_stored_before_the_split_counts_as_scoring(tmp_path: Path):
    ctx = make_ctx(tmp_path)
    old = RunRecord(
        day=ctx.today(),
        started_at=datetime.now(UTC),
        spend={"calls": 5, "tokens_in": 100, "tokens_out": 10, "cached_tokens": 0, "cost_usd": 0.1},
    )
    async with ctx.store.transaction():
        ctx.store.save_run(old)
    assert spend_by_purpose(ctx, ctx.today())["scoring"].calls == 5
    assert spent_today(ctx) == (0.1, 110)
