"""End to end: `python -m bot run` against every board fake at once, twice (two mornings)."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from tests.conftest import cli_env, jobpicks_cmd
from tests.fakes.boards import BoardsFake, Job, make_jobs, status

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
max_picks = 10
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
    u = fake.urls
    env = cli_env(
        JOBPICKS_LINKEDIN_URL=u.linkedin,
        JOBPICKS_INDEED_URL=u.indeed,
        JOBPICKS_GREENHOUSE_URL=u.greenhouse,
        JOBPICKS_LEVER_URL=u.lever,
        JOBPICKS_ASHBY_URL=u.ashby,
        JOBPICKS_CONFIG=str(tmp / "jobpicks.toml"),
    )
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
        assert "Globex" in out and "Accountant" not in out
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
