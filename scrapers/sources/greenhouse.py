"""Greenhouse job boards: `GET /v1/boards/<token>/jobs?content=true`.

`content` is HTML whose tags are entity-escaped (`&lt;p&gt;`): unescaped, then stripped.
Greenhouse states no pay or workplace field in this list: both are read from the location,
the metadata and the text.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceRun, from_iso


class Greenhouse(Board):
    kind = "greenhouse"
    title = "Greenhouse"

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{urls.base(cls.kind)}/v1/boards/{ref.token}/jobs", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        url = f"{self.base}/v1/boards/{self.ref.token}/jobs"
        data = await self.get_json(client, url, run, params={"content": "true"})
        max_chars = politeness.description_max_chars
        return self.read_all(
            self.job_list(data, "jobs"), run, lambda job: self.posting(job, max_chars)
        )

    def posting(self, job: dict, max_chars: int) -> Posting | None:
        token = self.ref.token
        job_id, title = job.get("id"), job.get("title")
        if job_id in (None, "") or not isinstance(title, str) or not title.strip():
            return None
        loc = job.get("location")
        location = str(loc.get("name") or "") if isinstance(loc, dict) else ""
        metadata = " ".join(
            str(m.get("value")) for m in job.get("metadata") or [] if isinstance(m, dict)
        )
        description = html_to_text(str(job.get("content") or ""), max_chars)
        page = http_url(job.get("absolute_url")) or (
            f"https://job-boards.greenhouse.io/{token}/jobs/{job_id}"
        )
        return Posting(
            source="greenhouse",
            source_id=f"{token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(job.get("company_name")),
            location=location,
            posted_at=from_iso(job.get("first_published")) or from_iso(job.get("updated_at")),
            employment_type=employment_from_title(title) or employment_from_title(metadata),
            workplace=workplace_from_text(title, location, metadata, description=description),
            pay=parse_pay(description),
            apply_url=page,  # the board's own page is where one applies
            description=description,
        )
