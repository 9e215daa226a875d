"""A fake of every job board on 127.0.0.1, speaking each board's real shapes.

One aiohttp server per board (so each is its own host for per-host pacing):
- LinkedIn guest search (`/jobs-guest/jobs/api/seeMoreJobPostings/search`, 10 cards a page,
  card variants, the `<!DOCTYPE html>\\n\\n<!---->` end page) and detail pages `/jobs/view/<id>`;
- Indeed's mobile GraphQL `jobSearch` (cursor paging; refuses calls without the app key);
- Greenhouse `/v1/boards/<token>/jobs`, Lever `/v0/postings/<co>`, Ashby `/posting-api/job-board/<org>`;
- Workday, SmartRecruiters, Workable, Recruitee and the community lists (`tests.fakes.ats`);
- Rippling, BambooHR, Teamtailor, Personio and Oracle Recruiting (`tests.fakes.hr_boards`);
- Arbeitnow and Hacker News' Algolia API (`tests.fakes.job_feeds`).

Faults are queued per route and consumed one request at a time: 429 with Retry-After, 500,
slow answers, the login-wall redirect, changed markup, malformed JSON, a captcha page, a
GraphQL error. Every request is recorded so tests can count what the client really did.
"""

from __future__ import annotations

import asyncio
import html
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import web

from scrapers.options import SourceUrls
from tests.fakes.ats import AtsRoutes
from tests.fakes.hr_boards import HrBoardRoutes
from tests.fakes.job_feeds import HNThread, JobFeedRoutes
from tests.fakes.serving import pause, serve_locally

SEARCH_PATH = "/jobs-guest/jobs/api/seeMoreJobPostings/search"
END_PAGE = "<!DOCTYPE html>\n\n<!---->"
NOW = datetime.now(UTC).replace(microsecond=0)


@dataclass
class Job:
    id: str
    title: str
    company: str
    location: str = "Austin, TX, United States"
    description: str = "Build data services in Python and Postgres for a fleet of robots."
    employment: str = "internship"  # internship / full-time / part-time / contract
    seniority: str = "Internship"
    remote: bool = False
    salary: str | None = None
    posted: datetime = NOW - timedelta(hours=3)
    workplace: str = ""  # remote / hybrid / onsite where a board states it; else from `remote`
    apply_url: str | None = None  # LinkedIn: the employer's page behind "Apply"
    # A board's structured pay: (min, max, currency, interval in that board's own words, e.g.
    # Lever's "bi-week-salary", Ashby's "1 YEAR"); Greenhouse serves it in cents.
    salary_range: tuple[float, float, str, str] | None = None
    # Raw fields laid over the job's JSON on the boards that take them (a real field this
    # fake does not model, e.g. Ashby's `shouldDisplayCompensationOnJobPostings`).
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Fault:
    """What one request to a route gets instead of the normal answer."""

    kind: str  # status | slow | login_wall | changed | malformed | captcha | graphql_error | empty
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0
    message: str = ""  # a GraphQL error's text


def status(code: int, retry_after: str | None = None) -> Fault:
    return Fault("status", status=code, retry_after=retry_after)


def slow(seconds: float) -> Fault:
    return Fault("slow", seconds=seconds)


LOGIN_WALL = Fault("login_wall")
CHANGED = Fault("changed")
MALFORMED = Fault("malformed")
CAPTCHA = Fault("captcha")
GRAPHQL_ERROR = Fault("graphql_error", message="Unauthorized: invalid api key")
# What a GraphQL server says to a query its schema does not have: not a refusal.
GRAPHQL_SCHEMA_ERROR = Fault(
    "graphql_error", message='Cannot query field "salarySnippet" on type "Job".'
)


@dataclass
class Seen:
    board: str
    route: str
    path: str
    query: str
    headers: dict[str, str]
    at: float


