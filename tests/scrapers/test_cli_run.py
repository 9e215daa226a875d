"""End to end: `python -m bot run` against every board fake at once, twice (two mornings)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from tests.cli_support import cli_env, jobpicks_cmd
from tests.fakes.ats import listing
from tests.fakes.boards import BoardsFake, Job, make_jobs, status

pytestmark = pytest.mark.slow  # every test here starts `jobpicks` as a process

CONFIG = """
[profile]
about = "CS student looking for a software engineering internship. Python, SQL, Postgres, robots."

[profile.filters]
excluded_title_words = ["senior"]
locations = []
levels = []
employment_types = []
max_age_days = 0

[selection]
min_score = 0
max_picks = 15
per_company = 10

[[searches]]
keywords = "software engineer intern"
location = "United States"
sources = ["linkedin", "indeed"]
employment_types = ["internship"]
max_results = 30

[[boards]]
board = "greenhouse:acme"

[[boards]]
board = "https://jobs.lever.co/globex"

[[boards]]
board = "ashby:ghost"

[http]
linkedin_gap_seconds = 0
default_gap_seconds = 0
timeout_seconds = 2
max_retries = 1
backoff_base_seconds = 0.01
"""


async def run_cli(fake: BoardsFake, tmp: Path, *args: str) -> tuple[int, str, str]:
    assert fake.urls is not None
    # Every source is reached only through its JOBPICKS_<KIND>_URL setting, as a user's is.
    urls = {f"JOBPICKS_{kind.upper()}_URL": url for kind, url in fake.urls.model_dump().items()}
    env = cli_env(**urls, JOBPICKS_CONFIG=str(tmp / "jobpicks.toml"))
    # The fake is served by this event loop, so the CLI runs as an async subprocess.
    proc = await asyncio.create_subprocess_exec(
        *jobpicks_cmd("run", *args),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(), err.decode()


async def test_jobpicks_run_against_all_board_fakes(isolated_env: Path) -> None:
    (isolated_env / "jobpicks.toml").write_text(CONFIG, encoding="utf-8")
    shared = Job(id="4000000001", title="Software Engineer Intern", company="Acme, Inc.",
                 location="Austin, TX", description="Build robot fleet services in Python and Postgres.")  # fmt: skip
    async with BoardsFake() as fake:
        fake.linkedin = [shared, *make_jobs("", 6, start_id=4000000100, company="Hooli")]
        fake.indeed = make_jobs("ind", 4, company="Pied Piper", location="Seattle, WA")
        fake.greenhouse["acme"] = [
            Job(id="77", title="Software Engineer Intern", company="ACME", location="Austin, Texas",
                description=shared.description),
            Job(id="78", title="Senior Accountant", company="ACME", employment="full-time"),
        ]  # fmt: skip
        fake.lever["globex"] = [Job(id="g1", title="Software Engineering Intern", company="Globex",
                                    location="New York, NY")]  # fmt: skip
        fake.fail("indeed", status(429, retry_after="0.1"))  # one rate-limit, then fine

        code, out, err = await run_cli(fake, isolated_env)
        assert code == 0, err
        assert "# Daily Job Picks" in out
        assert "https://www.linkedin.com/jobs/view/4000000100" in out
        assert "https://www.indeed.com/viewjob?jk=ind0" in out
        assert "Globex" in out and "Accountant" not in out, err
        assert re.search(r"✗ ashby:ghost\s+failed: Ashby board 'ghost': HTTP 404", err), err
        assert re.search(
            r"✓ linkedin: software engineer intern @ United States\s+7 postings", err
        ), err
        assert re.search(r"✓ indeed: software engineer intern @ United States\s+4 postings", err), (
            err
        )
        assert "13 collected · 1 duplicates" in err, err  # the Acme job on LinkedIn and Greenhouse
        assert sum(fake.detail_fetches().values()) == 7

        # The next morning: the same jobs plus one new; nothing seen is fetched or picked again.
        fake.requests.clear()
        fake.linkedin.append(
            Job(id="4000000999", title="Software Engineer Intern", company="Umbrella")
        )
        code, out2, err2 = await run_cli(fake, isolated_env, "--force")
        assert code == 0, err2
        assert list(fake.detail_fetches()) == ["4000000999"]
        assert "1 new" in err2, err2


async def test_every_source_failing_says_so(isolated_env: Path) -> None:
    (isolated_env / "jobpicks.toml").write_text(CONFIG, encoding="utf-8")
    async with BoardsFake() as fake:
        fake.always["linkedin.search"] = status(403)
        fake.always["indeed"] = status(500)
        code, out, err = await run_cli(fake, isolated_env)
    assert code != 0
    assert "EVERY SOURCE FAILED" in err and "# Daily Job Picks" not in out


ATS_BOARDS_AND_A_LIST = """
[profile.filters]
excluded_title_words = ["senior"]
min_salary = 30000
workplace = ["remote", "on-site"]

