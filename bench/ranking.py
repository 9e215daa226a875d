"""How well does the local scorer order postings for seekers other than the example profile?

For each seeker of a ranking set this runs the real pipeline: the set's postings are served
by the fake job boards on 127.0.0.1 (as one Greenhouse board: title, company, location, and
the terms and sponsorship line in the content), collected by `scrapers.collect.collect_all`,
passed through the hard filters (`scoring.filters.veto`) and rated by
`scoring.local.scorer.LocalScorer` with a `Profile` whose `about` is the seeker's text — nothing
tuned per seeker. Printed per seeker and their mean: Spearman ρ against the judge, NDCG@10
and recall of the judge's top 10 inside the local top 50 (the postings the LLM would see).

    PYTHONPATH=. python bench/ranking.py                      # ../shared/eval (the dev set)
    PYTHONPATH=. python bench/ranking.py --set bench/rankset  # our second, different set
    PYTHONPATH=. python bench/ranking.py --spread             # also the score bands

Targets (issue 10): mean ρ ≥ 0.6, mean NDCG@10 ≥ 0.75, recall@50 ≥ 0.9 for every seeker.
A set folder holds `postings.json`, `labels.jsonl` and, when its seekers are not the dev
set's, `seekers.json` (seeker -> about text).

The set is served as a Greenhouse board because that fake exists today; once the
SimplifyJobs-style lists source lands (the set comes from those lists), serving it through
that source is the closer pipeline — only `collect()` changes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import ranking_llm  # noqa: E402
from bench.evalset import DEFAULT_DIR, EvalSet, figures, load, ranking  # noqa: E402
from scoring.filters import veto  # noqa: E402
from scoring.local.scorer import LocalScorer  # noqa: E402
from scoring.profile import Filters, Profile  # noqa: E402
from scrapers.collect import collect_all  # noqa: E402
from scrapers.options import BoardConfig, HttpConfig  # noqa: E402
from scrapers.postings.posting import Posting  # noqa: E402
from tests.fakes.boards import BoardsFake, Job  # noqa: E402

BOARD = "rankset"
# Every seeker of both sets looks for an internship; the same filters for all of them.
FILTERS = Filters(employment_types=["internship"])


def load_set(folder: Path) -> EvalSet:
    """The set in `folder`, its seekers' about texts from `seekers.json` when it has one."""
    data = load(folder)
    extra = folder / "seekers.json"
    if extra.exists():
        about = json.loads(extra.read_text("utf-8"))
        data = EvalSet(data.postings, data.labels, {s: about.get(s, "") for s in data.labels})
    missing = [s for s, text in data.seekers.items() if not text]
    if missing:
        raise SystemExit(f"no about text for seeker(s) {', '.join(missing)} in {folder}")
    return data


def as_job(row: dict) -> Job:
    """A set's posting as the fake board serves it: the card's fields, terms in the content."""
    lines = []
    if row.get("terms"):
        lines.append(f"Terms: {row['terms']}")
    if row.get("sponsorship"):
        lines.append(f"Sponsorship: {row['sponsorship']}")
    if row.get("description"):
        lines.append(row["description"])
    return Job(
        id=row["id"],
        title=row["title"],
        company=row["company"],
        location=row.get("location", ""),
        description="\n".join(lines) or " ",
    )


async def collect(data: EvalSet) -> dict[str, Posting]:
    """The set's postings as the boards pipeline reads them, by set id."""
    fake = BoardsFake(greenhouse={BOARD: [as_job(r) for r in data.postings]})
    async with fake:
        assert fake.urls is not None
        http = HttpConfig(default_gap_seconds=0, max_retries=0)
        results = await collect_all([], [BoardConfig(board=f"greenhouse:{BOARD}")], http, fake.urls)
    out: dict[str, Posting] = {}
    for result in results:
        if result.reason:
            print(f"  source {result.source}: {result.state.value} — {result.reason}")
        for p in result.postings:
            out[p.source_id.split(":", 1)[1]] = p
    return out


