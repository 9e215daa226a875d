"""Indeed's mobile GraphQL search against the fake."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from scrapers.sources import indeed
from scrapers.sources.indeed import DEFAULT_HEADERS as DEFAULT_INDEED_HEADERS
from tests.fakes.boards import (
    CAPTCHA,
    GRAPHQL_ERROR,
    GRAPHQL_SCHEMA_ERROR,
    MALFORMED,
    BoardsFake,
    Job,
    make_jobs,
    status,
)

SEARCH = SearchConfig(
    keywords='machine learning "intern"',
    location="California",
    sources=["indeed"],
    posted_within_hours=48,
    employment_types=["internship"],
    max_results=250,
)


async def run(fake: BoardsFake, client: HttpClient, search: SearchConfig = SEARCH, headers=None):  # type: ignore[no-untyped-def]
    assert fake.urls is not None
    politeness = client.config.model_copy(
        update={"indeed_headers": headers or {}, "description_max_chars": 3000}
    )
    return await indeed.IndeedSearch(search, fake.urls.indeed).collect(client, politeness)


async def test_cursor_paging_and_query_shape(fake: BoardsFake, client: HttpClient) -> None:
    fake.indeed = make_jobs("k", 230)
    result = await run(fake, client)
    assert result.state is SourceState.OK, result.reason
    assert len(result.postings) == 230
    assert fake.count("indeed") == 3
    assert len({p.key for p in result.postings}) == 230


async def test_query_carries_the_search(fake: BoardsFake, client: HttpClient) -> None:
    captured: list[str] = []
    fake.indeed = make_jobs("k", 2)
    q = indeed.build_query(SEARCH, "c100", 100)
    captured.append(q)
    assert 'what: "machine learning \\"intern\\""' in q
    assert 'where: "California"' in q and "radiusUnit: MILES" in q
    assert 'cursor: "c100"' in q
    assert 'filters: {date: {field: "dateOnIndeed", start: "48h"}}' in q
    assert "keys" not in q and "composite" not in q  # one filter a query
    result = await run(fake, client)
    assert result.state is SourceState.OK
    headers = fake.requests[0].headers
    assert headers["indeed-api-key"] == DEFAULT_INDEED_HEADERS["indeed-api-key"]
    assert headers["Content-Type"].startswith("application/json")


async def test_fields_are_mapped(fake: BoardsFake, client: HttpClient) -> None:
    fake.indeed = [
        Job(id="abc123", title="ML Intern", company="Acme, Inc.", location="San Jose, CA",
            description="Train models.\nShip them.", employment="internship", remote=True, salary="x"),
    ]  # fmt: skip
    (p,) = (await run(fake, client)).postings
    assert p.url == "https://www.indeed.com/viewjob?jk=abc123" and p.key == "indeed:abc123"
    assert (p.title, p.company, p.location) == ("ML Intern", "Acme, Inc.", "San Jose, CA")
    assert p.employment_type == "internship" and p.remote is True
    assert p.description == "Train models.\nShip them."
    assert p.posted_at is not None
    assert p.salary == "$40–50/hr"


async def test_missing_app_key_is_blocked_with_status(fake: BoardsFake, client: HttpClient) -> None:
    result = await run(fake, client, headers={"indeed-api-key": ""})
    assert result.state is SourceState.BLOCKED
    assert "HTTP 403" in result.reason


async def test_a_graphql_refusal_is_blocked(fake: BoardsFake, client: HttpClient) -> None:
    fake.fail("indeed", GRAPHQL_ERROR)
    result = await run(fake, client)
    assert result.state is SourceState.BLOCKED
    assert "refused the app's request: Unauthorized" in result.reason


async def test_any_other_graphql_error_is_a_failure_not_blocked(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Every GraphQL error was "blocked", so a schema change read as a ban."""
    fake.fail("indeed", GRAPHQL_SCHEMA_ERROR)
    result = await run(fake, client)
    assert result.state is SourceState.FAILED
    assert 'API changed?): Cannot query field "salarySnippet"' in result.reason


async def test_one_query_carries_one_filter_and_types_are_read_from_the_results(
    fake: BoardsFake, client: HttpClient
) -> None:
    """The date window went in one composite filter with the type and remote keys, several
    types in one `keys` list (which Indeed reads as "all of them"). Now the query carries the
    window; each result's attributes decide type and remote."""
    old = datetime.now(UTC) - timedelta(days=5)
    fake.indeed = [
        Job(id="k1", title="ML Intern", company="A", employment="internship", remote=True),
        Job(id="k2", title="ML Engineer", company="B", employment="full-time", remote=True),
        Job(id="k3", title="ML Intern", company="C", employment="internship", remote=False),
        Job(id="k4", title="ML Tutor", company="D", employment="part-time", remote=True),
        Job(id="k5", title="ML Intern", company="E", employment="internship", remote=True,
            posted=old),
    ]  # fmt: skip
    search = SEARCH.model_copy(
        update={"employment_types": ["internship", "part-time"], "workplace": ["remote"]}
    )
    result = await run(fake, client, search)
    assert sorted(p.source_id for p in result.postings) == ["k1", "k4"]
    (query,) = fake.indeed_queries
    assert query.count("filters:") == 1 and "keys" not in query


