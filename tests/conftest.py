"""Shared fixtures: every test gets its own database and config paths, and no real .env."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_support import OUR_ENV


@pytest.fixture(autouse=True)
def isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run each test in a tmp cwd (so no developer `.env` or `jobpicks.toml` leaks in)."""
    for name in OUR_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JOBPICKS_DB", str(tmp_path / "db" / "jobpicks.json"))
    # JOBPICKS_CONFIG stays unset: ./jobpicks.toml in the tmp cwd, built-in defaults if absent.
    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    return tmp_path
