"""LinkedIn guest search and detail pages against the fake."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qs

from scrapers.http import HttpClient, source_headers
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from scrapers.sources.linkedin import (
    HEADERS,
    LAYOUT_CHANGED,
    MAX_HOURS,
    SELECTORS,
    LinkedIn,
    card_date,
    parse_cards,
)
from tests.fakes.boards import CHANGED, LOGIN_WALL, BoardsFake, Job, make_jobs, status

SEARCH = SearchConfig(
    keywords="software engineer intern",
    location="United States",
    sources=["linkedin"],
    posted_within_hours=24,
    employment_types=["internship", "full-time"],
    levels=["internship", "entry"],
    workplace=["remote", "hybrid"],
    max_results=100,
)


def li(fake: BoardsFake, client: HttpClient, **kw: object) -> LinkedIn:
    assert fake.urls is not None
    return LinkedIn(client, fake.urls.linkedin, max_chars=2000, **kw)  # type: ignore[arg-type]


def starts(fake: BoardsFake) -> list[str]:
    return [parse_qs(r.query)["start"][0] for r in fake.requests if r.route == "linkedin.search"]


async def test_pages_until_the_end_page(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 23, start_id=3900000000)
    run = await li(fake, client).search(SEARCH, "linkedin: x")
    result = run.result()
    assert result.state is SourceState.OK, result.reason
    assert len(result.postings) == 23
    assert starts(fake) == ["0", "10", "20", "23"]  # 10 + 10 + 3, then the end page
    q = parse_qs(fake.requests[0].query)
    assert q["keywords"] == ["software engineer intern"]
    assert q["location"] == ["United States"]
    assert q["f_TPR"] == ["r86400"]
    assert q["f_JT"] == ["I,F"] and q["f_E"] == ["1,2"] and q["f_WT"] == ["2,3"]
    assert result.requests == 4 + 23  # pages + one detail each


async def test_a_short_page_is_not_the_last_one(fake: BoardsFake, client: HttpClient) -> None:
    """LinkedIn often returns 7 or 9 cards a page with more behind them: the next page starts
    after the cards returned (it stopped at the first short page before)."""
    fake.linkedin = make_jobs("", 20, start_id=3910000000)
    fake.linkedin_page_size = 7
    run = await li(fake, client).search(SEARCH, "linkedin: x")
    assert len(run.postings) == 20
    assert starts(fake) == ["0", "7", "14", "20"]


async def test_the_window_reaches_back_to_the_last_run(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Two mornings missed: the search asks for the 50 hours since the last successful run,
    never more than LinkedIn's month."""
    from datetime import UTC, datetime, timedelta

    from scrapers.source import lookback_hours

    fake.linkedin = make_jobs("", 1, start_id=3920000000)
    since = datetime.now(UTC) - timedelta(hours=49, minutes=30)
    await li(fake, client).search(SEARCH, "l", lookback_hours(SEARCH, since, MAX_HOURS))
    assert parse_qs(fake.requests[0].query)["f_TPR"] == ["r180000"]  # 50 h
    assert lookback_hours(SEARCH, since - timedelta(days=90), MAX_HOURS) == 720
    assert lookback_hours(SEARCH, datetime.now(UTC), MAX_HOURS) == 24  # never below the search's


async def test_requests_carry_a_browsers_headers_not_a_bots(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 1, start_id=3930000000)
    await li(fake, client).search(SEARCH, "l")
    for request in fake.requests:
        assert request.headers["User-Agent"] == HEADERS["User-Agent"]
        assert "jobpicks" not in request.headers["User-Agent"]
        assert request.headers["Accept"].startswith("text/html")
    own = client.config.model_copy(update={"headers": {"linkedin": {"user-agent": "Mine/1.0"}}})
    assert source_headers("linkedin", HEADERS, own)["user-agent"] == "Mine/1.0"
    assert "User-Agent" not in source_headers("linkedin", HEADERS, own)