[selection]
min_score = 0
max_picks = 30
per_company = 10

[[searches]]
keywords = "engineer intern"
location = "United States"
sources = []

[[boards]]
board = "workday:nvidia.wd5/External"

[[boards]]
board = "https://jobs.smartrecruiters.com/Visa"

[[boards]]
board = "workable:huggingface"

[[boards]]
board = "https://bunq.recruitee.com/"

[[lists]]
url = "{list_url}"
max_age_days = 7

[http]
default_gap_seconds = 0
timeout_seconds = 2
max_retries = 1
backoff_base_seconds = 0.01
"""


async def test_jobpicks_run_reads_ats_boards_and_a_community_list(isolated_env: Path) -> None:
    """Workday, SmartRecruiters, Workable, Recruitee and a community list in `jobpicks run`,
    reached only through JOBPICKS_*_URL and the config; the digest line shows the new fields
    and the hard filters use them."""
    async with BoardsFake() as fake:
        fake.workday["nvidia/External"] = [
            Job(id="11", title="Software Engineer Intern", company="NVIDIA", location="Santa Clara, CA",
                salary="$45 - $55 per hour", workplace="onsite"),
            Job(id="12", title="Hardware Engineer Intern", company="NVIDIA", location="Austin, TX",
                salary="$10 per hour"),  # below min_salary: vetoed
        ]  # fmt: skip
        fake.smartrecruiters["Visa"] = [
            Job(id="21", title="Data Engineer Intern", company="Visa", location="Austin, TX", workplace="hybrid"),
            Job(id="22", title="Platform Engineer Intern", company="Visa", location="Denver, CO", workplace="remote"),
        ]  # fmt: skip
        fake.workable["huggingface"] = [
            Job(id="AB12CD", title="ML Engineer Intern", company="Hugging Face", location="New York, NY", remote=True)
        ]  # fmt: skip
        fake.recruitee["bunq"] = [
            Job(id="31", title="Backend Engineer Intern", company="bunq", location="Boston, MA", salary="x")
        ]  # fmt: skip
        fake.lists["SimplifyJobs/Summer2026-Internships"] = [
            listing(Job(id="41", title="Quant Engineer Intern", company="Jane Street", location="New York, NY")),
            listing(Job(id="42", title="Closed Intern", company="X"), active=False),
        ]  # fmt: skip
        config = ATS_BOARDS_AND_A_LIST.replace(
            "{list_url}", fake.list_url("SimplifyJobs/Summer2026-Internships")
        )
        (isolated_env / "jobpicks.toml").write_text(config, encoding="utf-8")
        code, out, err = await run_cli(fake, isolated_env)
    assert code == 0, err
    for name, n in (("workday:nvidia/External", 2), ("smartrecruiters:Visa", 2),
                    ("workable:huggingface", 1), ("recruitee:bunq", 1),
                    ("list:SimplifyJobs/Summer2026-Internships", 1)):  # fmt: skip
        assert re.search(rf"✓ {re.escape(name)}\s+{n} posting", err), (name, err)
    assert "Software Engineer Intern" in out and "$45–55/hr" in out
    assert "Hardware Engineer Intern" not in out  # min_salary
    assert "Data Engineer Intern" not in out  # hybrid, and only remote / on-site wanted
    assert "Platform Engineer Intern" in out and "**Workplace:** remote" in out
    assert "Quant Engineer Intern" in out and "Closed Intern" not in out
    assert "[Apply](https://apply.workable.com/j/AB12CD/apply)" in out
    assert "€4,000–5,000/mo" in out  # Recruitee's structured salary
    assert "**Posted:**" in out


HR_BOARDS_AND_FEEDS = """
[profile.filters]
excluded_title_words = ["senior"]
min_salary = 30000
locations = []
max_age_days = 0

