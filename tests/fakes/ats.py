"""Fakes of the applicant-tracking boards and community lists added after the first five.

Each serves the shape its real API returns, recorded from public documentation and from peer
scrapers that read these endpoints (found with the `search` tool, code and docs corpora;
where a peer cites the vendor's page, it is named below):
- Workday: `POST /wday/cxs/<tenant>/<site>/jobs` (`appliedFacets`, `limit`, `offset`,
  `searchText` → `total`, `jobPostings[]` of `title`, `externalPath`, `locationsText`,
  `postedOn`, `bulletFields`) and `GET /wday/cxs/<tenant>/<site>/job/...` (`jobPostingInfo`
  with `jobDescription`, `location`, `startDate`, `timeType`, `jobReqId`, `externalUrl`;
  `hiringOrganization.name`). The career site's own client pages by 20 and peers note larger
  pages are refused: a `limit` above 20 gets HTTP 400 here.
- SmartRecruiters Posting API (public, no key; "page size default 100, max 100" in the
  tool descriptions that wrap it): `GET /v1/companies/<c>/postings` (`limit` ≤ 100, `offset` →
  `offset`, `limit`, `totalFound`, `content[]`) and `GET /v1/companies/<c>/postings/<id>`
  (`jobAd.sections.*.text`, `postingUrl`, `applyUrl`); a limit over 100 is refused (400).
- Workable widget API (workable.readme.io/reference/jobs-1, as peers cite it). Peers report
  it "rate-limits aggressively (429 after just a couple of back-to-back requests from one
  IP)": with `workable_burst` set, a request arriving when that many already came in the last
  second gets 429 with Retry-After: 1.
  `GET /api/v1/widget/accounts/<account>?details=true` (`name`,
  `jobs[]` with `shortcode`, `employment_type`, `telecommuting`, `url`, `application_url`,
  `published_on`, and `description` only when `details=true`).
- Recruitee (docs.recruitee.com/reference/offers, as peers cite it):
  `GET https://<company>.recruitee.com/api/offers/` (`offers[]` with `id`,
  `title`, `description`, `requirements`, `remote`/`hybrid`/`on_site`,
  `employment_type_code`, `salary`, `published_at` as "YYYY-MM-DD HH:MM:SS UTC",
  `careers_url`, `careers_apply_url`, `status`). The company is the host name, so the fake
  serves `/<company>/api/offers/` and its base URL is the template `…/{company}`.
- SimplifyJobs-style `listings.json` at `<owner>/<repo>/dev/.github/scripts/listings.json`
  on raw.githubusercontent.com, served as text/plain (the `Listing` type tools built on those
  repositories declare: `id`, `source`,
  `company_name`, `company_url`, `title`, `locations`, `sponsorship`, `active`, `url`,
  `is_visible`, `date_posted`, `date_updated` in epoch seconds, `terms` or `season`).
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.boards import BoardsFake, Job

WORKDAY_PAGE_MAX = 20
SMARTRECRUITERS_PAGE_MAX = 100


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")


def _paras(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n"))


def _workplace(job: Job) -> str:
    return job.workplace or ("remote" if job.remote else "onsite")


def _posted_on(job: Job, now: datetime) -> str:
    days = (now - job.posted).days
    if days <= 0:
        return "Posted Today"
    if days == 1:
        return "Posted Yesterday"
    return "Posted 30+ Days Ago" if days >= 30 else f"Posted {days} Days Ago"


def workday_path(job: Job) -> str:
    city = _slug(job.location.split(",")[0]) or "Remote"
    return f"/job/{city}/{_slug(job.title)}_R{job.id}"


def _places(job: Job) -> list[str]:
    return [p.strip() for p in job.location.split(";") if p.strip()]


def workday_summary(job: Job, now: datetime) -> dict:
    """A search result; a job open in several places says only "N Locations" here (its
    detail names them), as real tenants' lists do."""
    places = _places(job)
    return {
        "title": job.title,
        "externalPath": workday_path(job),
        "locationsText": places[0] if len(places) == 1 else f"{len(places)} Locations",
        "postedOn": _posted_on(job, now),
        "bulletFields": [f"R{job.id}"],
    }


