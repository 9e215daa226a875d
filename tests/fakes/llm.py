"""A fake OpenAI-compatible chat-completions server for tests and benchmarks.

It speaks `POST /v1/chat/completions` on 127.0.0.1 so real litellm (model `openai/<name>`,
`api_base` = `fake.base`) talks to it. Each test scripts its answers: queue replies that are
consumed in order, or set a `responder` that decides per request (it may return a `Reply` or
just the message text). Every request is recorded.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


@dataclass
class Reply:
    """One scripted answer.

    kind: "json" (a JSON object), "fenced" (the JSON inside a ```json fence), "text" (raw
    `content`), "status" (an HTTP error `status` with an OpenAI-style error body).
    """

    kind: str = "json"
    score: int = 70
    reason: str = "Matches the profile."
    summary: str = "A job."
    content: str = ""
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)

    def body(self) -> str:
        if self.kind == "text":
            return self.content
        obj = {"reason": self.reason, "score": self.score, "summary": self.summary, **self.extra}
        text = json.dumps(obj)
        if self.kind == "fenced":
            return f"Here you go:\n```json\n{text}\n```"
        return text


def valid(score: int = 70, **kw: Any) -> Reply:
    return Reply(kind="json", score=score, **kw)


def fenced(score: int = 70, **kw: Any) -> Reply:
    return Reply(kind="fenced", score=score, **kw)


def invalid(content: str = "I think this job is a good fit, maybe 80?") -> Reply:
    return Reply(kind="text", content=content)


def status(code: int, retry_after: float | None = None) -> Reply:
    return Reply(kind="status", status=code, retry_after=retry_after)


def slow(seconds: float, score: int = 70) -> Reply:
    return Reply(kind="json", score=score, delay=seconds)


def tokens(text: str) -> int:
    """A stable stand-in for a tokenizer: about four characters a token."""
    return max(1, len(text) // 4)


Responder = Callable[[dict[str, Any]], Reply | str]


def score_by_keywords(body: dict[str, Any]) -> Reply:
    """Default responder: a deterministic score from the posting block of the last message."""
    posting = body["messages"][-1]["content"].lower()
    hits = sum(posting.count(w) for w in ("machine learning", "recommend", "ranking", "python"))
    return valid(min(100, 40 + 12 * hits), reason="Keyword overlap.", summary="A posting.")


def echo_answer(proposal: list[str]) -> Responder:
    """A responder carrying `proposal` plus the whole prompt echoed into other fields (and into
    one proposal line), as a model that repeats its input would."""

    def answer(body: dict[str, Any]) -> str:
        prompt = "\n".join(_text(m.get("content")) for m in body["messages"])
        return json.dumps({"proposal": [*proposal, prompt], "echo": prompt, "notes": prompt})

    return answer


class FakeLLM:
    """Start with `await fake.start()` (or `async with FakeLLM() as fake`).

    Queued replies are used first; when the queue is empty `responder` answers (by default a
    keyword score in the scoring contract). A responder returning a string sends that text as
    the message content, for prompts with another output contract (learning proposals).
    """

    def __init__(self, delay: float = 0.0, responder: Responder = score_by_keywords) -> None:
        self.delay = delay  # applied to every answer, on top of a reply's own delay
        self.script: deque[Reply] = deque()
        self.responder: Responder = responder
        self.requests: list[dict[str, Any]] = []  # request bodies, in arrival order
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[float] = []
        self._prefixes: set[str] = set()  # system prompts seen: a stand-in prompt cache
        self._runner: web.AppRunner | None = None
        self.base = ""

    # -- scripting ---------------------------------------------------------------------------
    def queue(self, *replies: Reply) -> None:
        self.script.extend(replies)

    @property
    def calls(self) -> int:
        return len(self.requests)

    def reset(self) -> None:
        self.requests.clear()
        self.arrivals.clear()
        self.script.clear()
        self.max_in_flight = 0

    # -- server ------------------------------------------------------------------------------
    async def start(self) -> FakeLLM:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._handle)
        app.router.add_get("/v1/fake/stats", self._stats)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}/v1"
        return self

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeLLM:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def _stats(self, _request: web.Request) -> web.Response:
        return web.json_response({"calls": self.calls, "max_in_flight": self.max_in_flight})

    async def _handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.requests.append(body)
        self.arrivals.append(time.perf_counter())
        reply = self.script.popleft() if self.script else self.responder(body)
        if isinstance(reply, str):
            reply = Reply(kind="text", content=reply)
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.delay or reply.delay:
                await asyncio.sleep(self.delay + reply.delay)
        finally:
            self.in_flight -= 1
        if reply.kind == "status":
            headers = {}
            if reply.retry_after is not None:
                headers["retry-after"] = str(reply.retry_after)
            err = {"error": {"message": f"fake error {reply.status}", "type": "fake", "code": None}}
            return web.json_response(err, status=reply.status, headers=headers)
        return web.json_response(self._completion(body, reply.body()))

    def _completion(self, body: dict[str, Any], content: str) -> dict[str, Any]:
        messages = body.get("messages", [])
        prompt = sum(tokens(_text(m.get("content"))) for m in messages)
        cached = 0
        if messages and messages[0].get("role") == "system":
            system = _text(messages[0].get("content"))
            if system in self._prefixes:
                cached = tokens(system)
            self._prefixes.add(system)
        out = tokens(content)
        return {
            "id": f"chatcmpl-fake-{len(self.requests)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt,
                "completion_tokens": out,
                "total_tokens": prompt + out,
                "prompt_tokens_details": {"cached_tokens": cached},
            },
        }


def _text(content: Any) -> str:
    """Message content as text (a string, or OpenAI's list of parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def posting_block(body: dict[str, Any]) -> str:
    """The delimited posting data of a recorded request (for assertions)."""
    m = re.search(r"<posting>(.*)</posting>", body["messages"][-1]["content"], re.S)
    return m.group(1) if m else ""


async def _serve(delay: float) -> None:
    fake = await FakeLLM(delay=delay).start()
    print(fake.base, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":  # `python -m tests.fakes.llm 0.2`: serve in its own process
    import sys

    asyncio.run(_serve(float(sys.argv[1]) if len(sys.argv) > 1 else 0.0))
