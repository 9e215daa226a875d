"""What goes on the wire for each provider family, recorded at the fake on 127.0.0.1, and the
fake's honest prompt-cache accounting."""

from __future__ import annotations

import asyncio

import pytest

import scoring.llm.client
from scoring.llm.client import Caller, LLMClient
from scoring.options import LLMSettings, ScoringConfig
from scoring.pipeline import score_postings
from scoring.profile import Profile
from tests.fakes.llm import FakeLLM, count_tokens, slow, valid
from tests.scoring.corpus import ML_INTERN, SWE_INTERN, example_profile, generated

OPTS = ScoringConfig(requests_per_minute=10_000, timeout_seconds=5, triage=False)


def long_profile() -> Profile:
    """A profile whose static prefix is past 1,024 tokens honestly: a long `about` and many
    learned lines, as a long-used profile has (no filler)."""
    p = example_profile()
    learned = [
        f"prefers {topic} work at product companies over agencies and consultancies"
        for topic in (
            "recommender systems", "search ranking", "ads ranking", "feed personalisation",
            "learning to rank", "retrieval", "embedding models", "offline evaluation",
            "A/B testing", "causal inference", "data pipelines", "model serving",
            "feature stores", "GPU training", "distributed training", "LLM fine-tuning",
            "information retrieval", "query understanding", "content understanding",
            "trust and safety ML", "fraud detection", "forecasting", "time series",
            "experimentation platforms", "ML infrastructure", "vector search",
        )
    ]  # fmt: skip
    about = (
        p.about
        + " "
        + " ".join(
            f"In my {term} course project I built {what}."
            for term, what in [
                ("information retrieval", "a BM25 and dense retrieval hybrid over Wikipedia"),
                ("machine learning", "a two-tower recommender on MovieLens with negative sampling"),
                ("deep learning", "a transformer re-ranker distilled into a small student model"),
                ("systems", "a feature store prototype with point-in-time correct joins"),
                ("statistics", "a sequential A/B testing dashboard with CUPED variance reduction"),
                ("databases", "an approximate nearest-neighbour index with product quantisation"),
            ]
        )
    )
    return p.model_copy(update={"about": about * 2, "learned": learned})


async def score(postings, profile, settings: LLMSettings, options=OPTS, **kw):
    """Score through a client of its own, as a run does through the process's."""
    client = LLMClient(settings, options)
    return await score_postings(postings, profile, options=options, client=client, **kw)


async def test_openai_request_carries_json_schema_and_an_identical_prefix(fake_llm: FakeLLM):
    settings = LLMSettings(model="openai/gpt-4o-mini", api_base=fake_llm.base, api_key="k")
    await score(generated(10), long_profile(), settings, OPTS.model_copy(update={"concurrency": 1}))
    first, second = fake_llm.requests
    assert fake_llm.paths == ["/v1/chat/completions"] * 2
    assert first["response_format"]["type"] == "json_schema"
    schema = first["response_format"]["json_schema"]["schema"]
    assert "scores" in schema["properties"]
    assert first["temperature"] == 0 and first["max_tokens"] > 0
    # Automatic caching: the prefix is the system message, byte-identical, first.
    assert first["messages"][0] == second["messages"][0]
    assert first["messages"][0]["role"] == "system"
    assert isinstance(first["messages"][0]["content"], str)  # no Anthropic markers here
    assert count_tokens(first["messages"][0]["content"]) >= 1024
    assert fake_llm.usage[0]["cached"] == 0 and fake_llm.usage[1]["cached"] >= 1024


async def test_anthropic_request_marks_the_static_prefix_for_caching(fake_llm: FakeLLM):
    settings = LLMSettings(model="anthropic/claude-sonnet-4-5", api_base=fake_llm.root)
    batch = await score(
        generated(10), long_profile(), settings, OPTS.model_copy(update={"concurrency": 1})
    )
    assert fake_llm.paths == ["/v1/messages"] * 2 and len(batch.scores) == 10
    first, second = fake_llm.requests
    (block,) = first["system"]
    assert block["cache_control"] == {"type": "ephemeral"}
    assert block["text"].startswith("You are a careful recruiter")
    assert first["system"] == second["system"]
    # JSON by Anthropic's structured output (newer models) — litellm's translation.
    assert first["output_format"]["type"] == "json_schema"
    assert "scores" in first["output_format"]["schema"]["properties"]
    assert first["max_tokens"] > 0
    # The marked prefix (> 1,024 tokens) is written once, then read.
    assert fake_llm.usage[0]["cached"] == 0 and fake_llm.usage[1]["cached"] >= 1024
    assert batch.spend.cached_tokens == fake_llm.usage[1]["cached"]


