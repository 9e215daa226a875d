"""Scoring benchmark: what LLM scoring costs per posting, before (one posting a call) and
after (several postings a call, triage before the top K), under the honest fake provider;
plus throughput under the concurrency limit, rerun cost and local scorer speed. Prints
figures; not a pass/fail test.

    python bench/score.py

The fake LLM runs in its own process (as a real provider would), answers after 200 ms, and
reports cached tokens the way OpenAI does: only for an identical prefix of at least 1,024
tokens, in 128-token steps. Tokens are litellm's counter for `gpt-4o-mini`.
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

from scoring.llm.client import LLMClient  # noqa: E402
from scoring.llm.loader import LiteLLM  # noqa: E402
from scoring.local.scorer import LocalScorer  # noqa: E402
from scoring.options import LLMSettings, ScoringConfig  # noqa: E402
from scoring.pipeline import score_postings  # noqa: E402
from scoring.profile import Profile  # noqa: E402
from tests.scoring.corpus import example_profile, generated  # noqa: E402

N = 400
DELAY = 0.2
CONCURRENCY = 8
MODEL = "openai/gpt-4o-mini"
LITELLM = LiteLLM()  # one import for every design's client, as a process has


def client(base: str, opts: ScoringConfig) -> LLMClient:
    """A client of its own per design (fresh limits), as a process with these options has."""
    return LLMClient(
        LLMSettings(model=MODEL, api_base=base, api_key="dummy"), opts, litellm=LITELLM
    )


def stats(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/fake/stats", timeout=5) as r:
        return json.load(r)


def long_used_profile() -> Profile:
    """The example profile after months of use: a longer `about` and learned lines (real
    content, no filler), so its static prefix passes the 1,024-token cache minimum."""
    p = example_profile()
    topics = (
        "recommender systems", "search ranking", "ads ranking", "feed personalisation",
        "learning to rank", "retrieval", "embedding models", "offline evaluation",
        "A/B testing", "causal inference", "data pipelines", "model serving",
        "feature stores", "GPU training", "distributed training", "LLM fine-tuning",
        "information retrieval", "query understanding", "content understanding",
        "trust and safety ML", "fraud detection", "forecasting", "vector search",
        "experimentation platforms", "ML infrastructure", "time series",
    )  # fmt: skip
    learned = [f"prefers {t} work at product companies over agencies" for t in topics]
    about = p.about + (
        " Course projects: a BM25 plus dense retrieval hybrid over Wikipedia; a two-tower "
        "recommender on MovieLens with in-batch negatives; a transformer re-ranker distilled "
        "into a small student model; a feature store prototype with point-in-time joins; a "
        "sequential A/B testing dashboard with CUPED; an ANN index with product quantisation."
    )
    return p.model_copy(update={"about": about, "learned": learned * 2})


async def design(base: str, label: str, profile: Profile, opts: ScoringConfig, seed: int) -> None:
    postings = generated(N, seed=seed, filler=10)
    for p in postings:
        p.source = f"bench{seed}"
    before = stats(base)
    t0 = time.perf_counter()
    batch = await score_postings(postings, profile, options=opts, client=client(base, opts))
    wall = time.perf_counter() - t0
    after = stats(base)
    calls = after["calls"] - before["calls"]
    prompt = after["prompt_tokens"] - before["prompt_tokens"]
    cached = after["cached_tokens"] - before["cached_tokens"]
    spend = batch.ledger.by_purpose
    full = spend.get("scoring")
    quick = spend.get("triage")
    print(f"{label}")
    print(
        f"  calls {calls} ({full.calls if full else 0} full"
        + (f", {quick.calls} triage" if quick else "")
        + f") for {N} postings; unscored {len(batch.unscored)}"
    )
    print(
        f"  prompt tokens {prompt:,} = {prompt / N:.0f} per posting; cached share "
        f"{cached / max(1, prompt):.0%} (honest fake); cost ${batch.spend.cost_usd:.4f}"
    )
    if full and full.calls:
        per = full.tokens_in / max(1, sum(1 for o in batch.origin.values() if o == "llm"))
        print(f"  full scoring: {per:.0f} prompt tokens per scored posting")
    if quick and quick.calls:
        print(f"  triage: {quick.tokens_in / N:.0f} prompt tokens per posting")
    ideal = calls * DELAY / CONCURRENCY
    print(f"  wall {wall:.2f} s vs ideal {ideal:.2f} s (calls x {DELAY} s / {CONCURRENCY})")


async def main(base: str) -> None:
    profile = example_profile()
    every = ScoringConfig(
        top_k=N,
        concurrency=CONCURRENCY,
        requests_per_minute=100_000,
        timeout_seconds=10,
        triage=False,
    )
    # Warm up: litellm's import and first call cost seconds that are not per-posting work.
    await score_postings(generated(1), profile, options=every, client=client(base, every))
    print(f"postings: {N}; model {MODEL} (tokens by litellm's counter)\n")

    await design(
        base, "BEFORE — one posting a call, every posting scored in full:", profile,
        every.model_copy(update={"batch_size": 1}), seed=1,
    )  # fmt: skip
    await design(
        base, "AFTER — 5 postings a call, every posting scored in full:", profile,
        every.model_copy(update={"batch_size": 5}), seed=2,
    )  # fmt: skip
    await design(
        base, "AFTER — long-used profile (prefix past 1,024 tokens), 5 a call:",
        long_used_profile(), every.model_copy(update={"batch_size": 5}), seed=3,
    )  # fmt: skip
    await design(
        base, "AFTER — triage of all, full scoring of the top 50 (default top_k is 20):", profile,
        every.model_copy(update={"top_k": 50, "triage": True}), seed=4,
    )  # fmt: skip
    await design(
        base, "BEFORE — local top 50 only, one posting a call (the old default):", profile,
        every.model_copy(update={"top_k": 50, "batch_size": 1}), seed=5,
    )  # fmt: skip

    # Rerun the same day: everything comes from the cache.
    postings = generated(60, seed=6, filler=10)
    cache: dict = {}
    opts = every.model_copy(update={"top_k": 20, "triage": True})
    same = client(base, opts)
    first = await score_postings(postings, profile, options=opts, client=same, cache_get=cache.get)
    cache.update(first.cache_writes)
    before = stats(base)["calls"]
    rerun = await score_postings(postings, profile, options=opts, client=same, cache_get=cache.get)
    print(
        f"\nrerun of 60 postings: LLM calls {stats(base)['calls'] - before} (target 0);"
        f" full verdicts from cache {sum(1 for o in rerun.origin.values() if o == 'cache')}"
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