def test_every_selector_is_in_the_syntax_an_old_soupsieve_reads() -> None:
    """Debian 12's system soupsieve (2.3.2) refused newer syntax; LinkedIn's selectors keep to
    type, class, id and attribute selectors joined by descendant and "," combinators."""
    import re

    import soupsieve

    simple = re.compile(
        r"^(?:[a-z][a-z0-9]*)?(?:[.#][A-Za-z_][\w-]*|\[[\w-]+(?:[*^$]?=(?:'[^']*'|[\w-]+))?\])*$"
    )
    for name, selector in SELECTORS.items():
        soupsieve.compile(selector)
        for group in selector.split(","):
            for part in group.split():
                assert part and simple.match(part), (name, part)


async def test_stops_at_max_results_without_extra_pages_or_details(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 40, start_id=100000)
    run = await li(fake, client).search(SEARCH.model_copy(update={"max_results": 15}), "l")
    assert len(run.postings) == 15
    assert fake.count("linkedin.search") == 2
    assert sum(fake.detail_fetches().values()) == 15


async def test_a_repeated_page_ends_paging(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 50, start_id=200000)
    fake.linkedin_repeat_after = 2  # page 3 onward repeats page 2
    run = await li(fake, client).search(SEARCH, "l")
    assert run.result().state is SourceState.OK
    assert len(run.postings) == 20
    assert fake.count("linkedin.search") == 3


