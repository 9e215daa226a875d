"""Recruitee's offers API against the fake."""

from __future__ import annotations

from scrapers.http import HttpClient
from tests.fakes.boards import BoardsFake, Job
from tests.scrapers.support import collect_board


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
