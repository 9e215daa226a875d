"""A board of two kinds of internship — backend and data — for the tests where a profile
change, a vote or a rescore must move a person from one kind to the other."""

from __future__ import annotations

from scrapers.postings.posting import Posting
from scrapers.source import SourceResult

RESCORE = "🔄 Rescore today's postings"


def _posting(i: int, title: str, company: str, desc: str) -> Posting:
    return Posting(
        source="fakeboard",
        source_id=str(i),
        url=f"https://jobs.example.com/{i}",
        title=title,
        company=company,
        location="Austin, TX",
        description=desc,
        employment_type="internship",
    )


BACKEND = [
    _posting(i, "Backend Python Intern", f"Back{i} Inc", "Python APIs and Postgres.")
    for i in range(4)
]
DATA = [
    _posting(10 + i, "Data Analyst Intern", f"Numbers{i} LLC", "SQL, dashboards, analytics.")
    for i in range(4)
]


async def collect(_asked: object, _on_source: object = None) -> list[SourceResult]:
    """The collector: every posting of both kinds, fresh copies each round."""
    return [SourceResult(source="fakeboard", postings=[p.model_copy() for p in BACKEND + DATA])]