@dataclass
class BoardsFake(AtsRoutes, HrBoardRoutes, JobFeedRoutes):
    latency: float = 0.0
    linkedin: list[Job] = field(default_factory=list)
    indeed: list[Job] = field(default_factory=list)
    # When set, what Indeed finds for one search: (keywords, place) -> its jobs, in place of
    # `indeed` (a bench with many distinct searches, each finding postings of its own).
    indeed_for: Callable[[str, str], list[Job]] | None = None
    greenhouse: dict[str, list[Job]] = field(default_factory=dict)
    lever: dict[str, list[Job]] = field(default_factory=dict)
    lever_eu: dict[str, list[Job]] = field(default_factory=dict)  # boards on api.eu.lever.co
    ashby: dict[str, list[Job]] = field(default_factory=dict)
    workday: dict[str, list[Job]] = field(default_factory=dict)  # "<tenant>/<site>" -> jobs
    smartrecruiters: dict[str, list[Job]] = field(default_factory=dict)
    workable: dict[str, list[Job]] = field(default_factory=dict)
    recruitee: dict[str, list[Job]] = field(default_factory=dict)
    lists: dict[str, list[dict]] = field(default_factory=dict)  # "owner/repo" -> raw entries
    rippling: dict[str, list[Job]] = field(default_factory=dict)  # board (case-sensitive)
    bamboohr: dict[str, list[Job]] = field(default_factory=dict)
    teamtailor: dict[str, list[Job]] = field(default_factory=dict)
    personio: dict[str, list[Job]] = field(default_factory=dict)
    oracle: dict[str, list[Job]] = field(default_factory=dict)  # "<host>/<site number>"
    arbeitnow: list[Job] = field(default_factory=list)
    # Job ids still listed whose detail is gone (withdrawn between the list and the detail).
    withdrawn: set[str] = field(default_factory=set)
    # Job ids the employer closed: Greenhouse's and Lever's job-by-id answer 404, Ashby's list
    # leaves them out, LinkedIn's guest page says "No longer accepting applications".
    closed: set[str] = field(default_factory=set)
    # A company's own careers pages (`pages_base` + /careers/jobs/<id>): job id -> how it
    # answers: "open", "404", "410", "redirect" (to the list of jobs), "marker" (200 with
    # "this job is no longer available"), "403" (bot protection).
    pages: dict[str, str] = field(default_factory=dict)
    pages_base: str | None = None
    hn_threads: list[HNThread] = field(default_factory=list)
    lists_base: str | None = None
    now: datetime = NOW
    # Workable's burst limit (requests per second before a 429); None: off.
    workable_burst: int | None = None
    # LinkedIn past this many pages serves the last page again instead of the end page.
    linkedin_repeat_after: int | None = None
    # Cards on one LinkedIn page: about 10, often fewer (public clients advance `start` by the
    # cards a page returned, never by a fixed 10).
    linkedin_page_size: int = 10
    # route -> queued faults ("linkedin.search", "linkedin.detail", "indeed", "greenhouse:<t>"…);
    # a None in the queue is one normal answer.
    faults: dict[str, list[Fault | None]] = field(default_factory=dict)
    # routes that fail on every request, not just once
    always: dict[str, Fault] = field(default_factory=dict)
    # route ("indeed", "greenhouse:<t>", "lever:<t>", "ashby:<t>") -> raw items appended to
    # each answer's job list,
    # to serve entries of odd shapes next to the well-formed ones
    raw_jobs: dict[str, list[Any]] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    indeed_queries: list[str] = field(default_factory=list)  # each GraphQL query, as sent
    urls: SourceUrls | None = None
    _runners: list[web.AppRunner] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    # -- control -----------------------------------------------------------------------
    def fail(self, route: str, *faults: Fault | None) -> None:
        self.faults.setdefault(route, []).extend(faults)

    def count(self, route: str) -> int:
        return sum(1 for r in self.requests if r.route == route)

    def distinct(self, route: str) -> int:
        """Different requests (path and query) to `route`: what was asked, whether or not a
        slow answer on a loaded machine made the client ask it twice."""
        return len({(r.path, r.query) for r in self.requests if r.route == route})

    def detail_fetches(self) -> Counter[str]:
        return Counter(
            r.path.rsplit("/", 1)[1] for r in self.requests if r.route == "linkedin.detail"
        )

    def _fault(self, route: str) -> Fault | None:
        queue = self.faults.get(route)
        if queue:
            return queue.pop(0) or None
        return self.always.get(route)

    async def _enter(self, request: web.Request, board: str, route: str) -> Fault | None:
        loop = asyncio.get_running_loop()
        self.requests.append(
            Seen(
                board, route, request.path, request.query_string, dict(request.headers), loop.time()
            )
        )
        await pause(self.latency, self._stopping)
        fault = self._fault(route)
        if fault is not None and fault.kind == "slow":
            await pause(fault.seconds, self._stopping)
            return None
        return fault

    # -- lifecycle -----------------------------------------------------------------------
    async def start(self) -> SourceUrls:
        self._stopping.clear()
        apps = {
            "linkedin": self._linkedin_app(),
            "indeed": self._indeed_app(),
            "greenhouse": self._greenhouse_app(),
            "lever": self._lever_app(),
            "lever_eu": self._lever_app(eu=True),
            "ashby": self._ashby_app(),
            "workday": self._workday_app(),
            "smartrecruiters": self._smartrecruiters_app(),
            "workable": self._workable_app(),
            "recruitee": self._recruitee_app(),
            "lists": self._lists_app(),
            "rippling": self._rippling_app(),
            "bamboohr": self._bamboohr_app(),
            "teamtailor": self._teamtailor_app(),
            "personio": self._personio_app(),
            "oracle": self._oracle_app(),
            "arbeitnow": self._arbeitnow_app(),
            "hackernews": self._hackernews_app(),
            "pages": self._pages_app(),
        }
        bases: dict[str, str] = {}
        for name, app in apps.items():
            runner, port = await serve_locally(app)
            self._runners.append(runner)
            bases[name] = f"http://127.0.0.1:{port}"
        self.urls = SourceUrls(
            linkedin=bases["linkedin"],
            indeed=bases["indeed"] + "/graphql",
            greenhouse=bases["greenhouse"],
            lever=bases["lever"],
            lever_eu=bases["lever_eu"],
            ashby=bases["ashby"],
            workday=bases["workday"],
            workday_site=bases["workday"],
            smartrecruiters=bases["smartrecruiters"],
            workable=bases["workable"],
            recruitee=bases["recruitee"] + "/{company}",
            rippling=bases["rippling"],
            bamboohr=bases["bamboohr"] + "/{company}",
            teamtailor=bases["teamtailor"] + "/{company}",
            personio=bases["personio"] + "/{company}",
            oracle=bases["oracle"] + "/{host}",
            arbeitnow=bases["arbeitnow"],
            hackernews=bases["hackernews"],
        )
        self.lists_base = bases["lists"]
        self.pages_base = bases["pages"]
        return self.urls

    async def stop(self) -> None:
        self._stopping.set()
        await asyncio.gather(*(runner.cleanup() for runner in self._runners))
        self._runners.clear()

    async def __aenter__(self) -> BoardsFake:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- common fault answers ------------------------------------------------------------
    @staticmethod
    def _status(fault: Fault) -> web.Response:
        headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
        return web.Response(status=fault.status, text=f"status {fault.status}", headers=headers)

    # -- LinkedIn ------------------------------------------------------------------------
    def _linkedin_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get(SEARCH_PATH, self._li_search)
        app.router.add_get("/jobs/view/{job_id}", self._li_detail)
        app.router.add_get("/authwall", self._li_authwall)
        return app

    async def _li_search(self, request: web.Request) -> web.Response:
        fault = await self._enter(request, "linkedin", "linkedin.search")
        if fault is not None:
            if fault.kind == "status":
                return self._status(fault)
            if fault.kind == "login_wall":
                raise web.HTTPFound("/authwall?trk=public_jobs&sessionRedirect=x")
            if fault.kind == "changed":
                return web.Response(
                    text="<ul><li><div class='job-card-v2'><span>Engineer</span></div></li></ul>",
                    content_type="text/html",
                )
        try:
            start = int(request.query.get("start", "0"))
        except ValueError:
            return web.Response(status=400, text="bad start")
        size = self.linkedin_page_size
        if self.linkedin_repeat_after is not None and start >= self.linkedin_repeat_after * size:
            start = (self.linkedin_repeat_after - 1) * size
        jobs = self.linkedin[start : start + size]
        if not jobs:
            return web.Response(text=END_PAGE, content_type="text/html")
        cards = "".join(_li_card(job, start + i) for i, job in enumerate(jobs))
        return web.Response(text=cards, content_type="text/html")

    async def _li_detail(self, request: web.Request) -> web.Response:
        fault = await self._enter(request, "linkedin", "linkedin.detail")
        if fault is not None:
            if fault.kind == "status":
                return self._status(fault)
            if fault.kind == "login_wall":
                raise web.HTTPFound("/authwall?trk=public_jobs_topcard")
            if fault.kind == "changed":
                return web.Response(
                    text="<html><body><main>New look</main></body></html>", content_type="text/html"
                )
        job = next((j for j in self.linkedin if j.id == request.match_info["job_id"]), None)
        if job is None:
            return web.Response(status=404, text="not found")
        page = _li_detail_page(job)
        if job.id in self.closed:  # the guest page stays up, with LinkedIn's closed banner
            banner = (
                '<figure class="closed-job"><figcaption class="closed-job__flavor--closed">'
                "No longer accepting applications</figcaption></figure>"
            )
            page = page.replace(
                '<section class="top-card-layout">', banner + '<section class="top-card-layout">'
            )
        return web.Response(text=page, content_type="text/html")

    async def _li_authwall(self, request: web.Request) -> web.Response:
        self.requests.append(
            Seen(
                "linkedin",
                "linkedin.authwall",
                request.path,
                request.query_string,
                dict(request.headers),
                0.0,
            )
        )
        return web.Response(
            text="<html><body>Sign in to view more jobs</body></html>", content_type="text/html"
        )

    # -- Indeed --------------------------------------------------------------------------
    def _indeed_app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/graphql", self._indeed)
        return app

    async def _indeed(self, request: web.Request) -> web.Response:
        fault = await self._enter(request, "indeed", "indeed")
        if fault is not None:
            if fault.kind == "status":
                return self._status(fault)
            if fault.kind == "malformed":
                return web.Response(
                    text='{"data": {"jobSearch": {"results": [', content_type="application/json"
                )
            if fault.kind == "captcha":
                return web.Response(
                    text="<html><head><title>hCaptcha challenge</title></head><body>captcha</body></html>",
                    content_type="text/html",
                )
            if fault.kind == "graphql_error":
                return web.json_response({"errors": [{"message": fault.message}], "data": None})
        if not request.headers.get("indeed-api-key"):
            return web.json_response({"errors": [{"message": "missing api key"}]}, status=403)
        try:
            body = await request.json()
            query = body["query"]
        except (ValueError, KeyError, TypeError):
            return web.json_response({"errors": [{"message": "bad request"}]}, status=400)
        if "jobSearch(" not in query:
            return web.json_response({"errors": [{"message": "unknown operation"}]}, status=400)
        limit_m = re.search(r"limit:\s*(\d+)", query)
        cursor_m = re.search(r'cursor:\s*"c(\d+)"', query)
        limit = min(int(limit_m.group(1)) if limit_m else 100, 100)
        offset = int(cursor_m.group(1)) if cursor_m else 0
        self.indeed_queries.append(query)
        # The filters as Indeed applies them: the date window, and attribute keys of which a
        # job must carry every one ("several codes in one filter mean all of them").
        hits = self.indeed
        if self.indeed_for is not None:
            hits = self.indeed_for(*_indeed_what_where(query))
        if m := re.search(r'field:\s*"dateOnIndeed",\s*start:\s*"(\d+)h"', query):
            oldest = datetime.now(UTC) - timedelta(hours=int(m.group(1)))
            hits = [j for j in hits if j.posted >= oldest]
        if m := re.search(r"keys:\s*\[([^\]]*)\]", query):
            keys = set(re.findall(r'"(\w+)"', m.group(1)))
            hits = [j for j in hits if keys <= {a["key"] for a in _indeed_job(j)["attributes"]}]
        jobs = hits[offset : offset + limit]
        nxt = offset + limit
        cursor = f"c{nxt}" if nxt < len(hits) else None
        return web.json_response(
            {
                "data": {
                    "jobSearch": {
                        "pageInfo": {"nextCursor": cursor},
                        "results": [{"trackingKey": "t", "job": _indeed_job(j)} for j in jobs]
                        + [{"trackingKey": "t", "job": j} for j in self.raw_jobs.get("indeed", [])],
                    }
                }
            }
        )

    # -- company boards -----------------------------------------------------------------
    def _greenhouse_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/v1/boards/{token}/jobs", self._greenhouse)
        app.router.add_get("/v1/boards/{token}/jobs/{job_id}", self._greenhouse_one)
        return app

    def _lever_app(self, eu: bool = False) -> web.Application:
        """Lever's US host, or its EU host (`api.eu.lever.co`): each knows only its own boards
        and answers 404 for the other's, as the real hosts do."""
        app = web.Application()
        app.router.add_get("/v0/postings/{token}", self._lever_eu if eu else self._lever)
        app.router.add_get("/v0/postings/{token}/{job_id}", self._lever_one)
        return app

    def _pages_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/careers/jobs", self._careers_list)
        app.router.add_get("/careers/jobs/{job_id}", self._careers_job)
        return app

    def _open_job(self, jobs: list[Job], job_id: str) -> Job | None:
        return next((j for j in jobs if j.id == job_id and j.id not in self.closed), None)

    async def _greenhouse_one(self, request: web.Request) -> web.Response:
        """`GET /v1/boards/<token>/jobs/<id>`: one job, or 404 once it is closed."""
        await self._enter(request, "greenhouse", "greenhouse.job")
        token = request.match_info["token"]
        job = self._open_job(self.greenhouse.get(token, []), request.match_info["job_id"])
        if job is None:
            return web.json_response({"status": 404, "error": "Job not found"}, status=404)
        return web.json_response(_greenhouse_job(token, job, True))

    async def _lever_one(self, request: web.Request) -> web.Response:
        """`GET /v0/postings/<company>/<id>`: one posting, or 404 once it is closed."""
        await self._enter(request, "lever", "lever.job")
        token = request.match_info["token"]
        job = self._open_job(self.lever.get(token, []), request.match_info["job_id"])
        if job is None:
            return web.json_response({"ok": False, "error": "Document not found"}, status=404)
        return web.json_response(_lever_job(token, job))

    async def _careers_list(self, request: web.Request) -> web.Response:
        await self._enter(request, "pages", "pages.list")
        return web.Response(
            text="<html><body><h1>Open roles</h1></body></html>", content_type="text/html"
        )

    async def _careers_job(self, request: web.Request) -> web.Response:
        await self._enter(request, "pages", "pages.job")
        how = self.pages.get(request.match_info["job_id"], "404")
        if how in ("404", "410", "403"):
            return web.Response(status=int(how), text=f"status {how}")
        if how == "redirect":  # what many career sites do with a filled job
            raise web.HTTPFound("/careers/jobs")
        body = "Sorry, this job is no longer available." if how == "marker" else "Apply now!"
        return web.Response(
            text=f"<html><body><p>{body}</p></body></html>", content_type="text/html"
        )

    def _ashby_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/posting-api/job-board/{token}", self._ashby)
        return app

    async def _board_fault(self, request: web.Request, board: str) -> web.Response | None:
        token = request.match_info["token"]
        fault = await self._enter(request, board, f"{board}:{token}")
        if fault is None:
            return None
        if fault.kind == "status":
            return self._status(fault)
        if fault.kind == "malformed":
            return web.Response(text="{'jobs': [oops", content_type="application/json")
        return None

    async def _greenhouse(self, request: web.Request) -> web.Response:
        if (answer := await self._board_fault(request, "greenhouse")) is not None:
            return answer
        token = request.match_info["token"]
        if token not in self.greenhouse:
            return web.json_response({"status": 404, "error": "Job board not found"}, status=404)
        with_content = request.query.get("content") == "true"
        with_pay = request.query.get("pay_transparency") == "true"
        jobs = [_greenhouse_job(token, j, with_content, with_pay) for j in self.greenhouse[token]]
        jobs += self.raw_jobs.get(f"greenhouse:{token}", [])
        return web.json_response({"jobs": jobs, "meta": {"total": len(jobs)}})

    async def _lever(self, request: web.Request) -> web.Response:
        return await self._lever_board(request, self.lever, "jobs.lever.co")

    async def _lever_eu(self, request: web.Request) -> web.Response:
        return await self._lever_board(request, self.lever_eu, "jobs.eu.lever.co")

    async def _lever_board(
        self, request: web.Request, boards: dict[str, list[Job]], host: str
    ) -> web.Response:
        if (answer := await self._board_fault(request, "lever")) is not None:
            return answer
        token = request.match_info["token"]
        if token not in boards:
            return web.json_response({"ok": False, "error": "Document not found"}, status=404)
        if request.query.get("mode") != "json":
            return web.Response(text="<html>lever html</html>", content_type="text/html")
        jobs = [_lever_job(token, j, host) for j in boards[token]]
        return web.json_response(jobs + self.raw_jobs.get(f"lever:{token}", []))

    async def _ashby(self, request: web.Request) -> web.Response:
        if (answer := await self._board_fault(request, "ashby")) is not None:
            return answer
        token = request.match_info["token"]
        if token not in self.ashby:
            return web.json_response({"success": False, "error": "not found"}, status=404)
        jobs = [_ashby_job(token, j) for j in self.ashby[token] if j.id not in self.closed]
        jobs += self.raw_jobs.get(f"ashby:{token}", [])
        return web.json_response({"apiVersion": "1", "jobs": jobs})


