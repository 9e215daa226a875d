"""Rippling's job board API against the fake: list pages, job records, places and pay."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from tests.fakes.boards import MALFORMED, BoardsFake, Job, make_jobs
from tests.scrapers.support import collect_board

INTERN = SearchConfig(keywords="software engineer intern", location="United States")


async def test_every_field_a_posting_needs(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.rippling["Acme-Co"] = [
        Job(id="2b9c4f10-7d1e-4f2a-9c3b-1a2b3c4d5e6f", title="Software Engineer Intern",
            company="Acme Co", location="Austin, TX; Denver, CO", workplace="hybrid",
            description="Build fleet services.\nPython and Postgres.",
            salary_range=(38, 45, "USD", "HOUR")),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://ats.rippling.com/Acme-Co/jobs")
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.key == "rippling:Acme-Co:2b9c4f10-7d1e-4f2a-9c3b-1a2b3c4d5e6f"
    assert p.url == "https://ats.rippling.com/Acme-Co/jobs/2b9c4f10-7d1e-4f2a-9c3b-1a2b3c4d5e6f"
    assert (p.title, p.company, p.location) == (
        "Software Engineer Intern", "Acme Co", "Austin, TX; Denver, CO",
    )  # fmt: skip
    assert (p.workplace, p.employment_type) == ("hybrid", "internship")
    assert p.pay is not None and p.pay.label() == "$38–45/hr"
    assert p.posted_at is not None and p.posted_at.tzinfo is not None
    assert p.description.startswith("Build fleet services.\nPython and Postgres.")
    assert fake.requests[0].path == "/platform/api/ats/v2/board/Acme-Co/jobs"


async def test_pages_filter_and_ask_only_for_new_wanted_jobs(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    jobs = make_jobs("r", 130, company="Acme")
    jobs.append(Job(id="x1", title="Office Manager", company="Acme", employment="full-time"))
    fake.rippling["acme"] = jobs
    seen = {"rippling:acme:r0"}.__contains__
    result = await collect_board(
        client, fake.urls, "rippling:acme", searches=[INTERN], is_seen=seen
    )
    assert result.state is SourceState.OK and len(result.postings) == 130
    assert fake.count("rippling:acme") == 2  # 100 + 31
    assert fake.distinct("rippling.detail") == 129  # wanted, not seen before
    full = next(p for p in result.postings if p.source_id == "acme:r1")
    assert full.employment_type == "internship" and full.posted_at is not None


async def test_a_wrong_board_name_and_a_changed_api_say_so(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.rippling["Acme"] = make_jobs("r", 1)
    wrong_case = await collect_board(client, fake.urls, "rippling:acme")  # names are case-sensitive
    assert wrong_case.state is SourceState.FAILED and "HTTP 404" in wrong_case.reason
    fake.fail("rippling:Acme", MALFORMED)
    bad = await collect_board(client, fake.urls, "rippling:Acme")
    assert bad.state is SourceState.FAILED and "malformed JSON" in bad.reason
