"""Personio's XML feed against the fake: positions, offices, sections, types; no DTD read."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.source import SourceState
from tests.fakes.boards import MALFORMED, BoardsFake, Job
from tests.scrapers.support import collect_board


async def test_every_field_a_posting_needs(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.personio["acme"] = [
        Job(id="1834171", title="Werkstudent Data Engineering (m/w/d)", company="Acme GmbH",
            location="Munich; Berlin (Remote)", description="Build pipelines in Python.",
            salary="€18 - €20 per hour"),
        Job(id="1834172", title="Backend Engineer", company="Acme GmbH", location="Munich",
            employment="full-time"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://acme.jobs.personio.de/")
    assert result.state is SourceState.OK, result.reason
    a, b = result.postings
    assert a.key == "personio:acme:1834171" and a.url.endswith("/job/1834171")
    assert (a.company, a.location) == ("Acme GmbH", "Munich; Berlin (Remote)")
    assert (a.employment_type, a.seniority) == ("internship", "internship")
    assert a.description.startswith("Your tasks\nBuild pipelines in Python.")
    assert "Your profile\n- Python" in a.description
    assert a.pay is not None and a.pay.label() == "€18–20/hr"
    assert a.posted_at is not None
    assert (b.employment_type, b.seniority) == ("full-time", "entry")
    assert fake.requests[0].query == "language=en"


async def test_a_feed_declaring_entities_is_refused(fake: BoardsFake, client: HttpClient) -> None:
    """A DTD in a feed is an entity-expansion attempt: refused, never expanded."""
    assert fake.urls is not None
    fake.personio["acme"] = []
    fake.fail("personio:acme", MALFORMED)
    result = await collect_board(client, fake.urls, "personio:acme")
    assert result.state is SourceState.FAILED and "declares a DTD" in result.reason
    missing = await collect_board(client, fake.urls, "personio:ghost")
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason
