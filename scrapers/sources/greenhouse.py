"""Greenhouse job boards: `GET /v1/boards/<token>/jobs?content=true&pay_transparency=true`.

`content` is HTML whose tags are entity-escaped (`&lt;p&gt;`): unescaped, then stripped.
`pay_transparency=true` adds `pay_input_ranges` (`min_cents`, `max_cents`, `currency_type`,
`title`) where the employer publishes pay; otherwise pay is read from the whole description
(real postings put the pay block at its end, past where the description is cut). Greenhouse
states no workplace field: it is read from the location, the metadata and the text. The
posted date is `first_published` (`updated_at` changes with every edit).
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import guess_interval, pay_in_text, structured_pay
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import cut, html_to_text
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
        params = {"content": "true", "pay_transparency": "true"}
        data = await self.get_json(client, url, run, params=params)
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
        text = html_to_text(str(job.get("content") or ""))
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
            posted_at=from_iso(job.get("first_published")),
            employment_type=employment_from_title(title) or employment_from_title(metadata),
            workplace=workplace_from_text(title, location, metadata, description=text),
            pay=_pay(job.get("pay_input_ranges")) or pay_in_text(text),
            apply_url=page,  # the board's own page is where one applies
            description=cut(text, max_chars),
        )


def _pay(ranges: object) -> Pay | None:
    """The first of `pay_input_ranges` (in cents; Greenhouse states no interval, so it is
    read from the size: a year's salary or an hourly rate)."""
    if not isinstance(ranges, list):
        return None
    for band in ranges:
        if not isinstance(band, dict):
            continue
        lo, hi = (band.get(k) for k in ("min_cents", "max_cents"))
        lo = lo / 100 if isinstance(lo, int | float) and not isinstance(lo, bool) else None
        hi = hi / 100 if isinstance(hi, int | float) and not isinstance(hi, bool) else None
        pay = structured_pay(lo, hi, None, band.get("currency_type"))
        if pay is not None:
            top = pay.max if pay.max is not None else pay.min
            return pay.model_copy(update={"interval": guess_interval(top or 0)})
    return None