async def test_the_window_reaches_back_to_the_last_run_within_14_days(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    since = datetime.now(UTC) - timedelta(hours=71, minutes=10)
    source = indeed.IndeedSearch(SEARCH, fake.urls.indeed, since)
    await source.collect(client, client.config)
    assert 'start: "72h"' in fake.indeed_queries[0]
    far = indeed.IndeedSearch(SEARCH, fake.urls.indeed, since - timedelta(days=60))
    await far.collect(client, client.config)
    assert 'start: "336h"' in fake.indeed_queries[1]


async def test_requests_carry_the_apps_own_user_agent(fake: BoardsFake, client: HttpClient) -> None:
    """The app's headers came with `User-Agent: jobpicks/0.1`: one client claiming to be two."""
    await run(fake, client)
    sent = fake.requests[0].headers
    assert sent["User-Agent"] == DEFAULT_INDEED_HEADERS["user-agent"]
    assert "Indeed App" in sent["User-Agent"] and "jobpicks" not in sent["User-Agent"]
    mine = client.config.model_copy(update={"headers": {"indeed": {"User-Agent": "Mine/2"}}})
    headers = indeed.request_headers_for(mine, indeed.US)
    assert headers["User-Agent"] == "Mine/2" and "user-agent" not in headers


async def test_captcha_page_is_blocked(fake: BoardsFake, client: HttpClient) -> None:
    fake.fail("indeed", CAPTCHA)
    result = await run(fake, client)
    assert result.state is SourceState.BLOCKED and "captcha" in result.reason


async def test_malformed_json_fails_clearly(fake: BoardsFake, client: HttpClient) -> None:
    fake.fail("indeed", MALFORMED)
    result = await run(fake, client)
    assert result.state is SourceState.FAILED
    assert result.reason == "Indeed sent malformed JSON (HTTP 200)"


async def test_second_page_failing_is_partial(fake: BoardsFake, client: HttpClient) -> None:
    fake.indeed = make_jobs("k", 150)
    fake.fail("indeed", None, *[status(500)] * 3)
    result = await run(fake, client)
    assert result.state is SourceState.PARTIAL and len(result.postings) == 100
    assert "HTTP 500" in result.reason


@pytest.mark.slow
def test_an_internship_tagged_full_time_too_is_an_internship() -> None:
    """Indeed often tags internships both Full-time and Internship; the specific type wins,
    whatever the order and in every process (a set's hash order once decided it, so a full-time
    label vetoed some internships depending on PYTHONHASHSEED)."""
    code = (
        "from scrapers.sources import indeed\n"
        "full, intern = {'key': 'CF3CP', 'label': 'Full-time'}, {'key': 'VDTG7', 'label': 'Internship'}\n"
        "for attrs in ([full, intern], [intern, full]):\n"
        "    p = indeed._posting({'key': 'abc123', 'title': 'ML Intern', 'attributes': attrs}, 500)\n"
        "    print(p.employment_type)\n"
    )
    root = Path(__file__).resolve().parents[3]
    for seed in range(4):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PYTHONPATH": str(root), "PYTHONHASHSEED": str(seed), "PATH": "/usr/bin:/bin"},
        )
        assert out.returncode == 0, out.stderr
        assert out.stdout.split() == ["internship", "internship"], seed