[selection]
min_score = 0
max_picks = 40
per_company = 10

[[searches]]
keywords = "engineer"
location = ""
sources = ["arbeitnow", "hackernews"]

[[boards]]
board = "https://ats.rippling.com/Acme-Co/jobs"

[[boards]]
board = "bamboohr:initech"

[[boards]]
board = "https://northwind.teamtailor.com/jobs"

[[boards]]
board = "personio:umbrella"

[[boards]]
board = "https://hcjy.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1/jobs"
company = "Cooper"

[http]
default_gap_seconds = 0
timeout_seconds = 2
max_retries = 1
backoff_base_seconds = 0.01
"""


async def test_jobpicks_run_reads_hr_boards_and_job_feeds(isolated_env: Path) -> None:
    """Rippling, BambooHR, Teamtailor, Personio, Oracle Recruiting, Arbeitnow and Hacker
    News' "Who is hiring?" in one `jobpicks run`: each gives postings with their fields, the
    pay filter reads their pay, and a pick links to the job's page with the apply link beside."""
    from datetime import UTC, datetime, timedelta

    from tests.fakes.job_feeds import HNThread, hn_post

    now = datetime.now(UTC)
    (isolated_env / "jobpicks.toml").write_text(HR_BOARDS_AND_FEEDS, encoding="utf-8")
    async with BoardsFake() as fake:
        fake.rippling["Acme-Co"] = [
            Job(id="r-1", title="Robotics Engineer Intern", company="Acme Co", location="Austin, TX",
                salary_range=(40, 48, "USD", "HOUR")),
            Job(id="r-2", title="Firmware Engineer Intern", company="Acme Co", location="Austin, TX",
                salary_range=(9, 10, "USD", "HOUR")),  # below min_salary: vetoed
        ]  # fmt: skip
        fake.bamboohr["initech"] = [Job(id="64", title="Data Engineer", company="Initech",
                                        employment="full-time", location="Denver, CO")]  # fmt: skip
        fake.teamtailor["northwind"] = [Job(id="4711", title="Battery Engineer", company="Northwind AB",
                                            location="Stockholm, Sweden", workplace="hybrid")]  # fmt: skip
        fake.personio["umbrella"] = [Job(id="1834171", title="Backend Engineer (m/w/d)",
                                         company="Umbrella GmbH", location="Munich")]  # fmt: skip
        fake.oracle["hcjy.fa.us2.oraclecloud.com/CX_1"] = [
            Job(
                id="30412",
                title="Lab Software Engineer",
                company="Cooper",
                location="Pleasanton, CA",
            )
        ]
        fake.arbeitnow = [Job(id="1", title="Cloud Engineer", company="Zalando", location="Berlin",
                              employment="full-time")]  # fmt: skip
        march = HNThread(47000000, "Ask HN: Who is hiring? (March 2027)", now - timedelta(days=2))
        march.comments = [hn_post(march, 47000100, Job(
            id="h", title="Founding ML Engineer", company="Globex", location="San Francisco, CA",
            workplace="onsite", salary="$160k - $210k", posted=now - timedelta(hours=2)))]  # fmt: skip
        fake.hn_threads = [march]
        code, out, err = await run_cli(fake, isolated_env)
    assert code == 0, err
    for name, n in (("rippling:Acme-Co", 2), ("bamboohr:initech", 1), ("teamtailor:northwind", 1),
                    ("personio:umbrella", 1), ("oracle:hcjy.fa.us2.oraclecloud.com/CX_1", 1),
                    ("arbeitnow: engineer", 1), ("hackernews: engineer", 1)):  # fmt: skip
        assert re.search(rf"✓ {re.escape(name)}\s+{n} posting", err), (name, err)
    for title in ("Robotics Engineer Intern", "Data Engineer", "Battery Engineer",
                  "Backend Engineer (m/w/d)", "Lab Software Engineer", "Cloud Engineer",
                  "Founding ML Engineer"):  # fmt: skip
        assert title in out, (title, out)
    assert "Firmware Engineer Intern" not in out  # its pay is below min_salary
    assert "$40–48/hr" in out and "$160k–210k/yr" in out
    assert "[Founding ML Engineer](https://news.ycombinator.com/item?id=47000100)" in out
    assert "[Apply](https://globex.example/careers)" in out
    assert "**Workplace:** hybrid" in out
