from datetime import UTC, datetime, timedelta

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.services.run import POOL_DAYS, profile_cache_key, run_daily
from bot.settings import load_settings
from bot.store import Store
from bot.store.records import PoolEntry
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult, SourceState
from scrapers.sources.sample import collect_samples, load_samples


@pytest.fixture
def ctx(isolated_env) -> AppContext:
    return AppContext(
        settings=load_settings(), config=default_config(), store=Store(isolated_env / "db.json")
    )


class Counting:
    """A collector that counts its calls and returns fixed results."""

    def __init__(self, results: list[SourceResult]) -> None:
        self.results = results
        self.calls = 0

    async def __call__(self, _ctx: AppContext, _on_source: object = None) -> list[SourceResult]:
        self.calls += 1
        return [r.model_copy(deep=True) for r in self.results]


async def test_run_picks_stores_and_is_idempotent_per_day(ctx):
    collector = Counting(await collect_samples())
    first = await run_daily(ctx, collector=collector)
    assert first.record.status == "done" and not first.already_ran
    c = first.record.counts
    assert c.collected == 53 and c.duplicates == 3 and c.new == 50 and c.filtered > 0
    assert 0 < c.picked <= ctx.config.selection.max_picks
    # Best first; the day's exploration picks (a kind not voted on yet) come last.
    explored = [p for p in first.picks if p.explore]
    assert explored and first.picks[-len(explored) :] == explored
    scores = [p.score for p in first.picks if not p.explore]
    assert scores == sorted(scores, reverse=True)
    assert all(p.score >= ctx.config.selection.min_score for p in first.picks)
    companies = [p.company for p in first.picks]
    assert max(companies.count(x) for x in companies) <= ctx.config.selection.per_company
    assert ctx.store.picks_for(ctx.today()) == first.picks
    # The pool is everyone's: picked postings stay in it for others, never to be picked again
    # for this person (the forced rerun below).
    assert {p.key for p in first.picks} <= {e.key for e in ctx.store.pool()}

    second = await run_daily(ctx, collector=collector)
    assert second.already_ran and collector.calls == 1  # nothing collected or scored again
    assert second.picks == first.picks
    assert len(ctx.store.picks_for(ctx.today())) == len(first.picks)


async def test_forced_rerun_finds_everything_seen_and_repeats_no_pick(ctx):
    collector = Counting(await collect_samples())
    first = await run_daily(ctx, collector=collector)
    again = await run_daily(ctx, collector=collector, force=True)
    assert again.record.counts.new == 0 and again.record.counts.seen == 50
    assert not {p.key for p in again.picks} & {p.key for p in first.picks}


async def test_dry_run_stores_nothing(ctx, isolated_env):
    outcome = await run_daily(ctx, collector=Counting(await collect_samples()), dry_run=True)
    assert outcome.picks and outcome.record.dry_run
    assert not (isolated_env / "db.json").exists()
    assert ctx.store.picks_for(ctx.today()) == []


async def test_every_source_failing_is_loud_and_picks_nothing(ctx):
    failed = [
        SourceResult(
            source="linkedin", state=SourceState.BLOCKED, reason="HTTP 429 after 3 retries"
        ),
        SourceResult(source="indeed", state=SourceState.FAILED, reason="timeout"),
    ]
    collector = Counting(failed)
    outcome = await run_daily(ctx, collector=collector)
    assert outcome.all_sources_failed and outcome.picks == []
    assert [r.status for r in ctx.store.runs_for(ctx.today())] == ["all-sources-failed"]
    # Not a finished day: the next run tries the sources again.
    assert ctx.store.finished_run(ctx.today()) is None
    await run_daily(ctx, collector=collector)
    assert collector.calls == 2


