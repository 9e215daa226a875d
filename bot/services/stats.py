"""/stats: postings looked at, picks sent, votes, saved and applied, LLM spend, and the week in
series (picks and votes per day, scores of picks and of liked picks) for the chart.

"Looked at" counts what each day's header counts (`summary.looked_at`: new postings and those
carried over, not duplicates or those seen before). Scores are drawn for the scorer in use
only: a local score and an LLM score of the same number do not mean the same, so picks of
another scorer are counted (`other_scorer`), not drawn."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from bot.context import AppContext
from bot.services import marks
from bot.services.spend import spend_by_purpose
from bot.services.summary import looked_at
from scoring.models import Spend, spend_from_record

CHART_DAYS = 7


@dataclass(frozen=True)
class Stats:
    looked_at: int  # over every run day, as each day's header counts them
    runs: int
    picks_sent: int  # to this chat
    up: int
    down: int
    spend_week_usd: float
    spend_month_usd: float
    llm_calls_month: int
    saved: int = 0
    applied: int = 0
    # The last CHART_DAYS days (ISO, oldest first) and, per day, picks sent here and votes.
    days: list[str] = field(default_factory=list)
    picks_per_day: list[int] = field(default_factory=list)
    up_per_day: list[int] = field(default_factory=list)
    down_per_day: list[int] = field(default_factory=list)
    pick_scores: list[int] = field(default_factory=list)  # every pick sent here
    liked_scores: list[int] = field(default_factory=list)  # picks voted 👍 here
    # This month's LLM figures per purpose (triage, scoring, proposal), proposals included.
    llm_month: dict[str, Spend] = field(default_factory=dict)
    scorer: str = "local"  # the scorer in use: "local" or the LLM's model string
    other_scorer: int = 0  # picks sent here that another scorer scored (not drawn)
    llm: bool = False  # an LLM is configured

    @property
    def shows_spend(self) -> bool:
        """Spend is worth a line with an LLM configured, or when one cost money this month."""
        return self.llm or self.spend_month_usd > 0 or self.llm_calls_month > 0


def _local_day(ctx: AppContext, at: datetime) -> str:
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(ctx.config.schedule.tz).date().isoformat()


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
    for day_spend in store.proposal_spend(min(month_start, week_start)):
        s = spend_from_record(day_spend.figures)
        if day_spend.day >= week_start:
            week += s.cost_usd
        if day_spend.day >= month_start:
            month += s.cost_usd
            calls += s.calls
    votes = store.votes(chat_id)
    days = [(today - timedelta(days=n)).isoformat() for n in range(CHART_DAYS - 1, -1, -1)]
    index = {d: i for i, d in enumerate(days)}
    picks_per_day, up_per_day, down_per_day = ([0] * len(days) for _ in range(3))
    every_pick = [p for day in sorted({r.day for r in runs}) for p in store.picks_for(day)]
    sent_picks = [p for p in every_pick if str(chat_id) in p.sent]
    for pick in sent_picks:
        if pick.day in index:
            picks_per_day[index[pick.day]] += 1
    liked_keys = set()
    for v in votes:
        day = _local_day(ctx, v.at)
        if v.vote == "up":
            liked_keys.add(v.key)
        if day in index:
            (up_per_day if v.vote == "up" else down_per_day)[index[day]] += 1
    own = marks.all_marks(ctx, chat_id)
    llm = ctx.llm()
    scorer = llm.model if llm else "local"
    drawn = [p for p in sent_picks if p.scorer == scorer]
    finished = [r for r in runs if r.status == "done"]
    return Stats(
        looked_at=sum(looked_at(r) for r in finished),
        runs=len({r.day for r in finished}),
        picks_sent=store.picks_sent_to(chat_id),
        up=sum(1 for v in votes if v.vote == "up"),
        down=sum(1 for v in votes if v.vote == "down"),
        spend_week_usd=week,
        spend_month_usd=month,
        llm_calls_month=calls,
        saved=sum(1 for m in own if m.kind == marks.SAVED),
        applied=sum(1 for m in own if m.kind == marks.APPLIED),
        days=days,
        picks_per_day=picks_per_day,
        up_per_day=up_per_day,
        down_per_day=down_per_day,
        pick_scores=[p.score for p in drawn],
        liked_scores=[p.score for p in drawn if p.key in liked_keys],
        llm_month=spend_by_purpose(ctx, month_start),
        scorer=scorer,
        other_scorer=len(sent_picks) - len(drawn),
        llm=llm is not None,
    )
