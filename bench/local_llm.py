"""A local model finishes: 20 seed-sized postings scored against an Ollama-like server that
computes one request at a time and takes 8 s per answer. Prints figures; not a pass/fail test.

    python bench/local_llm.py [latency seconds, default 8]

The fake speaks Ollama's `/api/chat` (litellm model `ollama_chat/…`) and, like Ollama with its
default `OLLAMA_NUM_PARALLEL=1`, queues requests and computes them one by one — also those
whose client gave up. Everything else is the defaults a user gets: no concurrency, timeout or
batch size set. Target: 20/20 scored, none abandoned (the server computed no answer nobody
waited for). Before (issue 11, 8 in flight, one posting a call, 60 s timeout counting the
server queue, timeouts not retried): 7 of 20 scored.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.filters import veto  # noqa: E402
from scoring.llm.client import LLMClient  # noqa: E402
from scoring.options import LLMSettings, ScoringConfig  # noqa: E402
from scoring.pipeline import score_postings  # noqa: E402
from scrapers.sources.sample import collect_samples  # noqa: E402
from tests.fakes.llm import FakeLLM  # noqa: E402
from tests.scoring.corpus import example_profile  # noqa: E402

N = 20


async def main(latency: float) -> None:
    results = await collect_samples()
    profile = example_profile()
    # As the run does: only postings that pass the hard filters reach scoring.
    postings = [p for r in results for p in r.postings if not veto(p, profile.filters)][:N]
    options = ScoringConfig()  # the defaults
    async with FakeLLM(ollama_delay=latency) as fake:
        settings = LLMSettings(model="ollama_chat/llama3.1", api_base=fake.root)
        client = LLMClient(settings, options)
        await client.litellm.module()  # litellm's import (seconds) is not the model's time
        lines: list[str] = []
        t0 = time.perf_counter()
        batch = await score_postings(
            postings, profile, options=options, client=client, notice=lines.append
        )
        wall = time.perf_counter() - t0
        await asyncio.sleep(0.1)
        scored = sum(1 for o in batch.origin.values() if o == "llm")
        body = fake.requests[0] if fake.requests else {}
        print(f"server: one request at a time, {latency:g} s an answer; defaults: "
              f"concurrency {options.concurrency_for(settings)}, timeout {options.timeout_seconds:g} s "
              f"per attempt, {options.batch_size} postings a call")  # fmt: skip
        print(f"scored {scored}/{len(postings)} (target {len(postings)}/{len(postings)});"
              f" unscored {batch.unscored_causes() or 'none'}")  # fmt: skip
        print(f"requests sent {fake.calls}, answers computed {fake.ollama_served},"
              f" abandoned by the client {fake.ollama_abandoned} (target 0)")  # fmt: skip
        print(f"num_ctx asked {body.get('options', {}).get('num_ctx')} for a prompt of"
              f" {fake.usage[0]['prompt'] if fake.usage else 0} tokens (litellm's counter)")  # fmt: skip
        print(f"wall {wall:.1f} s ({fake.calls} calls x {latency:g} s = {fake.calls * latency:.0f} s);"
              f" progress lines shown: {len(lines)}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main(float(sys.argv[1]) if len(sys.argv) > 1 else 8.0))
