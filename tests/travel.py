"""A pytest plugin that runs the suite on another date: `JOBPICKS_TEST_NOW=2027-12-31T23:59`
`pytest -p tests.travel` moves every test process's wall clock (`datetime.now`, `time.time`)
there at start, and lets it tick on (a time without a zone is UTC).

The suite must pass whatever the day, hour and timezone it runs at (a test that set "weekly
friday" failed CI on a Friday); this finds such tests before a calendar does. Pair it with
`TZ=...` for the machine's timezone. The monotonic clock does not move (asyncio's timers keep
working), and neither does any process a test starts (`jobpicks` in the CLI tests, a child
bot): a failure there may come from the two clocks being on different days.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import time_machine

ENV = "JOBPICKS_TEST_NOW"
_travel: time_machine.travel | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _travel
    when = os.environ.get(ENV, "").strip()
    if not when:
        return
    moment = datetime.fromisoformat(when)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # Each xdist worker configures itself too, so every process of the run travels.
    _travel = time_machine.travel(moment, tick=True)
    _travel.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _travel is not None:
        _travel.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    if _travel is None:
        return None
    return f"{ENV}: the clock reads {datetime.now(UTC).isoformat(timespec='seconds')}"
