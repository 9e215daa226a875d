"""The "working…" message of a fresh /picks, edited in place as the run goes."""

from __future__ import annotations

import asyncio
import contextlib
import time

from bot.telegram import render
from bot.telegram.delivery import Courier

# Seconds between two edits of the progress message (each edit also waits its turn in the
# chat's pacer).
PROGRESS_INTERVAL = 2.0


class ProgressMessage:
    """Shows each step of the run (collecting, collected n from N sources, scored i/n) and
    the time so far, editing one message at most every `interval` seconds through the
    chat's pacer. Progress is cosmetic: a failed edit is logged and never stops the run."""

    def __init__(
        self, courier: Courier, chat_id: int, message_id: int, interval: float | None = None
    ) -> None:
        self.courier, self.chat_id, self.message_id = courier, chat_id, message_id
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self.steps: list[str] = []
        self.started = time.monotonic()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    def update(self, text: str) -> None:
        """A new step, or a new count of the current one ("scored 50/200" after "scored 25/200")."""
        if self.steps and _same_step(self.steps[-1], text):
            self.steps[-1] = text
        else:
            self.steps.append(text)

    async def _loop(self) -> None:
        shown = ""
        while True:
            await asyncio.sleep(self.interval)
            text = render.progress_message(self.steps, time.monotonic() - self.started)
            if self.steps and text != shown:
                await self.edit(text)
                shown = text

    async def edit(self, html: str) -> bool:
        """Show `html` in the message; False when Telegram refused (logged)."""
        try:
            return await self.courier.edit_text(self.chat_id, self.message_id, html)
        except Exception:  # flood control, network: the next update tries again
            return False

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


def _same_step(previous: str, new: str) -> bool:
    """ "scored 25/200" and "scored 50/200" are one step counting up."""
    return previous.split(" ", 1)[0] == new.split(" ", 1)[0] and "/" in previous and "/" in new
