"""/stats: postings seen, picks sent, votes, LLM spend this week and this month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from bot.context import AppContext


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
    votes = store.votes(chat_id)
    return Stats(
        postings_seen=store.seen_count(),
        runs=len({r.day for r in runs}),
        picks_sent=store.picks_sent_to(chat_id),
        up=sum(1 for v in votes if v.vote == "up"),
        down=sum(1 for v in votes if v.vote == "down"),
        spend_week_usd=week,
        spend_month_usd=month,
        llm_calls_month=calls,
    )
