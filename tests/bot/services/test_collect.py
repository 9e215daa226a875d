"""The run split, without sockets: one shared collection round for the people due (each
distinct search fetched once, boards filtered by everyone's searches, each search looking back
to its own last good fetch), then each person's candidates and run from the shared pool."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.config import Config
from bot.context import AppContext
from bot.services.collect import (
    Asked,
    Collection,
    candidates,
    fetches_of,
    search_key,
    window_hours,
)
from bot.services.daily import Daily
from bot.services.run import profile_cache_key
from bot.settings import Settings
from bot.store import Store
from bot.store.records import FetchRecord, Overrides
from scoring.profile import Profile
from scrapers.options import SearchConfig
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult, search_label
from scrapers.sources.boards_spec import parse_board
from scrapers.sources.match import filter_board

ANA, BEN, CAL = 101, 202, 303
PYTHON = SearchConfig(keywords="python intern", location="Austin, TX", sources=["linkedin"])
NURSE = SearchConfig(keywords="nurse", location="Austin, TX", sources=["linkedin"])
BOARD = "greenhouse:acme"


def _posting(source: str, sid: str, title: str, about: str) -> Posting:
    return Posting(
        source=source,
        source_id=sid,
        url=f"https://jobs.example.com/{source}/{sid}",
        title=title,
        company=f"Company {sid}",
        location="Austin, TX",
        posted_at=datetime.now(UTC) - timedelta(hours=2),
        description=about,
    )


# What each search finds, by its keywords; what the board lists.
FOUND = {
    "python intern": [
        _posting("linkedin", f"py{i}", f"Python Intern {i}", "Python backend services.")
        for i in range(3)
    ],
    "nurse": [
        _posting("linkedin", f"rn{i}", f"Nurse {i}", "Registered nurse, hospital ward.")
        for i in range(3)
    ],
}
LISTED = [
    _posting("greenhouse", "g1", "Python Intern (Platform)", "Python platform team."),
    _posting("greenhouse", "g2", "Nurse Practitioner", "Clinic nurse."),
    _posting("greenhouse", "g3", "Sales Manager", "Quota."),
]


class Boards:
    """A collector that answers like the configured one: one result per search asked (named
    by its label), one per board (its postings filtered by every search of the round, as a
    board does); it records what it was asked."""

    def __init__(self) -> None:
        self.asked: list[Asked] = []

    @property
    def calls(self) -> int:
        return len(self.asked)

    def searched(self, n: int = -1) -> list[tuple[str, int]]:
        """(keywords, hours looked back) of each search a round asked of a source."""
        return [
            (s.keywords, s.posted_within_hours) for s in self.asked[n].config.searches if s.sources
        ]

    async def __call__(self, asked: Asked, _on_source: object = None) -> list[SourceResult]:
        self.asked.append(asked)
        out = []
        for s in asked.config.searches:
            for source in s.sources:
                postings = [p.model_copy() for p in FOUND.get(s.keywords, [])]
                out.append(SourceResult(source=search_label(source, s), postings=postings))
        for b in asked.config.boards:
            kept = filter_board([p.model_copy() for p in LISTED], asked.config.searches)
            out.append(SourceResult(source=parse_board(b.board).label, postings=kept))
        return out


def make_ctx(tmp_path: Path, people: list[int], **file: object) -> AppContext:
    config = Config.model_validate(
        {
            "profile": {"about": "Anyone."},
            "schedule": {"time": "08:00", "timezone": "UTC"},
            "selection": {"min_score": 0, "max_picks": 10, "per_company": 10},
            "searches": [PYTHON.model_dump()],
            **file,
        }
    )
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        jobpicks_db=tmp_path / "db.json",
        telegram_chat_ids=people,
    )
    return AppContext(settings=settings, config=config, store=Store(tmp_path / "db.json"))


async def searching(ctx: AppContext, person: int, *searches: SearchConfig) -> AppContext:
    """The person's own searches (as /searches stores them)."""
    own = ctx.for_person(person)
    async with own.store.transaction():
        own.store.set_overrides(Overrides(searches=list(searches)))
    own.refresh()
    return own