def workday_detail(tenant: str, site: str, job: Job, now: datetime) -> dict:
    info: dict[str, Any] = {
        "id": f"{job.id}abc",
        "title": job.title,
        "jobDescription": _paras(job.description)
        + (f"<p>Pay: {html.escape(job.salary)}</p>" if job.salary else ""),
        "location": _places(job)[0] if _places(job) else "",
        "additionalLocations": _places(job)[1:],
        "postedOn": _posted_on(job, now),
        "startDate": job.posted.date().isoformat(),
        "timeType": "Part time" if job.employment == "part-time" else "Full time",
        "jobReqId": f"R{job.id}",
        "jobPostingId": f"{_slug(job.title)}_R{job.id}",
        "jobPostingSiteId": site,
        "country": {
            "descriptor": "United States of America",
            "id": "bc33aa3152ec42d4995f4791a106ed09",
        },
        "canApply": True,
        "posted": True,
        "externalUrl": f"https://{tenant}.wd5.myworkdayjobs.com/en-US/{site}{workday_path(job)}",
    }
    if _workplace(job) != "onsite":
        info["remoteType"] = _workplace(job).title()
    return {
        "jobPostingInfo": info,
        "hiringOrganization": {"name": job.company, "url": ""},
        "similarJobs": [],
        "userAuthenticated": False,
    }


_SR_TYPES = {
    "internship": "Intern",
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contract",
}
_SR_LEVELS = {
    "internship": ("internship", "Internship"),
    "full-time": ("entry_level", "Entry Level"),
}


def smartrecruiters_summary(company: str, job: Job) -> dict:
    level = _SR_LEVELS.get(job.employment, ("mid_senior_level", "Mid-Senior Level"))
    city, _, region = job.location.partition(",")
    return {
        "id": job.id,
        "name": job.title,
        "uuid": f"uuid-{job.id}",
        "refNumber": f"REF{job.id}",
        "company": {"identifier": company, "name": job.company},
        "releasedDate": job.posted.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "location": {
            "city": city.strip(),
            "region": region.strip(),
            "country": "us",
            "remote": _workplace(job) == "remote",
            "hybrid": _workplace(job) == "hybrid",
            "fullLocation": job.location,
        },
        "industry": {"id": "computer_software", "label": "Computer Software"},
        "department": {"id": "1", "label": "Engineering"},
        "function": {"id": "engineering", "label": "Engineering"},
        "typeOfEmployment": {"id": job.employment, "label": _SR_TYPES.get(job.employment, "Other")},
        "experienceLevel": {"id": level[0], "label": level[1]},
        "customField": [],
        "ref": f"https://api.smartrecruiters.com/v1/companies/{company}/postings/{job.id}",
        "creator": {"name": "Recruiter"},
        "language": {"code": "en", "label": "English", "labelNative": "English (US)"},
    }


def smartrecruiters_detail(company: str, job: Job) -> dict:
    out = smartrecruiters_summary(company, job)
    text = _paras(job.description) + (
        f"<p>Compensation: {html.escape(job.salary)}</p>" if job.salary else ""
    )
    out |= {
        "active": True,
        "postingUrl": f"https://jobs.smartrecruiters.com/{company}/{job.id}-{_slug(job.title).lower()}",
        "applyUrl": f"https://jobs.smartrecruiters.com/{company}/{job.id}-{_slug(job.title).lower()}?oga=true",
        "jobAd": {
            "sections": {
                "companyDescription": {
                    "title": "Company Description",
                    "text": f"<p>{html.escape(job.company)} builds robots.</p>",
                },
                "jobDescription": {"title": "Job Description", "text": text},
                "qualifications": {"title": "Qualifications", "text": "<ul><li>Python</li></ul>"},
                "additionalInformation": {
                    "title": "Additional Information",
                    "text": "<p>Equal opportunity.</p>",
                },
            }
        },
    }
    return out


_WORKABLE_TYPES = {
    "internship": "Internship",
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contract",
}


def workable_job(account: str, job: Job, details: bool) -> dict:
    city, _, state = job.location.partition(",")
    out = {
        "title": job.title,
        "shortcode": job.id,
        "code": "",
        "employment_type": _WORKABLE_TYPES.get(job.employment, ""),
        "telecommuting": _workplace(job) == "remote",
        "department": "Engineering",
        "url": f"https://apply.workable.com/j/{job.id}",
        "shortlink": f"https://apply.workable.com/j/{job.id}",
        "application_url": f"https://apply.workable.com/j/{job.id}/apply",
        "published_on": job.posted.date().isoformat(),
        "created_at": job.posted.date().isoformat(),
        "country": "United States",
        "city": city.strip(),
        "state": state.strip(),
        "education": "",
        "experience": "Internship" if job.employment == "internship" else "Entry level",
        "function": "Engineering",
        "industry": "Computer Software",
        "locations": [
            {
                "country": "United States",
                "countryCode": "US",
                "city": city.strip(),
                "region": state.strip(),
                "hidden": False,
            }
        ],
    }
    if details:
        out["description"] = _paras(job.description) + (
            f"<p>Salary: {html.escape(job.salary)}</p>" if job.salary else ""
        )
    return out


