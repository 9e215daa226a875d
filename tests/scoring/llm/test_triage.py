"""Triage: the LLM's quick look at every posting before the top K are chosen."""

from __future__ import annotations

import json

from scoring.llm.cache import triage_key
from scoring.llm.client import LLMClient
from scoring.options import ScoringConfig
from scoring.pipeline import score_postings
from tests.fakes.llm import FakeLLM, invalid, is_triage, postings_in, status, valid
from tests.scoring.corpus import example_profile, generated

OPTS = ScoringConfig(
    top_k=5, concurrency=2, requests_per_minute=10_000, timeout_seconds=5, triage_batch_size=10
)


def judge(best: set[str]):
    """Triage says 95 for the titles in `best`, 20 for the rest; full scoring answers 80."""

    def answer(body):
        if is_triage(body):
            return valid(
                scores={pid: 95 if f["title"] in best else 20 for pid, f in postings_in(body)}
            )
        return valid(80)

    return answer


async def test_triage_picks_the_top_k_the_local_scorer_would_have_missed(
    fake_llm: FakeLLM, llm_settings
):
    postings = generated(30, seed=3)
    # The two the LLM likes are the locally worst two.
    from scoring.local.scorer import LocalScorer

    local = LocalScorer(example_profile())
    worst = sorted(postings, key=lambda p: (local.score(p).score, p.key))[:2]
    fake_llm.responder = judge({p.title for p in worst})
    batch = await score_postings(
        postings, example_profile(), options=OPTS, client=LLMClient(llm_settings, OPTS)
    )
    triage = [r for r in fake_llm.requests if is_triage(r)]
    full = [r for r in fake_llm.requests if not is_triage(r)]
    assert len(triage) == 3  # 30 postings, 10 a call
    assert sum(len(postings_in(r)) for r in triage) == 30
    assert sum(len(postings_in(r)) for r in full) == 5  # the top K, no more
    fully = {f["title"] for r in full for _, f in postings_in(r)}
    assert {p.title for p in worst} <= fully
    for p in worst:
        assert batch.origin[p.key] == "llm"
    outside = [k for k, o in batch.origin.items() if o == "triage"]
    assert len(outside) == 25
    assert all(batch.scores[k].score <= 79 for k in outside)  # below every full verdict
    assert batch.ledger.by_purpose["triage"].calls == 3
    assert batch.ledger.by_purpose["scoring"].calls == 1
    assert any("quick look at 30 postings in 3 calls" in n for n in batch.notes)


async def test_triage_items_are_small_json_objects(fake_llm: FakeLLM, llm_settings):
    fake_llm.responder = judge(set())
    await score_postings(
        generated(12), example_profile(), options=OPTS, client=LLMClient(llm_settings, OPTS)
    )
    body = next(r for r in fake_llm.requests if is_triage(r))
    assert body["response_format"]["json_schema"]["schema"]["properties"]["scores"]
    for _pid, item in postings_in(body):
        assert {"id", "title", "company", "location"} <= set(item)
        assert len(item.get("about", "")) <= 100


async def test_a_failed_triage_batch_falls_back_to_the_local_score(fake_llm: FakeLLM, llm_settings):
    calls = {"triage": 0}

    def answer(body):
        if is_triage(body):
            calls["triage"] += 1
            return status(500)
        return valid(80)

    fake_llm.responder = answer
    postings = generated(12)
    batch = await score_postings(
        postings, example_profile(), options=OPTS, client=LLMClient(llm_settings, OPTS)
    )
    assert len(batch.scores) == 12 and not batch.unscored
    assert sum(1 for o in batch.origin.values() if o == "llm") == 5
    assert sum(1 for o in batch.origin.values() if o == "local-estimate") == 7
    assert any("no quick look" in n for n in batch.notes)


async def test_missing_and_unknown_ids_in_triage_fall_back(fake_llm: FakeLLM, llm_settings):
    def answer(body):
        if is_triage(body):
            ids = [pid for pid, _ in postings_in(body)]
            # Answers only the first id, plus ids we never sent, plus a nonsense score.
            entries = [{"id": ids[0], "score": 90}, {"id": "999", "score": 100}]
            entries += [{"id": ids[-1], "score": 250}] if len(ids) > 1 else []
            return invalid(json.dumps({"scores": entries}))
        return valid(60)

    fake_llm.responder = answer
    batch = await score_postings(
        generated(8), example_profile(), options=OPTS, client=LLMClient(llm_settings, OPTS)
    )
    assert len(batch.scores) == 8 and not batch.unscored
    triage = [r for r in fake_llm.requests if is_triage(r)]
    assert len(triage) == 2  # the rest asked again once, then the local score ranks them
    assert len(postings_in(triage[1])) == 7
    assert fake_llm.requests.index(triage[1]) == 1


async def test_triage_verdicts_are_cached(fake_llm: FakeLLM, llm_settings):
    fake_llm.responder = judge(set())
    postings = generated(12)
    cache: dict = {}
    first = await score_postings(
        postings,
        example_profile(),
        options=OPTS,
        client=LLMClient(llm_settings, OPTS),
        cache_get=cache.get,
    )
    cache.update(first.cache_writes)
    keys = {k for k, _ in first.cache_writes}
    assert {triage_key(p, 1, llm_settings.model) for p in postings} <= keys
    fake_llm.reset()
    fake_llm.responder = judge(set())
    second = await score_postings(
        postings,
        example_profile(),
        options=OPTS,
        client=LLMClient(llm_settings, OPTS),
        cache_get=cache.get,
    )
    assert fake_llm.calls == 0 and second.spend.calls == 0


async def test_no_triage_when_every_posting_gets_a_full_scoring(fake_llm: FakeLLM, llm_settings):
    fake_llm.responder = judge(set())
    await score_postings(
        generated(5), example_profile(), options=OPTS, client=LLMClient(llm_settings, OPTS)
    )
    assert not any(is_triage(r) for r in fake_llm.requests)
