"""SmartRecruiters' posting API against the fake: pages, details, places, unknown names."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from tests.fakes.boards import BoardsFake, Job, make_jobs
from tests.scrapers.support import collect_board

INTERN = SearchConfig(keywords="software engineer intern", location="United States")


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
    assert fake.distinct("smartrecruiters:Visa") == 2  # 100 + 31
    assert fake.distinct("smartrecruiters.detail") == 130  # only the wanted ones
    p = result.postings[0]
    assert p.key == "smartrecruiters:Visa:1000" and p.company == "Visa"
    assert (p.employment_type, p.seniority, p.workplace) == ("internship", "internship", "hybrid")
    assert p.url == "https://jobs.smartrecruiters.com/Visa/1000-software-engineer-intern"
    assert p.apply_url == p.url + "?oga=true"
    assert p.pay is not None and p.pay.label() == "$38/hr"
    assert "Job number" not in p.description and "Python" in p.description


async def test_a_company_listing_nothing_is_not_reported_ok(
    fake: BoardsFake, client: HttpClient
) -> None:
    """SmartRecruiters answers a misspelt company with 200 and no postings: it said "ok"."""
    assert fake.urls is not None
    result = await collect_board(client, fake.urls, "smartrecruiters:Vsia")
    assert result.state is SourceState.FAILED and result.postings == []
    assert "no postings at all" in result.reason and "spelling" in result.reason


async def test_remote_false_is_kept_and_spares_the_detail_request(
    fake: BoardsFake, client: HttpClient
) -> None:
    """`location.remote: false` was dropped: a remote-only search admitted the on-site job
    and paid a detail request for it."""
    assert fake.urls is not None
    fake.smartrecruiters["Visa"] = [
        Job(id="1", title="Software Engineer Intern", company="Visa", location="Austin, TX"),
        Job(id="2", title="Software Engineer Intern", company="Visa", location="Austin, TX",
            workplace="remote"),
    ]  # fmt: skip
    remote_only = INTERN.model_copy(update={"workplace": ["remote"]})
    result = await collect_board(client, fake.urls, "smartrecruiters:Visa", searches=[remote_only])
    assert [p.source_id for p in result.postings] == ["Visa:2"]
    assert fake.count("smartrecruiters.detail") == 1
    anywhere = await collect_board(client, fake.urls, "smartrecruiters:Visa", searches=[INTERN])
    on_site = next(p for p in anywhere.postings if p.source_id == "Visa:1")
    assert on_site.remote is False
