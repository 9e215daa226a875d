"""Greenhouse job boards: `GET /v1/boards/<token>/jobs?content=true`.

`content` is HTML whose tags are entity-escaped (`&lt;p&gt;`): unescaped, then stripped.
"""

from __future__ import annotations

from scrapers.boards import company_name, fetch_board
from scrapers.common import SourceRun, employment_from_title, from_iso, remote_from_text
from scrapers.http import HttpClient
from scrapers.models import Posting
from scrapers.text import html_to_text


async def fetch(
    client: HttpClient, base: str, token: str, *, company: str | None, max_chars: int
) -> SourceRun:
    return await fetch_board(
        client,
        f"{base}/v1/boards/{token}/jobs",
        label=f"greenhouse:{token}",
        what=f"Greenhouse board {token!r}",
        params={"content": "true"},
        to_posting=lambda job: _posting(job, token, company, max_chars),
    )


def _posting(job: dict, token: str, company: str | None, max_chars: int) -> Posting | None:
    job_id, title = job.get("id"), job.get("title")
    if job_id in (None, "") or not isinstance(title, str) or not title.strip():
        return None
    loc = job.get("location")
    location = str(loc.get("name") or "") if isinstance(loc, dict) else ""
    metadata = " ".join(
        str(m.get("value")) for m in job.get("metadata") or [] if isinstance(m, dict)
    )
    employment = employment_from_title(title) or employment_from_title(metadata)
    return Posting(
        source="greenhouse",
        source_id=f"{token}:{job_id}",
        url=str(
            job.get("absolute_url") or f"https://job-boards.greenhouse.io/{token}/jobs/{job_id}"
        ),
        title=title.strip(),
        company=company or str(job.get("company_name") or "").strip() or company_name(token),
        location=location,
        posted_at=from_iso(job.get("first_published")) or from_iso(job.get("updated_at")),
        employment_type=employment,
        remote=remote_from_text(location, metadata),
        description=html_to_text(str(job.get("content") or ""), max_chars),
    )
