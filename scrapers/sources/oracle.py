"""Oracle Recruiting Cloud (Oracle Fusion HCM) candidate sites: its public REST API.

An employer's site is `https://<host>/hcmUI/CandidateExperience/<lang>/sites/<site>/jobs`;
the site number (CX_1, CX…) is part of every query, so a board is `oracle:<host>/<site>`.
- search: `GET /hcmRestApi/resources/latest/recruitingCEJobRequisitions?onlyData=true
  &expand=requisitionList.secondaryLocations&finder=findReqs;siteNumber=<site>,limit=25,
  offset=N,keyword="<the search's keywords>",sortBy=POSTING_DATES_DESC` → `items[0]` with
  `TotalJobsCount` and `requisitionList[]` of `Id`, `Title`, `PostedDate`, `PrimaryLocation`,
  `secondaryLocations[]` (`Name`), `WorkplaceTypeCode` (ORA_ON_SITE / ORA_HYBRID /
  ORA_REMOTE), `JobSchedule`, `ContractType`, `ShortDescriptionStr`;
- job: `GET …/recruitingCEJobRequisitionDetails?expand=all&onlyData=true&finder=ById;
  Id="<Id>",siteNumber=<site>` → `items[0]` with `ExternalDescriptionStr`,
  `ExternalResponsibilitiesStr`, `ExternalQualificationsStr` (HTML) and
  `ExternalPostedStartDate`; a job no longer listed answers 200 with no items.

Like Workday, the site searches its own full text: the list is asked once per search's
keywords, filtered locally, and only wanted jobs not seen before cost a job request. The
host names no employer, so an Oracle board needs `company` in its config entry.
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text
from scrapers.postings.posting import Posting
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceProblem, SourceRun, from_iso

PAGE_SIZE = 25  # what the candidate site itself asks for
API = "/hcmRestApi/resources/latest"
_WORKPLACES = {"ORA_REMOTE": "remote", "ORA_HYBRID": "hybrid", "ORA_ON_SITE": "onsite"}
_SECTIONS = ("ExternalDescriptionStr", "ExternalResponsibilitiesStr", "ExternalQualificationsStr")
# The finder's own punctuation: a keyword carrying it would end the finder early.
_FINDER_SYNTAX = re.compile(r'[";,=]')


def _schedule(*values: object) -> str | None:
    text = " ".join(str(v or "") for v in values).lower()
    if "intern" in text:
        return "internship"
    if "part" in text:
        return "part-time"
    if "temp" in text:
        return "temporary"
    if "contract" in text or "fixed" in text:
        return "contract"
    return "full-time" if "full" in text or "regular" in text or "permanent" in text else None


class Oracle(Board):
    kind = "oracle"
    title = "Oracle Recruiting"

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind, host=ref.token)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        finder = f"findReqs;siteNumber={ref.site},limit=1,offset=0"
        url = f"{cls.base_url(urls, ref)}{API}/recruitingCEJobRequisitions?onlyData=true&finder={finder}"
        return "GET", url, None

    @property
    def what(self) -> str:
        return f"Oracle site {self.ref.site!r} on {self.ref.token}"

    def page_url(self, job_id: str) -> str:
        site = self.ref.site
        return f"https://{self.ref.token}/hcmUI/CandidateExperience/en/sites/{site}/job/{job_id}"

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        found = await self.by_keywords(
            run,
            lambda text, wanted, found: self._search(client, politeness, run, text, wanted, found),
        )
        return await self.with_details(found, lambda p: self._detail(client, politeness, run, p))

    async def _search(
        self,
        client: HttpClient,
        politeness: HttpConfig,
        run: SourceRun,
        keywords: str,
        wanted: int,
        found: dict[str, Posting],
    ) -> None:
        seen_here = 0
        words = " ".join(_FINDER_SYNTAX.sub(" ", keywords).split())
        for _ in range(politeness.max_pages):
            finder = f"findReqs;siteNumber={self.ref.site},limit={PAGE_SIZE},offset={seen_here}"
            if words:
                finder += f',keyword="{words}"'
            params = {
                "onlyData": "true",
                "expand": "requisitionList.secondaryLocations",
                "finder": finder + ",sortBy=POSTING_DATES_DESC",
            }
            data = await self.get_json(
                client, f"{self.base}{API}/recruitingCEJobRequisitions", run, params=params,
                kind="search",
            )  # fmt: skip
            searches = self.job_list(data, "items")
            head = searches[0] if searches and isinstance(searches[0], dict) else {}
            jobs = head.get("requisitionList")
            if not isinstance(jobs, list):
                raise SourceProblem(f"{self.what}: no requisitionList (API changed?)")
            for posting in self.read_all(jobs, run, self.listed):
                found.setdefault(posting.key, posting)
            seen_here += len(jobs)
            total = head.get("TotalJobsCount")
            if (
                len(jobs) < PAGE_SIZE
                or seen_here >= wanted
                or (isinstance(total, int) and seen_here >= total)
            ):
                break

    def listed(self, job: dict) -> Posting | None:
        job_id, title = job.get("Id"), job.get("Title")
        if job_id in (None, "") or not isinstance(title, str) or not title.strip():
            return None
        places = [str(job.get("PrimaryLocation") or "")] + [
            str(p.get("Name") or "")
            for p in job.get("secondaryLocations") or []
            if isinstance(p, dict)
        ]
        location = "; ".join(dict.fromkeys(p for p in places if p))
        stated = _WORKPLACES.get(str(job.get("WorkplaceTypeCode") or "").upper())
        page = self.page_url(str(job_id))
        return Posting(
            source="oracle",
            source_id=f"{self.ref.token}/{self.ref.site}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(),
            location=location,
            posted_at=from_iso(job.get("PostedDate")),
            employment_type=employment_from_title(title)
            or _schedule(job.get("JobSchedule"), job.get("ContractType")),
            workplace=stated or workplace_from_text(title, location),  # type: ignore[arg-type]
            apply_url=page,  # the form starts on the job's page
            description=html_to_text(str(job.get("ShortDescriptionStr") or "")),
        )

    async def _detail(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, listed: Posting
    ) -> Posting:
        job_id = listed.source_id.rpartition(":")[2]
        params = {
            "expand": "all",
            "onlyData": "true",
            "finder": f'ById;Id="{job_id}",siteNumber={self.ref.site}',
        }
        url = f"{self.base}{API}/recruitingCEJobRequisitionDetails"
        try:
            data = await self.get_json(client, url, run, params=params, kind="detail")
        except SourceProblem as exc:
            run.problems.append(f"{listed.title}: description: {exc.reason}")
            return listed
        items = data.get("items") if isinstance(data, dict) else None
        job = items[0] if isinstance(items, list) and items else None
        if not isinstance(job, dict):
            return listed  # withdrawn since the list was read: the list's summary stays
        html = "".join(str(job.get(k) or "") for k in _SECTIONS)
        text = html_to_text(html) or listed.description
        return Posting.model_validate(
            listed.model_dump()
            | {
                "posted_at": from_iso(job.get("ExternalPostedStartDate")) or listed.posted_at,
                "workplace": listed.workplace or workplace_from_text(description=text),
                "pay": pay_in_text(text),
                "description": cut(text, politeness.description_max_chars),
            }
        )
