"""The ranking development set (`../shared/eval/`) and the figures it is judged by.

Shared by `bench/ranking.py` (local scorer) and the LLM triage bench: the postings as
`Posting`s, the three seekers' profiles, the judge's scores, and Spearman ρ, NDCG@10 and
recall of the judge's top 10 inside a ranking's top 50.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """`shared/` beside the checkout (`/work/main` → `/work/shared`), or beside its parent for a
    worktree one level deeper (`/work/wt/x` → `/work/shared`)."""
    for base in ROOT.parents:
        if (base / "shared" / "eval").is_dir():
            return base / "shared"
    return ROOT.parent / "shared"


DEFAULT_DIR = shared_dir() / "eval"
# Every development set `bench/ranking.py` reports, in order.
ALL_SETS = (DEFAULT_DIR, shared_dir() / "eval2", ROOT / "bench" / "rankset")

# The seekers' `about` texts, word for word from the set's README.
SEEKERS: dict[str, str] = {
    "frontend": (
        "Junior studying human-computer interaction and computer science. Looking for a "
        "frontend or full-stack web internship (TypeScript, React, CSS, accessibility, design "
        "systems). Prefers Seattle or the Pacific Northwest; remote in the US is fine. Not "
        "interested in embedded, hardware, data science or finance roles."
    ),
    "security": (
        "Senior undergraduate in cybersecurity looking for a security internship: security "
        "engineering, penetration testing, detection and response, cloud security (AWS), or "
        "GRC. Prefers the Washington DC / Virginia / Maryland area; US citizen, can obtain a "
        "clearance, so defense and government contractors are welcome. Not interested in "
        "generic software development."
    ),
    "quant": (
        "Master's student in financial engineering looking for a quantitative trading, "
        "quantitative research or low-latency software engineering internship at a trading "
        "firm, hedge fund or bank. Strong in C++, Python, probability and statistics. Prefers "
        "New York or Chicago. Not interested in accounting, audit, sales or generic IT support."
    ),
}


@dataclass(frozen=True)
class EvalSet:
    """Postings as the set holds them (dicts) and, per seeker, the judge's score by id."""

    postings: list[dict]
    labels: dict[str, dict[str, int]]  # seeker -> id -> score
    seekers: dict[str, str]  # seeker -> about text


def load(folder: Path = DEFAULT_DIR) -> EvalSet:
    """Read `postings.json` and `labels.jsonl` from `folder`; seekers are those labelled."""
    postings = json.loads((folder / "postings.json").read_text("utf-8"))
    labels: dict[str, dict[str, int]] = {}
    for line in (folder / "labels.jsonl").read_text("utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        for key, value in row.items():
            if key not in ("id", "why") and isinstance(value, int | float):
                labels.setdefault(key, {})[row["id"]] = int(value)
    # The seekers' own words: `seekers.json` or `profiles.json` in the folder, else the texts
    # above (the first set's README).
    about: dict[str, str] = dict(SEEKERS)
    for name in ("seekers.json", "profiles.json"):
        if (folder / name).exists():
            about = json.loads((folder / name).read_text("utf-8"))
    seekers = {name: about.get(name, "") for name in labels}
    return EvalSet(postings=postings, labels=labels, seekers=seekers)


def _ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks with ties given their average rank (as Spearman's ρ needs)."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def spearman(ours: Mapping[str, float], judge: Mapping[str, float]) -> float:
    """Spearman's ρ over the ids both sides scored (Pearson on average ranks)."""
    ids = sorted(set(ours) & set(judge))
    if len(ids) < 2:
        return 0.0
    a = _ranks([ours[i] for i in ids])
    b = _ranks([judge[i] for i in ids])
    ma, mb = sum(a) / len(a), sum(b) / len(b)
    cov = sum((x - ma) * (y - mb) for x, y in zip(a, b, strict=True))
    va = math.sqrt(sum((x - ma) ** 2 for x in a))
    vb = math.sqrt(sum((y - mb) ** 2 for y in b))
    return cov / (va * vb) if va and vb else 0.0


def ranking(scores: Mapping[str, float]) -> list[str]:
    """Ids best first; ties keep id order so a ranking is reproducible."""
    return sorted(scores, key=lambda i: (-scores[i], i))


def ndcg(order: Sequence[str], judge: Mapping[str, float], k: int = 10) -> float:
    """NDCG@k of `order` against the judge's scores, gain 2^(score/20) − 1."""

    def dcg(ids: Sequence[str]) -> float:
        return sum(
            (2 ** (judge.get(i, 0) / 20) - 1) / math.log2(pos + 2) for pos, i in enumerate(ids[:k])
        )

    ideal = dcg(ranking(dict(judge)))
    return dcg(order) / ideal if ideal else 0.0


def recall(
    order: Sequence[str], judge: Mapping[str, float], top: int = 10, within: int = 50
) -> float:
    """Share of the judge's `top` best postings found in the first `within` of `order`."""
    best = ranking(dict(judge))[:top]
    kept = set(order[:within])
    return sum(1 for i in best if i in kept) / len(best) if best else 0.0


def figures(scores: Mapping[str, float], judge: Mapping[str, float]) -> dict[str, float]:
    """ρ, NDCG@10 and recall@50 of one seeker's scores (postings we dropped score lowest)."""
    full = {i: scores.get(i, -1.0) for i in judge}
    order = ranking(full)
    return {
        "rho": spearman(full, judge),
        "ndcg10": ndcg(order, judge),
        "recall50": recall(order, judge),
    }
