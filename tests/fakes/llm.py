"""A fake LLM provider for tests and benchmarks, on 127.0.0.1, speaking three real protocols:

- OpenAI chat completions, `POST /v1/chat/completions` (litellm `openai/<name>` with
  `api_base` = `fake.base`);
- Anthropic Messages, `POST /v1/messages` (litellm `anthropic/<name>` with `api_base` =
  `fake.root`);
- Ollama chat, `POST /api/chat` (litellm `ollama_chat/<name>` with `api_base` = `fake.root`).

Each test scripts its answers: queue replies that are consumed in order, or set a `responder`
that decides per request (it gets the request in OpenAI shape — `messages` with string
contents, the system message first — and returns a `Reply` or just the message text). Every
request is recorded as it arrived on the wire (`requests`, with `paths`).

It keeps the real services' limits, so a design that would miss them here misses them too:

- **Prompt caching, OpenAI semantics** (also Gemini's implicit cache and DeepSeek): cached
  tokens are reported only for a prefix identical to an earlier request's, of at least 1,024
  tokens, counted in 128-token steps (OpenAI, "Prompt caching" guide: caching applies from
  1,024 tokens and hits come in 128-token increments; litellm's docs list the same 1,024
  minimum for OpenAI and Gemini). Tokens are counted with litellm's `token_counter`.
- **Prompt caching, Anthropic semantics**: only the prefix up to a block marked
  `cache_control` is cached, and only from the model's minimum (1,024 tokens for Sonnet/Opus
  3.x-4.x, 2,048 for Haiku 3/3.5, 4,096 for Haiku 4.5 / Opus 4.5 — Anthropic's prompt-caching
  docs, "minimum cacheable prompt length"); a first use writes the cache
  (`cache_creation_input_tokens`), a repeat reads it (`cache_read_input_tokens`). Unmarked
  prompts are never cached, however long or repeated.
- **Ollama serves one request at a time** (`OLLAMA_NUM_PARALLEL` defaults to 1 on most
  machines; more requests wait in a queue of up to `OLLAMA_MAX_QUEUE` = 512 — Ollama FAQ,
  "How does Ollama handle concurrent requests?"), and a request whose client gave up is still
  computed: the queue here holds the lock for the whole latency either way.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from scoring.llm.loader import LiteLLM, import_litellm
from tests.fakes.serving import pause, serve_locally

OPENAI_CACHE_MIN = 1024
OPENAI_CACHE_STEP = 128
ANTHROPIC_DEFAULT_MIN = 1024


def anthropic_cache_min(model: str) -> int:
    """Anthropic's minimum cacheable prompt length for a model name."""
    name = model.lower()
    if "haiku-4" in name or "opus-4-5" in name or "opus-4.5" in name:
        return 4096
    if "haiku" in name:
        return 2048
    return ANTHROPIC_DEFAULT_MIN


@dataclass
class Reply:
    """One scripted answer.

    kind: "json" (the scoring contract: an entry with `score` for every posting id of the
    request, or a lone object when the request has none; `scores` overrides per id),
    "fenced" (the same inside a ```json fence), "text" (raw `content`), "status" (an HTTP
    error `status` with an error body; `echo_key` puts the key the request carried into the
    error's message, as a careless gateway does: "Incorrect API key provided: <key>").
    """

    kind: str = "json"
    score: Any = 70
    reason: str = "Matches the profile."
    summary: str = "A job."
    content: str = ""
    status: int = 200
    retry_after: float | None = None
    delay: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
    scores: dict[str, Any] = field(default_factory=dict)  # id -> score, overriding `score`
    echo_key: bool = False

    def body(self, request: dict[str, Any] | None = None) -> str:
        if self.kind == "text":
            return self.content
        ids = posting_ids(request) if request else []
        if ids and is_triage(request or {}):  # triage answers carry a score only
            text = json.dumps(
                {"scores": [{"id": pid, "score": self.scores.get(pid, self.score)} for pid in ids]}
            )
        elif ids:
            entries = [
                {
                    "id": pid,
                    "reason": self.reason,
                    "score": self.scores.get(pid, self.score),
                    "summary": self.summary,
                    **self.extra,
                }
                for pid in ids
            ]
            text = json.dumps({"scores": entries})
        else:
            obj = {"reason": self.reason, "score": self.score, "summary": self.summary}
            text = json.dumps({**obj, **self.extra})
        if self.kind == "fenced":
            return f"Here you go:\n```json\n{text}\n```"
        return text


def valid(score: Any = 70, **kw: Any) -> Reply:
    return Reply(kind="json", score=score, **kw)


def fenced(score: int = 70, **kw: Any) -> Reply:
    return Reply(kind="fenced", score=score, **kw)


def invalid(content: str = "I think this job is a good fit, maybe 80?") -> Reply:
    return Reply(kind="text", content=content)


