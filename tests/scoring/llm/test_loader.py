"""litellm's loader: one import, in a worker thread, shared by every waiter; offline without
touching the environment beyond litellm's own offline switches."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from scoring.llm.loader import OFFLINE_SWITCHES, LiteLLM
from tests.cli_support import REPO
from tests.fakes.llm import GatedImport


async def test_the_loop_keeps_serving_while_litellm_imports_and_waiters_share_one_import():
    gate = GatedImport("litellm")
    loader = LiteLLM(gate)
    waiters = [asyncio.create_task(loader.module()) for _ in range(3)]
    await asyncio.to_thread(gate.started.wait, 10)
    for _ in range(5):
        await asyncio.sleep(0)  # the loop turns while the import is blocked in its thread
    assert not any(w.done() for w in waiters) and loader.loaded is None
    gate.release.set()
    assert await asyncio.gather(*waiters) == ["litellm"] * 3
    assert gate.calls == 1 and loader.loaded == "litellm"
    assert await loader.module() == "litellm" and gate.calls == 1


async def test_a_cancelled_waiter_does_not_cancel_the_shared_import():
    gate = GatedImport("litellm")
    loader = LiteLLM(gate)
    first = asyncio.create_task(loader.module())
    await asyncio.to_thread(gate.started.wait, 10)
    first.cancel()  # a bot stopping while its warm-up waits
    with pytest.raises(asyncio.CancelledError):
        await first
    gate.release.set()
    assert await loader.module() == "litellm" and gate.calls == 1


async def test_a_failed_import_reaches_every_waiter_and_is_tried_again():
    gate = GatedImport("litellm", error=ImportError("no litellm"))
    loader = LiteLLM(gate)
    gate.release.set()
    with pytest.raises(ImportError):
        await loader.module()
    gate.error = None
    assert await loader.module() == "litellm" and gate.calls == 2


def test_loading_litellm_sets_only_its_offline_switches(monkeypatch: pytest.MonkeyPatch):
    for name in OFFLINE_SWITCHES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LITELLM_OFFLINE_MODE", "TRUE")  # the operator's own value stands
    before = dict(os.environ)
    lit = LiteLLM().load()
    after = dict(os.environ)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    # litellm itself points tiktoken at the tokenizers it bundles (litellm_core_utils/
    # default_encoding.py), on its first token count: its write, not ours.
    changed.discard("TIKTOKEN_CACHE_DIR")
    assert changed == set(OFFLINE_SWITCHES) - {"LITELLM_OFFLINE_MODE"}
    assert after["LITELLM_OFFLINE_MODE"] == "TRUE"
    assert lit.token_counter(model="gpt-4o-mini", text="two words") == 2


@pytest.mark.slow
def test_importing_and_building_the_app_writes_nothing_to_the_environment():
    """Every module of ours imported, a context and its LLM client built: the environment is
    as it was (the offline switches are set only when litellm itself loads)."""
    code = (
        "import os, pkgutil, importlib\n"
        "before = dict(os.environ)\n"
        "for pkg in ('scrapers', 'scoring', 'bot'):\n"
        "    importlib.import_module(pkg)\n"
        "    for m in pkgutil.walk_packages([pkg], pkg + '.'):\n"
        "        if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        "from scoring.llm.client import LLMClient\n"
        "from scoring.options import LLMSettings, ScoringConfig\n"
        "LLMClient(LLMSettings(model='openai/x', api_key='sk-test-0123456789abcdef'), ScoringConfig())\n"
        "assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())\n"
        "import sys; print('litellm' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": os.environ.get("PATH", "/usr/bin:/bin")},
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
