"""Hacker News' "Who is hiring?" thread through the Algolia API: the header line as engineers
write it, top-level posts only, the month's thread, the look-back window."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import pytest

from scrapers.collect import collect_all
from scrapers.http import HttpClient
from scrapers.options import SearchConfig
from scrapers.source import SourceState
from scrapers.sources.hackernews import read_header
from tests.fakes.boards import BoardsFake, Job
from tests.fakes.job_feeds import HNThread, hn_comment, hn_post

NOW = datetime.now(UTC)
ENGINEERS = SearchConfig(keywords="engineer", sources=["hackernews"])


@pytest.mark.parametrize(
    ("line", "company", "role", "place", "workplace", "kind", "pay"),
    [
        ("Acme Robotics | Senior Backend Engineer | Berlin, Germany | ONSITE | Full-time | €80k–95k",
         "Acme Robotics", "Senior Backend Engineer", "Berlin, Germany", "onsite", "full-time",
         "€80k–95k/yr"),
        ("Globex (YC W24) | Founding ML Engineer | San Francisco, CA | Onsite | $160k - $210k + equity | VISA",
         "Globex (YC W24)", "Founding ML Engineer", "San Francisco, CA", "onsite", None,
         "$160k–210k/yr"),
        ("Initech | REMOTE (US only) | Staff Software Engineer | https://initech.example/jobs",
         "Initech", "Staff Software Engineer", "REMOTE (US only)", "remote", None, None),
        ("Hooli | New York, NY or Remote | Product Designer, Frontend Developer | Full Time",
         "Hooli", "Product Designer, Frontend Developer", "New York, NY or Remote", "remote",
         "full-time", None),
        ("Umbrella | Software Engineering Intern | Toronto, Canada | Hybrid | Summer 2027",
         "Umbrella", "Software Engineering Intern", "Toronto, Canada", "hybrid", "internship", None),
    ],
)  # fmt: skip
def test_the_header_line_is_read_in_any_order(
    line: str,
    company: str,
    role: str,
    place: str,
    workplace: str,
    kind: str | None,
    pay: str | None,
) -> None:
    head = read_header(line)
    assert head is not None
    assert (head.company, head.role, head.place, head.workplace) == (
        company,
        role,
        place,
        workplace,
    )
    assert head.employment == kind
    assert (head.pay.label() if head.pay else None) == pay


@pytest.mark.parametrize(
    "line", ["Is anyone hiring juniors this month?", "Great thread | thanks", ""]
)
def test_a_post_without_the_fields_line_is_no_job(line: str) -> None:
    assert read_header(line) is None


def thread(story: int, month: str, days_ago: float) -> HNThread:
    return HNThread(story, f"Ask HN: Who is hiring? ({month})", NOW - timedelta(days=days_ago))


async def collect(fake: BoardsFake, client: HttpClient, *searches: SearchConfig, since=None):  # type: ignore[no-untyped-def]
    assert fake.urls is not None
    return await collect_all(
        list(searches), [], client.config, fake.urls, client=client, since=since
    )


async def test_top_level_posts_of_the_months_thread_become_postings(
    fake: BoardsFake, client: HttpClient
) -> None:
    march = thread(47000000, "March 2027", 2)
    hired = HNThread(
        47000001, "Ask HN: Who wants to be hired? (March 2027)", NOW - timedelta(days=2)
    )
    job = Job(id="1", title="Senior Backend Engineer", company="Acme Robotics",
              location="Berlin, Germany", workplace="onsite", salary="€80k–95k",
              description="We build warehouse robots.\nPython and Rust.",
              posted=NOW - timedelta(hours=3))  # fmt: skip
    post = hn_post(march, 47000100, job)
    march.comments = [
        post,
        hn_comment(march, 47000101, "Is the salary range flexible?", NOW - timedelta(hours=2),
                   parent=47000100),  # a reply: conversation, not a job
        hn_comment(march, 47000102, "Any fully remote roles in the EU this month?", NOW - timedelta(hours=1)),
    ]  # fmt: skip
    hired.comments = [hn_post(hired, 47000200, job)]
    fake.hn_threads = [march, hired]
    (result,) = await collect(fake, client, ENGINEERS)
    assert result.state is SourceState.OK, result.reason
    (p,) = result.postings
    assert p.key == "hackernews:47000100"
    assert p.url == "https://news.ycombinator.com/item?id=47000100"
    assert (p.title, p.company, p.location) == (
        "Senior Backend Engineer",
        "Acme Robotics",
        "Berlin, Germany",
    )
    assert p.workplace == "onsite" and p.pay is not None and p.pay.label() == "€80k–95k/yr"
    assert p.apply_url == "https://acmerobotics.example/careers"  # "&#x2F;" decoded
    assert p.posted_at is not None and abs((p.posted_at - job.posted).total_seconds()) < 1
    assert "We build warehouse robots." in p.description
    comment_query = parse_qs(fake.requests[-1].query)
    assert comment_query["tags"] == ["comment,story_47000000"]
    assert comment_query["numericFilters"][0].startswith("created_at_i>=")


async def test_the_window_reaches_into_last_months_thread_after_missed_mornings(
    fake: BoardsFake, client: HttpClient
) -> None:
    """The new thread went up a day ago; two missed days need the end of last month's too."""
    april, march = thread(48000000, "April 2027", 1), thread(47000000, "March 2027", 31)

    def job(i: int, hours: float) -> Job:
        return Job(id=str(i), title="Platform Engineer", company=f"Co{i}", location="Remote",
                   remote=True, posted=NOW - timedelta(hours=hours))  # fmt: skip

    april.comments = [hn_post(april, 48000100, job(1, 5))]
    march.comments = [
        hn_post(march, 47000100, job(2, 40)),
        hn_post(march, 47000101, job(3, 24 * 20)),
    ]
    fake.hn_threads = [april, march]
    (today,) = await collect(fake, client, ENGINEERS)
    assert [p.company for p in today.postings] == ["Co1"]
    assert fake.count("hackernews.comments") == 1  # the window starts after April's went up
    fake.requests.clear()
    (caught_up,) = await collect(fake, client, ENGINEERS, since=NOW - timedelta(hours=50))
    assert sorted(p.company for p in caught_up.postings) == ["Co1", "Co2"]
    assert fake.count("hackernews.comments") == 2


async def test_no_hiring_thread_is_a_clear_failure(fake: BoardsFake, client: HttpClient) -> None:
    fake.hn_threads = [HNThread(1, "Ask HN: Who wants to be hired? (May 2027)", NOW)]
    (result,) = await collect(fake, client, ENGINEERS)
    assert result.state is SourceState.FAILED and "Who is hiring?" in result.reason
