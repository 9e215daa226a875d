"""What the LLM cost, across runs and learning proposals: for the daily budget, the run
summary and /stats. Runs keep their spend in their run record; proposals (made between runs,
by the bot) keep theirs per day in the store's spend table."""

from __future__ import annotations

from bot.context import AppContext
from bot.store.records import DaySpend
from scoring.models import PURPOSES, Ledger, Spend, spend_from_record


def _records_since(ctx: AppContext, first_day: str) -> list[dict[str, float]]:
    runs = [r.spend for r in ctx.store.all_runs() if r.day >= first_day and r.spend]
    return runs + [d.figures for d in ctx.store.proposal_spend(first_day)]


def spent_today(ctx: AppContext) -> tuple[float, int]:
    """Dollars and tokens spent on the LLM today (runs, dry runs and proposals): what the
    daily budget counts."""
    today = ctx.today()
    usd, tokens = 0.0, 0
    for rec in _records_since(ctx, today):
        s = spend_from_record(rec)
        usd += s.cost_usd
        tokens += s.tokens
    return usd, tokens


def new_ledger(ctx: AppContext) -> Ledger:
    """A ledger for one operation, with today's budget and what today already spent."""
    usd, tokens = spent_today(ctx)
    options = ctx.config.scoring
    return Ledger(
        usd_limit=options.daily_budget_usd,
        token_limit=options.daily_token_budget,
        spent_before_usd=usd,
        spent_before_tokens=tokens,
    )


def record_proposal_spend(ctx: AppContext, ledger: Ledger) -> None:
    """Add a proposal's (or a rescore's: any spend between runs) spend to today's figures,
    by purpose (call inside a store transaction)."""
    if not ledger.by_purpose:
        return
    today = ctx.today()
    before = next((d.figures for d in ctx.store.proposal_spend(today) if d.day == today), {})
    merged = Ledger()
    for purpose in PURPOSES:
        old = spend_from_record(before, purpose)
        if old.calls:
            merged.record(purpose, old)
    for purpose, spend in ledger.by_purpose.items():
        merged.record(purpose, spend)
    ctx.store.save_proposal_spend(DaySpend(day=today, figures=merged.as_record()))


def spend_by_purpose(ctx: AppContext, first_day: str) -> dict[str, Spend]:
    """Spend per purpose (triage, scoring, proposal) from `first_day` on. A run stored before
    spend was split by purpose counts as scoring."""
    out: dict[str, Spend] = {}
    for rec in _records_since(ctx, first_day):
        split = False
        for purpose in PURPOSES:
            s = spend_from_record(rec, purpose)
            if s.calls or s.tokens:
                out.setdefault(purpose, Spend()).add(s)
                split = True
        if not split:
            total = spend_from_record(rec)
            if total.calls:
                out.setdefault("scoring", Spend()).add(total)
    return out
