"""The bundled sample postings: the source behind `jobpicks demo` (no network, no keys)."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import UTC, datetime
from importlib.resources import files

from scrapers.postings.posting import Posting
from scrapers.source import SourceResult

# The samples' dates were written relative to this instant; they are shifted to "now" on load
# so the demo always looks like a fresh morning.
_REFERENCE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)


def load_samples(now: datetime | None = None) -> list[Posting]:
    """Every bundled posting, dated as if collected just now."""
    raw = json.loads(files("scrapers").joinpath("data/sample_postings.json").read_text("utf-8"))
    shift = (now or datetime.now(UTC)) - _REFERENCE
    postings = []
    for item in raw:
        posting = Posting.model_validate(item)
        update: dict[str, datetime] = {"fetched_at": posting.fetched_at + shift}
        if posting.posted_at:
            update["posted_at"] = posting.posted_at + shift
        postings.append(posting.model_copy(update=update))
    return postings


async def collect_samples(now: datetime | None = None) -> list[SourceResult]:
    """The samples as the real sources would report them: one result per board."""
    by_source: dict[str, list[Posting]] = defaultdict(list)
    for posting in load_samples(now):
        by_source[posting.source].append(posting)
    return [
        SourceResult(source=f"sample/{name}", postings=items)
        for name, items in sorted(by_source.items())
    ]