_RECRUITEE_TYPES = {
    "internship": "internship",
    "full-time": "fulltime_permanent",
    "part-time": "parttime",
    "contract": "contract",
}


def recruitee_offer(company: str, job: Job) -> dict:
    city, _, _rest = job.location.partition(",")
    place = _workplace(job)
    return {
        "id": int(job.id) if job.id.isdigit() else job.id,
        "slug": _slug(job.title).lower(),
        "title": job.title,
        "description": _paras(job.description),
        "requirements": "<ul><li>Python</li></ul>",
        "location": job.location,
        "city": city.strip(),
        "country": "United States",
        "country_code": "US",
        "remote": place == "remote",
        "hybrid": place == "hybrid",
        "on_site": place == "onsite",
        "employment_type_code": _RECRUITEE_TYPES.get(job.employment, "fulltime"),
        "experience_code": "student_college" if job.employment == "internship" else "entry_level",
        "category_code": "engineering",
        "department": "Engineering",
        "salary": {"min": "4000", "max": "5000", "currency": "EUR", "period": "month"}
        if job.salary
        else None,
        "published_at": job.posted.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "created_at": job.posted.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "status": "published",
        "company_name": job.company,
        "careers_url": f"https://{company}.recruitee.com/o/{_slug(job.title).lower()}",
        "careers_apply_url": f"https://{company}.recruitee.com/o/{_slug(job.title).lower()}/c/new",
    }


def listing(
    job: Job,
    *,
    active: bool = True,
    visible: bool = True,
    terms: list[str] | None = None,
    sponsorship: str = "Offers Sponsorship",
) -> dict:
    """One SimplifyJobs-style entry for `job` (its `posted` is `date_posted`)."""
    ts = int(job.posted.timestamp())
    return {
        "source": "Simplify",
        "company_name": job.company,
        "id": f"{job.id}-0000-4000-8000-000000000000",
        "title": job.title,
        "active": active,
        "terms": terms if terms is not None else ["Summer 2026"],
        "date_updated": ts,
        "url": f"https://careers.example.com/{_slug(job.company).lower()}/jobs/{job.id}?utm_source=Simplify&ref=Simplify",
        "date_posted": ts,
        "company_url": f"https://simplify.jobs/c/{_slug(job.company)}",
        "locations": [p.strip() for p in job.location.split(";")],
        "sponsorship": sponsorship,
        "is_visible": visible,
    }


