"""Scoring benchmark: LLM throughput under a concurrency limit, prefilter savings, prompt
caching share, rerun cost, and local scorer speed. Prints figures; not a pass/fail test.

    python bench/score.py

The fake LLM runs in its own process (as a real provider would) and answers after 200 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scoring.engine import score_postings  # noqa: E402
from scoring.local import LocalScorer  # noqa: E402
from scoring.options import LLMSettings, ScoringConfig  # noqa: E402
from scoring.prompt import posting_block, static_prefix  # noqa: E402
from tests.scoring.corpus import example_profile, generated  # noqa: E402

N = 400
DELAY = 0.2
CONCURRENCY = 8


def stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/fake/stats", timeout=5) as r:
        return json.load(r)


async def main(base: str) -> None:
    profile = example_profile()
    postings = generated(N, filler=10)
    settings = LLMSettings(model="openai/bench-model", api_base=base, api_key="dummy")
    opts = ScoringConfig(
        top_k=N, concurrency=CONCURRENCY, requests_per_minute=100_000, timeout_seconds=10
    )

    # Warm up: litellm's import and first call cost seconds that are not per-posting work.
    await score_postings(postings[:1], profile, options=opts, llm=settings)

    # Prefilter off: every posting goes to the LLM.
    before = stats(base)["calls"]
    cache: dict = {}
    t0 = time.perf_counter()
    off = await score_postings(postings, profile, options=opts, llm=settings, cache_get=cache.get)
    wall = time.perf_counter() - t0
    calls_off = stats(base)["calls"] - before
    ideal = calls_off * DELAY / CONCURRENCY
    cache.update(off.cache_writes)
    print(f"postings:                      {N}")
    print(f"prefilter off: LLM calls       {calls_off} / {N} postings")
    print(
        f"  wall {wall:.2f} s vs ideal {ideal:.2f} s (calls x {DELAY} s / {CONCURRENCY})"
        f" -> {wall / ideal:.2f}x (target <= 1.2x); max in flight {stats(base)['max_in_flight']}"
    )
    sp = off.spend
    per = sp.tokens_in / max(1, sp.calls)
    print(
        f"  prompt tokens per scored posting {per:.0f}; static-prefix share (cached tokens / "
        f"prompt tokens) {sp.cached_tokens / max(1, sp.tokens_in):.0%} (target >= 60%)"
    )
    prefix_chars = len(static_prefix(profile))
    block_chars = sum(len(posting_block(p)) for p in postings) / N
    print(
        f"  by characters: prefix {prefix_chars}, posting block {block_chars:.0f} on average"
        f" -> {prefix_chars / (prefix_chars + block_chars):.0%} static"
    )
    print(f"  unscored {len(off.unscored)}; spend {sp.model_dump()}")

    # Rerun the same day: everything comes from the cache.
    before = stats(base)["calls"]
    rerun = await score_postings(postings, profile, options=opts, llm=settings, cache_get=cache.get)
    print(
        f"rerun:         LLM calls       {stats(base)['calls'] - before} (target 0);"
        f" from cache {sum(1 for o in rerun.origin.values() if o == 'cache')}"
    )

    # Prefilter on (top K = 50), fresh postings so nothing is cached.
    fresh = generated(N, seed=11, filler=10)
    for p in fresh:
        p.source = "bench2"
    on_opts = opts.model_copy(update={"top_k": 50})
    before = stats(base)["calls"]
    t0 = time.perf_counter()
    await score_postings(fresh, profile, options=on_opts, llm=settings)
    wall_on = time.perf_counter() - t0
    calls_on = stats(base)["calls"] - before
    print(
        f"prefilter on (top_k 50): LLM calls {calls_on} / {N} postings;"
        f" wall {wall_on:.2f} s vs ideal {calls_on * DELAY / CONCURRENCY:.2f} s"
    )


def local_throughput() -> None:
    profile = example_profile()
    postings = generated(2000, seed=5, filler=14)
    avg = sum(len(p.description) for p in postings) / len(postings)
    scorer = LocalScorer(profile)
    for p in postings[:50]:
        scorer.score(p)
    best = 0.0
    for _ in range(3):
        t0 = time.perf_counter()
        for p in postings:
            scorer.score(p)
        best = max(best, len(postings) / (time.perf_counter() - t0))
    print(
        f"local scorer:  {best:,.0f} postings/s on one core (target >= 2,000);"
        f" descriptions {avg:.0f} chars on average"
    )


if __name__ == "__main__":
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.llm", str(DELAY)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=env,
    )
    try:
        assert server.stdout is not None
        url = server.stdout.readline().strip()
        asyncio.run(main(url))
        local_throughput()
    finally:
        server.terminate()
        server.wait(timeout=10)