async def test_an_odd_result_costs_itself_not_the_search(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.indeed = make_jobs("k", 3)
    fake.raw_jobs["indeed"] = [{"key": "odd1", "title": "Data Intern", "attributes": 5}]
    result = await run(fake, client)
    assert [p.source_id for p in result.postings] == [j.id for j in fake.indeed]
    assert result.state is SourceState.PARTIAL
    assert "skipped" in result.reason


async def test_the_country_follows_the_search_place(fake: BoardsFake, client: HttpClient) -> None:
    """The country was dropped: every link pointed to www.indeed.com and every request said
    `indeed-co: US` / `en-US` whatever the place."""
    fake.indeed = make_jobs("uk", 2, location="London")
    london = SEARCH.model_copy(update={"location": "London, United Kingdom", "workplace": []})
    result = await run(fake, client, london)
    assert [p.url for p in result.postings] == [
        "https://uk.indeed.com/viewjob?jk=uk0",
        "https://uk.indeed.com/viewjob?jk=uk1",
    ]
    headers = fake.requests[-1].headers
    assert headers["indeed-co"] == "GB" and headers["indeed-locale"] == "en-GB"
    assert headers["indeed-api-key"] == DEFAULT_INDEED_HEADERS["indeed-api-key"]


@pytest.mark.parametrize(
    ("location", "country", "code", "site", "locale"),
    [
        ("Berlin", "", "DE", "de", "de-DE"),
        ("Toronto, ON", "", "CA", "ca", "en-CA"),
        ("Austin, TX", "", "US", "www", "en-US"),
        ("", "", "US", "www", "en-US"),
        ("Anywhere", "fr", "FR", "fr", "fr-FR"),
        ("Bengaluru", "India", "IN", "in", "en-IN"),
    ],
)
def test_country_from_place_or_key(
    location: str, country: str, code: str, site: str, locale: str
) -> None:
    c = indeed.country_for(SEARCH.model_copy(update={"location": location, "country": country}))
    assert (c.code, c.site, c.locale) == (code, site, locale)
    headers = indeed.request_headers({"indeed-app-info": "appv=999"}, c)
    assert headers["indeed-co"] == code and headers["indeed-app-info"] == "appv=999"


def test_an_unknown_country_is_a_config_error() -> None:
    with pytest.raises(ValueError, match="Atlantis"):
        SearchConfig(keywords="x", country="Atlantis")


def test_a_place_that_names_no_known_country_searches_the_us() -> None:
    search = SEARCH.model_copy(update={"country": "", "location": "Reykjavik, IS"})
    assert indeed.country_for(search) == indeed.US


def _comp(range_: dict, *, estimated: bool = False) -> dict:
    base = {"unitOfWork": "YEAR", "range": range_}
    if estimated:
        return {"estimated": {"currencyCode": "USD", "baseSalary": base}, "baseSalary": None}
    return {"baseSalary": base, "currencyCode": "USD"}


async def test_pay_in_every_shape_indeed_sends(fake: BoardsFake, client: HttpClient) -> None:
    """Pay was read only from ranges: not "at least", "up to", exact, or Indeed's estimate."""
    job = {"title": "Data Intern", "attributes": [], "employer": {"name": "Acme"}}
    fake.raw_jobs["indeed"] = [
        job | {"key": "p1", "compensation": _comp({"min": 90000.0, "max": 110000.0})},
        job | {"key": "p2", "compensation": _comp({"min": 90000.0})},
        job | {"key": "p3", "compensation": _comp({"max": 120000.0})},
        job | {"key": "p4", "compensation": _comp({"value": 100000.0})},
        job
        | {"key": "p5", "compensation": _comp({"min": 80000.0, "max": 95000.0}, estimated=True)},
        job | {"key": "p6", "description": {"html": "<p>Pay: $30 - $35 per hour</p>"}},
        job | {"key": "p7", "recruit": {"viewJobUrl": "https://careers.acme.example/1"}},
    ]
    postings = {p.source_id: p for p in (await run(fake, client)).postings}
    labels = {k: (p.pay.label() if p.pay else None) for k, p in postings.items()}
    assert labels == {
        "p1": "$90k–110k/yr", "p2": "from $90k/yr", "p3": "up to $120k/yr", "p4": "$100k/yr",
        "p5": "$80k–95k/yr (est.)", "p6": "$30–35/hr", "p7": None,
    }  # fmt: skip
    assert postings["p7"].apply_url == "https://careers.acme.example/1"
    assert postings["p1"].apply_url is None


def test_the_query_asks_for_every_pay_shape_and_the_apply_link() -> None:
    q = indeed.build_query(SEARCH, None, 10)
    for part in ("... on AtLeast { min }", "... on AtMost { max }", "... on Exactly { value }",
                 "estimated {", "recruit { viewJobUrl }"):  # fmt: skip
        assert part in q


async def test_the_fake_finds_each_search_its_own_jobs(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`indeed_for` (bench/people.py's many searches): each query gets what its keywords and
    place find, read back from the GraphQL string literals, escapes included."""
    asked: list[tuple[str, str]] = []

    def found(what: str, where: str) -> list[Job]:
        asked.append((what, where))
        return make_jobs(f"{len(asked)}-", 3, company=f"Co {what}")

    fake.indeed_for = found
    first = await run(fake, client)
    second = await run(fake, client, SEARCH.model_copy(update={"keywords": "data", "location": ""}))
    assert asked == [('machine learning "intern"', "California"), ("data", "")]
    assert {p.company for p in first.postings} == {'Co machine learning "intern"'}
    assert {p.company for p in second.postings} == {"Co data"}
    assert len({p.key for p in first.postings + second.postings}) == 6
