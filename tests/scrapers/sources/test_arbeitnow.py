"""Arbeitnow's job board API against the fake: read once a run, filtered by each search."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

from scrapers.collect import collect_all
from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from tests.fakes.boards import MALFORMED, BoardsFake, Job, make_jobs

NOW = datetime.now(UTC)
DATA = SearchConfig(keywords="data engineer", location="Berlin", sources=["arbeitnow"])
ANY_INTERN = SearchConfig(keywords="intern", sources=["arbeitnow"], employment_types=["internship"])


async def collect(fake: BoardsFake, client: HttpClient, *searches: SearchConfig, since=None):  # type: ignore[no-untyped-def]
    assert fake.urls is not None
    return await collect_all(
        list(searches), [], client.config, fake.urls, client=client, since=since
    )


async def test_one_read_serves_every_search_and_each_keeps_its_own(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.arbeitnow = [
        Job(id="1", title="Data Engineer", company="Zalando", location="Berlin",
            employment="full-time", description="Spark and Python.", salary="€65,000 - €80,000 per year"),
        Job(id="2", title="Werkstudent Data Analytics (Intern)", company="N26", location="Berlin",
            remote=True),
        Job(id="3", title="Data Engineer", company="Otto", location="Hamburg", employment="full-time"),
    ]  # fmt: skip
    data, interns = await collect(fake, client, DATA, ANY_INTERN)
    assert fake.count("arbeitnow") == 1  # one read for both searches
    assert data.requests + interns.requests == 1
    assert [p.company for p in data.postings] == ["Zalando"]
    (p,) = data.postings
    assert p.key.startswith("arbeitnow:data-engineer-zalando-1")
    assert p.url == f"https://www.arbeitnow.com/jobs/companies/{p.source_id}"
    assert (p.location, p.employment_type, p.workplace) == ("Berlin", "full-time", None)
    assert p.pay is not None and p.pay.label() == "€65k–80k/yr"
    assert p.posted_at is not None and p.description.startswith("Spark and Python.")
    (q,) = interns.postings
    assert (q.company, q.employment_type, q.workplace) == ("N26", "internship", "remote")


async def test_pages_stop_at_the_window_and_reach_back_after_missed_mornings(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Newest first: pages end once one reaches past the window; two missed days widen it."""
    fresh = make_jobs("f", 100, title="Data Intern", location="Berlin")
    older = make_jobs("o", 100, title="Data Intern", location="Berlin",
                      posted=NOW - timedelta(hours=40))  # fmt: skip
    oldest = make_jobs("x", 100, title="Data Intern", location="Berlin",
                       posted=NOW - timedelta(days=20))  # fmt: skip
    fake.arbeitnow = fresh + older + oldest
    (today,) = await collect(fake, client, ANY_INTERN)
    assert len(today.postings) == 50  # max_results; all within 24 h
    assert fake.count("arbeitnow") == 2  # page 2 reached past the 24-hour window
    fake.requests.clear()
    wide = ANY_INTERN.model_copy(update={"max_results": 500})
    (caught_up,) = await collect(fake, client, wide, since=NOW - timedelta(hours=50))
    assert len(caught_up.postings) == 200  # today's and the missed days', not the old page
    pages = [parse_qs(r.query)["page"][0] for r in fake.requests]
    assert pages == ["1", "2", "3"]


async def test_a_broken_feed_fails_every_search_of_it_once(
    fake: BoardsFake, client: HttpClient
) -> None:
    fake.fail("arbeitnow", MALFORMED)
    a, b = await collect(fake, client, DATA, ANY_INTERN)
    assert a.state is b.state is SourceState.FAILED
    assert "malformed JSON" in a.reason and fake.count("arbeitnow") == 1
