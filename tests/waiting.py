"""Waiting in tests for something to happen, never for a fixed time: the condition is checked
every few milliseconds and the wait fails, saying so, when `within` seconds pass first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def eventually(condition: Callable[[], object], within: float = 5.0) -> None:
    """Wait until `condition()` is true (e.g. a record the code writes just after it sends)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
