"""LLM spend per purpose: stored by runs and proposals, counted in the daily budget, shown in
the run summary and /stats."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from bot.config import default_config
from bot.context import AppContext
from bot.services.spend import new_ledger, record_proposal_spend, spend_by_purpose, spent_today
from bot.services.stats import stats
from bot.services.summary import render_summary
from bot.settings import Settings
from bot.store import Store
from bot.store.records import DaySpend, RunRecord
from bot.telegram.render import stats_message
from scoring.models import Ledger, Spend, spend_from_record


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


PEOPLE = (11, 12, 13)


def _counted(store: Store, day: str, person: int | None = None) -> tuple[float, int]:
    """The day's spend summed from every record of the person (None: of each of `PEOPLE`,
    the only ones who spend here), as it was before the Store kept totals."""
    usd = tokens = 0
    for who in PEOPLE if person is None else (person,):
        runs = store.runs_for(who, day)
        other = [d for d in store.proposal_spend(who, day) if d.day == day]
        for figures in [r.spend for r in runs] + [d.figures for d in other]:
            s = spend_from_record(figures)
            usd, tokens = usd + s.cost_usd, tokens + s.tokens
    return usd, tokens


def _same(a: tuple[float, int], b: tuple[float, int]) -> bool:
    return abs(a[0] - b[0]) < 1e-9 and a[1] == b[1]


async def test_the_days_spend_kept_by_the_store_equals_the_sum_of_its_records(tmp_path: Path):
    ctx = make_ctx(tmp_path)
    db, day = ctx.db, ctx.today()
    people = [ctx.for_person(p) for p in PEOPLE]
    assert db.spent_on(day) == (0.0, 0)

    def check() -> None:
        assert _same(db.spent_on(day), _counted(db, day))
        for p in people:
            assert _same(p.store.spent_on(day), _counted(db, day, p.person))
            assert _same(spent_today(p), _counted(db, day, p.person))

    runs = []
    for i, p in enumerate(people):
        run = RunRecord(day=day, started_at=datetime.now(UTC), status="running",
                        spend=ledger(triage=(1, 100 * (i + 1), 10, 0.001)).as_record())  # fmt: skip
        async with p.store.transaction():
            p.store.save_run(run)
            record_proposal_spend(p, ledger(proposal=(1, 50, 5, 0.0005)))
        runs.append(run)
    check()
    # A run saved again as it goes on (its spend grows), another day, a dry run.
    done = runs[0].model_copy(update={"status": "done", "spend": ledger(
        triage=(2, 400, 20, 0.002), scoring=(1, 900, 90, 0.01)).as_record()})  # fmt: skip
    async with people[0].store.transaction():
        people[0].store.save_run(done)
        people[0].store.save_run(
            RunRecord(day="2020-01-01", started_at=datetime.now(UTC), spend=done.spend)
        )
        people[0].store.save_run(RunRecord(day=day, started_at=datetime.now(UTC),
                                           dry_run=True, spend=done.spend))  # fmt: skip
    check()
    # A step that fails keeps none of its changes, its spend included.
    before = db.spent_on(day)
    try:
        async with people[1].store.transaction():
            record_proposal_spend(people[1], ledger(proposal=(1, 5000, 5, 0.5)))
            raise RuntimeError("the step fails")
    except RuntimeError:
        pass
    assert db.spent_on(day) == before
    check()
    # Another process's write is caught up with; a forgotten person's spend goes with them.
    other = Store(db.path)
    async with other.transaction():
        other.save_proposal_spend(12, DaySpend(day=day, figures=ledger(
            proposal=(3, 3000, 300, 0.03)).as_record()))  # fmt: skip
    check()
    async with db.transaction():
        db.forget_person(13)
    check()
    assert _same(Store(db.path).spent_on(day), _counted(db, day))  # read back from the files
    usd, tokens = db.spent_on(day)
    # 11: the run and the dry run (1,410 each) and a proposal (55); 12: a run (210) and the
    # other process's figures, which replaced their proposal's (3,300); 13 forgotten.
    assert tokens == 1410 * 2 + 55 + 210 + 3300 and round(usd, 6) == 0.0555


async def test_a_ledger_reads_no_run_record(tmp_path: Path, monkeypatch):
    """Each person's run makes a ledger; at 1,000 people reading everyone's runs of the day
    (or a person's every run) for it was O(people²) a morning."""
    ctx = make_ctx(tmp_path)
    async with ctx.store.transaction():
        ctx.store.save_run(RunRecord(day=ctx.today(), started_at=datetime.now(UTC),
                                     spend=ledger(scoring=(1, 10, 1, 0.01)).as_record()))  # fmt: skip

    def never(*_args: object) -> None:
        raise AssertionError("read every run record")

    for name in ("all_runs", "runs_for", "proposal_spend"):
        monkeypatch.setattr(Store, name, never)
    made = new_ledger(ctx)
    assert made.spent_before_tokens == 11 and spent_today(ctx) == (0.01, 11)
