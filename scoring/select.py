"""Choosing the day's picks from scored postings, with a few slots for exploration.

Best first: at least `min_score`, at most `max_picks`, `per_company` per company, never a
posting already sent. A small share of the slots (`explore_share` of `max_picks`, rounded
up, shrinking as 👍 accumulate) goes to *exploration*: good postings of a kind the person
has not voted on yet — a family of work, field, kind of employer, workplace, region or pay
band with fewer than three votes — since what is never shown can never be liked. They take the last places of the day,
so the best picks stay first, and each carries `Score.explore`, the words for what is new
("data analysis roles", "remote roles"). The draw is seeded (the day), so a rerun picks the
same.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable

from scoring.features import Feature, of_posting
from scoring.models import LearnedWeights, Score
from scrapers.dedup import normalise_company
from scrapers.postings.posting import Posting

# A kind stays new until this many votes touched it (one or two may have been slips).
KNOWN_AFTER = 3
# A posting whose known kind of work (field and family with KNOWN_AFTER votes or more) the
# learned lines lower by more than this many points is not explored for a new place or pay
# band alone; a new field (ML within software) still is.
DISLIKED = 10.0
WORK = ("field", "family")
# What makes a posting "a different kind", and how different: another family of work counts
# most, then another field; a new employer or city alone does not count.
NOVELTY = {"family": 6.0, "field": 3.0, "industry": 2.0, "workplace": 2.0, "place": 1.0, "pay": 1.0}


def select_picks(
    scored: Iterable[tuple[Posting, Score]],
    *,
    min_score: int,
    max_picks: int,
    per_company: int,
    exclude_keys: set[str] | frozenset[str] = frozenset(),
    learned: LearnedWeights | None = None,
    explore_share: float = 0.0,
    explore_half_votes: int = 30,
    seed: str = "",
) -> list[tuple[Posting, Score]]:
    """The day's picks, best first, then the exploration picks (see the module docstring).
    Ties break on newer, then title. With `explore_share` 0 (the default) there is no
    exploration."""
    ordered = sorted(
        scored,
        key=lambda ps: (
            -ps[1].score,
            -(ps[0].posted_at.timestamp() if ps[0].posted_at else 0),
            ps[0].title,
            ps[0].key,
        ),
    )
    eligible = [(p, s) for p, s in ordered if s.score >= min_score and p.key not in exclude_keys]
    # Confidence is having found what the person likes: 👍, not votes of any kind.
    liked = learned.ups if learned else 0
    slots = explore_slots(max_picks, explore_share, liked, explore_half_votes)
    per: Counter[str] = Counter()
    best = _take(eligible, max_picks - slots, per, per_company)
    if not slots:
        return best
    taken = {p.key for p, _ in best}
    rest = [(p, s) for p, s in eligible if p.key not in taken]
    explored = _explore(rest, learned, slots, per, per_company, seed)
    if len(explored) < slots:  # nothing new enough today: the slots go to the next best
        taken |= {p.key for p, _ in explored}
        more = [(p, s) for p, s in rest if p.key not in taken]
        best += _take(more, slots - len(explored), per, per_company)
    return best + explored


def explore_slots(max_picks: int, share: float, liked: int, half_liked: int) -> int:
    """How many of the day's picks explore: `share` of them at first (rounded up), halved
    after every `half_liked` 👍, never all of them, 0 when the share is 0."""
    if share <= 0 or max_picks < 2:
        return 0
    wanted = max_picks * share * 0.5 ** (liked / half_liked)
    return min(max_picks - 1, math.ceil(wanted - 1e-9))


def _take(
    ordered: list[tuple[Posting, Score]], n: int, per: Counter[str], per_company: int
) -> list[tuple[Posting, Score]]:
    picks: list[tuple[Posting, Score]] = []
    for posting, score in ordered:
        if len(picks) >= n:
            break
        company = normalise_company(posting.real_employer or posting.company)
        if per[company] >= per_company:
            continue
        per[company] += 1
        picks.append((posting, score))
    return picks


def _explore(
    rest: list[tuple[Posting, Score]],
    learned: LearnedWeights | None,
    slots: int,
    per: Counter[str],
    per_company: int,
    seed: str,
) -> list[tuple[Posting, Score]]:
    """Up to `slots` postings of kinds no vote has touched, one per kind: a posting's kind is
    its most telling new feature (`NOVELTY`: another family of work before another field,
    before a new kind of employer or workplace, before a new region or pay band). A sort of
    difference is drawn (seeded) with odds by that weight, then one of its kinds, and the
    best-scored posting of the kind is taken.
    "Good" is the person's own bar (the filters and `min_score`), not the scorer's opinion of
    a kind it has no evidence on, less what the votes already turned down (`DISLIKED`)."""
    kinds: dict[str, list[tuple[Posting, Score, list[Feature]]]] = {}
    group: dict[str, str] = {}
    for posting, score in rest:  # best first
        feats = of_posting(posting)
        known = [f for f in feats if learned and learned.voted(f.id, KNOWN_AFTER)]
        new = [
            f
            for f in feats
            if f.group in NOVELTY and not f.id.startswith("city:") and f not in known
        ]
        if not new:
            continue
        work = sum(learned.weight(f.id) for f in known if f.group in WORK) if learned else 0.0
        if work < -DISLIKED and not any(f.group in WORK for f in new):
            continue  # work of a kind the votes turned down, nothing new in it: not worth a slot
        kind = max(new, key=lambda f: NOVELTY[f.group])  # the first of the most telling
        kinds.setdefault(kind.id, []).append((posting, score, new))
        group[kind.id] = kind.group
    rng = random.Random(f"explore:{seed}")
    chosen: list[tuple[Posting, Score]] = []
    while kinds and len(chosen) < slots:
        # First what sort of difference (another family of work is worth most), then which.
        groups = sorted({group[k] for k in kinds})
        pick = rng.choices(groups, weights=[NOVELTY[g] for g in groups])[0]
        kind = rng.choice(sorted(k for k in kinds if group[k] == pick))
        for posting, score, new in kinds.pop(kind):
            company = normalise_company(posting.real_employer or posting.company)
            if per[company] < per_company:
                per[company] += 1
                chosen.append((posting, score.model_copy(update={"explore": _label(new)})))
                break
    return chosen


def _label(new: list[Feature]) -> str:
    """What is new, in words: the first new feature of at most two groups ("data analysis
    roles, remote roles"); a field makes its family go without saying."""
    groups = {f.group for f in new}
    shown: dict[str, Feature] = {}
    for f in new:
        if f.group == "family" and "field" in groups:
            continue
        shown.setdefault(f.group, f)
    return ", ".join(f.roles for f in list(shown.values())[:2])