def local_scores(postings: dict[str, Posting], about: str) -> tuple[dict[str, float], int]:
    """Local score by id for the postings that pass the hard filters; and how many were vetoed."""
    profile = Profile(about=about, filters=FILTERS)
    scorer = LocalScorer(profile)
    scores: dict[str, float] = {}
    vetoed = 0
    for pid, p in postings.items():
        if veto(p, profile.filters):
            vetoed += 1
            continue
        scores[pid] = scorer.score(p).score
    return scores, vetoed


def spread(scores: dict[str, float], judge: dict[str, int]) -> str:
    """Mean local score per judge band: a useful scale puts 85+ on top, off-field below 30."""
    bands = [
        (90, 101, "90+"),
        (75, 90, "75-89"),
        (60, 75, "60-74"),
        (40, 60, "40-59"),
        (0, 40, "<40"),
    ]
    parts = []
    for lo, hi, name in bands:
        xs = [scores[i] for i, s in judge.items() if lo <= s < hi and i in scores]
        if xs:
            parts.append(f"{name}: {statistics.mean(xs):.0f} (n={len(xs)})")
    return "  judge band -> mean local score: " + ", ".join(parts)


def report(data: EvalSet, postings: dict[str, Posting], *, show_spread: bool) -> dict[str, dict]:
    """Print and return the figures per seeker."""
    out: dict[str, dict] = {}
    print(f"{'seeker':<12} {'rho':>6} {'ndcg@10':>8} {'recall@50':>10}  vetoed")
    for seeker, judge in data.labels.items():
        scores, vetoed = local_scores(postings, data.seekers[seeker])
        fig = figures(scores, judge)
        out[seeker] = {**fig, "scores": scores}
        print(
            f"{seeker:<12} {fig['rho']:>6.2f} {fig['ndcg10']:>8.2f} {fig['recall50']:>10.2f}"
            f"  {vetoed}"
        )
        if show_spread:
            print(spread(scores, judge))
            top = ranking({i: scores.get(i, -1.0) for i in judge})[:5]
            for i in top:
                p = postings[i]
                print(
                    f"    {scores.get(i, -1):>4.0f} (judge {judge[i]:>3}) {p.title} — {p.company}"
                )
    means = {k: statistics.mean(v[k] for v in out.values()) for k in ("rho", "ndcg10", "recall50")}
    worst = min(v["recall50"] for v in out.values())
    print(
        f"{'mean':<12} {means['rho']:>6.2f} {means['ndcg10']:>8.2f} {means['recall50']:>10.2f}"
        f"  (worst recall {worst:.2f}; targets rho >= 0.6, ndcg >= 0.75, recall >= 0.9 each)"
    )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", type=Path, default=DEFAULT_DIR, help="folder of a ranking set")
    parser.add_argument("--spread", action="store_true", help="also print score bands, top 5")
    parser.add_argument("--no-llm", action="store_true", help="only the local scorer")
    args = parser.parse_args()
    data = load_set(args.set)
    t0 = time.perf_counter()
    postings = asyncio.run(collect(data))
    print(
        f"set {args.set}: {len(data.postings)} postings, {len(postings)} collected from the fake "
        f"board in {time.perf_counter() - t0:.2f} s; seekers {', '.join(data.labels)}"
    )
    missing = [r["id"] for r in data.postings if r["id"] not in postings]
    if missing:
        print(f"  not collected: {len(missing)} ({', '.join(missing[:5])}…)")
    print("local scorer:")
    report(data, postings, show_spread=args.spread)

    # -- LLM triage -------------------------------------------------------------------------
    # The LLM section (bench/ranking_llm.py: batched triage through a fake LLM that answers
    # as the judge did, then full scoring of the top K) is called here, on the same collected
    # `postings` and `data`.
    if not args.no_llm:
        print("\nwith an LLM (a fake answering as the judge did):")
        asyncio.run(ranking_llm.report(data, postings))


if __name__ == "__main__":
    main()
