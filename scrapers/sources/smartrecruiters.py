"""SmartRecruiters public Posting API (no key).

- list: `GET /v1/companies/<company>/postings?limit=100&offset=N` → `totalFound`, `content[]`
  with `id`, `name` (title), `releasedDate`, `company.name`, `location` (`city`, `region`,
  `country`, `remote`, `hybrid`, `fullLocation`), `typeOfEmployment.label`,
  `experienceLevel.id`;
- posting: `GET /v1/companies/<company>/postings/<id>` → `jobAd.sections` (company
  description, job description, qualifications, additional information: HTML),
  `postingUrl`, `applyUrl`.

Filtered locally like every board; only wanted postings not seen before cost a request. A
place's `remote: false` is kept as "not remote" (a remote-only search passes it over without
asking for its ad). SmartRecruiters answers an unknown (e.g. misspelt) company with 200 and an
empty list, exactly as a company with no openings: the board then says so instead of "ok".
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
from scrapers.sources.outcome import SourceProblem, SourceRun, from_iso

PAGE_SIZE = 100  # the API's maximum
_TYPES = {
    "full-time": "full-time", "full time": "full-time", "permanent": "full-time",
    "part-time": "part-time", "part time": "part-time", "intern": "internship",
    "internship": "internship", "contract": "contract", "contractor": "contract",
    "temporary": "temporary", "temporary/seasonal": "temporary",
}  # fmt: skip
_LEVELS = {
    "internship": "internship", "entry_level": "entry", "associate": "associate",
    "mid_senior_level": "mid-senior", "director": "director", "executive": "executive",
}  # fmt: skip
_SECTIONS = ("jobDescription", "qualifications", "additionalInformation", "companyDescription")


class SmartRecruiters(Board):
    kind = "smartrecruiters"
    title = "SmartRecruiters"

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{urls.base(cls.kind)}/v1/companies/{ref.token}/postings?limit=1", None

    @property
    def api(self) -> str:
        return f"{self.base}/v1/companies/{self.ref.token}/postings"

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        listed: list[Posting] = []
        for page in range(politeness.max_pages):
            params = {"limit": str(PAGE_SIZE), "offset": str(page * PAGE_SIZE)}
            try:
                data = await self.get_json(client, self.api, run, params=params)
                jobs = self.job_list(data, "content")
            except SourceProblem as exc:
                if not listed:
                    raise
                run.problems.append(f"page {page + 1}: {exc.reason}")
                break
            listed += self.read_all(jobs, run, self.listed)
            total = data.get("totalFound")
            if page == 0 and not jobs and not total:
                raise SourceProblem(
                    f"{self.what}: no postings at all — SmartRecruiters answers a company name "
                    "it does not know the same way; check the spelling and case "
                    "(jobs.smartrecruiters.com/<company>)"
                )
            if len(jobs) < PAGE_SIZE or (
                isinstance(total, int) and (page + 1) * PAGE_SIZE >= total
            ):
                break
        return await self.with_details(listed, lambda p: self._detail(client, politeness, run, p))

    def listed(self, job: dict) -> Posting | None:
        job_id, title = job.get("id"), job.get("name")
        if not job_id or not isinstance(title, str) or not title.strip():
            return None
        token = self.ref.token
        loc = job.get("location") if isinstance(job.get("location"), dict) else {}
        location = str(loc.get("fullLocation") or "") or ", ".join(
            str(loc[k]) for k in ("city", "region", "country") if loc.get(k)
        )
        if loc.get("hybrid") is True:
            workplace = "hybrid"
        elif loc.get("remote") is True:
            workplace = "remote"
        else:
            workplace = workplace_from_text(title, location)
        # `remote: false` says "not remote" even when nothing says what it is instead
        remote = False if loc.get("remote") is False and workplace != "remote" else None
        kind = str((job.get("typeOfEmployment") or {}).get("label") or "").strip().lower()
        level = str((job.get("experienceLevel") or {}).get("id") or "").strip().lower()
        company = (
            (job.get("company") or {}).get("name") if isinstance(job.get("company"), dict) else None
        )
        page = f"https://jobs.smartrecruiters.com/{token}/{job_id}"
        return Posting(
            source="smartrecruiters",
            source_id=f"{token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(company),
            location=location,
            posted_at=from_iso(job.get("releasedDate")),
            employment_type=employment_from_title(title)
            or ("internship" if _LEVELS.get(level) == "internship" else _TYPES.get(kind)),
            seniority=_LEVELS.get(level),
            workplace=workplace,  # type: ignore[arg-type]
            remote=remote,
            apply_url=page,
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
        ad = data.get("jobAd") if isinstance(data, dict) else None
        sections = ad.get("sections") if isinstance(ad, dict) else None
        if not isinstance(sections, dict):
            run.problems.append(f"{listed.title}: description: no jobAd.sections (API changed?)")
            return listed
        html = "".join(
            str((sections.get(name) or {}).get("text") or "")
            for name in _SECTIONS
            if isinstance(sections.get(name), dict)
        )
        text = html_to_text(html)
        page = http_url(data.get("postingUrl")) or listed.url
        workplace = listed.workplace or workplace_from_text(description=text)
        return Posting.model_validate(
            listed.model_dump()
            | {
                "url": page,
                "apply_url": http_url(data.get("applyUrl")) or page,
                "workplace": workplace,
                "remote": listed.remote if workplace is None else None,
                "pay": pay_in_text(text),
                "description": cut(text, politeness.description_max_chars),
            }
        )