def status(code: int, retry_after: float | None = None, *, echo_key: bool = False) -> Reply:
    return Reply(kind="status", status=code, retry_after=retry_after, echo_key=echo_key)


def slow(seconds: float, score: int = 70) -> Reply:
    return Reply(kind="json", score=score, delay=seconds)


Responder = Callable[[dict[str, Any]], Reply | str]

# litellm through the app's own loader (offline, imported once), for its token counter.
_LITELLM = LiteLLM()


def count_tokens(text: str, model: str = "gpt-4o-mini") -> int:
    """Tokens as litellm counts them (the figure providers' thresholds are stated in)."""
    return int(_LITELLM.load().token_counter(model=model, text=text)) if text else 0


class GatedImport:
    """An importer for `LiteLLM(importer)` that holds its worker thread until the test sets
    `release`: a load as slow as the test wants, with no sleep. `started` is set when the
    import begins; `calls` counts imports. Once released it returns `result`, or raises
    `error`, or (by default) imports the real litellm."""

    def __init__(self, result: object = None, error: BaseException | None = None) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        self.calls = 0
        self.result, self.error = result, error

    def __call__(self) -> object:
        self.calls += 1
        self.started.set()
        if not self.release.wait(30):
            raise TimeoutError("the test never released the import")
        if self.error is not None:
            raise self.error
        return self.result if self.result is not None else import_litellm()


# -- reading a request -------------------------------------------------------------------------
_BLOCK = re.compile(r'<posting id="([^"]+)">\n(.*?)\n</posting>', re.S)
_TRIAGE = re.compile(r"<postings>\n(.*?)\n</postings>", re.S)


def _user_text(request: dict[str, Any]) -> str:
    msgs = request.get("messages") or []
    return _text(msgs[-1].get("content")) if msgs else ""


def posting_ids(request: dict[str, Any]) -> list[str]:
    """The posting ids a scoring or triage request asks about, in order."""
    return [pid for pid, _ in postings_in(request)]


def postings_in(request: dict[str, Any]) -> list[tuple[str, dict[str, str]]]:
    """(id, fields) for each posting in a scoring or triage request. Fields: title, company,
    location, and for full scoring the description."""
    text = _user_text(request)
    out: list[tuple[str, dict[str, str]]] = []
    for pid, body in _BLOCK.findall(text):
        fields: dict[str, str] = {}
        for line in body.split("\n"):
            name, _, value = line.partition(": ")
            if name in ("Title", "Company", "Location", "Employment type", "Level"):
                fields[name.lower()] = value
        fields["description"] = body.split("Description:\n", 1)[-1]
        out.append((pid, fields))
    triage = _TRIAGE.search(text)
    if triage:
        for row in triage.group(1).split("\n"):
            try:
                item = json.loads(row)
            except json.JSONDecodeError:
                continue
            out.append((str(item.get("id")), {k: str(v) for k, v in item.items()}))
    return out


def is_triage(request: dict[str, Any]) -> bool:
    return "<postings>" in _user_text(request)