async def test_an_older_claude_gets_json_through_a_forced_tool(fake_llm: FakeLLM):
    settings = LLMSettings(model="anthropic/claude-3-5-haiku-20241022", api_base=fake_llm.root)
    batch = await score([ML_INTERN, SWE_INTERN], example_profile(), settings)
    (body,) = fake_llm.requests
    assert body["tool_choice"]["type"] == "tool"
    assert "scores" in body["tools"][0]["input_schema"]["properties"]
    assert body["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert len(batch.scores) == 2 and not batch.unscored


async def test_ollama_request_sets_num_ctx_to_fit_and_a_json_format(fake_llm: FakeLLM):
    settings = LLMSettings(model="ollama_chat/llama3.1", api_base=fake_llm.root)
    batch = await score(generated(3), long_profile(), settings)
    assert len(batch.scores) == 3 and fake_llm.paths == ["/api/chat"]
    (body,) = fake_llm.requests
    prompt = sum(count_tokens(m["content"]) for m in body["messages"])
    ctx = body["options"]["num_ctx"]
    assert ctx % 1024 == 0 and ctx >= prompt + body["options"]["num_predict"]
    assert ctx > 2048  # bigger than Ollama's small default: the rubric is not cut off
    assert body["format"]["properties"]["scores"]  # the JSON schema as Ollama's `format`
    assert body["stream"] is False and body["options"]["temperature"] == 0


def test_local_models_get_one_request_in_flight_by_default():
    opts = ScoringConfig()
    for model, base in [
        ("ollama_chat/llama3.1", None),
        ("ollama/qwen2.5", "http://gpu-box:11434"),
        ("openai/local", "http://localhost:8080/v1"),
        ("openai/local", "http://127.0.0.1:1234/v1"),
    ]:
        assert opts.concurrency_for(LLMSettings(model=model, api_base=base)) == 1
    assert opts.concurrency_for(LLMSettings(model="openai/gpt-4o-mini")) == 8
    assert ScoringConfig(concurrency=3).concurrency_for(LLMSettings(model="ollama/x")) == 3


async def test_a_one_at_a_time_server_is_not_timed_out_by_its_queue(fake_llm: FakeLLM):
    """Each request takes 0.5 s on a server that serves one at a time; a 0.8 s timeout per
    attempt is enough because we never queue on the server (the timeout starts at send)."""
    fake_llm.ollama_delay = 0.5
    settings = LLMSettings(model="ollama_chat/llama3.1", api_base=fake_llm.root)
    opts = OPTS.model_copy(update={"timeout_seconds": 0.8, "batch_size": 1})
    batch = await score(generated(4), example_profile(), settings, opts)
    assert len(batch.scores) == 4 and not batch.unscored
    assert fake_llm.max_in_flight == 1 and fake_llm.ollama_served == 4 == fake_llm.calls


async def test_a_slow_model_prints_progress_lines(fake_llm: FakeLLM, monkeypatch):
    monkeypatch.setattr(scoring.llm.client, "SLOW_NOTICE_SECONDS", 0.2)
    fake_llm.queue(slow(0.7))
    lines: list[str] = []
    settings = LLMSettings(model="ollama_chat/llama3.1", api_base=fake_llm.root)
    await score([ML_INTERN], example_profile(), settings, notice=lines.append)
    waiting = [x for x in lines if x.startswith("waiting for ollama_chat/llama3.1 (scoring)")]
    assert len(waiting) >= 2  # while the answer is slow
    assert lines[-1] == "ollama_chat/llama3.1: 1/1 postings scored"  # and when it comes


async def test_an_unpriced_model_is_named_once_per_run(fake_llm: FakeLLM):
    settings = LLMSettings(model="anthropic/claude-3-5-haiku-20241022", api_base=fake_llm.root)
    lines: list[str] = []
    batch = await score(
        generated(6),
        example_profile(),
        settings,
        OPTS.model_copy(update={"batch_size": 1}),
        notice=lines.append,
    )
    priced = [x for x in lines if "no price" in x]
    assert len(priced) == 1 and "no price for anthropic/claude-3-5-haiku-20241022" in priced[0]
    assert batch.notes.count(priced[0]) == 1  # and in the run summary's notes
    assert "input_cost_per_million" in priced[0]
    known = LLMClient(LLMSettings(model="openai/gpt-4o-mini", api_base=fake_llm.base), OPTS)
    assert await known.price_note() is None


# -- the fake's honest prompt cache ------------------------------------------------------------
async def _ask(client: LLMClient, system: str, user: str) -> None:
    await client.complete(
        [{"role": "system", "content": system}, {"role": "user", "content": user}],
        purpose="scoring",
        caller=Caller(),
    )


@pytest.mark.parametrize("marked", [False, True])
async def test_a_short_prefix_is_never_cached(fake_llm: FakeLLM, marked: bool):
    model = "anthropic/claude-sonnet-4-5" if marked else "openai/gpt-4o-mini"
    base = fake_llm.root if marked else fake_llm.base
    client = LLMClient(LLMSettings(model=model, api_base=base, api_key="k"), OPTS)
    fake_llm.responder = lambda body: valid(50)
    system = "Rate postings. " * 60  # ~ 240 tokens, repeated exactly
    for i in range(3):
        await _ask(client, system, f"posting {i}")
    assert [u["cached"] for u in fake_llm.usage] == [0, 0, 0]


async def test_openai_semantics_long_identical_prefix_in_128_token_steps(fake_llm: FakeLLM):
    client = LLMClient(
        LLMSettings(model="openai/gpt-4o-mini", api_base=fake_llm.base, api_key="k"), OPTS
    )
    fake_llm.responder = lambda body: valid(50)
    system = " ".join(f"rule{i}" for i in range(1500))
    await _ask(client, system, "first posting")
    await _ask(client, system, "second posting")
    await _ask(client, "changed " + system, "third posting")
    first, second, third = (u["cached"] for u in fake_llm.usage)
    shared = count_tokens("<|system|>" + system + "<|user|>")
    assert first == 0 and third == 0  # a changed first byte: nothing shared
    assert second >= 1024 and (second - 1024) % 128 == 0 and shared - 128 < second <= shared


async def test_anthropic_semantics_only_marked_blocks_from_the_model_minimum(fake_llm: FakeLLM):
    fake_llm.responder = lambda body: valid(50)
    system = " ".join(f"rule{i}" for i in range(600))  # ~ 1,400 tokens
    # Haiku 3.5's minimum is 2,048 tokens: the same prefix is not cached there.
    haiku = LLMClient(
        LLMSettings(model="anthropic/claude-3-5-haiku-20241022", api_base=fake_llm.root), OPTS
    )
    await _ask(haiku, system, "a")
    await _ask(haiku, system, "b")
    sonnet = LLMClient(
        LLMSettings(model="anthropic/claude-sonnet-4-5", api_base=fake_llm.root), OPTS
    )
    await _ask(sonnet, system, "a")
    await _ask(sonnet, system, "b")
    assert [u["cached"] for u in fake_llm.usage] == [0, 0, 0, fake_llm.usage[3]["cached"]]
    assert 1024 <= fake_llm.usage[3]["cached"] < 2048


async def test_one_client_shares_its_limits_across_purposes(fake_llm: FakeLLM):
    fake_llm.delay = 0.1
    settings = LLMSettings(model="openai/gpt-4o-mini", api_base=fake_llm.base, api_key="k")
    client = LLMClient(settings, OPTS.model_copy(update={"concurrency": 2}))
    caller = Caller()
    ledger = caller.ledger
    await asyncio.gather(
        *(
            client.complete([{"role": "user", "content": "x"}], purpose=p, caller=caller)
            for p in ("scoring", "triage", "proposal", "scoring", "triage", "proposal")
        )
    )
    assert fake_llm.max_in_flight == 2
    assert {p: s.calls for p, s in ledger.by_purpose.items()} == {
        "scoring": 2,
        "triage": 2,
        "proposal": 2,
    }
    record = ledger.as_record()
    assert record["calls"] == 6 and record["proposal.calls"] == 2
    assert record["tokens_in"] == sum(s.tokens_in for s in ledger.by_purpose.values())


async def test_swe_and_ml_postings_in_one_call_keep_their_own_verdicts(fake_llm: FakeLLM):
    settings = LLMSettings(model="openai/gpt-4o-mini", api_base=fake_llm.base, api_key="k")
    batch = await score([ML_INTERN, SWE_INTERN], example_profile(), settings)
    assert fake_llm.calls == 1
    assert batch.scores[ML_INTERN.key].score > batch.scores[SWE_INTERN.key].score
