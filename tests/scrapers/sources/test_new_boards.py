"""Workday, SmartRecruiters, Workable, Recruitee and the community lists, against their fakes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scrapers.http import HttpClient
from scrapers.options import ListConfig, SearchConfig
from scrapers.source import SourceState
from scrapers.sources.boards_spec import BoardRef, parse_board
from scrapers.sources.lists import CommunityList, list_label
from scrapers.sources.workday import posted_on
from tests.fakes.ats import WORKDAY_PAGE_MAX, listing, workday_path
from tests.fakes.boards import MALFORMED, NOW, BoardsFake, Job, make_jobs, status
from tests.scrapers.support import collect_board

INTERN = SearchConfig(keywords="software engineer intern", location="United States")


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("workday:nvidia/NVIDIAExternalCareerSite", BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd1")),
        ("workday:nvidia.wd5/NVIDIAExternalCareerSite", BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd5")),
        ("https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/job/US-CA/x_JR1",
         BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd5")),
        ("adobe.wd5.myworkdayjobs.com/external_experienced", BoardRef("workday", "adobe", "external_experienced", "wd5")),
        ("smartrecruiters:Visa", BoardRef("smartrecruiters", "Visa")),
        ("https://jobs.smartrecruiters.com/Bosch/743999", BoardRef("smartrecruiters", "Bosch")),
        ("https://api.smartrecruiters.com/v1/companies/Visa/postings", BoardRef("smartrecruiters", "Visa")),
        ("workable:acme", BoardRef("workable", "acme")),
        ("https://apply.workable.com/huggingface/", BoardRef("workable", "huggingface")),
        ("recruitee:bunq", BoardRef("recruitee", "bunq")),
        ("https://bunq.recruitee.com/o/data-intern", BoardRef("recruitee", "bunq")),
    ],
)  # fmt: skip
def test_new_board_specs(spec: str, ref: BoardRef) -> None:
    assert parse_board(spec) == ref


@pytest.mark.parametrize(
    "spec", ["workday:acme", "workday:acme.xx9/site", "https://acme.myworkdayjobs.com/"]
)
def test_bad_workday_specs_say_why(spec: str) -> None:
    with pytest.raises(ValueError, match="Workday"):
        parse_board(spec)


def test_workday_posted_on() -> None:
    assert posted_on("Posted Today", NOW) == NOW
    assert posted_on("Posted Yesterday", NOW) == NOW - timedelta(days=1)
    assert posted_on("Posted 3 Days Ago", NOW) == NOW - timedelta(days=3)
    assert posted_on("Posted 30+ Days Ago", NOW) == NOW - timedelta(days=30)
    assert posted_on("soon", NOW) is None


# -- Workday -----------------------------------------------------------------------------------
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
    details = fake.count("workday.detail")
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


# -- SmartRecruiters -----------------------------------------------------------------------------
async def test_smartrecruiters_pages_filters_and_reads_details(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    jobs = make_jobs("", 130, start_id=1000, company="Visa", location="Austin, TX")
    jobs[0] = Job(id="1000", title="Software Engineer Intern", company="Visa",
                  location="Austin, TX", workplace="hybrid", salary="$38/hour")  # fmt: skip
    jobs.append(Job(id="2000", title="Director of Sales", company="Visa", employment="full-time"))
    fake.smartrecruiters["Visa"] = jobs
    result = await collect_board(client, fake.urls, "smartrecruiters:Visa", searches=[INTERN])
    assert result.state is SourceState.OK, result.reason
    assert len(result.postings) == 130
    assert fake.count("smartrecruiters:Visa") == 2  # 100 + 31
    assert fake.count("smartrecruiters.detail") == 130  # only the wanted ones
    p = result.postings[0]
    assert p.key == "smartrecruiters:Visa:1000" and p.company == "Visa"
    assert (p.employment_type, p.seniority, p.workplace) == ("internship", "internship", "hybrid")
    assert p.url == "https://jobs.smartrecruiters.com/Visa/1000-software-engineer-intern"
    assert p.apply_url == p.url + "?oga=true"
    assert p.pay is not None and p.pay.label() == "$38/hr"
    assert "Job number" not in p.description and "Python" in p.description


async def test_smartrecruiters_an_unknown_company_is_empty_not_an_error(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    result = await collect_board(client, fake.urls, "smartrecruiters:Nobody")
    assert result.state is SourceState.OK and result.postings == []


# -- Workable ------------------------------------------------------------------------------------
async def test_workable_fields(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.workable["huggingface"] = [
        Job(id="AB12CD", title="ML Engineer Intern", company="Hugging Face", location="Paris, IDF",
            remote=True, salary="€3,000 per month"),
        Job(id="EF34GH", title="Office Manager", company="Hugging Face", employment="full-time"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://apply.workable.com/huggingface/")
    assert result.state is SourceState.OK and fake.requests[0].query == "details=true"
    a, b = result.postings
    assert a.key == "workable:huggingface:AB12CD" and a.company == "Hugging Face"
    assert a.url == "https://apply.workable.com/j/AB12CD"
    assert a.apply_url == "https://apply.workable.com/j/AB12CD/apply"
    assert (a.workplace, a.employment_type) == ("remote", "internship")
    assert a.location.startswith("Paris, IDF") and a.posted_at is not None
    assert a.pay is not None and a.pay.label() == "€3,000/mo"
    assert b.employment_type == "full-time" and b.remote is False or b.remote is None


# -- Recruitee -----------------------------------------------------------------------------------
async def test_recruitee_fields(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.recruitee["bunq"] = [
        Job(id="101", title="Data Intern", company="bunq", location="Amsterdam, Netherlands",
            workplace="hybrid", salary="yes"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://bunq.recruitee.com/")
    (p,) = result.postings
    assert fake.requests[0].path == "/bunq/api/offers/"  # the company is in the base URL
    assert p.key == "recruitee:bunq:101" and p.company == "bunq"
    assert (p.workplace, p.employment_type, p.seniority) == ("hybrid", "internship", "internship")
    assert p.pay is not None and p.pay.label() == "€4,000–5,000/mo"
    assert p.posted_at is not None and p.posted_at.tzinfo is not None
    assert p.url == "https://bunq.recruitee.com/o/data-intern"
    assert p.apply_url == "https://bunq.recruitee.com/o/data-intern/c/new"
    assert "Python" in p.description


# -- community lists -----------------------------------------------------------------------------
def _list_source(fake: BoardsFake, name: str, **kw: object) -> CommunityList:
    return CommunityList(ListConfig(url=fake.list_url(name), **kw))  # type: ignore[arg-type]


async def test_only_active_visible_recent_entries(fake: BoardsFake, client: HttpClient) -> None:
    fresh = Job(id="1", title="Software Engineer Intern", company="Stripe",
                location="Seattle, WA; Remote in USA", posted=NOW - timedelta(days=2))  # fmt: skip
    fake.lists["SimplifyJobs/Summer2026-Internships"] = [
        listing(fresh),
        listing(Job(id="2", title="Closed Intern", company="X"), active=False),
        listing(Job(id="3", title="Hidden Intern", company="X"), visible=False),
        listing(Job(id="4", title="Old Intern", company="X", posted=NOW - timedelta(days=60))),
        listing(Job(id="5", title="New Grad SWE", company="Y"), terms=[]),
        {
            "id": "odd",
            "title": "Broken",
            "active": True,
            "date_posted": NOW.timestamp(),
            "url": "javascript:x",
        },
    ]
    source = _list_source(fake, "SimplifyJobs/Summer2026-Internships")
    assert source.name == "list:SimplifyJobs/Summer2026-Internships"
    result = await source.collect(client, client.config)
    assert [p.title for p in result.postings] == ["Software Engineer Intern", "New Grad SWE"]
    a, b = result.postings
    assert a.key == "list:1-0000-4000-8000-000000000000"
    assert a.url.startswith("https://careers.example.com/stripe/jobs/1") and a.apply_url == a.url
    assert (a.company, a.location) == ("Stripe", "Seattle, WA; Remote in USA")
    assert (a.employment_type, a.seniority, a.workplace) == ("internship", "internship", "remote")
    assert "Summer 2026" in a.description and "Offers Sponsorship" in a.description
    assert (b.employment_type, b.seniority) == (None, "entry")
    assert result.state is SourceState.PARTIAL and "1 unreadable" in result.reason


async def test_a_list_url_that_is_not_the_json_says_so(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.lists["a/b"] = []
    fake.fail("list:a/b", MALFORMED)
    result = await _list_source(fake, "a/b").collect(client, client.config)
    assert result.state is SourceState.FAILED and "raw listings.json" in result.reason
    missing = await _list_source(fake, "no/such").collect(client, client.config)
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason


def test_list_labels() -> None:
    raw = "https://raw.githubusercontent.com/SimplifyJobs/New-Grad-Positions/dev/.github/scripts/listings.json"
    assert list_label(raw) == "list:SimplifyJobs/New-Grad-Positions"
    assert list_label("https://example.com/jobs/listings.json") == "list:example.com/jobs"


async def test_workable_burst_limit_is_waited_out_not_failed(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Workable answers 429 after a couple of quick requests; Retry-After is honoured."""
    assert fake.urls is not None
    fake.workable_burst = 2
    for name in ("a", "b", "c"):
        fake.workable[name] = [Job(id=f"{name}1", title="Data Intern", company=name.upper())]
    results = [await collect_board(client, fake.urls, f"workable:{n}") for n in ("a", "b", "c")]
    assert [r.state for r in results] == [SourceState.OK] * 3
    assert [len(r.postings) for r in results] == [1, 1, 1]
    assert fake.count("workable:c") == 2  # one 429, then the answer after the asked wait
