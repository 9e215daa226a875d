from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from scrapers.http import HttpClient, gaps_for, new_session
from scrapers.options import HttpConfig
from tests.fakes.boards import BoardsFake


@pytest.fixture
def http_cfg() -> HttpConfig:
    """Test manners: no gaps, quick retries, a short timeout."""
    return HttpConfig(
        linkedin_gap_seconds=0,
        default_gap_seconds=0,
        timeout_seconds=0.5,
        max_retries=2,
        max_retry_wait_seconds=5,
        backoff_base_seconds=0.01,
        user_agent="jobpicks-test/1.0 (+tests)",
    )


@pytest.fixture
async def fake() -> AsyncIterator[BoardsFake]:
    async with BoardsFake() as f:
        yield f


@pytest.fixture
async def client(fake: BoardsFake, http_cfg: HttpConfig) -> AsyncIterator[HttpClient]:
    assert fake.urls is not None
    async with new_session(http_cfg) as session:
        yield HttpClient(session, http_cfg, gaps_for(http_cfg, fake.urls.linkedin))