async def test_a_search_two_people_have_is_fetched_once_for_both(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA, BEN])
    await searching(ctx, BEN, PYTHON, NURSE)  # Ana has the file's: python only
    boards = Boards()
    done = await Daily(ctx, None, collector=boards).run_then_deliver()
    assert boards.calls == 1 and sorted(boards.searched()) == [("nurse", 24), ("python intern", 24)]
    ana, ben = (done.outcomes[p] for p in (ANA, BEN))
    assert {p.title[:6] for p in ana.picks} == {"Python"}
    assert {p.title[:5] for p in ben.picks} == {"Pytho", "Nurse"}
    assert ana.record.counts.new == 3 and ben.record.counts.new == 6

    # Later that day a third person with the same search: nothing is fetched again, and the
    # pool has their candidates.
    ctx.settings.telegram_chat_ids.append(CAL)
    cal = await Daily(ctx, None, collector=boards).run_then_deliver([CAL])
    assert boards.calls == 1
    assert sorted(p.key for p in cal.outcome.picks) == sorted(p.key for p in ana.picks)
    log = {r.key: r for r in ctx.db.fetch_log()}
    assert set(log) == {search_key("linkedin", PYTHON), search_key("linkedin", NURSE)}
    assert all(r.state == "ok" and r.postings == 3 and r.ok_at for r in log.values())

    # --force fetches again.
    await Daily(ctx, None, collector=boards).run_then_deliver([CAL], force=True)
    assert boards.calls == 2 and boards.searched() == [("python intern", 24)]


async def test_the_next_morning_by_the_bots_clock_fetches_again(tmp_path: Path) -> None:
    # The round compared the real clock with fetch times while `today()` read the bot's: a
    # bot whose clock moved a day on fetched nothing new (the learning bench ran dry).
    ctx = make_ctx(tmp_path, [ANA])
    start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    clock = {"now": start}
    ctx.now = lambda: clock["now"]  # type: ignore[method-assign]
    boards = Boards()
    daily = Daily(ctx, None, collector=boards)
    await daily.run_then_deliver()
    clock["now"] = start + timedelta(hours=6)  # the same morning: fetched within the hours
    await daily.run_then_deliver([ANA], force=False)
    assert boards.calls == 1
    clock["now"] = start + timedelta(days=1)
    await daily.run_then_deliver()
    assert boards.calls == 2
    (record,) = ctx.db.fetch_log()
    assert record.ok_at == clock["now"]


async def test_people_due_together_share_one_round(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA, BEN])
    boards = Boards()
    daily = Daily(ctx, None, collector=boards)
    import asyncio

    both = await asyncio.gather(daily.run_then_deliver([ANA]), daily.run_then_deliver([BEN]))
    assert boards.calls == 1 and all(d.outcome.picks for d in both)


async def test_a_board_is_fetched_once_and_each_keeps_what_their_own_searches_accept(
    tmp_path: Path,
) -> None:
    ctx = make_ctx(tmp_path, [ANA, BEN], boards=[{"board": BOARD}])
    await searching(ctx, BEN, NURSE)
    boards = Boards()
    done = await Daily(ctx, None, collector=boards).run_then_deliver()
    assert boards.calls == 1 and len(boards.asked[0].config.boards) == 1
    ana = {p.title for p in done.outcomes[ANA].picks if p.source == "greenhouse"}
    ben = {p.title for p in done.outcomes[BEN].picks if p.source == "greenhouse"}
    assert ana == {"Python Intern (Platform)"} and ben == {"Nurse Practitioner"}
    [board] = [r for r in ctx.db.fetch_log() if r.kind == "board"]
    assert board.postings == 2  # the sales job no search of the round accepts was left out

    # A new search nobody had when the board was fetched: the board is fetched again, now
    # filtered by it too; the searches fetched within the hours are not.
    sales = SearchConfig(keywords="sales manager", location="Austin, TX", sources=["linkedin"])
    ctx.settings.telegram_chat_ids.append(CAL)
    await searching(ctx, CAL, sales)
    cal = await Daily(ctx, None, collector=boards).run_then_deliver([CAL])
    assert boards.calls == 2 and boards.searched() == [("sales manager", 24)]
    assert [p.title for p in cal.outcome.picks] == ["Sales Manager"]