async def test_one_failing_source_does_not_stop_the_others(ctx):
    results = await collect_samples()
    results.append(SourceResult(source="indeed", state=SourceState.FAILED, reason="layout changed"))
    outcome = await run_daily(ctx, collector=Counting(results))
    assert outcome.record.status == "done" and outcome.picks
    assert [s.state for s in outcome.record.sources if s.source == "indeed"] == ["failed"]
    # Stored for the person: only what went wrong (how each fetch went is the fetch log's).
    stored = ctx.store.finished_run(ctx.today())
    assert [s.source for s in stored.sources] == ["indeed"] and len(outcome.record.sources) > 1
    assert {r.state for r in ctx.db.fetch_log()} == {"ok"}  # the samples came too


async def test_hard_filters_veto_before_scoring(ctx):
    outcome = await run_daily(ctx, collector=Counting(await collect_samples()))
    titles = " ".join(p.title.lower() for p in outcome.picks)
    assert "senior" not in titles and "staff" not in titles
    assert outcome.record.filtered_reasons.get("title word 'senior'") == 2


async def test_pool_keeps_unpicked_candidates_for_a_few_days(ctx):
    now = datetime.now(UTC)
    postings = [
        Posting(
            source="lever",
            source_id=f"p{i}",
            url=f"https://jobs.lever.co/x/p{i}",
            title=f"Machine Learning Intern {i}",
            company=f"Co {i}",
            location="Remote - US",
            remote=True,
            employment_type="internship",
            posted_at=now,
            description="Python, PyTorch, machine learning, recommender systems.",
        )
        for i in range(15)
    ]
    await run_daily(ctx, collector=Counting([SourceResult(source="lever", postings=postings)]))
    pool = ctx.store.pool()
    assert len(pool) == 15  # everyone's candidates: the picked ones are this person's only
    assert all(e.day == ctx.today() for e in pool)

    # Tomorrow nothing new arrives: the leftovers are candidates again and can be picked.
    yesterday = (datetime.fromisoformat(ctx.today()) - timedelta(days=1)).date().isoformat()
    stale = [e.model_copy(update={"day": yesterday}) for e in pool]
    async with ctx.store.transaction():
        ctx.store.set_pool(stale)
    rerun = await run_daily(
        ctx, collector=Counting([SourceResult(source="lever", postings=postings)]), force=True
    )
    assert rerun.record.counts.retried == 5 and len(rerun.picks) == 5

    # After POOL_DAYS a candidate expires and its description is gone.
    old = (datetime.fromisoformat(ctx.today()) - timedelta(days=POOL_DAYS)).date().isoformat()
    async with ctx.store.transaction():
        ctx.store.set_pool([PoolEntry(key=p.key, day=old, posting=p) for p in postings[:3]])
    await run_daily(ctx, collector=Counting([]), force=True)
    assert ctx.store.pool() == []


async def test_today_is_the_configured_timezone_not_utc(ctx):
    ctx.config.schedule.timezone = "Pacific/Kiritimati"  # UTC+14: usually a different date than UTC
    assert ctx.today() == datetime.now(UTC).astimezone(ctx.config.schedule.tz).date().isoformat()


def test_samples_are_recent():
    now = datetime.now(UTC)
    assert all(now - timedelta(days=4) < p.posted_at <= now for p in load_samples(now))


async def test_a_job_met_on_two_boards_is_not_new_when_only_the_other_board_lists_it_later(ctx):
    def job(source: str, sid: str, company: str, description: str) -> Posting:
        return Posting(
            source=source,
            source_id=sid,
            url=f"https://example.test/{source}/{sid}",
            title="Machine Learning Intern",
            company=company,
            location="Austin, TX",
            description=description,
        )

    lever = job("lever", "g1", "Globex", "Globex builds forecasting models in PyTorch.")
    linkedin = job(
        "linkedin", "4200000001", "Globex, Inc.", "Join Globex! Our ML team ships models."
    )
    first = await run_daily(
        ctx,
        collector=Counting(
            [
                SourceResult(source="lever", postings=[lever]),
                SourceResult(source="linkedin", postings=[linkedin]),
            ]
        ),
    )
    assert first.record.counts.new == 1 and first.record.counts.duplicates == 1
    # The next run only LinkedIn lists it, with its own (different) description.
    later = await run_daily(
        ctx, collector=Counting([SourceResult(source="linkedin", postings=[linkedin])]), force=True
    )
    assert later.record.counts.new == 0 and later.record.counts.seen == 1


