"""Ashby job boards: `GET /posting-api/job-board/<org>?includeCompensation=true`.

Read: `title`, `employmentType`, `workplaceType` / `isRemote`, `location` and
`secondaryLocations` (the other places the job is open in: a New York job also open in
Toronto is kept for a Toronto search), `publishedAt`, `isListed`, `jobUrl` (the job's page:
the link), `applyUrl` (the form), the description, and `compensation.summaryComponents` (the
salary component) for pay — unless `shouldDisplayCompensationOnJobPostings` is false: pay the
employer chose not to show (often a "£1 – £2" placeholder) is never shown.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text, structured_pay
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import cut, html_to_text, normalise_space
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceRun, from_iso

_TYPES = {
    "intern": "internship",
    "fulltime": "full-time",
    "parttime": "part-time",
    "contract": "contract",
    "temporary": "temporary",
}
_WORKPLACES = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite"}


class Ashby(Board):
    kind = "ashby"
    title = "Ashby"

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{urls.base(cls.kind)}/posting-api/job-board/{ref.token}", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        url = f"{self.base}/posting-api/job-board/{self.ref.token}"
        data = await self.get_json(client, url, run, params={"includeCompensation": "true"})
        max_chars = politeness.description_max_chars
        return self.read_all(
            self.job_list(data, "jobs"),
            run,
            lambda job: self.posting(job, max_chars),
            listed=lambda job: job.get("isListed") is not False,
        )

    def posting(self, job: dict, max_chars: int) -> Posting | None:
        token = self.ref.token
        job_id, title = job.get("id"), job.get("title")
        if not job_id or not isinstance(title, str) or not title.strip():
            return None
        kind = str(job.get("employmentType") or "").replace("-", "").replace("_", "").lower()
        plain = job.get("descriptionPlain")
        text = (
            normalise_space(str(plain))
            if plain
            else html_to_text(str(job.get("descriptionHtml") or ""))
        )
        description = cut(text, max_chars)
        # Each secondary place is an object with its `location` (and address); some boards
        # give the plain name.
        places = [str(job.get("location") or "")] + [
            str(x.get("location") or "") if isinstance(x, dict) else str(x)
            for x in job.get("secondaryLocations") or []
            if isinstance(x, dict | str)
        ]
        location = "; ".join(dict.fromkeys(p.strip() for p in places if p.strip()))
        shown = job.get("shouldDisplayCompensationOnJobPostings") is not False
        stated = _WORKPLACES.get(str(job.get("workplaceType") or "").replace("-", "").lower())
        if stated is None and job.get("isRemote") is True:
            stated = "remote"
        page = http_url(job.get("jobUrl")) or f"https://jobs.ashbyhq.com/{token}/{job_id}"
        return Posting(
            source="ashby",
            source_id=f"{token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(),
            location=location,
            posted_at=from_iso(job.get("publishedAt")),
            employment_type=_TYPES.get(kind) or employment_from_title(title),
            workplace=stated or workplace_from_text(title, location, description=text),  # type: ignore[arg-type]
            pay=(_pay(job.get("compensation")) if shown else None) or pay_in_text(text),
            apply_url=http_url(job.get("applyUrl")) or page,
            description=description,
        )


def _pay(comp: object) -> Pay | None:
    """The salary component of Ashby's compensation summary (equity and bonus left out)."""
    if not isinstance(comp, dict):
        return None
    for part in comp.get("summaryComponents") or []:
        if isinstance(part, dict) and str(part.get("compensationType", "")).lower() == "salary":
            pay = structured_pay(
                part.get("minValue"), part.get("maxValue"), part.get("interval"),
                part.get("currencyCode"),
            )  # fmt: skip
            if pay is not None:
                return pay
    return parse_pay(str(comp.get("compensationTierSummary") or ""))
