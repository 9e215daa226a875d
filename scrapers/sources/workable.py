"""Workable job boards: the public widget API, one request per account.

`GET /api/v1/widget/accounts/<account>?details=true` → `name` (the company) and `jobs[]`
with `title`, `shortcode`, `employment_type`, `telecommuting`, `city` / `state` /
`country` and `locations[]`, `url`, `application_url`, `published_on`, `created_at` and,
with `details=true`, `description` (HTML).
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceRun, from_iso

_TYPES = {
    "full-time": "full-time", "part-time": "part-time", "contract": "contract",
    "temporary": "temporary", "internship": "internship", "intern": "internship",
}  # fmt: skip


class Workable(Board):
    kind = "workable"
    title = "Workable"

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{urls.base(cls.kind)}/api/v1/widget/accounts/{ref.token}", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        url = f"{self.base}/api/v1/widget/accounts/{self.ref.token}"
        data = await self.get_json(client, url, run, params={"details": "true"})
        jobs = self.job_list(data, "jobs")
        name = str(data.get("name") or "").strip()
        max_chars = politeness.description_max_chars
        return self.read_all(jobs, run, lambda job: self.posting(job, name, max_chars))

    def posting(self, job: dict, name: str, max_chars: int) -> Posting | None:
        token = self.ref.token
        code, title = job.get("shortcode"), job.get("title")
        if not code or not isinstance(title, str) or not title.strip():
            return None
        places = [job] + [
            x for x in job.get("locations") or [] if isinstance(x, dict) and not x.get("hidden")
        ]
        names = []
        for place in places:
            parts = [
                str(place.get(k) or "").strip() for k in ("city", "state", "region", "country")
            ]
            text = ", ".join(dict.fromkeys(p for p in parts if p))
            if text:
                names.append(text)
        location = "; ".join(dict.fromkeys(names))
        text = html_to_text(str(job.get("description") or ""))
        kind = str(job.get("employment_type") or "").strip().lower()
        page = http_url(job.get("url")) or f"https://apply.workable.com/{token}/j/{code}/"
        return Posting(
            source="workable",
            source_id=f"{token}:{code}",
            url=page,
            title=title.strip(),
            company=self.employer(name),
            location=location,
            posted_at=from_iso(job.get("published_on")) or from_iso(job.get("created_at")),
            employment_type=employment_from_title(title) or _TYPES.get(kind),
            workplace="remote"
            if job.get("telecommuting") is True
            else workplace_from_text(title, location, description=text),
            pay=pay_in_text(text),
            apply_url=http_url(job.get("application_url")) or page,
            description=cut(text, max_chars),
        )
