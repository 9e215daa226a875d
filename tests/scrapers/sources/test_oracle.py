"""Oracle Recruiting Cloud's REST API against the fake: the site's search, details, places."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from scrapers.http import HttpClient
from scrapers.options import BoardConfig, SearchConfig
from scrapers.source import SourceState
from tests.fakes.boards import BoardsFake, Job, make_jobs
from tests.scrapers.support import collect_board

HOST = "hcjy.fa.us2.oraclecloud.com"
SITE = f"https://{HOST}/hcmUI/CandidateExperience/en/sites/CX_1/jobs"


async def test_every_field_a_posting_needs(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.oracle[f"{HOST}/CX_1"] = [
        Job(id="30412", title="Software Engineer Intern", company="Cooper",
            location="Pleasanton, CA; Austin, TX", workplace="hybrid",
            description="Build lab software.\nPython services.", salary="$30 - $36 per hour"),
    ]  # fmt: skip
    search = SearchConfig(keywords="software engineer intern", location="Texas")
    result = await collect_board(
        client, fake.urls, SITE, company="CooperCompanies", searches=[search]
    )
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.key == f"oracle:{HOST}/CX_1:30412"
    assert p.url == f"https://{HOST}/hcmUI/CandidateExperience/en/sites/CX_1/job/30412"
    assert (p.company, p.location) == ("CooperCompanies", "Pleasanton, CA; Austin, TX")
    assert (p.workplace, p.employment_type) == ("hybrid", "internship")
    assert p.pay is not None and p.pay.label() == "$30–36/hr"
    assert p.posted_at is not None and p.description.startswith("Build lab software.")
    finder = parse_qs(fake.requests[0].query)["finder"][0]
    assert finder.startswith("findReqs;siteNumber=CX_1,limit=25,offset=0")
    assert 'keyword="software engineer intern"' in finder


async def test_pages_of_25_and_details_only_for_new_jobs(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.oracle[f"{HOST}/CX_1"] = make_jobs("", 30, start_id=500)
    seen = {f"oracle:{HOST}/CX_1:500"}.__contains__
    result = await collect_board(
        client, fake.urls, f"oracle:{HOST}/CX_1", company="Cooper", is_seen=seen
    )
    assert len(result.postings) == 30
    assert fake.count(f"oracle:{HOST}/CX_1") == 2
    assert fake.distinct("oracle.detail") == 29


async def test_a_job_withdrawn_before_its_detail_keeps_its_summary(
    fake: BoardsFake, client: HttpClient
) -> None:
    """An unknown id answers 200 with no items: not an error; the list's summary stays."""
    assert fake.urls is not None
    fake.oracle[f"{HOST}/CX_1"] = [
        Job(id="601", title="Data Intern", company="Cooper", description="Short summary.")
    ]
    fake.withdrawn.add("601")
    result = await collect_board(client, fake.urls, f"oracle:{HOST}/CX_1", company="Cooper")
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.description == "Short summary." and fake.count("oracle.detail") == 1


def test_an_oracle_board_must_name_its_employer() -> None:
    with pytest.raises(ValueError, match="needs company"):
        BoardConfig(board=SITE)
