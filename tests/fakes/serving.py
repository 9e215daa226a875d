"""How every fake serves its aiohttp app on 127.0.0.1, and how it stops.

A fake stops after its client is done with it, so a request still in its handler then — a
Telegram long poll, a slow board or model answer — has nobody waiting for it. Its waits end
when the fake stops (`pause`, or the long poll's own check), and whatever is left is
abandoned after a short grace: aiohttp's default grace is 60 s, and a long poll alone held
each Telegram test for half a second.
"""

from __future__ import annotations

import asyncio
import contextlib

from aiohttp import web

# Long enough for a handler that is about to answer; a sleeping one is cancelled.
STOP_GRACE_SECONDS = 0.05


async def serve_locally(app: web.Application, port: int = 0) -> tuple[web.AppRunner, int]:
    """Serve `app` on 127.0.0.1 (`port` 0: any free port); returns the runner and the port.
    `await runner.cleanup()` stops it."""
    runner = web.AppRunner(app, shutdown_timeout=STOP_GRACE_SECONDS, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    _host, bound, *_ = runner.addresses[0]
    return runner, bound


async def pause(seconds: float, stopping: asyncio.Event) -> None:
    """A handler's scripted wait (latency, a slow answer): `seconds`, or until `stopping`."""
    if seconds > 0:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), seconds)
