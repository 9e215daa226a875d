"""Greenhouse, Lever and Ashby against the fake; board specs; the local search filter."""

from __future__ import annotations

import pytest

from scrapers.http import HttpClient
from scrapers.options import BoardConfig, SearchConfig
from scrapers.postings.posting import Posting
from scrapers.registry import SOURCES
from scrapers.source import Setup, SourceState
from scrapers.sources.boards_spec import BoardRef, parse_board
from scrapers.sources.match import filter_board, keywords_match, location_matches
from tests.fakes.boards import MALFORMED, BoardsFake, Job, status
from tests.scrapers.support import collect_board

JOBS = [
    Job(id="101", title="Software Engineer Intern (Summer 2026)", company="Acme Robotics",
        location="San Francisco, CA", description="Build APIs & services.\nUse <Python> daily.",
        employment="internship"),
    Job(id="102", title="Senior Staff Engineer", company="Acme Robotics", location="Remote - US",
        employment="full-time", remote=True),
]  # fmt: skip


async def test_greenhouse_unescapes_content(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.greenhouse["acme"] = JOBS
    result = await collect_board(client, fake.urls, "greenhouse:acme")
    assert result.state is SourceState.OK and result.requests == 1
    a, b = result.postings
    assert a.key == "greenhouse:acme:101"
    assert a.description == "Build APIs & services.\nUse <Python> daily."
    assert a.company == "Acme Robotics" and a.location == "San Francisco, CA"
    assert a.employment_type == "internship" and a.posted_at is not None
    assert a.url == "https://job-boards.greenhouse.io/acme/jobs/101"
    assert b.remote is True and b.employment_type is None
    assert "content=true" in fake.requests[0].query


async def test_lever_fields(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.lever["acme-robotics"] = JOBS
    result = await collect_board(client, fake.urls, "lever:acme-robotics")
    a, b = result.postings
    assert a.company == "Acme Robotics"  # from the token when Lever gives no name
    assert a.employment_type == "internship" and b.employment_type == "full-time"
    assert a.remote is False and b.remote is True
    assert a.url == "https://jobs.lever.co/acme-robotics/101" and a.posted_at is not None
    assert "Build APIs & services." in a.description and "Use <Python> daily." in a.description
    assert "mode=json" in fake.requests[0].query


async def test_ashby_fields(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.ashby["acme"] = JOBS
    result = await collect_board(client, fake.urls, "ashby:acme", company="Acme Robotics, Inc.")
    a, b = result.postings
    assert a.company == "Acme Robotics, Inc."
    assert a.employment_type == "internship" and b.employment_type == "full-time"
    assert b.remote is True and a.remote is False
    assert a.posted_at is not None and a.posted_at.tzinfo is not None
    assert a.description.startswith("Build APIs & services.")


@pytest.mark.parametrize("kind", ["greenhouse", "lever", "ashby"])
async def test_malformed_json_and_missing_board(
    kind: str, fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    getattr(fake, kind)["acme"] = JOBS
    fake.fail(f"{kind}:acme", MALFORMED)
    bad = await collect_board(client, fake.urls, f"{kind}:acme")
    assert bad.state is SourceState.FAILED and "malformed JSON" in bad.reason
    missing = await collect_board(client, fake.urls, f"{kind}:ghost")
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason
    fake.fail(f"{kind}:acme", status(403))
    refused = await collect_board(client, fake.urls, f"{kind}:acme")
    assert refused.state is SourceState.BLOCKED and "HTTP 403" in refused.reason


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("greenhouse:airbnb", BoardRef("greenhouse", "airbnb")),
        ("Lever:palantir", BoardRef("lever", "palantir")),
        ("ashby:openai", BoardRef("ashby", "openai")),
        ("https://boards.greenhouse.io/stripe", BoardRef("greenhouse", "stripe")),
        ("job-boards.greenhouse.io/figma/jobs/123", BoardRef("greenhouse", "figma")),
        (
            "https://job-boards.greenhouse.io/embed/job_board?for=vercel",
            BoardRef("greenhouse", "vercel"),
        ),
        ("https://jobs.lever.co/palantir/", BoardRef("lever", "palantir")),
        ("jobs.ashbyhq.com/Notion", BoardRef("ashby", "Notion")),
    ],
)
def test_board_specs(spec: str, ref: BoardRef) -> None:
    assert parse_board(spec) == ref


@pytest.mark.parametrize(
    "spec", ["", "workday:acme", "https://example.com/careers", "jobs.lever.co/", "lever:bad token"]
)
def test_bad_board_specs_say_why(spec: str) -> None:
    with pytest.raises(ValueError, match=r"board|company|token"):
        parse_board(spec)
    with pytest.raises(ValueError):
        BoardConfig(board=spec)


def _p(
    title: str, location: str = "", employment: str | None = None, remote: bool | None = None
) -> Posting:
    return Posting(source="greenhouse", source_id=title, url="u", title=title, company="X",
                   location=location, employment_type=employment, remote=remote)  # fmt: skip


def test_keywords_match_titles() -> None:
    assert keywords_match("machine learning intern", "Machine Learning Engineer, Internship")
    assert keywords_match("machine learning intern", "ML Intern")
    assert keywords_match("software engineer intern", "Software Engineering Intern - Summer")
    assert not keywords_match("software engineer intern", "Senior Software Engineer")


def test_location_matching() -> None:
    assert location_matches("California", _p("t", "San Francisco, CA"))
    assert location_matches("United States", _p("t", "Austin, TX"))
    assert location_matches("United States", _p("t", "New York"))
    assert not location_matches("United States", _p("t", "London, UK"))
    assert not location_matches("California", _p("t", "Austin, TX"))
    assert not location_matches("Austin", _p("t", "Houston, TX"))
    assert location_matches("Austin", _p("t", "Austin, TX"))
    assert location_matches("California", _p("t", ""))  # unknown: kept


def test_filter_board_by_any_search() -> None:
    searches = [
        SearchConfig(
            keywords="software engineer intern",
            location="California",
            employment_types=["internship"],
        ),
        SearchConfig(keywords="data scientist", workplace=["remote"]),
    ]
    posts = [
        _p("Software Engineer Intern", "San Jose, CA", "internship"),
        _p("Software Engineer Intern", "Austin, TX", "internship"),
        _p("Software Engineer Intern", "San Jose, CA", "full-time"),
        _p("Data Scientist", "Remote - US", remote=True),
        _p("Data Scientist", "Boston, MA", remote=False),
    ]
    kept = filter_board(posts, searches)
    assert [(p.title, p.location) for p in kept] == [
        ("Software Engineer Intern", "San Jose, CA"),
        ("Data Scientist", "Remote - US"),
    ]
    assert filter_board(posts, []) == posts


# Entries a board may send that no posting can come from: each costs itself, not the board.
ODD = {
    "greenhouse": [{"id": 7, "title": "Data Intern", "metadata": 5}, {"title": "No id"}, "x"],
    "lever": [{"id": "7", "text": "Data Intern", "lists": 5}, {"text": "No id"}, None],
    "ashby": [{"id": "7", "title": "Data Intern", "location": "X", "isRemote": "yes",
               "descriptionPlain": {"odd": 1}, "publishedAt": 3},
              {"title": "No id"}, 42],
}  # fmt: skip


@pytest.mark.parametrize("kind", ["greenhouse", "lever", "ashby"])
async def test_odd_entries_are_skipped_and_reported_the_rest_kept(
    kind: str, fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    getattr(fake, kind)["acme"] = JOBS
    fake.raw_jobs[f"{kind}:acme"] = ODD[kind]
    if kind == "ashby":  # an unlisted job is left out quietly: it is not a problem
        fake.raw_jobs["ashby:acme"].append({"id": "8", "title": "Hidden", "isListed": False})
    result = await collect_board(client, fake.urls, f"{kind}:acme")
    titles = [p.title for p in result.postings]
    # Ashby's odd-typed fields all have a safe reading, so its first odd entry is a posting.
    kept = ["Data Intern"] if kind == "ashby" else []
    assert titles == [j.title for j in JOBS] + kept
    assert result.state is SourceState.PARTIAL
    assert f"{3 - len(kept)} unreadable job(s) skipped" in result.reason


async def test_lever_all_locations_are_kept_so_a_second_city_search_finds_the_job(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`categories.allLocations` was ignored: a job open in London or Stockholm was dropped
    by a Stockholm search."""
    assert fake.urls is not None
    fake.lever["acme"] = [Job(id="m1", title="Software Engineer Intern", company="Acme",
                              location="London, UK; Stockholm, Sweden")]  # fmt: skip
    stockholm = SearchConfig(keywords="software engineer intern", location="Stockholm")
    result = await collect_board(client, fake.urls, "lever:acme", searches=[stockholm])
    (p,) = result.postings
    assert p.location == "London, UK; Stockholm, Sweden"


@pytest.mark.parametrize("kind", ["greenhouse", "lever", "ashby"])
async def test_hybrid_reads_the_same_on_every_board(
    kind: str, fake: BoardsFake, client: HttpClient
) -> None:
    """Greenhouse "Hybrid - London" gave remote unknown while Lever's hybrid gave false."""
    assert fake.urls is not None
    location = "Hybrid - London" if kind == "greenhouse" else "London"
    getattr(fake, kind)["acme"] = [
        Job(id="h1", title="Data Intern", company="Acme", location=location, workplace="hybrid")
    ]
    (p,) = (await collect_board(client, fake.urls, f"{kind}:acme")).postings
    assert (p.workplace, p.remote) == ("hybrid", False)
    assert p.apply_url is not None and p.apply_url.startswith("https://")


async def test_a_javascript_link_never_reaches_a_posting(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.greenhouse["acme"] = []
    fake.raw_jobs["greenhouse:acme"] = [
        {"id": 66, "title": "Data Intern", "absolute_url": "javascript:alert(document.cookie)",
         "location": {"name": "Austin, TX"}, "content": "&lt;p&gt;Hi&lt;/p&gt;"},
    ]  # fmt: skip
    (p,) = (await collect_board(client, fake.urls, "greenhouse:acme")).postings
    assert p.url == "https://job-boards.greenhouse.io/acme/jobs/66"  # the board's own page
    assert p.apply_url == p.url


def test_a_search_workplace_keeps_what_it_names_and_what_states_none() -> None:
    def post(workplace: str | None) -> Posting:
        return Posting(source="lever", source_id=str(workplace), url="https://x.example/1",
                       title="Software Engineer Intern", company="X", workplace=workplace)  # type: ignore[arg-type]  # fmt: skip

    search = SearchConfig(keywords="software engineer intern", workplace=["hybrid", "on-site"])
    kept = filter_board([post("remote"), post("hybrid"), post("onsite"), post(None)], [search])
    assert [p.workplace for p in kept] == ["hybrid", "onsite", None]


# -- pay, places and links as the real boards give them ----------------------------------------
async def test_greenhouse_reads_pay_past_the_cut_and_its_pay_ranges(
    fake: BoardsFake, client: HttpClient
) -> None:
    """A real posting starts its pay block at character 5,006 of 5,026: it was parsed after
    the description was cut. `pay_transparency=true` gives `pay_input_ranges` (cents)."""
    assert fake.urls is not None
    body = "We build robots for warehouses. " * 156  # ~5,000 characters
    fake.greenhouse["acme"] = [
        Job(id="1", title="Data Intern", company="Acme",
            description=body + "\nThe base pay range is $36 - $42 per hour."),
        Job(id="2", title="ML Intern", company="Acme", salary_range=(120000, 150000, "USD", "")),
        Job(id="3", title="Ops Intern", company="Acme",
            description="Series C at a $1.5B valuation; $85 million raised."),
    ]  # fmt: skip
    cfg = client.config.model_copy(update={"description_max_chars": 1000})
    source = SOURCES["greenhouse"].from_config(
        BoardConfig(board="greenhouse:acme"), Setup(urls=fake.urls, http=cfg)
    )
    a, b, c = (await source.collect(client, cfg)).postings
    assert len(a.description) <= 1000 and a.pay is not None and a.pay.label() == "$36–42/hr"
    assert b.pay is not None and b.pay.label() == "$120k–150k/yr"
    assert c.pay is None  # company figures are not pay
    assert "pay_transparency=true" in fake.requests[0].query


async def test_greenhouse_posted_date_is_first_published_only(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`updated_at` moves with every edit: a year-old job looked fresh."""
    assert fake.urls is not None
    fake.greenhouse["acme"] = []
    fake.raw_jobs["greenhouse:acme"] = [
        {"id": 5, "title": "Data Intern", "updated_at": "2026-11-30T10:00:00-05:00",
         "location": {"name": "Austin, TX"}, "content": ""},
        {"id": 6, "title": "ML Intern", "updated_at": "2026-11-30T10:00:00-05:00",
         "first_published": "2025-10-01T09:00:00-04:00", "location": {"name": "Austin, TX"}},
    ]  # fmt: skip
    a, b = (await collect_board(client, fake.urls, "greenhouse:acme")).postings
    assert a.posted_at is None
    assert b.posted_at is not None and b.posted_at.year == 2025


async def test_lever_eu_boards_are_read_on_the_eu_host(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`jobs.eu.lever.co/x` was asked of the US host, which answers 404."""
    assert fake.urls is not None
    fake.lever_eu["dreamteam"] = [Job(id="e1", title="Data Intern", company="Dream Team",
                                      location="Berlin, Germany")]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://jobs.eu.lever.co/dreamteam")
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.url == "https://jobs.eu.lever.co/dreamteam/e1"
    us = await collect_board(client, fake.urls, "lever:dreamteam")
    assert us.state is SourceState.FAILED and "404" in us.reason


async def test_lever_bi_weekly_pay_and_list_items_read_right(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`bi-week-salary` read as weekly ("/wk", counted twice a year over); a `<p>` inside a
    list item left "-\\n" in the description."""
    assert fake.urls is not None
    fake.lever["acme"] = [
        Job(id="b1", title="Data Intern", company="Acme", description="Intro\nShip models\nOwn data",
            salary_range=(3800, 4600, "EUR", "bi-week-salary")),
    ]  # fmt: skip
    (p,) = (await collect_board(client, fake.urls, "lever:acme")).postings
    assert (
        p.pay is not None and p.pay.interval == "biweek" and p.pay.label() == "€3,800–4,600/2 wks"
    )
    assert "- Ship models\n- Own data" in p.description and "-\n" not in p.description


@pytest.mark.parametrize("kind", ["lever", "ashby"])
async def test_the_link_is_the_job_page_and_the_form_is_the_apply_link(
    kind: str, fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    getattr(fake, kind)["acme"] = [Job(id="l1", title="Data Intern", company="Acme")]
    (p,) = (await collect_board(client, fake.urls, f"{kind}:acme")).postings
    assert p.url.endswith("/acme/l1")
    assert p.apply_url is not None and p.apply_url.startswith(p.url + "/")
    assert p.apply_url.endswith(("/apply", "/application"))


async def test_ashby_secondary_places_keep_the_job_for_those_searches(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`secondaryLocations` was ignored: a New York job also open in Toronto was dropped."""
    assert fake.urls is not None
    fake.ashby["acme"] = [Job(id="s1", title="Software Engineer Intern", company="Acme",
                              location="New York, NY; Toronto, Canada")]  # fmt: skip
    toronto = SearchConfig(keywords="software engineer intern", location="Toronto")
    (p,) = (await collect_board(client, fake.urls, "ashby:acme", searches=[toronto])).postings
    assert p.location == "New York, NY; Toronto, Canada"
    # some boards give the secondary places as plain names (stapply-ai/job-map reads both)
    fake.ashby["acme"] = [Job(id="s2", title="Software Engineer Intern", company="Acme",
                              location="New York, NY", extra={"secondaryLocations": ["Toronto"]})]  # fmt: skip
    (q,) = (await collect_board(client, fake.urls, "ashby:acme", searches=[toronto])).postings
    assert q.location == "New York, NY; Toronto"


async def test_ashby_pay_the_employer_hid_is_not_shown(
    fake: BoardsFake, client: HttpClient
) -> None:
    """With `shouldDisplayCompensationOnJobPostings` false the "£1 – £2" placeholder showed."""
    assert fake.urls is not None
    fake.ashby["acme"] = [
        Job(id="h1", title="Data Intern", company="Acme", salary_range=(1, 2, "GBP", "1 YEAR"),
            extra={"shouldDisplayCompensationOnJobPostings": False}),
        Job(id="h2", title="ML Intern", company="Acme", salary_range=(50000, 60000, "GBP", "1 YEAR")),
    ]  # fmt: skip
    hidden, shown = (await collect_board(client, fake.urls, "ashby:acme")).postings
    assert hidden.pay is None
    assert shown.pay is not None and shown.pay.label() == "£50k–60k/yr"


async def test_a_job_with_lone_surrogates_is_kept_not_skipped_as_unreadable(
    fake: BoardsFake, client: HttpClient
) -> None:
    """JSON's "\\ud83d" alone in a description made lxml refuse it: the job was skipped with
    "(no id, title or link?)"."""
    assert fake.urls is not None
    fake.greenhouse["acme"] = [
        Job(
            id="9",
            title="Data Intern \ud83d",
            company="Acme",
            description="Robots \udc00 and\x00 SQL",
        )
    ]
    result = await collect_board(client, fake.urls, "greenhouse:acme")
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.title == "Data Intern \ufffd" and p.description == "Robots \ufffd and SQL"
