"""The `jobpicks` command as a real process for the end-to-end tests: the command line, an
environment that reaches this checkout and only the settings a test gives, and a config with
the board fakes' addresses for `jobpicks run`."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.fakes.boards import BoardsFake

REPO = Path(__file__).resolve().parent.parent

# Every setting of ours a developer's shell could hold; the tests clear them all.
OUR_ENV = (
    "JOBPICKS_DB",
    "JOBPICKS_CONFIG",
    "TELEGRAM_BOT_TOKEN",
    "TELEGRAM_CHAT_IDS",
    "TELEGRAM_USER_IDS",
    "TELEGRAM_API_BASE",
    "LLM_MODEL",
    "LLM_API_BASE",
    "LLM_API_KEY",
    "JOBPICKS_LINKEDIN_URL",
    "JOBPICKS_INDEED_URL",
    "JOBPICKS_GREENHOUSE_URL",
    "JOBPICKS_LEVER_URL",
    "JOBPICKS_ASHBY_URL",
)


def cli_env(**extra: str) -> dict[str, str]:
    """Environment for running `python -m bot` in a subprocess from this checkout."""
    env = dict(os.environ)  # the autouse fixture already set this test's paths and cleared the rest
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    return env


def jobpicks_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "bot", *args]


async def run_jobpicks(*args: str, **env: str) -> tuple[int, str, str]:
    """Run the CLI as an async subprocess, so fakes served by the test's loop keep answering."""
    proc = await asyncio.create_subprocess_exec(
        *jobpicks_cmd(*args),
        env=cli_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(), err.decode()


# A morning of LinkedIn and one Lever board, every posting a candidate, no politeness gaps.
RUN_CONFIG = """
[profile]
about = "Student looking for a machine learning or backend internship. Python, PyTorch, Postgres."

[profile.filters]
locations = ["United States"]
employment_types = ["internship", "full-time"]

[selection]
min_score = 0
max_picks = 5
per_company = 5

[[searches]]
keywords = "machine learning intern"
location = "United States"
sources = ["linkedin"]
max_results = 20

[[boards]]
board = "lever:globex"

[http]
linkedin_gap_seconds = 0
default_gap_seconds = 0
timeout_seconds = 2
max_retries = 0
"""


def boards_env(fake: BoardsFake, tmp: Path) -> dict[str, str]:
    """`RUN_CONFIG` (written by the test to `tmp / "jobpicks.toml"`) and the fakes' addresses."""
    u = fake.urls
    assert u is not None
    return {
        "JOBPICKS_CONFIG": str(tmp / "jobpicks.toml"),
        "JOBPICKS_LINKEDIN_URL": u.linkedin,
        "JOBPICKS_INDEED_URL": u.indeed,
        "JOBPICKS_GREENHOUSE_URL": u.greenhouse,
        "JOBPICKS_LEVER_URL": u.lever,
        "JOBPICKS_ASHBY_URL": u.ashby,
    }
