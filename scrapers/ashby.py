"""Ashby job boards: `GET /posting-api/job-board/<org>` (public posting API)."""

from __future__ import annotations

from scrapers.boards import company_name, fetch_board
from scrapers.common import SourceRun, employment_from_title, from_iso
from scrapers.http import HttpClient
from scrapers.models import Posting
from scrapers.text import cut, html_to_text, normalise_space

_TYPES = {
    "intern": "internship",
    "fulltime": "full-time",
    "parttime": "part-time",
    "contract": "contract",
    "temporary": "temporary",
}


async def fetch(
    client: HttpClient, base: str, token: str, *, company: str | None, max_chars: int
) -> SourceRun:
    return await fetch_board(
        client,
        f"{base}/posting-api/job-board/{token}",
        label=f"ashby:{token}",
        what=f"Ashby board {token!r}",
        listed=lambda job: job.get("isListed") is not False,
        to_posting=lambda job: _posting(job, token, company, max_chars),
    )


def _posting(job: dict, token: str, company: str | None, max_chars: int) -> Posting | None:
    job_id, title = job.get("id"), job.get("title")
    if not job_id or not isinstance(title, str) or not title.strip():
        return None
    kind = str(job.get("employmentType") or "").replace("-", "").replace("_", "").lower()
    workplace = str(job.get("workplaceType") or "").lower()
    remote = job.get("isRemote")
    if not isinstance(remote, bool):
        remote = True if workplace == "remote" else None
    plain = job.get("descriptionPlain")
    description = (
        cut(normalise_space(str(plain)), max_chars)
        if plain
        else html_to_text(str(job.get("descriptionHtml") or ""), max_chars)
    )
    return Posting(
        source="ashby",
        source_id=f"{token}:{job_id}",
        url=str(job.get("jobUrl") or f"https://jobs.ashbyhq.com/{token}/{job_id}"),
        title=title.strip(),
        company=company or company_name(token),
        location=str(job.get("location") or ""),
        posted_at=from_iso(job.get("publishedAt")),
        employment_type=_TYPES.get(kind) or employment_from_title(title),
        remote=remote,
        description=description,
    )