async def test_a_crash_while_storing_leaves_no_half_finished_day(ctx, monkeypatch):
    collector = Counting(await collect_samples())

    def crash(_record):
        raise RuntimeError("killed while storing")

    monkeypatch.setattr(ctx.store, "save_run", crash)
    with pytest.raises(RuntimeError):
        await run_daily(ctx, collector=collector)
    monkeypatch.undo()
    # The step that failed stored nothing of it: no picks without a finished run.
    assert ctx.store.picks_for(ctx.today()) == [] and ctx.store.finished_run(ctx.today()) is None
    rerun = await run_daily(ctx, collector=collector)
    # The round before the crash kept what it collected: the rerun finds it in the pool.
    counts = rerun.record.counts
    assert (counts.new, counts.retried) == (0, 50) and collector.calls == 1
    assert len(rerun.picks) == len(ctx.store.picks_for(ctx.today())) > 0


async def test_a_vetoed_posting_never_reaches_the_llm_and_no_cached_verdict_brings_it_back(
    isolated_env,
):
    from scoring.llm.cache import cache_key
    from scoring.models import Score
    from tests.fakes.llm import FakeLLM

    def posting(company: str) -> Posting:
        return Posting(
            source="board",
            source_id=company,
            url=f"https://jobs.example.com/{company}",
            title="Machine Learning Intern",
            company=company,
            location="Austin, TX",
            posted_at=datetime.now(UTC),
            description="Ranking models in PyTorch.",
        )

    blocked, fine = posting("Streamly"), posting("Acme")
    board = Counting([SourceResult(source="board", postings=[blocked, fine])])
    async with FakeLLM() as llm:
        settings = load_settings(llm_model="openai/fake", llm_api_base=llm.base, llm_api_key="x")
        config = default_config()
        config.profile.filters.blocked_companies = ["streamly inc"]
        ctx = AppContext(settings=settings, config=config, store=Store(isolated_env / "db.json"))
        profile = await ctx.store.ensure_profile(config.profile.to_profile())
        version = profile.version
        paid = Score(posting_key=blocked.key, score=99, reason="r", summary="s",
                     scorer="openai/fake", profile_version=version)  # fmt: skip
        key = profile_cache_key(profile) + "|" + cache_key(blocked, version, "openai/fake")
        async with ctx.store.transaction():
            ctx.store.put_scores([(key, paid)], "")
        outcome = await run_daily(ctx, collector=board)
    assert llm.calls >= 1 and not any("Streamly" in str(r) for r in llm.requests)
    assert [p.company for p in outcome.picks] == ["Acme"]
    assert outcome.record.filtered_reasons == {"blocked company": 1}


async def test_a_refused_key_the_llm_echoes_stops_the_run_and_is_never_in_its_summary(ctx, caplog):
    from pydantic import SecretStr

    from bot.services.summary import render_summary
    from tests.fakes.llm import FakeLLM, status

    key = "sk-proj-Zq8xR2mN5vL0tY7wK3pH6jD9fB1cS4gA"
    async with FakeLLM() as llm:
        llm.responder = lambda body: status(401, echo_key=True)
        ctx.settings = ctx.settings.model_copy(
            update={
                "llm_model": "openai/fake",
                "llm_api_base": llm.base,
                "llm_api_key": SecretStr(key),
            }
        )
        outcome = await run_daily(ctx, collector=Counting(await collect_samples()))
    assert llm.calls == 1  # the first refusal stopped the run's calls
    record = outcome.record
    assert record.unscored_reasons == {"key refused": record.counts.unscored}
    summary = render_summary(record, scorer="LLM openai/fake", timezone="UTC")
    assert "key refused" in summary and "LLM stopped for this run" in summary
    assert key not in summary + caplog.text and "<redacted>" in summary
