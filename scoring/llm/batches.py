"""Asking the LLM about postings in batches: full scoring (score, reason, summary) and triage
(a score only), both through the one `LLMClient`.

A batch is one call: the static prefix, then the postings with short ids. The answer is read
entry by entry: a valid entry is a verdict; an invalid one (a score of −3, 150 or "high"), a
missing one or an unreadable reply is asked again once, in a smaller batch of just those
postings, and is otherwise left without a verdict with its failure (`BadAnswer`, or why the
call failed) — never turned into a score.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import BaseModel

from scoring.llm.client import Caller, LLMClient
from scoring.llm.failures import BadAnswer, LLMFailure, server_words
from scoring.llm.prompt import scoring_messages, triage_messages
from scoring.llm.replies import ScoringAnswer, TriageAnswer, Verdict, parse_scores
from scoring.models import SCORING, TRIAGE
from scrapers.postings.posting import Posting

log = logging.getLogger(__name__)

# Answer tokens to allow per posting (a reason and a summary, or only a score).
SCORING_TOKENS_PER_POSTING = 160
TRIAGE_TOKENS_PER_POSTING = 16
ANSWER_OVERHEAD_TOKENS = 40

MessagesFn = Callable[[str, list[tuple[str, Posting]]], list[dict[str, str]]]
DoneFn = Callable[[int], None]


@dataclass(frozen=True)
class Kind:
    """What a batch asks for."""

    purpose: str
    messages: MessagesFn
    schema: type[BaseModel]
    with_text: bool
    tokens_per_posting: int


FULL = Kind(SCORING, scoring_messages, ScoringAnswer, True, SCORING_TOKENS_PER_POSTING)
QUICK = Kind(TRIAGE, triage_messages, TriageAnswer, False, TRIAGE_TOKENS_PER_POSTING)


@dataclass
class BatchResult:
    """Verdicts by posting key, and the failure for each posting that got none."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    failed: dict[str, LLMFailure] = field(default_factory=dict)


async def ask(
    client: LLMClient,
    caller: Caller,
    kind: Kind,
    prefix: str,
    postings: list[Posting],
    *,
    batch_size: int,
    done: DoneFn | None = None,
) -> BatchResult:
    """Verdicts for `postings` (distinct keys), `batch_size` a call, batches concurrently
    within the client's limits, on `caller`'s ledger. `done(n)` is called as each batch
    finishes."""
    result = BatchResult()
    batches = [postings[i : i + batch_size] for i in range(0, len(postings), batch_size)]

    async def one(batch: list[Posting]) -> None:
        await _batch(client, caller, kind, prefix, batch, result)
        if done is not None:
            done(len(batch))

    await asyncio.gather(*(one(b) for b in batches))
    return result


async def _batch(
    client: LLMClient,
    caller: Caller,
    kind: Kind,
    prefix: str,
    batch: list[Posting],
    result: BatchResult,
) -> None:
    pending = list(batch)
    why: dict[str, str] = {}
    for attempt in (1, 2):  # a second call for what the first left without a valid verdict
        ids = {str(i): p for i, p in enumerate(pending, 1)}
        messages = kind.messages(prefix, list(ids.items()))
        try:
            content = await client.complete(
                messages,
                purpose=kind.purpose,
                caller=caller,
                schema=kind.schema,
                max_tokens=ANSWER_OVERHEAD_TOKENS + kind.tokens_per_posting * len(pending),
            )
        except LLMFailure as failure:
            for p in pending:
                result.failed[p.key] = failure
            return
        except Exception as exc:  # a surprise in one batch must not sink the others
            log.exception("%s batch failed unexpectedly", kind.purpose)
            surprise = LLMFailure(f"{type(exc).__name__}: {server_words(exc, client.secrets)}")
            for p in pending:
                result.failed[p.key] = surprise
            return
        try:
            parsed = parse_scores(content, set(ids), with_text=kind.with_text)
        except ValueError as e:
            log.info("unreadable %s answer (try %d): %s", kind.purpose, attempt, e)
            why = {p.key: str(e) for p in pending}
            continue
        for pid, verdict in parsed.verdicts.items():
            result.verdicts[ids[pid].key] = verdict
        pending = [p for pid, p in ids.items() if pid not in parsed.verdicts]
        why = {ids[pid].key: w for pid, w in parsed.invalid.items()}
        if not pending:
            return
        log.info(
            "%s answer (try %d) left %d of %d postings without a valid verdict: %s",
            kind.purpose,
            attempt,
            len(pending),
            len(ids),
            "; ".join(sorted(set(why.values())))[:200] or "missing",
        )
    unusable = BadAnswer("no valid verdict in two answers")
    for p in pending:
        result.failed[p.key] = unusable
        log.debug("no valid %s verdict for %s: %s", kind.purpose, p.key, why.get(p.key, "missing"))