def score_by_keywords(body: dict[str, Any]) -> Reply:
    """Default responder: a deterministic score per posting from its words."""
    scores = {}
    for pid, fields in postings_in(body):
        text = " ".join(fields.values()).lower()
        hits = sum(text.count(w) for w in ("machine learning", "recommend", "ranking", "python"))
        scores[pid] = min(100, 40 + 12 * hits)
    if not scores:  # not a scoring request: one object from the whole prompt
        text = _user_text(body).lower()
        hits = sum(text.count(w) for w in ("machine learning", "recommend", "ranking", "python"))
        return valid(min(100, 40 + 12 * hits), reason="Keyword overlap.", summary="A posting.")
    return valid(scores=scores, reason="Keyword overlap.", summary="A posting.")


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
    keyword score in the scoring contract). `delay` is every answer's latency; `ollama_delay`
    the Ollama endpoint's, which serves one request at a time.
    """

    def __init__(
        self,
        delay: float = 0.0,
        responder: Responder = score_by_keywords,
        *,
        ollama_delay: float | None = None,
    ) -> None:
        self.delay = delay  # applied to every answer, on top of a reply's own delay
        self.ollama_delay = delay if ollama_delay is None else ollama_delay
        self.script: deque[Reply] = deque()
        self.responder: Responder = responder
        self.requests: list[dict[str, Any]] = []  # request bodies as sent, in arrival order
        self.paths: list[str] = []  # the endpoint of each request
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[float] = []
        self.ollama_served = 0  # answers computed by the one-at-a-time endpoint
        self.ollama_abandoned = 0  # … of which the client had hung up before the answer
        self.usage: list[dict[str, int]] = []  # what each answer reported
        self._prompts: deque[str] = deque(maxlen=64)  # recent prompts (OpenAI prefix cache)
        self._anthropic_cache: set[str] = set()
        self._ollama_lock = asyncio.Lock()
        self._stopping = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base = ""  # OpenAI-style base URL, ending in /v1
        self.root = ""  # the server root, for Anthropic and Ollama model strings

    # -- scripting ---------------------------------------------------------------------------
    def queue(self, *replies: Reply) -> None:
        self.script.extend(replies)

    @property
    def calls(self) -> int:
        return len(self.requests)

    def reset(self) -> None:
        self.requests.clear()
        self.paths.clear()
        self.arrivals.clear()
        self.script.clear()
        self.usage.clear()
        self.max_in_flight = 0

    # -- server ------------------------------------------------------------------------------
    async def start(self, port: int = 0) -> FakeLLM:
        self._stopping.clear()
        app = web.Application(client_max_size=16 * 1024 * 1024)
        app.router.add_post("/v1/chat/completions", self._openai)
        app.router.add_post("/v1/messages", self._anthropic)
        app.router.add_post("/api/chat", self._ollama)
        app.router.add_get("/v1/fake/stats", self._stats)
        self._runner, port = await serve_locally(app, port)
        self.root = f"http://127.0.0.1:{port}"
        self.base = f"{self.root}/v1"
        return self

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner:
            await self._runner.cleanup()

    async def __aenter__(self) -> FakeLLM:
        return await self.start()

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def _stats(self, _request: web.Request) -> web.Response:
        totals = {k: sum(u.get(k, 0) for u in self.usage) for k in ("prompt", "cached")}
        return web.json_response(
            {
                "calls": self.calls,
                "max_in_flight": self.max_in_flight,
                "ollama_served": self.ollama_served,
                "prompt_tokens": totals["prompt"],
                "cached_tokens": totals["cached"],
            }
        )

    async def _take(
        self, request: web.Request, normal: dict[str, Any], raw: dict[str, Any]
    ) -> tuple[Reply, float]:
        self.requests.append(raw)
        self.paths.append(request.path)
        self.arrivals.append(time.perf_counter())
        reply = self.script.popleft() if self.script else self.responder(normal)
        if isinstance(reply, str):
            reply = Reply(kind="text", content=reply)
        return reply, reply.delay

    async def _wait(self, seconds: float) -> None:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await pause(seconds, self._stopping)
        finally:
            self.in_flight -= 1

    @staticmethod
    def _message(reply: Reply, request: web.Request) -> str:
        if not reply.echo_key:
            return f"fake error {reply.status}"
        sent = request.headers.get("x-api-key") or request.headers.get("Authorization", "")
        return f"Incorrect API key provided: {sent.removeprefix('Bearer ')}"

    def _error(self, reply: Reply, request: web.Request) -> web.Response:
        headers = {}
        if reply.retry_after is not None:
            headers["retry-after"] = str(reply.retry_after)
        message = self._message(reply, request)
        err = {"error": {"message": message, "type": "fake", "code": None}}
        return web.json_response(err, status=reply.status, headers=headers)

    # -- OpenAI ------------------------------------------------------------------------------
    async def _openai(self, request: web.Request) -> web.Response:
        body = await request.json()
        normal = {**body, "messages": _string_messages(body.get("messages", []))}
        reply, extra = await self._take(request, normal, body)
        await self._wait(self.delay + extra)
        if reply.kind == "status":
            return self._error(reply, request)
        content = reply.body(normal)
        prompt_text = _prompt_text(normal["messages"])
        prompt = count_tokens(prompt_text)
        cached = self._openai_cached(prompt_text)
        out = count_tokens(content)
        self.usage.append({"prompt": prompt, "cached": cached})
        return web.json_response(
            {
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
        )

    def _openai_cached(self, text: str) -> int:
        """Tokens of the longest prefix shared with a recent prompt, if ≥ 1,024, in steps."""
        best = 0
        for seen in self._prompts:
            best = max(best, _common_prefix(seen, text))
        self._prompts.append(text)
        if best == 0:
            return 0
        shared = count_tokens(text[:best])
        if shared < OPENAI_CACHE_MIN:
            return 0
        return (
            OPENAI_CACHE_MIN + (shared - OPENAI_CACHE_MIN) // OPENAI_CACHE_STEP * OPENAI_CACHE_STEP
        )

    # -- Anthropic ---------------------------------------------------------------------------
    async def _anthropic(self, request: web.Request) -> web.Response:
        body = await request.json()
        system = body.get("system")
        messages = ([{"role": "system", "content": system}] if system else []) + list(
            body.get("messages", [])
        )
        normal = {**body, "messages": _string_messages(messages)}
        reply, extra = await self._take(request, normal, body)
        await self._wait(self.delay + extra)
        if reply.kind == "status":
            message = self._message(reply, request)
            err = {"type": "error", "error": {"type": "fake_error", "message": message}}
            headers = {"retry-after": str(reply.retry_after)} if reply.retry_after else {}
            return web.json_response(err, status=reply.status, headers=headers)
        content = reply.body(normal)
        total = count_tokens(_prompt_text(normal["messages"]))
        marked = _marked_prefix(messages)
        read = written = 0
        if marked is not None:
            size = count_tokens(marked)
            if size >= anthropic_cache_min(str(body.get("model", ""))):
                if marked in self._anthropic_cache:
                    read = size
                else:
                    written = size
                    self._anthropic_cache.add(marked)
        self.usage.append({"prompt": total, "cached": read})
        tool = _forced_tool(body)
        if tool:
            try:
                block: dict[str, Any] = {
                    "type": "tool_use",
                    "id": "toolu_fake",
                    "name": tool,
                    "input": json.loads(content),
                }
            except json.JSONDecodeError:
                block = {"type": "text", "text": content}
        else:
            block = {"type": "text", "text": content}
        return web.json_response(
            {
                "id": f"msg_fake_{len(self.requests)}",
                "type": "message",
                "role": "assistant",
                "model": body.get("model", "fake"),
                "content": [block],
                "stop_reason": "tool_use" if block["type"] == "tool_use" else "end_turn",
                "stop_sequence": None,
                "usage": {
                    "input_tokens": total - read - written,
                    "output_tokens": count_tokens(content),
                    "cache_creation_input_tokens": written,
                    "cache_read_input_tokens": read,
                },
            }
        )

    # -- Ollama ------------------------------------------------------------------------------
    async def _ollama(self, request: web.Request) -> web.Response:
        body = await request.json()
        normal = {**body, "messages": _string_messages(body.get("messages", []))}
        reply, extra = await self._take(request, normal, body)
        # One at a time: a request waits here for the one before to be computed, and the
        # computing goes on even if its client has hung up.
        async with self._ollama_lock:
            await self._wait(self.ollama_delay + extra)
            self.ollama_served += 1
            if request.transport is None or request.transport.is_closing():
                self.ollama_abandoned += 1
        if reply.kind == "status":
            return web.json_response({"error": self._message(reply, request)}, status=reply.status)
        content = reply.body(normal)
        prompt = count_tokens(_prompt_text(normal["messages"]))
        self.usage.append({"prompt": prompt, "cached": 0})
        return web.json_response(
            {
                "model": body.get("model", "fake"),
                "created_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                "message": {"role": "assistant", "content": content},
                "done": True,
                "done_reason": "stop",
                "total_duration": int(self.ollama_delay * 1e9),
                "prompt_eval_count": prompt,
                "eval_count": count_tokens(content),
            }
        )


def _text(content: Any) -> str:
    """Message content as text (a string, or a list of text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(p.get("text", "") for p in content if isinstance(p, dict))
    return ""


def _string_messages(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"role": m.get("role", "user"), "content": _text(m.get("content"))} for m in messages]


