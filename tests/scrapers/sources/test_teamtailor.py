"""Teamtailor's RSS feed against the fake: items, places, remote status, the channel's name."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.source import SourceState
from tests.fakes.boards import MALFORMED, BoardsFake, Job
from tests.scrapers.support import collect_board


async def test_every_field_a_posting_needs(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.teamtailor["northwind"] = [
        Job(id="4711", title="Battery Engineer Intern", company="Northwind AB",
            location="Stockholm, Sweden; Gothenburg, Sweden", workplace="hybrid",
            description="Cells & modules.\nTest rigs in Python.", salary="SEK 25,000 per month"),
        Job(id="4712", title="Backend Developer", company="Northwind AB",
            location="Stockholm, Sweden", workplace="remote", employment="full-time"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://northwind.teamtailor.com/jobs")
    assert result.state is SourceState.OK, result.reason
    a, b = result.postings
    assert a.key == "teamtailor:northwind:4711"
    assert a.url == "https://northwind.teamtailor.com/jobs/4711-battery-engineer-intern"
    assert (a.company, a.location) == ("Northwind AB", "Stockholm, Sweden; Gothenburg, Sweden")
    assert (a.workplace, a.employment_type) == ("hybrid", "internship")
    assert a.description.startswith("Cells & modules.\nTest rigs in Python.")
    assert a.pay is not None and a.pay.label() == "SEK 25k/mo"
    assert a.posted_at is not None and a.posted_at.tzinfo is not None
    assert b.workplace == "remote" and fake.requests[0].path == "/northwind/jobs.rss"


async def test_a_page_that_is_not_the_feed_fails_clearly(
    fake: BoardsFake, client: HttpClient
) -> None:
    assert fake.urls is not None
    fake.teamtailor["northwind"] = []
    fake.fail("teamtailor:northwind", MALFORMED)
    bad = await collect_board(client, fake.urls, "teamtailor:northwind")
    assert bad.state is SourceState.FAILED and "no RSS channel" in bad.reason
    missing = await collect_board(client, fake.urls, "teamtailor:ghost")
    assert missing.state is SourceState.FAILED and "HTTP 404" in missing.reason