# -- shapes ---------------------------------------------------------------------------------
def _li_card(job: Job, position: int) -> str:
    """One search card; the variants rotate: <div> card with inner link, card that is an <a>,
    the '--new' date class, salary present or not, country subdomain + tracking params."""
    e = html.escape
    slug = re.sub(r"[^a-z0-9]+", "-", f"{job.title} at {job.company}".lower()).strip("-")
    sub = ("www", "uk", "de")[position % 3]
    href = f"https://{sub}.linkedin.com/jobs/view/{slug}-{job.id}?position={position % 10 + 1}&amp;pageNum={position // 10}&amp;refId=abc%3D%3D&amp;trackingId=xyz%3D%3D"
    fresh = NOW - job.posted < timedelta(hours=24)
    date_cls = "job-search-card__listdate--new" if fresh else "job-search-card__listdate"
    salary = (
        f'<span class="job-search-card__salary-info">\n          {e(job.salary)}\n        </span>'
        if job.salary
        else ""
    )
    inner = f"""
      <div class="base-search-card__info">
        <h3 class="base-search-card__title">
          {e(job.title)}
        </h3>
        <h4 class="base-search-card__subtitle">
          <a class="hidden-nested-link" href="https://www.linkedin.com/company/x?trk=public_jobs">{e(job.company)}</a>
        </h4>
        <div class="base-search-card__metadata">
          <span class="job-search-card__location">
            {e(job.location)}
          </span>
          {salary}
          <time class="{date_cls}" datetime="{job.posted.date().isoformat()}">
            {_ago(job.posted)}
          </time>
        </div>
      </div>"""
    if position % 2:
        return f"""<li>
    <a class="base-card relative w-full hover:no-underline base-card--link base-search-card base-search-card--link job-search-card" href="{href}" data-entity-urn="urn:li:jobPosting:{job.id}" data-tracking-id="t">
      <div class="base-search-card__media"><img alt="" /></div>{inner}
    </a>
  </li>
"""
    return f"""<li>
    <div class="base-card relative w-full hover:no-underline focus:no-underline base-card--link base-search-card base-search-card--link job-search-card" data-entity-urn="urn:li:jobPosting:{job.id}" data-impression-id="jobs-search-result-{position}">
      <a class="base-card__full-link absolute top-0 right-0 bottom-0 left-0 p-0 z-[2]" href="{href}" data-tracking-control-name="public_jobs_jserp-result_search-card">
        <span class="sr-only">{html.escape(job.title)}</span>
      </a>{inner}
    </div>
  </li>
"""


