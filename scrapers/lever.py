"""Lever postings: `GET /v0/postings/<company>?mode=json` (a JSON list)."""

from __future__ import annotations

from scrapers.boards import company_name, fetch_board
from scrapers.common import SourceRun, employment_from_title, from_epoch_ms, remote_from_text
from scrapers.http import HttpClient
from scrapers.models import Posting
from scrapers.text import cut, html_to_text, normalise_space

_COMMITMENTS = {
    "intern": "internship",
    "internship": "internship",
    "full-time": "full-time",
    "full time": "full-time",
    "permanent": "full-time",
    "part-time": "part-time",
    "part time": "part-time",
    "contract": "contract",
    "contractor": "contract",
    "temporary": "temporary",
}


async def fetch(
    client: HttpClient, base: str, token: str, *, company: str | None, max_chars: int
) -> SourceRun:
    return await fetch_board(
        client,
        f"{base}/v0/postings/{token}",
        label=f"lever:{token}",
        what=f"Lever board {token!r}",
        params={"mode": "json"},
        jobs_key=None,
        to_posting=lambda job: _posting(job, token, company, max_chars),
    )


def _employment(commitment: str, title: str) -> str | None:
    c = commitment.strip().lower()
    for word, kind in _COMMITMENTS.items():
        if word in c:
            return kind
    return employment_from_title(title)


def _posting(job: dict, token: str, company: str | None, max_chars: int) -> Posting | None:
    job_id, title = job.get("id"), job.get("text")
    if not job_id or not isinstance(title, str) or not title.strip():
        return None
    cats = job.get("categories") if isinstance(job.get("categories"), dict) else {}
    location = str(cats.get("location") or "")
    workplace = str(job.get("workplaceType") or "")
    # The description comes in pieces: intro, titled lists (HTML), closing text.
    parts = [
        str(job.get("descriptionPlain") or "") or html_to_text(str(job.get("description") or ""))
    ]
    for block in job.get("lists") or []:
        if isinstance(block, dict):
            parts.append(str(block.get("text") or ""))
            parts.append(html_to_text(str(block.get("content") or "")))
    parts.append(
        str(job.get("additionalPlain") or "") or html_to_text(str(job.get("additional") or ""))
    )
    text = normalise_space("\n".join(p for p in parts if p))
    remote = True if workplace.lower() == "remote" else remote_from_text(location)
    if remote is None and workplace.lower() in ("onsite", "on-site", "hybrid"):
        remote = False
    return Posting(
        source="lever",
        source_id=f"{token}:{job_id}",
        url=str(job.get("hostedUrl") or f"https://jobs.lever.co/{token}/{job_id}"),
        title=title.strip(),
        company=company or company_name(token),
        location=location,
        posted_at=from_epoch_ms(job.get("createdAt")),
        employment_type=_employment(str(cats.get("commitment") or ""), title),
        remote=remote,
        description=cut(text, max_chars),
    )
