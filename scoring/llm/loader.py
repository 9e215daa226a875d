"""litellm, loaded once, off the event loop, behind one awaitable: `LiteLLM`.

litellm's import costs seconds and about 200 MB, so it is never imported at module level and
never on a serving event loop: `await loader.module()` starts the import in a worker thread the
first time and every caller awaits that same import, while the loop goes on answering.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

# litellm's switches for working offline. It reads them from the environment only, and reads
# the price map's switch during its own import ("it can't be set in config.yaml, because the
# model cost map loads before the config is read": litellm's docs, "Outbound Requests and
# Offline Mode"); the others are read at first use (Anthropic beta headers, tokenizers). So
# `import_litellm` sets them, just before the import and only where the operator has not: the
# one place jobpicks writes to the environment. Without them litellm fetches a price map from
# the internet at import and retries for seconds when offline.
OFFLINE_SWITCHES = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # every litellm 1.x
    "LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS": "True",
    "LITELLM_OFFLINE_MODE": "true",  # newer litellm: all of the above and the rest
}
QUIET_LOGGERS = ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "litellm", "httpx")


def import_litellm() -> Any:
    """Import litellm offline and quiet, with its tokenizer loaded, and return it. Blocks for
    seconds: `LiteLLM` runs it in a worker thread."""
    for name, value in OFFLINE_SWITCHES.items():
        os.environ.setdefault(name, value)
    import litellm

    litellm.suppress_debug_info = True
    litellm.telemetry = False
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    # The token counter loads its tokenizer on first use: here, not in the first call.
    litellm.token_counter(model="gpt-4o-mini", text="warm up")
    return litellm


class LiteLLM:
    """The litellm module, imported once by `importer` in a worker thread.

    `await module()` from any number of tasks shares one import; `load()` blocks for it
    (scripts with no event loop). A failed import is reported to every waiter and tried
    again on the next call. A test injects an `importer` (e.g. one that waits on an event)."""

    def __init__(self, importer: Callable[[], Any] = import_litellm) -> None:
        self._importer = importer
        self._lock = threading.Lock()  # held only to start the import, never across it
        self._future: concurrent.futures.Future[Any] | None = None

    def start(self) -> concurrent.futures.Future[Any]:
        """Start the import in a worker thread unless it is started or done; never blocks."""
        with self._lock:
            failed = self._future is not None and self._future.done() and self._future.exception()
            if self._future is None or failed:
                future: concurrent.futures.Future[Any] = concurrent.futures.Future()
                # Running from now on: a waiter that is cancelled (a bot stopping) cannot
                # cancel the import that other waiters share.
                future.set_running_or_notify_cancel()
                # A daemon thread: a process that exits mid-import does not wait for it.
                threading.Thread(
                    target=self._run, args=(future,), name="litellm-import", daemon=True
                ).start()
                self._future = future
            return self._future

    def _run(self, future: concurrent.futures.Future[Any]) -> None:
        try:
            future.set_result(self._importer())
        except BaseException as exc:  # noqa: BLE001 — handed to whoever awaits the import
            future.set_exception(exc)

    async def module(self) -> Any:
        """litellm, imported in a worker thread if it is not yet: the event loop keeps serving."""
        return await asyncio.wrap_future(self.start())

    def load(self) -> Any:
        """litellm, blocking until it is imported (for code with no event loop to keep)."""
        return self.start().result()

    @property
    def loaded(self) -> Any | None:
        """The module if the import has finished, else None (never waits)."""
        future = self._future
        if future is None or not future.done() or future.exception() is not None:
            return None
        return future.result()
