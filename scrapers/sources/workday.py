"""Workday career sites: the JSON behind `<tenant>.<dc>.myworkdayjobs.com/<site>` (and
`<dc>.myworkdaysite.com/recruiting/<tenant>/<site>`, Workday's shared host, where the same API
sits at `<dc>.myworkdaysite.com/wday/cxs/<tenant>/<site>`).

- search: `POST /wday/cxs/<tenant>/<site>/jobs` with `{"appliedFacets": {}, "limit": 20,
  "offset": N, "searchText": "<the search's keywords>"}` → `total` (read from the first
  page), `jobPostings[]` with `title`, `externalPath`, `locationsText` (a place, or
  "2 Locations" for a job open in several), `postedOn` ("Posted 3 Days Ago"), `bulletFields`
  (the requisition id); real tenants also list title-less stubs, which are passed over;
- job: `GET /wday/cxs/<tenant>/<site><externalPath>` → `jobPostingInfo` (`jobDescription`
  HTML, `location`, `additionalLocations`, `startDate`, `timeType`, `remoteType`,
  `externalUrl`, `jobReqId`) and `hiringOrganization.name`.

The list is asked once per search's keywords (Workday searches its own full text), filtered
locally like every board, and only the wanted jobs not seen before cost a job request. A job
listed as "N Locations" has no known place until its detail names them: it passes the first
filter and is judged by the places its detail gives.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
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

PAGE_SIZE = 20  # Workday refuses larger pages
_AGO = re.compile(r"(\d+)\+?\s+days?\s+ago", re.I)
_SEVERAL = re.compile(r"^\s*\d+\s+locations?\s*$", re.I)  # "2 Locations": named in the detail
_TIME_TYPES = {"full time": "full-time", "part time": "part-time"}


def posted_on(text: object, now: datetime | None = None) -> datetime | None:
    """'Posted Today' / 'Posted Yesterday' / 'Posted 3 Days Ago' / 'Posted 30+ Days Ago'."""
    if not isinstance(text, str):
        return None
    now = now or datetime.now(UTC)
    low = text.lower()
    if "today" in low:
        return now
    if "yesterday" in low:
        return now - timedelta(days=1)
    m = _AGO.search(low)
    return now - timedelta(days=int(m.group(1))) if m else None


class Workday(Board):
    kind = "workday"
    title = "Workday"

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        if ref.shared_host:
            return urls.base("workday_site", dc=ref.dc or "wd1")
        return urls.base(cls.kind, tenant=ref.token, dc=ref.dc or "wd1")

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        url = f"{cls.base_url(urls, ref)}/wday/cxs/{ref.token}/{ref.site}/jobs"
        return "POST", url, {"appliedFacets": {}, "limit": 1, "offset": 0, "searchText": ""}

    @property
    def api(self) -> str:
        return f"{self.base}/wday/cxs/{self.ref.token}/{self.ref.site}"

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
        text: str,
        wanted: int,
        found: dict[str, Posting],
    ) -> None:
        total: int | None = None
        seen_here = 0
        for page in range(politeness.max_pages):
            body = {
                "appliedFacets": {},
                "limit": PAGE_SIZE,
                "offset": page * PAGE_SIZE,
                "searchText": text,
            }
            data = await self.get_json(
                client, f"{self.api}/jobs", run, method="POST", body=body, kind="search"
            )
            jobs = self.job_list(data, "jobPostings")
            if total is None:  # the total is read once, from the first page
                total = data.get("total") if isinstance(data.get("total"), int) else None
            for posting in self.read_all(jobs, run, self.listed, listed=_not_a_stub):
                found.setdefault(posting.key, posting)
            seen_here += len(jobs)
            if (
                len(jobs) < PAGE_SIZE
                or seen_here >= wanted
                or (total is not None and seen_here >= total)
            ):
                break

    def page_url(self, path: str) -> str:
        if self.ref.shared_host:
            return f"{self.base}/recruiting/{self.ref.token}/{self.ref.site}{path}"
        return f"{self.base}/{self.ref.site}{path}"

    def listed(self, job: dict) -> Posting | None:
        """A search result as a Posting without its description (enough to filter on)."""
        title, path = job.get("title"), job.get("externalPath")
        if (
            not isinstance(title, str)
            or not title.strip()
            or not isinstance(path, str)
            or not path.startswith("/")
        ):
            return None
        location = str(job.get("locationsText") or "")
        if _SEVERAL.match(location):
            location = ""  # unknown until the detail names the places: no search drops it yet
        return Posting(
            source="workday",
            source_id=f"{self.ref.token}/{self.ref.site}:{path.rsplit('/', 1)[-1]}",
            url=self.page_url(path),
            title=title.strip(),
            company=self.employer(),
            location=location,
            posted_at=posted_on(job.get("postedOn")),
            employment_type=employment_from_title(title),
            workplace=workplace_from_text(title, location),
            apply_url=self.page_url(path),
        )

    async def _detail(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, listed: Posting
    ) -> Posting:
        path = listed.url.removeprefix(self.page_url(""))
        try:
            data = await self.get_json(client, f"{self.api}{path}", run, kind="detail")
        except SourceProblem as exc:
            run.problems.append(f"{listed.title}: description: {exc.reason}")
            return listed
        info = data.get("jobPostingInfo") if isinstance(data, dict) else None
        if not isinstance(info, dict):
            run.problems.append(f"{listed.title}: description: no jobPostingInfo (API changed?)")
            return listed
        org = (
            data.get("hiringOrganization")
            if isinstance(data.get("hiringOrganization"), dict)
            else {}
        )
        text = html_to_text(str(info.get("jobDescription") or ""))
        description = cut(text, politeness.description_max_chars)
        places = [str(info.get("location") or "")] + [
            str(x) for x in info.get("additionalLocations") or [] if isinstance(x, str)
        ]
        location = "; ".join(dict.fromkeys(p for p in places if p)) or listed.location
        time_type = _TIME_TYPES.get(str(info.get("timeType") or "").lower())
        page = http_url(info.get("externalUrl")) or listed.url
        return Posting.model_validate(
            listed.model_dump()
            | {
                "company": self.company or str(org.get("name") or "").strip() or listed.company,
                "location": location,
                "posted_at": from_iso(info.get("startDate")) or listed.posted_at,
                "employment_type": listed.employment_type or time_type,
                "workplace": workplace_from_text(
                    str(info.get("remoteType") or ""),
                    listed.title,
                    location,
                    description=text,
                ),
                "pay": pay_in_text(text),
                "url": page,
                "apply_url": page,
                "description": description,
            }
        )  # validated again: links and workplace go through the Posting's checks


def _not_a_stub(job: dict) -> bool:
    # Real tenants list entries with no title (and no path) among the jobs: not a job, so not
    # an unreadable one either (they marked every such board "partial" every day).
    return bool(job.get("title") or job.get("externalPath"))
