"""Rippling Recruiting job boards: the JSON behind `ats.rippling.com/<board>/jobs`.

The board page is a shell; its jobs come from two public endpoints (no key):
- list: `GET /platform/api/ats/v2/board/<board>/jobs?page=N&pageSize=100` → `items[]` with
  `id`, `name` (the title), `url` (the job's page), `department.name` and `locations[]`
  (`name`, `city`, `state`, `country`, `countryCode`, `workplaceType`: ON_SITE / HYBRID /
  REMOTE), and `totalPages`;
- job: `GET /platform/api/ats/v2/board/<board>/jobs/<id>` → `description.company` and
  `description.role` (HTML), `employmentType.label` (SALARIED_FT, HOURLY_PT, CONTRACTOR,
  TEMP, INTERN…), `createdOn`, `companyName` and `payRangeDetails[]` (`rangeStart`,
  `rangeEnd`, `currency`, `frequency`: YEAR / HOUR…).

The board name is case-sensitive: a wrong one answers 404 with "Job Board not found". The list
has no description, so like Workday the list is filtered locally and only wanted jobs not seen
before cost a job request.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text, structured_pay
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceProblem, SourceRun, from_iso

PAGE_SIZE = 100
API = "/platform/api/ats/v2/board"
_WORKPLACES = {"REMOTE": "remote", "HYBRID": "hybrid", "ON_SITE": "onsite"}
_TYPES = {
    "SALARIED_FT": "full-time", "HOURLY_FT": "full-time", "SALARIED_PT": "part-time",
    "HOURLY_PT": "part-time", "CONTRACTOR": "contract", "TEMP": "temporary",
    "INTERN": "internship",
}  # fmt: skip


class Rippling(Board):
    kind = "rippling"
    title = "Rippling"

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{urls.base(cls.kind)}{API}/{ref.token}/jobs?page=0&pageSize=1", None

    @property
    def api(self) -> str:
        return f"{self.base}{API}/{self.ref.token}/jobs"

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        listed: list[Posting] = []
        for page in range(politeness.max_pages):
            params = {"page": str(page), "pageSize": str(PAGE_SIZE)}
            try:
                data = await self.get_json(client, self.api, run, params=params)
                jobs = self.job_list(data, "items")
            except SourceProblem as exc:
                if not listed:
                    raise
                run.problems.append(f"page {page + 1}: {exc.reason}")
                break
            listed += self.read_all(jobs, run, self.listed)
            pages = data.get("totalPages")
            if len(jobs) < PAGE_SIZE or (isinstance(pages, int) and page + 1 >= pages):
                break
        return await self.with_details(listed, lambda p: self._detail(client, politeness, run, p))

    def listed(self, job: dict) -> Posting | None:
        job_id, title = job.get("id"), job.get("name")
        if not job_id or not isinstance(title, str) or not title.strip():
            return None
        places = [p for p in job.get("locations") or [] if isinstance(p, dict)]
        names = [
            str(p.get("name") or "")
            or ", ".join(str(p[k]) for k in ("city", "state", "country") if p.get(k))
            for p in places
        ]
        location = "; ".join(dict.fromkeys(n for n in names if n))
        kinds = {_WORKPLACES.get(str(p.get("workplaceType") or "").upper()) for p in places}
        kinds.discard(None)
        # One stated workplace for every place is the job's; mixed ones say nothing for all.
        workplace = kinds.pop() if len(kinds) == 1 else workplace_from_text(title, location)
        page = (
            http_url(job.get("url")) or f"https://ats.rippling.com/{self.ref.token}/jobs/{job_id}"
        )
        return Posting(
            source="rippling",
            source_id=f"{self.ref.token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(),
            location=location,
            employment_type=employment_from_title(title),
            workplace=workplace,  # type: ignore[arg-type]
            apply_url=page,  # the form is on the job's page
        )

    async def _detail(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, listed: Posting
    ) -> Posting:
        job_id = listed.source_id.partition(":")[2]
        try:
            data = await self.get_json(client, f"{self.api}/{job_id}", run, kind="detail")
        except SourceProblem as exc:
            run.problems.append(f"{listed.title}: description: {exc.reason}")
            return listed
        if not isinstance(data, dict):
            run.problems.append(f"{listed.title}: description: not a job record (API changed?)")
            return listed
        parts = data.get("description")
        html = (
            "".join(str(parts.get(k) or "") for k in ("role", "company"))
            if isinstance(parts, dict)
            else str(parts or "")
        )
        text = html_to_text(html)
        kind = data.get("employmentType")
        label = str(kind.get("label") or "") if isinstance(kind, dict) else str(kind or "")
        return Posting.model_validate(
            listed.model_dump()
            | {
                "company": self.employer(data.get("companyName")),
                "posted_at": from_iso(data.get("createdOn")),
                "employment_type": listed.employment_type or _TYPES.get(label.upper()),
                "workplace": listed.workplace or workplace_from_text(description=text),
                "pay": _pay(data.get("payRangeDetails")) or pay_in_text(text),
                "description": cut(text, politeness.description_max_chars),
            }
        )


def _pay(ranges: object) -> Pay | None:
    """The first pay range (Rippling gives one per place; the first is the job's main one)."""
    for band in ranges if isinstance(ranges, list) else []:
        if isinstance(band, dict):
            pay = structured_pay(
                band.get("rangeStart"), band.get("rangeEnd"), band.get("frequency"),
                band.get("currency"),
            )  # fmt: skip
            if pay is not None:
                return pay
    return None
