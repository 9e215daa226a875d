"""BambooHR careers sites: the JSON behind `<company>.bamboohr.com/careers`.

- list: `GET /careers/list` → `result[]` with `id`, `jobOpeningName` (the title),
  `departmentLabel`, `employmentStatusLabel` (Full-Time, Part-Time, Intern, Contractor…),
  `location` (`city`, `state`), `atsLocation` (`city`, `state`, `province`, `country`),
  `isRemote` and `locationType` ("0" on-site, "1" remote, "2" hybrid);
- job: `GET /careers/<id>/detail` → `result.jobOpening` with `description` (HTML),
  `datePosted` ("2026-03-02"), `compensation` (the employer's own words, when given),
  `jobOpeningShareUrl` and the same place and type fields.

The list often leaves the place empty and never has the description or the date, so the list
is filtered locally and each wanted job not seen before costs its detail request.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceProblem, SourceRun, from_iso

_TYPES = {
    "full-time": "full-time", "full time": "full-time", "part-time": "part-time",
    "part time": "part-time", "intern": "internship", "internship": "internship",
    "contractor": "contract", "contract": "contract", "temporary": "temporary",
    "seasonal": "temporary",
}  # fmt: skip
_LOCATION_TYPES = {"0": "onsite", "1": "remote", "2": "hybrid"}


def _place(job: dict) -> str:
    """'Austin, TX' from `location`, else from `atsLocation` (with its country)."""
    for key, fields in (
        ("location", ("city", "state")),
        ("atsLocation", ("city", "state", "province", "country")),
    ):
        loc = job.get(key)
        if isinstance(loc, dict):
            text = ", ".join(dict.fromkeys(str(loc[k]) for k in fields if loc.get(k)))
            if text:
                return text
    return ""


def _workplace(job: dict) -> str | None:
    stated = _LOCATION_TYPES.get(str(job.get("locationType") or ""))
    return stated or ("remote" if job.get("isRemote") is True else None)


class BambooHR(Board):
    kind = "bamboohr"
    title = "BambooHR"

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind, company=ref.token)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{cls.base_url(urls, ref)}/careers/list", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        data = await self.get_json(client, f"{self.base}/careers/list", run)
        listed = self.read_all(self.job_list(data, "result"), run, self.listed)
        return await self.with_details(listed, lambda p: self._detail(client, politeness, run, p))

    def listed(self, job: dict) -> Posting | None:
        job_id, title = job.get("id"), job.get("jobOpeningName")
        if job_id in (None, "") or not isinstance(title, str) or not title.strip():
            return None
        location = _place(job)
        status = str(job.get("employmentStatusLabel") or "").strip().lower()
        page = f"{self.base}/careers/{job_id}"
        return Posting(
            source="bamboohr",
            source_id=f"{self.ref.token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(),
            location=location,
            employment_type=employment_from_title(title) or _TYPES.get(status),
            workplace=_workplace(job) or workplace_from_text(title, location),  # type: ignore[arg-type]
            apply_url=page,  # the form is on the job's page
        )

    async def _detail(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, listed: Posting
    ) -> Posting:
        job_id = listed.source_id.partition(":")[2]
        url = f"{self.base}/careers/{job_id}/detail"
        try:
            data = await self.get_json(client, url, run, kind="detail")
        except SourceProblem as exc:
            run.problems.append(f"{listed.title}: description: {exc.reason}")
            return listed
        result = data.get("result") if isinstance(data, dict) else None
        job = result.get("jobOpening") if isinstance(result, dict) else None
        if not isinstance(job, dict):
            run.problems.append(f"{listed.title}: description: no jobOpening (API changed?)")
            return listed
        text = html_to_text(str(job.get("description") or ""))
        page = http_url(job.get("jobOpeningShareUrl")) or listed.url
        compensation = job.get("compensation")
        return Posting.model_validate(
            listed.model_dump()
            | {
                "url": page,
                "apply_url": page,
                "location": _place(job) or listed.location,
                "posted_at": from_iso(job.get("datePosted")),
                "workplace": _workplace(job)
                or listed.workplace
                or workplace_from_text(description=text),
                "pay": (parse_pay(compensation) if isinstance(compensation, str) else None)
                or pay_in_text(text),
                "description": cut(text, politeness.description_max_chars),
            }
        )