def _prompt_text(messages: list[dict[str, str]]) -> str:
    return "".join(f"<|{m['role']}|>{m['content']}" for m in messages)


def _common_prefix(a: str, b: str) -> int:
    """Length of the common prefix of two strings (binary search on C-speed comparisons)."""
    lo, hi = 0, min(len(a), len(b))
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _marked_prefix(messages: list[dict[str, Any]]) -> str | None:
    """The prompt text up to and including the last block marked `cache_control`, or None."""
    text, upto = "", None
    for m in messages:
        content = m.get("content")
        blocks = content if isinstance(content, list) else [{"text": content or ""}]
        text += f"<|{m.get('role', 'user')}|>"
        for b in blocks:
            if isinstance(b, dict):
                text += str(b.get("text", ""))
                if b.get("cache_control"):
                    upto = text
    return upto


def _forced_tool(body: dict[str, Any]) -> str | None:
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") == "tool":
        return str(choice.get("name"))
    tools = body.get("tools") or []
    if choice and len(tools) == 1:
        return str(tools[0].get("name"))
    return None


def posting_block(body: dict[str, Any]) -> str:
    """The delimited data of the first posting of a recorded request (for assertions)."""
    blocks = _BLOCK.findall(_user_text({"messages": _string_messages(body["messages"])}))
    return blocks[0][1] if blocks else ""


async def _serve(delay: float, ollama_delay: float | None) -> None:
    count_tokens("warm up")  # litellm's import, before the first request, not during it
    fake = await FakeLLM(delay=delay, ollama_delay=ollama_delay).start()
    print(fake.base, flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":  # `python -m tests.fakes.llm 0.2 [ollama delay]`: its own process
    import sys

    asyncio.run(
        _serve(
            float(sys.argv[1]) if len(sys.argv) > 1 else 0.0,
            float(sys.argv[2]) if len(sys.argv) > 2 else None,
        )
    )
