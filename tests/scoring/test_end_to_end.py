"""The whole run scoring through the fake LLM: CLI demo with LLM_MODEL, and a forced rerun."""

from __future__ import annotations

import asyncio
import re

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.services.run import run_daily
from bot.settings import load_settings
from bot.store import Store
from scrapers.sources.sample import collect_samples
from tests.cli_support import cli_env, jobpicks_cmd
from tests.fakes.llm import FakeLLM


@pytest.fixture
def llm_env(fake_llm: FakeLLM, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    env = {"LLM_MODEL": "openai/x", "LLM_API_BASE": fake_llm.base, "LLM_API_KEY": "dummy"}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


async def test_run_scores_through_the_llm_caches_and_a_forced_rerun_pays_nothing(
    fake_llm: FakeLLM, llm_env, isolated_env
):
    ctx = AppContext(
        settings=load_settings(), config=default_config(), store=Store(isolated_env / "db.json")
    )
    # Every candidate in the top K: the rerun's pool (the first run's picks removed) would
    # otherwise move postings the first run only triaged into the top K, and score them.
    ctx.config.scoring.top_k = 100

    async def samples(_ctx: AppContext, _on_source: object = None):
        return await collect_samples()

    first = await run_daily(ctx, collector=samples)
    calls = fake_llm.calls
    assert calls > 0
    assert first.record.spend["calls"] == calls
    assert first.record.spend["tokens_in"] > 0
    assert first.record.counts.scored == first.record.counts.new - first.record.counts.filtered
    assert first.picks and {p.scorer for p in first.picks} == {"openai/x"}
    assert any("LLM openai/x" in n for n in first.record.notes)

    again = await run_daily(ctx, collector=samples, force=True)
    assert fake_llm.calls == calls  # every score came from the cache
    assert again.record.spend.get("calls", 0) == 0
    assert again.record.counts.scored > 0
    ctx.store.close()


@pytest.mark.slow
async def test_cli_demo_with_llm_model_scores_via_the_fake_and_reports_spend(
    fake_llm: FakeLLM, llm_env
):
    proc = await asyncio.create_subprocess_exec(
        *jobpicks_cmd("demo", "--llm"),
        env=cli_env(**llm_env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    stdout, stderr = out.decode(), err.decode()
    assert proc.returncode == 0, stderr
    assert fake_llm.calls > 0
    m = re.search(r"LLM: (\d+) calls · (\d+) tokens in \((\d+) cached\)", stderr)
    assert m, stderr
    assert int(m.group(1)) == fake_llm.calls
    # Cached tokens are what the (honest) fake reported: none while the prefix is under the
    # provider's 1,024-token minimum, as it is for the example profile.
    assert int(m.group(3)) == sum(u["cached"] for u in fake_llm.usage)
    assert "Scored:" in stderr and "LLM openai/x" in stderr
    assert "**Score:**" in stdout
    # Every request came through litellm with one static prefix per kind of call.
    assert len({r["messages"][0]["content"] for r in fake_llm.requests}) <= 2
    assert re.search(r"scoring: \d+ calls? · \d+ in", stderr)
