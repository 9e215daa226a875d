"""Fixtures for scoring tests: a fake LLM server reached through real litellm."""

from __future__ import annotations

import pytest

import scoring.llm.client
from scoring.options import LLMSettings
from tests.fakes.llm import FakeLLM


@pytest.fixture
async def fake_llm():
    async with FakeLLM() as fake:
        yield fake


@pytest.fixture
def llm_settings(fake_llm: FakeLLM) -> LLMSettings:
    return LLMSettings(model="openai/fake-scorer", api_base=fake_llm.base, api_key="dummy-key")


@pytest.fixture(autouse=True)
def quick_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our own backoff without Retry-After, shortened so retry tests stay fast."""
    monkeypatch.setattr(scoring.llm.client, "RETRY_BASE_SECONDS", 0.01)
