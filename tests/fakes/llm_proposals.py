"""An OpenAI-compatible chat-completions server on 127.0.0.1 for the learning tests.

Reached through litellm exactly as a user would configure it: model ``openai/fake``,
``api_base`` = ``fake.api_base``, any key. ``answer`` decides each reply from the request
body; every request body is kept in ``requests``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

Answer = Callable[[dict[str, Any]], str | tuple[int, dict[str, Any]]]


def echo_answer(proposal: list[str]) -> Answer:
    """A reply carrying `proposal` plus the whole prompt echoed into other fields (and into
    one proposal line), as a model that repeats its input would."""

    def answer(body: dict[str, Any]) -> str:
        prompt = "\n".join(m["content"] for m in body["messages"])
        return json.dumps({"proposal": [*proposal, prompt], "echo": prompt, "notes": prompt})

    return answer


class FakeLLM:
    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        self._runner: web.AppRunner | None = None
        self.port = 0

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def _completions(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        out = self.answer(body)
        if isinstance(out, tuple):
            status, payload = out
            return web.json_response(payload, status=status)
        prompt_tokens = sum(len(m["content"].split()) for m in body["messages"])
        return web.json_response(
            {
                "id": f"chatcmpl-{len(self.requests)}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.get("model", "fake"),
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": out},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": prompt_tokens,
                    "completion_tokens": len(out.split()),
                    "total_tokens": prompt_tokens + len(out.split()),
                },
            }
        )

    async def start(self) -> FakeLLM:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._completions)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeLLM:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
