"""Each way an LLM call fails, through real litellm against the fake: one class per case, the
retry policy by class, a stop that ends one caller's calls and nobody else's, and a key that
a server echoes never shown."""

from __future__ import annotations

import asyncio
import logging
import socket

import pytest

import scoring.llm.client
from scoring.llm.client import Caller, LLMClient
from scoring.llm.failures import (
    AuthFailed,
    BadAnswer,
    BudgetReached,
    LLMFailure,
    LLMTimeout,
    ModelNotFound,
    RateLimited,
    RequestRejected,
    ServerError,
    TokenBudgetReached,
    Unreachable,
)
from scoring.llm.loader import LiteLLM
from scoring.models import PROPOSAL, SCORING, Ledger
from scoring.options import LLMSettings, ScoringConfig
from scoring.pipeline import score_postings
from scrapers.errors import JobpicksError
from tests.fakes.llm import FakeLLM, GatedImport, invalid, slow, status, valid
from tests.scoring.corpus import ML_INTERN, example_profile, generated

OPTS = ScoringConfig(
    requests_per_minute=10_000, timeout_seconds=0.2, triage=False, batch_size=1, concurrency=1
)
KEY = "sk-proj-Zq8xR2mN5vL0tY7wK3pH6jD9fB1cS4gA"
HI = [{"role": "user", "content": "hi"}]


@pytest.fixture
def keyed(fake_llm: FakeLLM) -> LLMSettings:
    return LLMSettings(model="openai/fake-scorer", api_base=fake_llm.base, api_key=KEY)


@pytest.mark.parametrize(
    ("reply", "failure", "calls"),
    [
        (status(401), AuthFailed, 1),
        (status(403), AuthFailed, 1),
        (status(404), ModelNotFound, 1),
        (status(400), RequestRejected, 1),
        (status(500), ServerError, 2),  # retried once
        (status(429, retry_after=0), RateLimited, 4),  # retried three times
        (slow(0.45), LLMTimeout, 2),  # retried once, at once
    ],
)
async def test_each_failure_is_its_own_class_and_retried_by_it(
    fake_llm: FakeLLM, keyed: LLMSettings, reply, failure, calls
):
    fake_llm.responder = lambda body: reply
    caller = Caller()
    with pytest.raises(failure) as raised:
        await LLMClient(keyed, OPTS).complete(HI, purpose=SCORING, caller=caller)
    assert isinstance(raised.value, LLMFailure) and isinstance(raised.value, JobpicksError)
    assert fake_llm.calls == calls == caller.ledger.total().calls
    line = str(raised.value)
    assert line.startswith(failure.cause) and "\n" not in line
    assert (caller.stopped is raised.value) == failure.stops


async def test_a_server_that_is_not_there_is_unreachable():
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    settings = LLMSettings(model="openai/x", api_base=f"http://127.0.0.1:{port}/v1", api_key=KEY)
    with pytest.raises(Unreachable):
        await LLMClient(settings, OPTS).complete(HI, purpose=SCORING, caller=Caller())


async def test_budgets_stop_before_the_call(fake_llm: FakeLLM, keyed: LLMSettings):
    client = LLMClient(keyed, OPTS)
    dollars = Caller(Ledger(usd_limit=0.01, spent_before_usd=0.01))
    tokens = Caller(Ledger(token_limit=100, spent_before_tokens=100))
    with pytest.raises(BudgetReached) as usd:
        await client.complete(HI, purpose=SCORING, caller=dollars)
    with pytest.raises(TokenBudgetReached):
        await client.complete(HI, purpose=SCORING, caller=tokens)
    assert not isinstance(usd.value, TokenBudgetReached) and fake_llm.calls == 0
    assert str(usd.value) == "daily budget reached: $0.01 a day"


async def test_two_unusable_answers_leave_the_posting_unscored_as_a_bad_answer(
    fake_llm: FakeLLM, keyed: LLMSettings
):
    fake_llm.queue(invalid(), invalid())
    batch = await score_postings(
        [ML_INTERN], example_profile(), options=OPTS, client=LLMClient(keyed, OPTS)
    )
    assert isinstance(batch.unscored[ML_INTERN.key], BadAnswer)
    assert batch.unscored_causes() == {"unreadable answer": 1}


async def test_a_stop_ends_one_callers_calls_and_not_another_callers(fake_llm: FakeLLM, keyed):
    """A run whose calls are refused (a key revoked mid-morning, say) stops; a proposal on the
    same client at the same time neither sees that stop nor clears it, and the next run
    starts afresh."""
    client = LLMClient(keyed, OPTS)
    fake_llm.responder = lambda body: status(401) if "Rate these" in str(body) else valid(70)
    run = score_postings(generated(4), example_profile(), options=OPTS, client=client)
    proposal = Caller()
    batch, answer = await asyncio.gather(
        run, client.complete(HI, purpose=PROPOSAL, caller=proposal)
    )
    assert set(batch.unscored_causes()) == {"key refused"} and len(batch.unscored) == 4
    assert proposal.stopped is None and answer  # the proposal was answered
    scoring_calls = sum("Rate these" in str(r) for r in fake_llm.requests)
    assert scoring_calls == 1  # the run stopped after its first refusal
    fake_llm.responder = lambda body: valid(70)
    again = await score_postings(generated(4), example_profile(), options=OPTS, client=client)
    assert not again.unscored and len(again.scores) == 4


async def test_each_callers_progress_lines_go_to_that_caller_only(
    fake_llm: FakeLLM, keyed: LLMSettings, monkeypatch
):
    monkeypatch.setattr(scoring.llm.client, "SLOW_NOTICE_SECONDS", 0.05)
    client = LLMClient(keyed, OPTS.model_copy(update={"concurrency": 2, "timeout_seconds": 5}))
    fake_llm.responder = lambda body: slow(0.3) if "RUN-CALL" in str(body) else valid(70)
    run_lines: list[str] = []
    proposal_lines: list[str] = []
    run = Caller(notice=run_lines.append)
    proposal = Caller(notice=proposal_lines.append)
    await asyncio.gather(
        client.complete([{"role": "user", "content": "RUN-CALL"}], purpose=SCORING, caller=run),
        client.complete(HI, purpose=PROPOSAL, caller=proposal),
    )
    assert run_lines and all("(scoring)" in line for line in run_lines)
    assert proposal_lines == []


async def test_a_key_the_server_echoes_is_never_shown_or_logged(
    fake_llm: FakeLLM, keyed: LLMSettings, caplog
):
    fake_llm.responder = lambda body: status(401, echo_key=True)
    caplog.set_level(logging.DEBUG)
    batch = await score_postings(
        generated(2), example_profile(), options=OPTS, client=LLMClient(keyed, OPTS)
    )
    failure = next(iter(batch.unscored.values()))
    assert isinstance(failure, AuthFailed) and "Incorrect API key provided" in str(failure)
    shown = "\n".join([str(failure), *batch.notes, caplog.text])
    assert "<redacted>" in str(failure)
    assert KEY not in shown and KEY[-12:] not in shown and KEY[:16] not in shown


async def test_litellm_that_does_not_load_leaves_the_postings_unscored_not_the_run_failed(keyed):
    gate = GatedImport(error=ImportError("No module named 'litellm'"))
    gate.release.set()
    client = LLMClient(keyed, OPTS, litellm=LiteLLM(gate))
    batch = await score_postings(generated(3), example_profile(), options=OPTS, client=client)
    assert len(batch.unscored) == 3 and batch.unscored_causes() == {"LLM error": 3}
    assert "litellm did not load (ImportError)" in str(next(iter(batch.unscored.values())))
