"""Recruitee careers sites: `GET https://<company>.recruitee.com/api/offers/` (public).

Read per offer: `id`, `title`, `description` + `requirements` (HTML), `location` / `city` /
`country`, `remote` / `hybrid` / `on_site`, `employment_type_code`, `experience_code`,
`salary` (`min`, `max`, `currency`, `period`), `published_at` ("2024-01-10 09:12:45 UTC"),
`careers_url`, `careers_apply_url`, `company_name`, `status`.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text, structured_pay
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceRun, from_iso

_TYPES = {
    "fulltime": "full-time", "fulltime_permanent": "full-time", "fulltime_fixed_term": "full-time",
    "parttime": "part-time", "parttime_permanent": "part-time", "parttime_fixed_term": "part-time",
    "internship": "internship", "contract": "contract", "freelance": "contract",
    "temporary": "temporary", "traineeship": "internship",
}  # fmt: skip
_LEVELS = {
    "student_college": "internship", "entry_level": "entry", "mid_level": "associate",
    "senior_level": "mid-senior", "manager": "mid-senior", "executive": "executive",
}  # fmt: skip


def _when(value: object) -> Any:
    # "2024-01-10 09:12:45 UTC" is Recruitee's way of writing an ISO time.
    return from_iso(str(value).replace(" UTC", "+00:00")) if isinstance(value, str) else None


class Recruitee(Board):
    kind = "recruitee"
    title = "Recruitee"

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind, company=ref.token)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{cls.base_url(urls, ref)}/api/offers/", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        data = await self.get_json(client, f"{self.base}/api/offers/", run)
        max_chars = politeness.description_max_chars
        return self.read_all(
            self.job_list(data, "offers"),
            run,
            lambda job: self.posting(job, max_chars),
            listed=lambda job: job.get("status", "published") == "published",
        )

    def posting(self, job: dict, max_chars: int) -> Posting | None:
        token = self.ref.token
        job_id, title = job.get("id"), job.get("title")
        if job_id in (None, "") or not isinstance(title, str) or not title.strip():
            return None
        location = str(job.get("location") or "") or ", ".join(
            str(job[k]) for k in ("city", "country") if job.get(k)
        )
        html = str(job.get("description") or "") + str(job.get("requirements") or "")
        text = html_to_text(html)
        if job.get("hybrid") is True:
            workplace = "hybrid"
        elif job.get("remote") is True:
            workplace = "remote"
        elif job.get("on_site") is True:
            workplace = "onsite"
        else:
            workplace = workplace_from_text(title, location, description=text)
        salary = job.get("salary") if isinstance(job.get("salary"), dict) else {}
        pay = structured_pay(
            salary.get("min"), salary.get("max"), salary.get("period"), salary.get("currency")
        ) or pay_in_text(text)
        page = http_url(job.get("careers_url")) or f"{self.base}/o/{job.get('slug') or job_id}"
        return Posting(
            source="recruitee",
            source_id=f"{token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(job.get("company_name")),
            location=location,
            posted_at=_when(job.get("published_at")) or _when(job.get("created_at")),
            employment_type=employment_from_title(title)
            or _TYPES.get(str(job.get("employment_type_code") or "").lower()),
            seniority=_LEVELS.get(str(job.get("experience_code") or "").lower()),
            workplace=workplace,  # type: ignore[arg-type]
            pay=pay,
            apply_url=http_url(job.get("careers_apply_url")) or page,
            description=cut(text, max_chars),
        )
