"""What the LLM cost, across runs and the calls made between them (learning proposals,
onboarding drafts): per person for their budget, /stats and the operator's view, and for
everyone together for the operator's daily total. Runs keep their spend in their run record;
the rest is kept per person and day in the store's spend table."""

from __future__ import annotations

from datetime import datetime

from bot.context import AppContext
from bot.store.records import DaySpend
from scoring.models import PURPOSES, Ledger, Spend, spend_from_record


def _records_since(ctx: AppContext, first_day: str) -> list[dict[str, float]]:
    """The person's spend records from `first_day` on."""
    runs = [r.spend for r in ctx.store.all_runs() if r.day >= first_day and r.spend]
    return runs + [d.figures for d in ctx.store.proposal_spend(first_day)]


def spent_today(ctx: AppContext) -> tuple[float, int]:
    """Dollars and tokens the person spent on the LLM today (runs, dry runs, proposals,
    onboarding): what their own budget counts. A total the Store keeps, not a read of the
    person's runs (every day of them)."""
    return ctx.store.spent_on(ctx.today())


def spent_today_by_everyone(ctx: AppContext) -> tuple[float, int]:
    """Dollars and tokens everyone spent today (the operator's day, in the file's timezone):
    what `[scoring] daily_budget_usd` / `daily_token_budget` limit."""
    day = datetime.now(ctx.file_config.schedule.tz).date().isoformat()
    # The Store's total of the day, not a read of everyone's run records per ledger (each
    # person's run makes one: O(people²) a morning).
    return ctx.db.spent_on(day)


def new_ledger(ctx: AppContext) -> Ledger:
    """A ledger for one of the person's operations: within their own daily budget
    (`AppContext.budget`, none unless set) and within the operator's daily total, whichever
    leaves less — with what today already spent against it."""
    options = ctx.config.scoring
    all_usd, all_tokens = spent_today_by_everyone(ctx)
    own_usd, own_tokens = spent_today(ctx)
    usd = _tighter((options.daily_budget_usd, all_usd), (ctx.budget.usd, own_usd))
    tokens = _tighter((options.daily_token_budget, all_tokens), (ctx.budget.tokens, own_tokens))
    return Ledger(
        usd_limit=usd[0],
        token_limit=int(tokens[0]),
        spent_before_usd=usd[1],
        spent_before_tokens=int(tokens[1]),
    )


def _tighter(*limits: tuple[float, float]) -> tuple[float, float]:
    """Of (limit, spent) pairs (a limit of 0 is none), the one with the least left."""
    set_ = [(limit, spent) for limit, spent in limits if limit > 0]
    if not set_:
        return 0.0, limits[0][1]
    return min(set_, key=lambda ls: ls[0] - ls[1])


def record_proposal_spend(ctx: AppContext, ledger: Ledger) -> None:
    """Add an operation's spend between runs (a proposal's, a rescore's, an onboarding
    draft's) to the person's figures of today, by purpose (call inside a store transaction)."""
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
    """The person's spend per purpose (triage, scoring, proposal, onboarding) from
    `first_day` on. A run stored before spend was split by purpose counts as scoring."""
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


BUDGET_NOTE = "daily LLM budget reached"


def own_budget_named(ctx: AppContext, ledger: Ledger, notes: list[str]) -> list[str]:
    """A run's notes, the budget's one note saying it was the person's own daily allowance
    (JOBPICKS_LLM_TOKENS_PER_DAY) when that, not the operator's total, stopped the LLM."""
    own = ctx.budget.tokens
    if not own or ledger.token_limit != own:
        return notes
    out = []
    for note in notes:
        if note.startswith(BUDGET_NOTE):
            _, _, rest = note.partition("): ")
            note = f"your daily LLM allowance ({own:,} tokens) is used up: {rest}"
        out.append(note)
    return out