class AtsRoutes:
    """The handlers BoardsFake mixes in for Workday, SmartRecruiters, Workable, Recruitee and
    the lists; the data lives in BoardsFake's fields of the same names."""

    def _workday_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_post("/wday/cxs/{tenant}/{site}/jobs", self._workday_jobs)
        app.router.add_get("/wday/cxs/{tenant}/{site}/job/{rest:.*}", self._workday_job)
        return app

    async def _simple_fault(
        self: BoardsFake, request: web.Request, board: str, route: str
    ) -> web.Response | None:  # type: ignore[misc]
        fault = await self._enter(request, board, route)
        if fault is None:
            return None
        if fault.kind == "status":
            return self._status(fault)
        if fault.kind == "malformed":
            return web.Response(text="{'jobs': [oops", content_type="application/json")
        return None

    async def _workday_jobs(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        tenant, site = request.match_info["tenant"], request.match_info["site"]
        if (
            answer := await self._simple_fault(request, "workday", f"workday:{tenant}/{site}")
        ) is not None:
            return answer
        jobs = self.workday.get(f"{tenant}/{site}")
        if jobs is None:
            return web.json_response({"errorCode": "HTTP_404", "httpStatus": 404}, status=404)
        try:
            body = await request.json()
            limit, offset = int(body["limit"]), int(body.get("offset", 0))
            text = str(body.get("searchText") or "")
        except (ValueError, KeyError, TypeError):
            return web.json_response({"errorCode": "HTTP_400", "httpStatus": 400}, status=400)
        if limit > WORKDAY_PAGE_MAX or limit < 1:
            return web.json_response({"errorCode": "HTTP_400", "httpStatus": 400}, status=400)
        words = text.lower().split()
        hits = [
            j
            for j in jobs
            if all(w in j.title.lower() or w in j.description.lower() for w in words)
        ]
        page = hits[offset : offset + limit]
        return web.json_response(
            {
                "total": len(hits),
                "jobPostings": [workday_summary(j, self.now) for j in page]
                + self.raw_jobs.get(f"workday:{tenant}/{site}", []),
                "facets": [
                    {"facetParameter": "locations", "descriptor": "Locations", "values": []}
                ],
                "userAuthenticated": False,
            }
        )

    async def _workday_job(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        tenant, site = request.match_info["tenant"], request.match_info["site"]
        if (answer := await self._simple_fault(request, "workday", "workday.detail")) is not None:
            return answer
        path = "/job/" + request.match_info["rest"]
        job = next(
            (j for j in self.workday.get(f"{tenant}/{site}", []) if workday_path(j) == path), None
        )
        if job is None:
            return web.json_response({"errorCode": "HTTP_404", "httpStatus": 404}, status=404)
        return web.json_response(workday_detail(tenant, site, job, self.now))

    def _smartrecruiters_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/v1/companies/{company}/postings", self._sr_list)
        app.router.add_get("/v1/companies/{company}/postings/{id}", self._sr_one)
        return app

    async def _sr_list(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        if (
            answer := await self._simple_fault(
                request, "smartrecruiters", f"smartrecruiters:{company}"
            )
        ) is not None:
            return answer
        try:
            limit = int(request.query.get("limit", "10"))
            offset = int(request.query.get("offset", "0"))
        except ValueError:
            return web.json_response({"code": "BAD_REQUEST"}, status=400)
        if limit > SMARTRECRUITERS_PAGE_MAX:
            return web.json_response(
                {"code": "BAD_REQUEST", "message": "limit must be <= 100"}, status=400
            )
        jobs = self.smartrecruiters.get(company, [])  # an unknown company lists nothing, with 200
        page = [smartrecruiters_summary(company, j) for j in jobs[offset : offset + limit]]
        page += self.raw_jobs.get(f"smartrecruiters:{company}", []) if offset == 0 else []
        return web.json_response(
            {"offset": offset, "limit": limit, "totalFound": len(jobs), "content": page}
        )

    async def _sr_one(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        if (
            answer := await self._simple_fault(request, "smartrecruiters", "smartrecruiters.detail")
        ) is not None:
            return answer
        job = next(
            (j for j in self.smartrecruiters.get(company, []) if j.id == request.match_info["id"]),
            None,
        )
        if job is None or job.id in self.closed:  # a closed posting is gone from the API
            return web.json_response({"code": "NOT_FOUND"}, status=404)
        return web.json_response(smartrecruiters_detail(company, job))

    def _workable_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/api/v1/widget/accounts/{account}", self._workable)
        return app

    async def _workable(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        account = request.match_info["account"]
        fault = await self._enter(request, "workable", f"workable:{account}")  # recorded first
        if self.workable_burst is not None:
            now = asyncio.get_running_loop().time()
            earlier = [r for r in self.requests[:-1] if r.board == "workable" and now - r.at < 1.0]
            if len(earlier) >= self.workable_burst:
                return web.json_response(
                    {"error": "Too many requests"}, status=429, headers={"Retry-After": "1"}
                )
        if fault is not None and fault.kind == "status":
            return self._status(fault)
        if fault is not None and fault.kind == "malformed":
            return web.Response(text="{'jobs': [oops", content_type="application/json")
        if account not in self.workable:
            return web.json_response({"error": "Not found"}, status=404)
        details = request.query.get("details") == "true"
        jobs = [workable_job(account, j, details) for j in self.workable[account]]
        jobs += self.raw_jobs.get(f"workable:{account}", [])
        name = self.workable[account][0].company if self.workable[account] else account
        return web.json_response({"name": name, "description": None, "jobs": jobs})

    def _recruitee_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/{company}/api/offers/", self._recruitee)
        return app

    async def _recruitee(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        if (
            answer := await self._simple_fault(request, "recruitee", f"recruitee:{company}")
        ) is not None:
            return answer
        if company not in self.recruitee:
            return web.json_response({"error": "Not found"}, status=404)
        offers = [recruitee_offer(company, j) for j in self.recruitee[company]]
        offers += self.raw_jobs.get(f"recruitee:{company}", [])
        return web.json_response({"offers": offers})

    def _lists_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/{owner}/{repo}/dev/.github/scripts/listings.json", self._listings)
        return app

    async def _listings(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        name = f"{request.match_info['owner']}/{request.match_info['repo']}"
        fault = await self._enter(request, "lists", f"list:{name}")
        if fault is not None and fault.kind == "status":
            return self._status(fault)
        if fault is not None and fault.kind == "malformed":
            return web.Response(text="<html>404: Not Found</html>", content_type="text/plain")
        if name not in self.lists:
            return web.Response(status=404, text="404: Not Found")
        # raw.githubusercontent.com serves JSON files as text/plain.
        return web.Response(text=json.dumps(self.lists[name]), content_type="text/plain")

    def list_url(self: BoardsFake, name: str) -> str:  # type: ignore[misc]
        """The fake's raw URL of the list `owner/repo` (like raw.githubusercontent.com's)."""
        assert self.lists_base is not None
        return f"{self.lists_base}/{name}/dev/.github/scripts/listings.json"


def days_ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)
