"""/stats: postings seen, picks sent, votes, LLM spend this week and this month."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.context import AppContext
from bot.services.spend import PROPOSAL_SPEND_META, spend_by_purpose
from scoring.models import Spend, spend_from_record


@dataclass(frozen=True)
class Stats:
    postings_seen: int
    runs: int
    picks_sent: int  # to this chat
    up: int
    down: int
    spend_week_usd: float
    spend_month_usd: float
    llm_calls_month: int
    # This month's LLM figures per purpose (triage, scoring, proposal), proposals included.
    llm_month: dict[str, Spend] = field(default_factory=dict)


def stats(ctx: AppContext, chat_id: int) -> Stats:
    store = ctx.store
    today = date.fromisoformat(ctx.today())
    week_start = (today - timedelta(days=today.weekday())).isoformat()  # Monday
    month_start = today.replace(day=1).isoformat()
    week = month = 0.0
    calls = 0
    runs = [r for r in store.all_runs() if not r.dry_run]
    for run in runs:
        cost = float(run.spend.get("cost_usd", 0.0) or 0.0)
        if run.day >= week_start:
            week += cost
        if run.day >= month_start:
            month += cost
            calls += int(run.spend.get("calls", 0) or 0)
    # Learning proposals are paid for too (between runs): count them with the runs.
    for day, rec in (store.get_meta(PROPOSAL_SPEND_META, {}) or {}).items():
        s = spend_from_record(rec)
        if day >= week_start:
            week += s.cost_usd
        if day >= month_start:
            month += s.cost_usd
            calls += s.calls
    votes = [v for v in store.votes() if v.get("chat") == chat_id]
    return Stats(
        postings_seen=store.seen_count(),
        runs=len({r.day for r in runs}),
        picks_sent=store.picks_sent_to(chat_id),
        up=sum(1 for v in votes if v.get("vote") == "up"),
        down=sum(1 for v in votes if v.get("vote") == "down"),
        spend_week_usd=week,
        spend_month_usd=month,
        llm_calls_month=calls,
        llm_month=spend_by_purpose(ctx, month_start),
    )
