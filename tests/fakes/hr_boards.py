"""Fakes of Rippling, BambooHR, Teamtailor, Personio and Oracle Recruiting Cloud boards.

Each serves the shape its real endpoint returns, as the public record describes it (found
with the `search` tool; facts only, values written here):
- Rippling: the two endpoints its own board page calls, as "The Rippling job board API,
  measured" (dev.to/adderleydata, October 2026) describes them and peer scrapers' fixtures
  show: `GET /platform/api/ats/v2/board/<board>/jobs?page=&pageSize=` → `items[]` (`id`,
  `name`, `url`, `department`, `locations[]` with `name`, `city`, `state`, `country`,
  `countryCode`, `workplaceType`), `totalPages`; `GET …/jobs/<id>` → `description.company`
  / `description.role` (HTML), `employmentType` `{label: "SALARIED_FT", id: …}`,
  `createdOn`, `companyName`, `workLocations`, `payRangeDetails[]` (`rangeStart`,
  `rangeEnd`, `currency`, `frequency`). The board name is case-sensitive; an unknown one is
  HTTP 404 `{"error_code": "RESOURCE_NOT_FOUND", "message": "Job Board not found"}`.
- BambooHR: `GET /careers/list` → `{"meta": {"totalCount"}, "result": [...]}` (`id`,
  `jobOpeningName`, `departmentLabel`, `employmentStatusLabel`, `location`, `atsLocation`,
  `isRemote`, `locationType`), and `GET /careers/<id>/detail` → `result.jobOpening`
  (`description`, `datePosted`, `compensation`, `jobOpeningShareUrl`, …), as peer scrapers
  read them. The company is the host's first label: served here under `/<company>/`.
- Teamtailor: the public `jobs.rss` feed peers parse — RSS 2.0 items with `title`, `link`,
  `guid`, `pubDate`, `description` (CDATA HTML) and Teamtailor's namespaced
  `tt:locations/tt:location` (`tt:name`, `tt:city`, `tt:country`), `tt:remoteStatus`
  (none / hybrid / fully / temporary) and `tt:department`; the channel title is the company.
- Personio: the XML feed documented at developer.personio.de ("Retrieving open positions"):
  `<workzag-jobs><position>` with `id`, `subcompany`, `office`, `additionalOffices/office`,
  `department`, `recruitingCategory`, `name`, `jobDescriptions/jobDescription` (`name`,
  CDATA `value`), `employmentType`, `seniority`, `schedule`, `yearsOfExperience`,
  `createdAt`; an unknown company is HTTP 404 with an HTML page (dev.to/dododata).
- Oracle Recruiting Cloud: Oracle Fusion HCM's REST resources as peers call them:
  `recruitingCEJobRequisitions?onlyData=true&expand=…&finder=findReqs;siteNumber=<site>,
  limit=,offset=,keyword="…",sortBy=…` → `{"items": [{"TotalJobsCount", "requisitionList":
  [{Id, Title, PostedDate, PrimaryLocation, secondaryLocations[{Name, CountryCode}],
  WorkplaceTypeCode, JobSchedule, ShortDescriptionStr, …}]}]}`, and
  `recruitingCEJobRequisitionDetails?expand=all&onlyData=true&finder=ById;Id="<id>",
  siteNumber=<site>` → `{"items": [{ExternalDescriptionStr, ExternalResponsibilitiesStr,
  ExternalQualificationsStr, ExternalPostedStartDate, …}]}`; an unknown id is 200 with no
  items. Served here under `/<host>/` (each employer has its own host).
"""

from __future__ import annotations

import html
import re
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.boards import BoardsFake, Job

RIPPLING_API = "/platform/api/ats/v2/board"
ORACLE_API = "/hcmRestApi/resources/latest"


def _places(job: Job) -> list[str]:
    return [p.strip() for p in job.location.split(";") if p.strip()]


def _paras(text: str) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n"))


def _with_pay(job: Job) -> str:
    return job.description + (f"\nPay: {job.salary}" if job.salary else "")


def _workplace(job: Job) -> str:
    return job.workplace or ("remote" if job.remote else "onsite")


# -- Rippling -------------------------------------------------------------------------------
_RIPPLING_TYPES = {
    "full-time": "SALARIED_FT", "part-time": "HOURLY_PT", "contract": "CONTRACTOR",
    "internship": "INTERN",
}  # fmt: skip
_RIPPLING_PLACE = {"remote": "REMOTE", "hybrid": "HYBRID", "onsite": "ON_SITE"}


def rippling_item(board: str, job: Job) -> dict:
    def place(name: str) -> dict:
        city, _, rest = name.partition(",")
        return {"name": name, "city": city.strip(), "state": rest.strip(), "country": "United States",
                "countryCode": "US", "workplaceType": _RIPPLING_PLACE[_workplace(job)]}  # fmt: skip

    return {
        "id": job.id,
        "name": job.title,
        "url": f"https://ats.rippling.com/{board}/jobs/{job.id}",
        "department": {"name": "Engineering"},
        "locations": [place(p) for p in _places(job)],
    }


def rippling_detail(board: str, job: Job) -> dict:
    out = rippling_item(board, job) | {
        "uuid": job.id,
        "description": {
            "company": f"<p>{html.escape(job.company)} builds robots.</p>",
            "role": _paras(job.description),
        },
        "workLocations": _places(job),
        "companyName": job.company,
        "employmentType": {
            "label": _RIPPLING_TYPES.get(job.employment, "SALARIED_FT"),
            "id": job.employment.replace("-", " ").title(),
        },
        "createdOn": job.posted.isoformat().replace("+00:00", "Z"),
        "payRangeDetails": [],
    }
    if job.salary_range:
        lo, hi, currency, frequency = job.salary_range
        out["payRangeDetails"] = [
            {"location": _places(job)[0] if _places(job) else "", "currency": currency,
             "frequency": frequency, "rangeStart": lo, "rangeEnd": hi, "isRemote": job.remote}
        ]  # fmt: skip
    return out | job.extra


# -- BambooHR -------------------------------------------------------------------------------
_BAMBOO_TYPES = {
    "full-time": "Full-Time", "part-time": "Part-Time", "contract": "Contractor",
    "internship": "Intern",
}  # fmt: skip
_BAMBOO_PLACE = {"onsite": "0", "remote": "1", "hybrid": "2"}


def bamboohr_item(job: Job) -> dict:
    return {
        "id": job.id,
        "jobOpeningName": job.title,
        "departmentId": "18",
        "departmentLabel": "Engineering",
        "employmentStatusLabel": _BAMBOO_TYPES.get(job.employment, "Full-Time"),
        # the list often leaves the place out: only the detail names it for sure
        "location": {"city": None, "state": None},
        "atsLocation": {"country": None, "state": None, "province": None, "city": None},
        "isRemote": _workplace(job) == "remote" or None,
        "locationType": _BAMBOO_PLACE[_workplace(job)],
    }


def bamboohr_detail(company: str, job: Job) -> dict:
    city, _, state = (_places(job) or [""])[0].partition(",")
    opening = bamboohr_item(job) | {
        "jobOpeningShareUrl": f"https://{company}.bamboohr.com/careers/{job.id}",
        "description": _paras(job.description),
        "datePosted": job.posted.date().isoformat(),
        "location": {"city": city.strip(), "state": state.strip()},
        "atsLocation": {
            "country": "United States",
            "state": state.strip(),
            "province": None,
            "city": city.strip(),
        },  # fmt: skip
        "compensation": job.salary,
        "minimumExperience": "Entry-level",
    }
    return {"meta": {"scriptTags": ""}, "result": {"jobOpening": opening | job.extra}}


# -- Teamtailor -----------------------------------------------------------------------------
_TT_REMOTE = {"remote": "fully", "hybrid": "hybrid", "onsite": "none"}


def teamtailor_rss(company_name: str, company: str, jobs: list[Job]) -> str:
    items = []
    for job in jobs:
        link = f"https://{company}.teamtailor.com/jobs/{job.id}-{re.sub(r'[^a-z0-9]+', '-', job.title.lower()).strip('-')}"
        places = "".join(
            f"<tt:location><tt:name>{html.escape(p)}</tt:name>"
            f"<tt:city>{html.escape(p.split(',')[0])}</tt:city>"
            f"<tt:country>United States</tt:country></tt:location>"
            for p in _places(job)
        )
        items.append(
            f"<item><title>{html.escape(job.title)}</title>"
            f"<description><![CDATA[{_paras(_with_pay(job))}]]></description>"
            f"<pubDate>{format_datetime(job.posted)}</pubDate>"
            f"<link>{link}</link><guid>{link}</guid>"
            f"<tt:department>Engineering</tt:department>"
            f"<tt:locations>{places}</tt:locations>"
            f"<tt:remoteStatus>{_TT_REMOTE[_workplace(job)]}</tt:remoteStatus></item>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:tt="https://teamtailor.com/locations">'
        f"<channel><title>{html.escape(company_name)}</title>"
        f"<link>https://{company}.teamtailor.com/jobs</link>"
        f"<description>Jobs at {html.escape(company_name)}</description>{''.join(items)}"
        "</channel></rss>"
    )


# -- Personio -------------------------------------------------------------------------------
_PERSONIO_TYPES = {"internship": "intern", "full-time": "permanent", "part-time": "permanent",
                   "contract": "freelance"}  # fmt: skip


def personio_xml(jobs: list[Job]) -> str:
    positions = []
    for job in jobs:
        first, *others = _places(job) or [""]
        extra = "".join(f"<office>{html.escape(o)}</office>" for o in others)
        positions.append(
            f"<position><id>{job.id}</id><subcompany>{html.escape(job.company)}</subcompany>"
            f"<office>{html.escape(first)}</office>"
            f"<additionalOffices>{extra}</additionalOffices>"
            "<department>Engineering</department><recruitingCategory>Tech</recruitingCategory>"
            f"<name>{html.escape(job.title)}</name>"
            "<jobDescriptions><jobDescription><name>Your tasks</name>"
            f"<value><![CDATA[{_paras(_with_pay(job))}]]></value></jobDescription>"
            "<jobDescription><name>Your profile</name>"
            "<value><![CDATA[<ul><li>Python</li></ul>]]></value></jobDescription>"
            "</jobDescriptions>"
            f"<employmentType>{_PERSONIO_TYPES.get(job.employment, 'permanent')}</employmentType>"
            f"<seniority>{'student' if job.employment == 'internship' else 'entry-level'}</seniority>"
            f"<schedule>{'part-time' if job.employment == 'part-time' else 'full-time'}</schedule>"
            "<yearsOfExperience>lt-1</yearsOfExperience>"
            f"<createdAt>{job.posted.isoformat()}</createdAt></position>"
        )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<workzag-jobs>{"".join(positions)}</workzag-jobs>'
    )


# -- Oracle ---------------------------------------------------------------------------------
_ORACLE_PLACE = {"remote": "ORA_REMOTE", "hybrid": "ORA_HYBRID", "onsite": "ORA_ON_SITE"}


def oracle_requisition(job: Job) -> dict:
    first, *others = _places(job) or [""]
    return {
        "Id": job.id,
        "Title": job.title,
        "PostedDate": job.posted.date().isoformat(),
        "PostingEndDate": None,
        "Language": "US",
        "PrimaryLocation": first,
        "PrimaryLocationCountry": "US",
        "WorkplaceTypeCode": _ORACLE_PLACE[_workplace(job)],
        "WorkplaceType": _workplace(job).title(),
        "JobFamily": "Engineering",
        "JobSchedule": "Part time" if job.employment == "part-time" else "Full time",
        "ContractType": None,
        "ShortDescriptionStr": html.escape(job.description.split("\n")[0]),
        "secondaryLocations": [{"Name": p, "CountryCode": "US"} for p in others],
    }


def oracle_detail(job: Job) -> dict:
    return oracle_requisition(job) | {
        "ExternalDescriptionStr": _paras(job.description),
        "ExternalResponsibilitiesStr": "<ul><li>Ship Python services</li></ul>",
        "ExternalQualificationsStr": _paras(f"Pay: {job.salary}") if job.salary else "",
        "ExternalPostedStartDate": job.posted.isoformat(),
        "Organization": None,
    }


def _finder(value: str) -> dict[str, str]:
    """`findReqs;siteNumber=CX_1,limit=25,offset=0,keyword="ml intern"` → its arguments."""
    _, _, args = value.partition(";")
    return {
        k: v.strip('"')
        for k, _, v in (a.partition("=") for a in re.findall(r'\w+=(?:"[^"]*"|[^,]*)', args))
    }


class HrBoardRoutes:
    """The handlers BoardsFake mixes in for Rippling, BambooHR, Teamtailor, Personio and
    Oracle; the data lives in BoardsFake's fields of the same names."""

    def _rippling_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get(RIPPLING_API + "/{board}/jobs", self._rippling_list)
        app.router.add_get(RIPPLING_API + "/{board}/jobs/{id}", self._rippling_job)
        return app

    async def _rippling_list(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        board = request.match_info["board"]
        if (
            answer := await self._simple_fault(request, "rippling", f"rippling:{board}")
        ) is not None:
            return answer
        if board not in self.rippling:  # case-sensitive, as the real one
            return _rippling_missing()
        try:
            page, size = (
                int(request.query.get("page", "0")),
                int(request.query.get("pageSize", "20")),
            )
        except ValueError:
            return web.json_response({"error_code": "BAD_REQUEST"}, status=400)
        jobs = self.rippling[board]
        items = [rippling_item(board, j) for j in jobs[page * size : (page + 1) * size]]
        items += self.raw_jobs.get(f"rippling:{board}", []) if page == 0 else []
        return web.json_response(
            {
                "items": items,
                "page": page,
                "pageSize": size,
                "totalItems": len(jobs),
                "totalPages": max(1, -(-len(jobs) // size)),
            }  # fmt: skip
        )

    async def _rippling_job(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        board = request.match_info["board"]
        if (answer := await self._simple_fault(request, "rippling", "rippling.detail")) is not None:
            return answer
        job = next(
            (j for j in self.rippling.get(board, []) if j.id == request.match_info["id"]), None
        )
        if job is None:
            return _rippling_missing("Job Post not found")
        return web.json_response(rippling_detail(board, job))

    def _bamboohr_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/{company}/careers/list", self._bamboohr_list)
        app.router.add_get("/{company}/careers/{id}/detail", self._bamboohr_job)
        return app

    async def _bamboohr_list(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        if (
            answer := await self._simple_fault(request, "bamboohr", f"bamboohr:{company}")
        ) is not None:
            return answer
        if company not in self.bamboohr:
            return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")
        result = [bamboohr_item(j) for j in self.bamboohr[company]]
        result += self.raw_jobs.get(f"bamboohr:{company}", [])
        return web.json_response({"meta": {"totalCount": len(result)}, "result": result})

    async def _bamboohr_job(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        if (answer := await self._simple_fault(request, "bamboohr", "bamboohr.detail")) is not None:
            return answer
        job = next(
            (j for j in self.bamboohr.get(company, []) if j.id == request.match_info["id"]), None
        )
        if job is None:
            return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")
        return web.json_response(bamboohr_detail(company, job))

    def _teamtailor_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/{company}/jobs.rss", self._teamtailor)
        return app

    async def _teamtailor(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        fault = await self._enter(request, "teamtailor", f"teamtailor:{company}")
        if fault is not None and fault.kind == "status":
            return self._status(fault)
        if fault is not None and fault.kind == "malformed":
            return web.Response(
                text="<html><body>Maintenance</body></html>", content_type="text/html"
            )
        if company not in self.teamtailor:
            return web.Response(status=404, text="<html>Not Found</html>", content_type="text/html")
        jobs = self.teamtailor[company]
        name = jobs[0].company if jobs else company.title()
        return web.Response(
            text=teamtailor_rss(name, company, jobs), content_type="application/rss+xml"
        )

    def _personio_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/{company}/xml", self._personio)
        return app

    async def _personio(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        company = request.match_info["company"]
        fault = await self._enter(request, "personio", f"personio:{company}")
        if fault is not None and fault.kind == "status":
            return self._status(fault)
        if fault is not None and fault.kind == "malformed":
            hostile = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><workzag-jobs>&a;</workzag-jobs>'
            return web.Response(text=hostile, content_type="text/xml")
        if company not in self.personio:
            return web.Response(
                status=404, text="<html>Page not found</html>", content_type="text/html"
            )
        body = personio_xml(self.personio[company])
        return web.Response(text=body, content_type="text/xml", charset="utf-8")

    def _oracle_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get(
            "/{host}" + ORACLE_API + "/recruitingCEJobRequisitions", self._oracle_list
        )
        app.router.add_get(
            "/{host}" + ORACLE_API + "/recruitingCEJobRequisitionDetails", self._oracle_job
        )
        return app

    async def _oracle_list(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        host = request.match_info["host"]
        args = _finder(request.query.get("finder", ""))
        site = args.get("siteNumber", "")
        if (
            answer := await self._simple_fault(request, "oracle", f"oracle:{host}/{site}")
        ) is not None:
            return answer
        try:
            limit, offset = int(args.get("limit", "25")), int(args.get("offset", "0"))
        except ValueError:
            return web.json_response({"title": "Bad Request"}, status=400)
        words = args.get("keyword", "").lower().split()
        hits = [j for j in self.oracle.get(f"{host}/{site}", [])
                if all(w in j.title.lower() or w in j.description.lower() for w in words)]  # fmt: skip
        page = [oracle_requisition(j) for j in hits[offset : offset + limit]]
        search = {"SearchId": 1, "Keyword": args.get("keyword", ""), "TotalJobsCount": len(hits),
                  "Offset": offset, "Limit": limit, "requisitionList": page}  # fmt: skip
        return web.json_response(
            {"items": [search], "count": 1, "hasMore": False, "limit": 25, "offset": 0}
        )

    async def _oracle_job(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        host = request.match_info["host"]
        if (answer := await self._simple_fault(request, "oracle", "oracle.detail")) is not None:
            return answer
        args = _finder(request.query.get("finder", ""))
        jobs = self.oracle.get(f"{host}/{args.get('siteNumber', '')}", [])
        job = next((j for j in jobs if j.id == args.get("Id") and j.id not in self.withdrawn), None)
        items = [oracle_detail(job)] if job is not None else []  # unknown: 200 with no items
        return web.json_response({"items": items, "count": len(items), "hasMore": False})


def _rippling_missing(message: str = "Job Board not found") -> web.Response:
    body: dict[str, Any] = {
        "error_code": "RESOURCE_NOT_FOUND",
        "message": message,
        "resource": None,
    }
    return web.json_response(body, status=404)
