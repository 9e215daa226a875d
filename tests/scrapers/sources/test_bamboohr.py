"""BambooHR's careers JSON against the fake: the list, each job's detail, places and dates."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from tests.fakes.boards import BoardsFake, Job, make_jobs, status
from tests.scrapers.support import collect_board


async def test_every_field_a_posting_needs(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.bamboohr["acme"] = [
        Job(id="64", title="Data Analyst Intern", company="Acme", location="Austin, TX",
            workplace="remote", salary="$24 - $28 per hour",
            description="Report on sales with SQL.\nWork with the data team."),
        Job(id="65", title="Account Executive", company="Acme", employment="full-time"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://acme.bamboohr.com/careers")
    assert result.state is SourceState.OK, result.reason
    a, b = result.postings
    assert a.key == "bamboohr:acme:64" and a.url == "https://acme.bamboohr.com/careers/64"
    assert (a.title, a.company, a.location) == ("Data Analyst Intern", "Acme", "Austin, TX")
    assert (a.workplace, a.employment_type) == ("remote", "internship")
    assert a.pay is not None and a.pay.label() == "$24–28/hr"  # the compensation field
    assert a.posted_at is not None and a.description.startswith("Report on sales with SQL.")
    assert b.employment_type == "full-time" and b.workplace == "onsite"
    assert fake.requests[0].path == "/acme/careers/list"


async def test_only_wanted_jobs_not_seen_before_cost_a_detail(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.bamboohr["acme"] = make_jobs("", 5, start_id=70) + [
        Job(id="99", title="Chef", company="Acme")
    ]
    search = SearchConfig(keywords="software engineer intern")
    seen = {"bamboohr:acme:70"}.__contains__
    result = await collect_board(
        client, fake.urls, "bamboohr:acme", searches=[search], is_seen=seen
    )
    assert len(result.postings) == 5
    assert fake.count("bamboohr.detail") == 4


async def test_a_failing_detail_keeps_the_job_and_says_why(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.bamboohr["acme"] = make_jobs("", 1, start_id=80)
    fake.always["bamboohr.detail"] = status(404)
    result = await collect_board(client, fake.urls, "bamboohr:acme")
    assert result.state is SourceState.PARTIAL and len(result.postings) == 1
    assert "description: BambooHR board 'acme': HTTP 404" in result.reason
    missing = await collect_board(client, fake.urls, "bamboohr:ghost")
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason
