"""Workday career sites against the fake: search pages, details, places, the shared host."""

from __future__ import annotations

from datetime import timedelta

from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from scrapers.sources.workday import posted_on
from tests.fakes.ats import WORKDAY_PAGE_MAX, workday_path
from tests.fakes.boards import MALFORMED, NOW, BoardsFake, Job, make_jobs, status
from tests.scrapers.support import collect_board

INTERN = SearchConfig(keywords="software engineer intern", location="United States")


def test_workday_posted_on() -> None:
    assert posted_on("Posted Today", NOW) == NOW
    assert posted_on("Posted Yesterday", NOW) == NOW - timedelta(days=1)
    assert posted_on("Posted 3 Days Ago", NOW) == NOW - timedelta(days=3)
    assert posted_on("Posted 30+ Days Ago", NOW) == NOW - timedelta(days=30)
    assert posted_on("soon", NOW) is None


async def test_workday_searches_pages_filters_and_reads_details(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    interns = make_jobs("7", 45, company="NVIDIA", location="Santa Clara, CA",
                        salary="$40 - $55 per hour")  # fmt: skip
    others = [Job(id="900", title="Senior Accountant", company="NVIDIA"),
              Job(id="901", title="Software Engineer Intern, Hybrid", company="NVIDIA",
                  location="London, UK", workplace="hybrid")]  # fmt: skip
    fake.workday["nvidia/External"] = interns + others
    first, second = interns[0], interns[1]
    seen = {f"workday:nvidia/External:{workday_path(first).rsplit('/', 1)[1]}"}
    result = await collect_board(
        client,
        fake.urls,
        "workday:nvidia.wd5/External",
        searches=[INTERN],
        is_seen=seen.__contains__,
    )
    assert result.state is SourceState.OK, result.reason
    assert len(result.postings) == 45  # London is not in the United States
    searches = [r for r in fake.requests if r.route == "workday:nvidia/External"]
    assert len(searches) == 3  # 20 + 20 + 6 (the London job matches the words too)
    details = fake.distinct("workday.detail")
    assert details == 44  # wanted and not seen before
    p = next(p for p in result.postings if p.source_id.endswith(f"_R{second.id}"))
    assert p.key == "workday:nvidia/External:Software-Engineer-Intern-1_R71"
    assert p.url == "https://nvidia.wd5.myworkdayjobs.com/en-US/External" + workday_path(second)
    assert p.apply_url == p.url
    assert (p.company, p.location, p.employment_type) == ("NVIDIA", "Santa Clara, CA", "internship")
    assert p.pay is not None and p.pay.label() == "$40–55/hr"
    assert p.posted_at is not None and p.description.startswith("Job number 1 at NVIDIA")
    unseen_detail = next(p for p in result.postings if p.source_id.endswith(f"_R{first.id}"))
    assert unseen_detail.description == ""  # seen before: no second request for it


async def test_workday_sends_the_search_words_and_pages_of_20(
    fake: BoardsFake, client: HttpClient
) -> None:
    """The fake refuses pages over 20 as the career site does; the search's keywords go to
    Workday's own full-text search, and no searches at all list every job."""
    assert fake.urls is not None
    fake.workday["acme/Careers"] = make_jobs("1", 25) + [Job(id="9", title="Chef", company="A")]
    result = await collect_board(client, fake.urls, "workday:acme/Careers", searches=[INTERN])
    assert result.state is SourceState.OK and len(result.postings) == 25
    assert fake.count("workday:acme/Careers") == 2
    everything = await collect_board(client, fake.urls, "workday:acme/Careers")
    assert len(everything.postings) == 26
    assert WORKDAY_PAGE_MAX == 20


async def test_workday_faults(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    missing = await collect_board(client, fake.urls, "workday:ghost/Careers")
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason
    fake.workday["acme/Careers"] = make_jobs("1", 3)
    fake.always["workday.detail"] = status(404)
    partial = await collect_board(client, fake.urls, "workday:acme/Careers")
    assert partial.state is SourceState.PARTIAL and len(partial.postings) == 3
    fake.fail("workday:acme/Careers", MALFORMED)
    bad = await collect_board(client, fake.urls, "workday:acme/Careers")
    assert bad.state is SourceState.FAILED and "malformed JSON" in bad.reason


async def test_a_job_in_several_places_is_kept_for_any_of_them(
    fake: BoardsFake, client: HttpClient
) -> None:
    """The list says "2 Locations"; a Texas search dropped the Austin job before its detail
    (which names the places) was fetched."""
    assert fake.urls is not None
    fake.workday["acme/Careers"] = [
        Job(id="1", title="Software Engineer Intern", company="Acme",
            location="Austin, TX; Seattle, WA"),
        Job(id="2", title="Software Engineer Intern", company="Acme",
            location="London, UK; Paris, France"),
    ]  # fmt: skip
    texas = SearchConfig(keywords="software engineer intern", location="Texas")
    result = await collect_board(client, fake.urls, "workday:acme/Careers", searches=[texas])
    assert [p.location for p in result.postings] == ["Austin, TX; Seattle, WA"]
    assert fake.count("workday.detail") == 2  # both unknown until their details named them


async def test_title_less_stubs_are_passed_over_not_counted_unreadable(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Real tenants list entries with only `bulletFields`; they marked the board partial."""
    assert fake.urls is not None
    fake.workday["acme/Careers"] = make_jobs("1", 2)
    fake.raw_jobs["workday:acme/Careers"] = [
        {"bulletFields": ["R9"]},
        {"title": "", "bulletFields": []},
    ]
    result = await collect_board(client, fake.urls, "workday:acme/Careers")
    assert result.state is SourceState.OK, result.reason
    assert len(result.postings) == 2


async def test_a_board_on_workdays_shared_host_is_read(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`wd3.myworkdaysite.com/recruiting/<tenant>/<site>` parsed as tenant "wd3"; its API is
    on the same shared host with the tenant in the path."""
    assert fake.urls is not None
    fake.workday["hcahealthcare/hcacareers"] = make_jobs("5", 1, company="HCA")
    spec = "https://wd3.myworkdaysite.com/en-US/recruiting/hcahealthcare/hcacareers"
    result = await collect_board(client, fake.urls, spec)
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.key.startswith("workday:hcahealthcare/hcacareers:")
    assert fake.requests[0].path == "/wday/cxs/hcahealthcare/hcacareers/jobs"


async def test_pay_past_the_description_cut_is_read(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    long = "Build robots. " * 600  # far past description_max_chars
    fake.workday["acme/Careers"] = [
        Job(
            id="1",
            title="Data Intern",
            company="Acme",
            description=long,
            salary="$31 - $36 per hour",
        )
    ]
    (p,) = (await collect_board(client, fake.urls, "workday:acme/Careers")).postings
    assert len(p.description) <= client.config.description_max_chars
    assert p.pay is not None and p.pay.label() == "$31–36/hr"
