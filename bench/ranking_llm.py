"""Does triage keep the day's picks? The ranking development set (`../shared/eval/`) scored
through the real pipeline (filters → local scorer → LLM triage → full scoring of the top K)
against a fake LLM that answers as the set's judge did, compared with full scoring of every
posting. Prints figures; not a pass/fail test.

    python bench/ranking_llm.py

Targets (issue 10 §1): the day's 10 picks equal those of full scoring of every posting
(NDCG@10 ≥ 0.95 against them), full scoring of at most top K postings, total prompt tokens
≤ 40% of full scoring of every posting. Tokens are litellm's counter for the model below
(the fake reports them so).
"""

from __future__ import annotations

import asyncio
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import evalset  # noqa: E402
from scoring.llm.client import LLMClient  # noqa: E402
from scoring.llm.loader import LiteLLM  # noqa: E402
from scoring.options import LLMSettings, ScoringConfig  # noqa: E402
from scoring.pipeline import ScoreBatch, score_postings  # noqa: E402
from scoring.profile import Profile  # noqa: E402
from scoring.select import select_picks  # noqa: E402
from scrapers.postings.posting import Posting  # noqa: E402
from tests.fakes.llm import FakeLLM, postings_in, valid  # noqa: E402

MODEL = "openai/gpt-4o-mini"
TOP_KS = (15, 20, 50)
LITELLM = LiteLLM()  # one import for every seeker's client
PICKS, PER_COMPANY, MIN_SCORE = 10, 2, 0


def as_postings(rows: list[dict]) -> list[Posting]:
    """The set's postings as a search card gives them: title, company, places, and the terms
    and sponsorship line the judge read (as the start of a description)."""
    return [
        Posting(
            source="eval",
            source_id=r["id"],
            url=r.get("url") or f"https://example.test/{r['id']}",
            title=r["title"],
            company=r["company"],
            location=r.get("location", ""),
            employment_type="internship",
            description=f"Terms: {r.get('terms', '')}. Sponsorship: {r.get('sponsorship', '')}.",
        )
        for r in rows
    ]


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip("…")


def judge_responder(postings: list[Posting], labels: dict[str, int]):
    """A fake model that answers, in triage and in full scoring alike, the judge's score for
    the posting it recognises by title and company in the prompt (`labels` by posting key)."""
    by_card = {(_norm(p.title), _norm(p.company)): labels[p.key] for p in postings}

    def label(fields: dict[str, str]) -> int:
        title, company = _norm(fields.get("title", "")), _norm(fields.get("company", ""))
        if (title, company) in by_card:
            return by_card[(title, company)]
        for (t, c), score in by_card.items():  # a title cut short in the prompt
            if t.startswith(title) and c.startswith(company):
                return score
        return 0

    def answer(body: dict):
        scores = {pid: label(fields) for pid, fields in postings_in(body)}
        return valid(scores=scores, reason="As the judge said.", summary="A posting.")

    return answer


def picks(postings: list[Posting], batch: ScoreBatch) -> list[str]:
    by_key = {p.key: p for p in postings}
    chosen = select_picks(
        ((by_key[k], s) for k, s in batch.scores.items()),
        min_score=MIN_SCORE,
        max_picks=PICKS,
        per_company=PER_COMPANY,
    )
    return [p.key for p, _ in chosen]


def ndcg_against(order: list[str], ideal: list[str], gain: dict[str, int]) -> float:
    def dcg(ids: list[str]) -> float:
        return sum((2 ** (gain.get(i, 0) / 20) - 1) / math.log2(n + 2) for n, i in enumerate(ids))

    best = dcg(ideal)
    return dcg(order) / best if best else 0.0


async def seeker_figures(
    fake: FakeLLM, name: str, about: str, postings: list[Posting], labels: dict[str, int]
) -> dict:
    profile = Profile(about=about)
    fake.responder = judge_responder(postings, labels)
    settings = LLMSettings(model=MODEL, api_base=fake.base, api_key="dummy")
    base = ScoringConfig(requests_per_minute=100_000, concurrency=4, timeout_seconds=30)
    client = LLMClient(settings, base, litellm=LITELLM)

    everything = await score_postings(
        postings, profile, client=client,
        options=base.model_copy(update={"top_k": len(postings), "triage": False}),
    )  # fmt: skip
    full_picks = picks(postings, everything)
    full_scores = {k: s.score for k, s in everything.scores.items()}
    all_tokens = everything.ledger.by_purpose["scoring"].tokens_in
    out = {"name": name, "n": len(postings), "all_tokens": all_tokens, "k": {}}
    for k in TOP_KS:
        batch = await score_postings(
            postings, profile, client=client, options=base.model_copy(update={"top_k": k})
        )
        ours = picks(postings, batch)
        spend = batch.ledger.by_purpose
        fully = sum(1 for o in batch.origin.values() if o == "llm")
        out["k"][k] = {
            "same": ours == full_picks,
            "overlap": len(set(ours) & set(full_picks)),
            "ndcg": ndcg_against(ours, full_picks, full_scores),
            "fully": fully,
            "full_calls": spend["scoring"].calls,
            "tokens": batch.spend.tokens_in,
            "triage_per": spend["triage"].tokens_in / len(postings),
            "full_per": spend["scoring"].tokens_in / max(1, fully),
        }
    out["full_per"] = all_tokens / len(postings)
    return out


async def report(data: evalset.EvalSet, by_id: dict[str, Posting]) -> None:
    """Print the triage figures for every seeker, on `by_id` (set id → posting, e.g. as
    `bench/ranking.py` collected them from the fake board)."""
    postings = list(by_id.values())
    print(
        f"{len(postings)} postings, seekers {', '.join(data.labels)}; model {MODEL};"
        f" picks: {PICKS} a day, {PER_COMPANY} per company\n"
    )
    async with FakeLLM() as fake:
        results = []
        for name, labels in data.labels.items():
            by_key = {p.key: labels[i] for i, p in by_id.items() if i in labels}
            results.append(await seeker_figures(fake, name, data.seekers[name], postings, by_key))
    for k in TOP_KS:
        print(f"triage of every posting, full scoring of the top {k}:")
        for r in results:
            f = r["k"][k]
            print(
                f"  {r['name']:<9} picks equal: {'yes' if f['same'] else 'no '}"
                f" ({f['overlap']}/10 shared) · NDCG@10 vs full {f['ndcg']:.3f} (≥ 0.95) ·"
                f" fully scored {f['fully']} (≤ {k}) in {f['full_calls']} calls ·"
                f" prompt tokens {f['tokens']:,} = {f['tokens'] / r['all_tokens']:.0%} of"
                f" full scoring of all ({r['all_tokens']:,}) (≤ 40%)"
            )
        mean = sum(r["k"][k]["ndcg"] for r in results) / len(results)
        ratio = sum(r["k"][k]["tokens"] for r in results) / sum(r["all_tokens"] for r in results)
        print(f"  mean NDCG@10 {mean:.3f}; tokens {ratio:.0%} of full scoring of every posting")
        tri = sum(r["k"][k]["triage_per"] for r in results) / len(results)
        full = sum(r["k"][k]["full_per"] for r in results) / len(results)
        print(f"  prompt tokens per posting: triage {tri:.0f}, full scoring {full:.0f}\n")
    print(
        "full scoring of every posting: "
        + ", ".join(f"{r['name']} {r['full_per']:.0f}" for r in results)
        + " prompt tokens per posting"
    )


async def main() -> None:
    data = evalset.load()
    await report(data, {p.source_id: p for p in as_postings(data.postings)})


if __name__ == "__main__":
    asyncio.run(main())
