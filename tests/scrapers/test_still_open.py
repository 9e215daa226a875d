"""Is a posting still open? One light request per posting, against the boards' fakes: the
board's API by id where it has one, the posting's own page otherwise; "closed" only on the
board's word."""

from __future__ import annotations

import pytest

from scrapers.http import HttpClient, new_session
from scrapers.options import HttpConfig
from scrapers.still_open import Openness, still_open
from tests.fakes.boards import LOGIN_WALL, BoardsFake, Job

HTTP = HttpConfig(max_retries=0, default_gap_seconds=0, linkedin_gap_seconds=0)


@pytest.fixture
async def boards():
    fake = BoardsFake()
    fake.greenhouse["acme"] = [
        Job(id="101", title="ML Intern", company="Acme"),
        Job(id="102", title="Data Intern", company="Acme"),
    ]
    fake.lever["globex"] = [
        Job(id="l1", title="Backend Intern", company="Globex"),
        Job(id="l2", title="SRE Intern", company="Globex"),
    ]
    fake.ashby["initech"] = [
        Job(id="a1", title="ML Intern", company="Initech"),
        Job(id="a2", title="QA Intern", company="Initech"),
    ]
    fake.linkedin = [
        Job(id="4001", title="ML Intern", company="Hooli"),
        Job(id="4002", title="Data Intern", company="Hooli"),
    ]
    fake.smartrecruiters["umbrella"] = [
        Job(id="s1", title="ML Intern", company="Umbrella"),
        Job(id="s2", title="QA Intern", company="Umbrella"),
    ]
    fake.closed = {"102", "l2", "a2", "4002", "s2"}
    fake.pages = {
        "p1": "open",
        "p2": "404",
        "p3": "410",
        "p4": "redirect",
        "p5": "marker",
        "p6": "403",
    }
    async with fake:
        yield fake


async def _check(boards: BoardsFake, source: str, key: str, url: str = "") -> Openness:
    assert boards.urls is not None
    async with new_session(HTTP) as session:
        client = HttpClient(session, HTTP)
        verdict = await still_open(client, boards.urls, source=source, key=key, url=url)
    assert verdict.why
    return verdict.state


@pytest.mark.parametrize(
    ("source", "key", "state"),
    [
        ("greenhouse", "greenhouse:acme:101", Openness.OPEN),
        ("greenhouse", "greenhouse:acme:102", Openness.CLOSED),  # the API's 404 for the job
        ("lever", "lever:globex:l1", Openness.OPEN),
        ("lever", "lever:globex:l2", Openness.CLOSED),
        ("smartrecruiters", "smartrecruiters:umbrella:s1", Openness.OPEN),
        ("smartrecruiters", "smartrecruiters:umbrella:s2", Openness.CLOSED),
        ("ashby", "ashby:initech:a1", Openness.OPEN),
        ("ashby", "ashby:initech:a2", Openness.CLOSED),  # no longer on the board's list
        ("linkedin", "linkedin:4001", Openness.OPEN),
        ("linkedin", "linkedin:4002", Openness.CLOSED),  # "No longer accepting applications"
    ],
)
async def test_a_board_with_an_api_is_asked_about_the_job_itself(boards, source, key, state):
    assert await _check(boards, source, key, "https://example.invalid/never-asked") is state
    assert not boards.count("pages.job")  # the posting's page is not what was asked


@pytest.mark.parametrize(
    ("job", "state"),
    [
        ("p1", Openness.OPEN),
        ("p2", Openness.CLOSED),
        ("p3", Openness.CLOSED),
        ("p4", Openness.CLOSED),  # redirected to the list of jobs
        ("p5", Openness.CLOSED),  # "this job is no longer available"
        ("p6", Openness.UNKNOWN),  # bot protection says nothing about the job
    ],
)
async def test_any_other_posting_is_judged_by_its_own_page(boards, job, state):
    url = f"{boards.pages_base}/careers/jobs/{job}"
    assert await _check(boards, "workday", f"workday:acme/site:{job}", url) is state


async def test_a_sign_in_wall_or_an_unreachable_board_is_unknown_never_closed(boards):
    boards.fail("linkedin.detail", LOGIN_WALL)
    assert await _check(boards, "linkedin", "linkedin:4002") is Openness.UNKNOWN
    dead = "http://127.0.0.1:9/careers/jobs/1"  # nothing listens on the discard port
    assert await _check(boards, "indeed", "indeed:abc", dead) is Openness.UNKNOWN
