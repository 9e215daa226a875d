"""Community lists (SimplifyJobs-style listings.json) against the fake."""

from __future__ import annotations

from datetime import timedelta

from scrapers.http import HttpClient
from scrapers.options import ListConfig
from scrapers.source import SourceState
from scrapers.sources.lists import CommunityList, list_label
from tests.fakes.ats import listing
from tests.fakes.boards import MALFORMED, NOW, BoardsFake, Job


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
    assert a.description == "Terms: Summer 2026\nSponsorship: Offers Sponsorship"
    # a new-grad entry (no terms) is a full-time entry-level role: it had no type before
    assert (b.employment_type, b.seniority) == ("full-time", "entry")
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


async def test_a_summary_adds_only_what_the_title_and_places_do_not_say(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Summaries repeated title, company and places, and said "Sponsorship: Other"."""
    job = Job(id="9", title="Data Intern", company="Acme", location="Austin, TX")
    fake.lists["a/b"] = [listing(job, sponsorship="Other", terms=["Fall 2026"])]
    (p,) = (await _list_source(fake, "a/b").collect(client, client.config)).postings
    assert p.description == "Terms: Fall 2026"