async def test_every_card_field_and_the_detail(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = [
        Job(
            id="3912345678",
            title="Backend Engineer Intern",
            company="Acme Robotics",
            location="Austin, TX",
            salary="$40.00/hr - $50.00/hr",
            description="Build data services.\nWork with Postgres & Python.",
            employment="internship",
            seniority="Internship",
        ),
        Job(id="3912345679", title="ML Intern", company="Beta & Co", location="Remote",
            employment="full-time", seniority="Entry level"),
    ]  # fmt: skip
    run = await li(fake, client).search(SEARCH, "l")
    a, b = run.postings
    assert a.url == "https://www.linkedin.com/jobs/view/3912345678"
    assert a.key == "linkedin:3912345678"
    assert (a.title, a.company, a.location) == (
        "Backend Engineer Intern",
        "Acme Robotics",
        "Austin, TX",
    )
    assert a.salary == "$40.00/hr - $50.00/hr"
    assert a.posted_at is not None
    assert a.employment_type == "internship" and a.seniority == "internship"
    assert a.description.startswith("Build data services.\nWork with Postgres & Python.")
    assert "- Python & SQL" in a.description
    # second card is the <a>-card variant on a country subdomain with tracking params
    assert b.url == "https://www.linkedin.com/jobs/view/3912345679"
    assert b.company == "Beta & Co" and b.salary is None and b.remote is True
    assert b.employment_type == "full-time" and b.seniority == "entry"


def test_card_date_variants_and_id_from_href() -> None:
    html = """
    <li><div class="base-search-card"><a class="base-card__full-link"
      href="https://de.linkedin.com/jobs/view/data-intern-at-x-4100000001?refId=a&trackingId=b"></a>
      <h3 class="base-search-card__title">Data Intern</h3>
      <h4 class="base-search-card__subtitle">X</h4>
      <time class="job-search-card__listdate--new" datetime="2026-03-01">1 hour ago</time></div></li>
    <li><div class="base-search-card" data-entity-urn="urn:li:jobPosting:4100000002">
      <h3 class="base-search-card__title">Old Intern</h3>
      <time class="job-search-card__listdate" datetime="2026-02-20">1 week ago</time></div></li>
    <li><div class="base-search-card" data-entity-urn="urn:li:jobPosting:4100000003"></div></li>
    """
    cards = parse_cards(html)
    assert [c.job_id for c in cards] == ["4100000001", "4100000002"]  # no title: skipped
    assert cards[0].posted_at is not None and cards[0].posted_at.day == 1
    assert cards[1].posted_at is not None and cards[1].posted_at.day == 20


def test_a_card_keeps_the_hour_it_was_posted() -> None:
    """`datetime` holds only the day; "3 hours ago" beside it gives the time (it was midnight
    UTC before, up to a day off)."""
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    assert card_date("2026-03-02", "3 hours ago", now) == now - timedelta(hours=3)
    assert card_date("2026-03-02", "45 minutes ago", now) == now - timedelta(minutes=45)
    assert card_date("2026-03-02", "Just now", now) == now
    assert card_date("2026-02-27", "3 days ago", now) == datetime(2026, 2, 27, tzinfo=UTC)
    # words that disagree with the day (a stale cached page) lose to the day
    assert card_date("2026-01-02", "1 hour ago", now) == datetime(2026, 1, 2, tzinfo=UTC)
    assert card_date("", "2 hours ago", now) == now - timedelta(hours=2)


async def test_no_detail_fetch_for_postings_seen_before(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 12, start_id=500000)
    seen = {f"linkedin:{500000 + i}" for i in range(0, 12, 2)}
    run = await li(fake, client, is_seen=seen.__contains__).search(SEARCH, "l")
    assert len(run.postings) == 12
    fetched = fake.detail_fetches()
    assert set(fetched) == {str(500000 + i) for i in range(1, 12, 2)}
    assert all(n == 1 for n in fetched.values())


async def test_one_detail_fetch_per_job_across_searches(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 5, start_id=600000)
    source = li(fake, client)
    await source.search(SEARCH, "a")
    await source.search(SEARCH.model_copy(update={"keywords": "ml intern"}), "b")
    assert sum(fake.detail_fetches().values()) == 5


async def test_login_wall_is_blocked_not_empty(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 5, start_id=700000)
    fake.fail("linkedin.search", LOGIN_WALL)
    result = (await li(fake, client).search(SEARCH, "l")).result()
    assert result.state is SourceState.BLOCKED
    assert "login wall" in result.reason and "/authwall" in result.reason
    assert fake.count("linkedin.authwall") == 1


async def test_changed_markup_is_failed_with_the_reason(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 5, start_id=800000)
    fake.fail("linkedin.search", CHANGED)
    result = (await li(fake, client).search(SEARCH, "l")).result()
    assert result.state is SourceState.FAILED
    assert result.reason == LAYOUT_CHANGED == "layout changed: 200 with content but 0 cards parsed"


async def test_a_failing_later_page_gives_partial(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 25, start_id=900000)
    fake.fail("linkedin.search", None)  # page 1 fine, then 500 for ever
    fake.always["linkedin.search"] = status(500)
    result = (await li(fake, client).search(SEARCH, "l")).result()
    assert result.state is SourceState.PARTIAL
    assert len(result.postings) == 10
    assert "page 2" in result.reason and "HTTP 500" in result.reason


async def test_429_on_search_then_success(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 3, start_id=1000000)
    fake.fail("linkedin.search", status(429, retry_after="0.2"))
    result = (await li(fake, client).search(SEARCH, "l")).result()
    assert result.state is SourceState.OK and len(result.postings) == 3


async def test_detail_login_wall_keeps_cards_and_stops_asking(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 8, start_id=1100000)
    fake.always["linkedin.detail"] = LOGIN_WALL
    source = li(fake, client)
    result = (await source.search(SEARCH, "l")).result()
    assert result.state is SourceState.PARTIAL
    assert len(result.postings) == 8
    assert "login wall" in result.reason
    assert fake.count("linkedin.detail") < 8  # stopped asking once walled


async def test_description_is_the_markup_only_not_the_show_more_buttons(
    fake: BoardsFake, client: HttpClient
) -> None:
    """The real page puts "Show more / Show less" buttons inside the outer
    `.description__text`; the text must come from `.show-more-less-html__markup`."""
    fake.linkedin = [Job(id="3912340001", title="Data Intern", company="Acme",
                         description="Build pipelines.", salary="$45/hr")]  # fmt: skip
    (p,) = (await li(fake, client).search(SEARCH, "l")).postings
    assert "Show more" not in p.description and "Show less" not in p.description
    assert p.description == "Build pipelines.\n- Python & SQL\n- Postgres"  # <li><p> on one line
    assert p.pay is not None and p.pay.label() == "$45/hr"


async def test_the_employers_apply_link_is_read_from_the_page(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = [
        Job(id="3912340002", title="Data Intern", company="Acme",
            apply_url="https://careers.acme.example/jobs/42?src=li"),
        Job(id="3912340003", title="ML Intern", company="Acme",
            apply_url="javascript:alert(1)"),
    ]  # fmt: skip
    a, b = (await li(fake, client).search(SEARCH, "l")).postings
    assert a.apply_url == "https://careers.acme.example/jobs/42?src=li"
    assert b.apply_url is None  # only http(s) links anywhere


async def test_http_999_is_blocked_not_failed(fake: BoardsFake, client: HttpClient) -> None:
    fake.linkedin = make_jobs("", 3, start_id=1200000)
    fake.always["linkedin.search"] = status(999)
    result = (await li(fake, client).search(SEARCH, "l")).result()
    assert result.state is SourceState.BLOCKED and "HTTP 999" in result.reason
    assert fake.count("linkedin.search") == 1


async def test_a_search_workplace_filter_states_the_workplace(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 2, start_id=1300000)
    search = SEARCH.model_copy(update={"workplace": ["hybrid"]})
    postings = (await li(fake, client).search(search, "l")).postings
    assert {p.workplace for p in postings} == {"hybrid"} and not any(p.remote for p in postings)


async def test_429_on_descriptions_opens_a_breaker_then_asks_once_more(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Ten descriptions that each got 429 cost 40 requests and seconds of backoff; now the
    first 429 stops all asking, and after the cooldown each missing one is asked once."""
    fake.linkedin = make_jobs("", 10, start_id=1400000)
    fake.always["linkedin.detail"] = status(429)
    result = (await li(fake, client, cooldown=0.3).search(SEARCH, "l")).result()
    assert result.state is SourceState.PARTIAL and len(result.postings) == 10
    assert "rate-limited" in result.reason
    before = client.config.per_host_concurrency  # at most this many asked before the breaker
    assert fake.count("linkedin.detail") <= before + before  # first round + one retry, no more
    assert fake.count("linkedin.detail") <= 4


async def test_after_the_cooldown_the_missing_descriptions_come_back(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.linkedin = make_jobs("", 6, start_id=1500000)
    fake.fail("linkedin.detail", status(429), status(429))  # LinkedIn's limit, then it clears
    t0 = asyncio.get_running_loop().time()
    result = (await li(fake, client, cooldown=0.3).search(SEARCH, "l")).result()
    assert asyncio.get_running_loop().time() - t0 >= 0.3  # waited out the cooldown
    assert all(p.description for p in result.postings)  # every description came back
    assert fake.count("linkedin.detail") <= 6 + 2


async def test_pay_comes_from_the_card_or_a_pay_sentence_never_company_figures(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Real LinkedIn descriptions: "$1.5B valuation" became "$1.50/hr" pay before; a pay
    sentence past the description cut was lost."""
    long = "We build robots. " * 200 + "The pay range for this role is $40 - $48 per hour."
    fake.linkedin = [
        Job(id="3940000001", title="Data Intern", company="A",
            description="Series C at a $1.5B valuation.\nWe raised $85 million last year."),
        Job(id="3940000002", title="ML Intern", company="B", description=long),
        Job(id="3940000003", title="SWE Intern", company="C",
            salary="$5,800.00/mo - $6,000.00/mo", description="Salary: $1 per year."),
    ]  # fmt: skip
    run = await li(fake, client).search(SEARCH, "l")
    a, b, c = run.postings
    assert a.pay is None
    assert len(b.description) <= 2000 and b.pay is not None and b.pay.label() == "$40–48/hr"
    assert c.pay is not None and c.pay.label() == "$5,800–6,000/mo"  # the card's, both ends


def test_the_installed_soupsieve_is_the_pinned_one_not_an_old_system_copy() -> None:
    from importlib.metadata import version

    major, minor = (int(x) for x in version("soupsieve").split(".")[:2])
    assert (major, minor) >= (2, 5)
