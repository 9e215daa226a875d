"""Choosing the day's picks from scored postings."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from scoring.models import Score
from scrapers.dedup import normalise_company
from scrapers.postings.posting import Posting


def select_picks(
    scored: Iterable[tuple[Posting, Score]],
    *,
    min_score: int,
    max_picks: int,
    per_company: int,
    exclude_keys: set[str] | frozenset[str] = frozenset(),
) -> list[tuple[Posting, Score]]:
    """Best first: at least `min_score`, at most `max_picks`, `per_company` per company,
    never a posting in `exclude_keys` (already sent). Ties break on newer, then title."""
    ordered = sorted(
        scored,
        key=lambda ps: (
            -ps[1].score,
            -(ps[0].posted_at.timestamp() if ps[0].posted_at else 0),
            ps[0].title,
            ps[0].key,
        ),
    )
    per: Counter[str] = Counter()
    picks: list[tuple[Posting, Score]] = []
    for posting, score in ordered:
        if len(picks) >= max_picks:
            break
        if score.score < min_score or posting.key in exclude_keys:
            continue
        company = normalise_company(posting.real_employer or posting.company)
        if per[company] >= per_company:
            continue
        per[company] += 1
        picks.append((posting, score))
    return picks