async def test_a_missed_morning_is_looked_back_to_the_last_good_fetch(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA])
    await searching(ctx, ANA, PYTHON, NURSE)
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    async with ctx.db.transaction():  # Ana's python search last brought postings 3 days ago
        ctx.db.save_fetch(
            FetchRecord(
                key=search_key("linkedin", PYTHON),
                kind="search",
                fetched_at=three_days_ago,
                ok_at=three_days_ago,
                state="ok",
            )
        )
    boards = Boards()
    await Daily(ctx, None, collector=boards).run_then_deliver()
    assert dict(boards.searched()) == {"python intern": 72, "nurse": 24}
    now = datetime.now(UTC)
    assert window_hours(PYTHON, None, now) == 24
    assert window_hours(PYTHON, now - timedelta(hours=30, minutes=2), now) == 31
    assert window_hours(PYTHON, now - timedelta(hours=30, seconds=30), now) == 30
    assert window_hours(PYTHON, now - timedelta(hours=2), now) == 24  # never less than its own


async def test_a_failed_fetch_is_tried_again_and_keeps_its_last_good_day(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA])
    failing = [SourceResult(source=search_label("linkedin", PYTHON), state="blocked", reason="429")]

    async def blocked(_asked: Asked, _on: object = None) -> list[SourceResult]:
        return [r.model_copy() for r in failing]

    out = await Daily(ctx, None, collector=blocked).run_then_deliver()
    assert out.outcome.all_sources_failed
    [rec] = ctx.db.fetch_log()
    assert rec.state == "blocked" and rec.ok_at is None and rec.reason == "429"
    boards = Boards()
    again = await Daily(ctx, None, collector=boards).run_then_deliver()
    assert boards.calls == 1 and again.outcome.record.status == "done"


async def test_each_persons_candidates_are_what_their_own_fetches_found(tmp_path: Path) -> None:
    from bot.services.collect import Round
    from bot.store.records import PoolEntry

    ctx = make_ctx(tmp_path, [ANA, BEN])
    await searching(ctx, BEN, NURSE.model_copy(update={"sources": ["indeed"]}))
    py, rn = FOUND["python intern"][0], FOUND["nurse"][0]
    found = Round(
        day="2026-03-02",
        pool=[
            PoolEntry(key=py.key, day="2026-03-02", posting=py, found_by=[search_key("linkedin", PYTHON)]),
            PoolEntry(key=rn.key, day="2026-03-02", posting=rn, found_by=[search_key("linkedin", NURSE)]),
            PoolEntry(key="x:1", day="2026-03-02", posting=py.model_copy(update={"source_id": "x1"}), found_by=["person:202"]),
        ],
    )  # fmt: skip
    assert [e.key for e in candidates(ctx.for_person(ANA), found)] == [py.key]
    assert [e.key for e in candidates(ctx.for_person(BEN), found)] == ["x:1"]
    assert [f.key for f in fetches_of(ctx.for_person(ANA))] == [search_key("linkedin", PYTHON)]


def test_the_same_search_is_the_same_fetch_whoever_writes_it(tmp_path: Path) -> None:
    spaced = PYTHON.model_copy(update={"keywords": "  Python   INTERN ", "location": "austin, tx"})
    assert search_key("linkedin", spaced) == search_key("linkedin", PYTHON)
    assert search_key("indeed", PYTHON) != search_key("linkedin", PYTHON)
    entry = PYTHON.model_copy(update={"levels": ["entry"]})
    assert search_key("linkedin", entry) != search_key("linkedin", PYTHON)
    wider = PYTHON.model_copy(update={"posted_within_hours": 72, "max_results": 200})
    assert search_key("linkedin", wider) == search_key("linkedin", PYTHON)


def test_the_score_cache_is_keyed_by_what_the_profile_says_not_its_number() -> None:
    mine = Profile(about="Python backend intern", version=3)
    same_words_elsewhere = mine.model_copy(update={"version": 1})
    theirs = Profile(about="Registered nurse", version=3)
    assert profile_cache_key(mine) == profile_cache_key(same_words_elsewhere)
    assert profile_cache_key(mine) != profile_cache_key(theirs)
    learned = mine.model_copy(update={"learned": ["prefers platform teams"]})
    assert profile_cache_key(learned) != profile_cache_key(mine)


async def test_a_round_in_a_dry_run_stores_nothing(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA, BEN])
    done = await Daily(ctx, None, collector=Boards()).run_then_deliver(dry_run=True)
    assert all(o.picks and o.record.dry_run for o in done.outcomes.values())
    assert not (tmp_path / "db.json").exists()
    assert await Collection(ctx, Boards()).round([ctx], dry_run=True)