def _ago(when: datetime) -> str:
    """How a card words its age: "3 hours ago", "1 day ago", "2 weeks ago"."""
    seconds = max(0, int((datetime.now(UTC) - when).total_seconds()))
    for unit, size in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return "Just now"


_LI_TYPES = {
    "internship": "Internship",
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contract",
}


def _li_detail_page(job: Job) -> str:
    """A guest job page as LinkedIn serves it: the description inside
    `.show-more-less-html__markup`, followed (inside the outer `.description__text`) by the
    "Show more" / "Show less" buttons; list items wrap their text in <p>; an offsite "Apply"
    link hides in `<code id="applyUrl">` as a comment holding LinkedIn's redirect."""
    e = html.escape
    paras = "".join(f"<p>{e(p)}</p>" for p in job.description.split("\n"))
    apply = ""
    if job.apply_url:
        target = quote(job.apply_url, safe="")
        apply = (
            '<code id="applyUrl" style="display: none"><!--"https://www.linkedin.com/jobs/view/'
            f'externalApply/{job.id}?url={target}&urlHash=AbCd"--></code>'
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><title>{e(job.title)} - {e(job.company)}</title></head>
<body>
<section class="top-card-layout"><h1 class="top-card-layout__title">{e(job.title)}</h1>{apply}</section>
<div class="description__text description__text--rich">
  <section class="show-more-less-html" data-max-lines="5">
    <div class="show-more-less-html__markup show-more-less-html__markup--clamp-after-5 relative overflow-hidden">
      {paras}<ul><li><p>Python &amp; SQL</p></li><li><p>Postgres</p></li></ul>
    </div>
    <button class="show-more-less-html__button show-more-less-button show-more-less-html__button--more" aria-label="i18n_show_more" data-tracking-control-name="public_jobs_show-more-html-btn" aria-expanded="false">
      Show more
      <icon class="show-more-less-html__button-icon show-more-less-button-icon" data-delayed-url="x"></icon>
    </button>
    <button class="show-more-less-html__button show-more-less-button show-more-less-html__button--less" aria-label="i18n_show_less" data-tracking-control-name="public_jobs_show-less-html-btn" aria-expanded="true">
      Show less
      <icon class="show-more-less-html__button-icon show-more-less-button-icon" data-delayed-url="x"></icon>
    </button>
  </section>
</div>
<ul class="description__job-criteria-list">
  <li class="description__job-criteria-item">
    <h3 class="description__job-criteria-subheader">Seniority level</h3>
    <span class="description__job-criteria-text description__job-criteria-text--criteria">{e(job.seniority)}</span>
  </li>
  <li class="description__job-criteria-item">
    <h3 class="description__job-criteria-subheader">Employment type</h3>
    <span class="description__job-criteria-text description__job-criteria-text--criteria">{_LI_TYPES.get(job.employment, "Other")}</span>
  </li>
</ul>
</body></html>"""


_INDEED_KEYS = {
    "internship": "VDTG7",
    "full-time": "CF3CP",
    "part-time": "75GKK",
    "contract": "NJXCK",
}


def _indeed_what_where(query: str) -> tuple[str, str]:
    """A `jobSearch` query's keywords and place (JSON string literals, as GraphQL's are)."""
    what = re.search(r'what:\s*("(?:[^"\\]|\\.)*")', query)
    where = re.search(r'where:\s*("(?:[^"\\]|\\.)*")', query)
    return (
        json.loads(what.group(1)) if what else "",
        json.loads(where.group(1)) if where else "",
    )


def _indeed_job(job: Job) -> dict:
    city, _, rest = job.location.partition(",")
    attrs = [{"key": _INDEED_KEYS[job.employment], "label": job.employment.title()}]
    if job.remote:
        attrs.append({"key": "DSQF7", "label": "Remote"})
    return {
        "key": job.id,
        "title": job.title,
        "dateOnIndeed": int(job.posted.timestamp() * 1000),
        "datePublished": int(job.posted.timestamp() * 1000),
        "description": {
            "html": "".join(f"<p>{html.escape(p)}</p>" for p in job.description.split("\n"))
        },
        "location": {
            "city": city.strip(),
            "admin1Code": rest.strip().split(",")[0].strip() if rest else None,
            "countryCode": "US",
            "formatted": {"long": job.location, "short": city.strip()},
        },
        "employer": {"name": job.company},
        "sourceEmployerName": job.company,
        "attributes": attrs,
        "compensation": {
            "baseSalary": {"unitOfWork": "HOUR", "range": {"min": 40.0, "max": 50.0}},
            "currencyCode": "USD",
        }
        if job.salary
        else None,
    }


def _greenhouse_job(token: str, job: Job, with_content: bool, with_pay: bool = False) -> dict:
    """A job as `GET /v1/boards/<token>/jobs` lists it; `pay_input_ranges` (in cents) only
    when asked with `pay_transparency=true` (Greenhouse's job board API docs)."""
    content = "".join(f"<p>{html.escape(p)}</p>" for p in job.description.split("\n"))
    out: dict = {
        "id": int(job.id) if job.id.isdigit() else job.id,
        "internal_job_id": 1,
        "title": job.title,
        "company_name": job.company,
        "absolute_url": f"https://job-boards.greenhouse.io/{token}/jobs/{job.id}",
        "location": {"name": job.location},
        "updated_at": job.posted.isoformat(),
        "first_published": job.posted.isoformat(),
        "metadata": None,
        "requisition_id": "R1",
    }
    if with_content:
        out["content"] = html.escape(content)  # Greenhouse escapes the HTML itself
        out["departments"] = [{"id": 1, "name": "Engineering"}]
        out["offices"] = [{"id": 1, "name": job.location}]
    if with_pay and job.salary_range:
        lo, hi, currency, _ = job.salary_range
        out["pay_input_ranges"] = [
            {"min_cents": int(lo * 100), "max_cents": int(hi * 100), "currency_type": currency,
             "title": "US Pay Range", "blurb": "<p>Base pay for this role.</p>"}
        ]  # fmt: skip
    return out | job.extra


_LEVER_COMMITMENT = {
    "internship": "Intern",
    "full-time": "Full-time",
    "part-time": "Part-time",
    "contract": "Contract",
}


def _lever_job(token: str, job: Job, host: str = "jobs.lever.co") -> dict:
    """A posting as `GET /v0/postings/<company>?mode=json` returns it. The titled lists hold
    `<li>` items wrapping an indented `<p>`, as Lever's editor writes them."""
    first, _, rest = job.description.partition("\n")
    items = "".join(
        f"<li>\n    <p>{html.escape(line)}</p>\n  </li>"
        for line in (rest or "Ship code").split("\n")
    )
    salary: dict[str, Any] = {}
    if job.salary_range:
        lo, hi, currency, interval = job.salary_range
        salary = {"salaryRange": {"min": lo, "max": hi, "currency": currency, "interval": interval}}
    return (
        {
            "id": job.id,
            "text": job.title,
            "hostedUrl": f"https://{host}/{token}/{job.id}",
            "applyUrl": f"https://{host}/{token}/{job.id}/apply",
            "createdAt": int(job.posted.timestamp() * 1000),
            "categories": {
                "commitment": _LEVER_COMMITMENT[job.employment],
                "location": job.location.split(";")[0].strip(),
                "team": "Engineering",
                "allLocations": [p.strip() for p in job.location.split(";")],
            },
            "workplaceType": job.workplace or ("remote" if job.remote else "onsite"),
            "description": f"<div>{html.escape(first)}</div>",
            "descriptionPlain": first,
            "lists": [{"text": "What you'll do", "content": items}],
            "additional": "<div>We are an equal opportunity employer.</div>",
            "additionalPlain": "We are an equal opportunity employer.",
        }
        | salary
        | job.extra
    )


_ASHBY_TYPES = {
    "internship": "Intern",
    "full-time": "FullTime",
    "part-time": "PartTime",
    "contract": "Contract",
}


def _ashby_job(token: str, job: Job) -> dict:
    """A job as Ashby's posting API lists it: the first of `job.location`'s places is the
    main one, the rest `secondaryLocations` (each with its own address); `compensation` from
    `salary_range`, and `shouldDisplayCompensationOnJobPostings` true unless `extra` says."""
    first, *others = [p.strip() for p in job.location.split(";")]
    comp: dict[str, Any] = {}
    if job.salary_range:
        lo, hi, currency, interval = job.salary_range
        comp = {
            "compensation": {
                "compensationTierSummary": f"{currency} {lo:,.0f} – {hi:,.0f}",
                "summaryComponents": [
                    {"compensationType": "Salary", "interval": interval, "currencyCode": currency,
                     "minValue": lo, "maxValue": hi},
                ],
            }
        }  # fmt: skip
    return (
        {
            "id": job.id,
            "title": job.title,
            "department": "Engineering",
            "team": "Platform",
            "employmentType": _ASHBY_TYPES[job.employment],
            "location": first,
            "secondaryLocations": [
                {"location": p, "address": {"postalAddress": {"addressLocality": p.split(",")[0]}}}
                for p in others
            ],
            "shouldDisplayCompensationOnJobPostings": True,
            "publishedAt": job.posted.isoformat().replace("+00:00", ".000Z"),
            "isListed": True,
            "isRemote": job.remote,
            "workplaceType": {"remote": "Remote", "hybrid": "Hybrid", "onsite": "OnSite"}[
                job.workplace or ("remote" if job.remote else "onsite")
            ],
            "jobUrl": f"https://jobs.ashbyhq.com/{token}/{job.id}",
            "applyUrl": f"https://jobs.ashbyhq.com/{token}/{job.id}/application",
            "descriptionHtml": "".join(
                f"<p>{html.escape(p)}</p>" for p in job.description.split("\n")
            ),
            "descriptionPlain": job.description,
        }
        | comp
        | job.extra
    )


def make_jobs(
    prefix: str, n: int, *, company: str = "Acme Robotics", start_id: int = 0, **kw: object
) -> list[Job]:
    """n distinct jobs; ids are digits for LinkedIn-like boards."""
    out = []
    for i in range(n):
        jid = str(start_id + i) if prefix == "" else f"{prefix}{start_id + i}"
        out.append(
            Job(
                id=jid,
                title=kw.get("title", f"Software Engineer Intern {start_id + i}"),  # type: ignore[arg-type]
                company=company,
                description=f"Job number {start_id + i} at {company}: Python, SQL and distributed systems.",
                **{k: v for k, v in kw.items() if k != "title"},  # type: ignore[arg-type]
            )
        )
    return out
