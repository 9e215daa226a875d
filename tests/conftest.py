"""Shared fixtures: every test gets its own database and config paths, and no real .env."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

_OUR_ENV = (
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


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in a tmp cwd (so no developer `.env` or `jobpicks.toml` leaks in)."""
    for name in _OUR_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBPICKS_DB", str(tmp_path / "db" / "jobpicks.json"))
    # JOBPICKS_CONFIG stays unset: ./jobpicks.toml in the tmp cwd, built-in defaults if absent.
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    return tmp_path


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
    import asyncio

    proc = await asyncio.create_subprocess_exec(
        *jobpicks_cmd(*args),
        env=cli_env(**env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    return proc.returncode or 0, out.decode(), err.decode()
