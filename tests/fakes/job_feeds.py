"""Fakes of the feeds every search reads: Arbeitnow's job board API and the Algolia HN API.

- Arbeitnow (arbeitnow.com/api/job-board-api, documented there as free and keyless; the
  `Job` types peer clients declare): `GET /api/job-board-api?page=N` → `data[]` newest first,
  100 a page, of `slug`, `company_name`, `title`, `description` (HTML), `remote`, `url`,
  `tags`, `job_types`, `location`, `created_at` (epoch seconds), with `links` (`first`,
  `last`, `prev`, `next`: null on the last page) and `meta` (`current_page`, `per_page`…).
- Hacker News through Algolia (hn.algolia.com/api): `GET /api/v1/search_by_date` with
  `tags` (comma = AND: `story,author_whoishiring`; `comment,story_<id>`), `numericFilters`
  (`created_at_i>=T`), `hitsPerPage` (at most 1000) and `page` → `hits[]` (stories:
  `objectID`, `title`, `author`, `created_at_i`; comments: `objectID`, `author`,
  `comment_text` as HTML with `<p>` between paragraphs and `&#x2F;` for "/", `created_at_i`,
  `parent_id`, `story_id`), newest first, with `nbHits`, `nbPages`, `page`, `hitsPerPage`.
  Who-is-hiring posts are top-level comments (`parent_id` is the thread) whose first line is
  "Company | Role | Place | …"; replies hang below them.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

if TYPE_CHECKING:
    from tests.fakes.boards import BoardsFake, Job

ARBEITNOW_PAGE = 100
ALGOLIA_MAX_HITS = 1000
_ARBEITNOW_TYPES = {"internship": ["Internship"], "full-time": ["full time"],
                    "part-time": ["part time"], "contract": ["contract"]}  # fmt: skip


def arbeitnow_job(job: Job) -> dict:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{job.title} {job.company} {job.id}".lower()).strip("-")
    text = job.description + (f"\nSalary: {job.salary}" if job.salary else "")
    return {
        "slug": slug,
        "company_name": job.company,
        "title": job.title,
        "description": "".join(f"<p>{html.escape(p)}</p>" for p in text.split("\n")),
        "remote": job.remote or job.workplace == "remote",
        "url": f"https://www.arbeitnow.com/jobs/companies/{slug}",
        "tags": ["Software Development"],
        "job_types": _ARBEITNOW_TYPES.get(job.employment, []),
        "location": job.location,
        "created_at": int(job.posted.timestamp()),
    }


@dataclass
class HNThread:
    """One whoishiring story and its comments (Algolia's hit shapes)."""

    id: int
    title: str  # "Ask HN: Who is hiring? (March 2026)", "Ask HN: Who wants to be hired? …"
    created: datetime
    comments: list[dict] = field(default_factory=list)


def hn_post(thread: HNThread, comment_id: int, job: Job, *, extra: str = "") -> dict:
    """A top-level post for `job` as engineers write them: the fields line, then paragraphs."""
    fields = [job.company, job.title, job.location]
    if job.workplace or job.remote:
        fields.append({"remote": "REMOTE", "hybrid": "Hybrid", "onsite": "ONSITE"}[
            job.workplace or "remote"])  # fmt: skip
    if job.salary:
        fields.append(job.salary)
    site = f"https://{re.sub(r'[^a-z0-9]+', '', job.company.lower())}.example/careers"
    link = (
        f'<a href="{html.escape(site).replace("/", "&#x2F;")}" rel="nofollow">'
        f"{html.escape(site).replace('/', '&#x2F;')}</a>"
    )
    body = "<p>".join(html.escape(p) for p in job.description.split("\n"))
    return hn_comment(
        thread,
        comment_id,
        html.escape(" | ".join(fields)) + f"<p>{body}{extra}<p>Apply: {link}",
        job.posted,
    )


def hn_comment(
    thread: HNThread, comment_id: int, text_html: str, when: datetime, parent: int | None = None
) -> dict:
    return {
        "objectID": str(comment_id),
        "author": f"user{comment_id % 97}",
        "comment_text": text_html,
        "created_at": when.isoformat().replace("+00:00", ".000Z"),
        "created_at_i": int(when.timestamp()),
        "parent_id": parent if parent is not None else thread.id,
        "story_id": thread.id,
        "story_title": thread.title,
        "_tags": ["comment", f"author_user{comment_id % 97}", f"story_{thread.id}"],
    }


class JobFeedRoutes:
    """The handlers BoardsFake mixes in for Arbeitnow and Hacker News' Algolia API; the data
    lives in BoardsFake's `arbeitnow` and `hn_threads`."""

    def _arbeitnow_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/api/job-board-api", self._arbeitnow)
        return app

    async def _arbeitnow(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        if (answer := await self._simple_fault(request, "arbeitnow", "arbeitnow")) is not None:
            return answer
        try:
            page = max(1, int(request.query.get("page", "1")))
        except ValueError:
            return web.json_response({"message": "bad page"}, status=400)
        jobs = sorted(self.arbeitnow, key=lambda j: j.posted, reverse=True)
        last = max(1, -(-len(jobs) // ARBEITNOW_PAGE))
        chunk = jobs[(page - 1) * ARBEITNOW_PAGE : page * ARBEITNOW_PAGE]
        base = "https://www.arbeitnow.com/api/job-board-api"
        return web.json_response(
            {
                "data": [arbeitnow_job(j) for j in chunk]
                + (self.raw_jobs.get("arbeitnow", []) if page == 1 else []),
                "links": {
                    "first": f"{base}?page=1",
                    "last": None,
                    "prev": f"{base}?page={page - 1}" if page > 1 else None,
                    "next": f"{base}?page={page + 1}" if page < last else None,
                },
                "meta": {
                    "current_page": page,
                    "from": (page - 1) * ARBEITNOW_PAGE + 1,
                    "path": base,
                    "per_page": ARBEITNOW_PAGE,
                    "to": page * ARBEITNOW_PAGE,
                    "terms": "…",
                    "info": "…",
                },  # fmt: skip
            }
        )

    def _hackernews_app(self: BoardsFake) -> web.Application:  # type: ignore[misc]
        app = web.Application()
        app.router.add_get("/api/v1/search_by_date", self._algolia)
        return app

    async def _algolia(self: BoardsFake, request: web.Request) -> web.Response:  # type: ignore[misc]
        tags = [t for t in request.query.get("tags", "").split(",") if t]
        route = "hackernews.comments" if "comment" in tags else "hackernews.threads"
        if (answer := await self._simple_fault(request, "hackernews", route)) is not None:
            return answer
        try:
            per_page = int(request.query.get("hitsPerPage", "20"))
            page = int(request.query.get("page", "0"))
        except ValueError:
            return web.json_response({"message": "invalid number"}, status=400)
        if per_page > ALGOLIA_MAX_HITS:
            return web.json_response(
                {"message": "hitsPerPage must be <= 1000", "status": 400}, status=400
            )
        if "story" in tags:
            hits = [
                {"objectID": str(t.id), "title": t.title, "author": "whoishiring",
                 "created_at_i": int(t.created.timestamp()), "_tags": ["story", "author_whoishiring"]}
                for t in self.hn_threads
            ]  # fmt: skip
        else:
            story = next((t[6:] for t in tags if t.startswith("story_")), "")
            hits = [c for t in self.hn_threads if str(t.id) == story for c in t.comments]
        if m := re.fullmatch(r"created_at_i>=(\d+)", request.query.get("numericFilters", "")):
            hits = [h for h in hits if h["created_at_i"] >= int(m.group(1))]
        hits.sort(key=lambda h: h["created_at_i"], reverse=True)
        pages = -(-len(hits) // per_page)
        return web.json_response(
            {
                "hits": hits[page * per_page : (page + 1) * per_page],
                "nbHits": len(hits),
                "page": page,
                "nbPages": pages,
                "hitsPerPage": per_page,
            }  # fmt: skip
        )
