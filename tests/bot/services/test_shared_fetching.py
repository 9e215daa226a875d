"""Requests to the boards grow with the distinct searches, not with the people who have them:
the real sources against the board fakes (LinkedIn, and a SmartRecruiters board, which asks
once more per job a search wants), one round for everyone due."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.config import Config
from bot.context import AppContext
from bot.services.daily import Daily
from bot.settings import Settings
from bot.store import Store
from bot.store.records import Overrides
from scrapers.options import SearchConfig
from tests.fakes.boards import BoardsFake, Job, make_jobs


def _search(keywords: str) -> SearchConfig:
    return SearchConfig(keywords=keywords, location="Austin, TX", sources=["linkedin"])


SOFTWARE, DATA, ROBOTS, SALES = (
    _search(k) for k in ("software intern", "data intern", "robotics intern", "sales intern")
)
ACME = [
    Job(id=f"sr{i}", title=title, company="Acme")
    for i, title in enumerate(
        ["Software Intern", "Data Intern", "Robotics Intern", "Sales Intern", "Chef", "Driver"]
    )
]


async def _requests(tmp: Path, people: dict[int, list[SearchConfig]]) -> Counter[str]:
    """Every request of one round for these people (each with their own searches)."""
    async with BoardsFake() as fake:
        fake.linkedin = make_jobs("", 4, start_id=4600000000, company="Hooli")
        fake.smartrecruiters["acme"] = ACME
        assert fake.urls is not None
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            jobpicks_db=tmp / "db.json",
            telegram_chat_ids=list(people),
            jobpicks_linkedin_url=fake.urls.linkedin,
            jobpicks_smartrecruiters_url=fake.urls.smartrecruiters,
        )
        config = Config.model_validate(
            {
                "selection": {"min_score": 0},
                "boards": [{"board": "smartrecruiters:acme"}],
                "http": {
                    "linkedin_gap_seconds": 0,
                    "default_gap_seconds": 0,
                    "max_retries": 0,
                    "timeout_seconds": 5,
                },
            }
        )
        ctx = AppContext(settings=settings, config=config, store=Store(tmp / "db.json"))
        for person, searches in people.items():
            own = ctx.for_person(person)
            async with own.store.transaction():
                own.store.set_overrides(Overrides(searches=searches))
            own.refresh()
        done = await Daily(ctx, None).run_then_deliver()
        assert not done.failed and all(o.picks for o in done.outcomes.values())
        return Counter(r.route for r in fake.requests)


async def test_board_requests_grow_with_distinct_searches_not_with_people(tmp_path: Path) -> None:
    one = await _requests(tmp_path / "one", {1: [SOFTWARE, DATA]})
    many = await _requests(tmp_path / "many", {p: [SOFTWARE, DATA] for p in range(1, 9)})
    assert one == many  # eight people with the same two searches: the same requests as one
    assert one["smartrecruiters:acme"] > 0

    more = await _requests(tmp_path / "more", {1: [SOFTWARE, DATA], 2: [ROBOTS, SALES]})
    search = "linkedin.search"
    assert more[search] == 2 * one[search]  # twice the distinct searches: twice the searching
    # The board is read once; the per-job requests follow the jobs some search wants (four of
    # its six now, two before), never the number of people.
    board = sum(n for route, n in more.items() if route.startswith("smartrecruiters"))
    board_one = sum(n for route, n in one.items() if route.startswith("smartrecruiters"))
    assert board == board_one + 2
