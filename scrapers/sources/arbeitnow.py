"""Arbeitnow: a free, documented job board API (no key), mostly European and remote jobs.

`GET https://www.arbeitnow.com/api/job-board-api?page=N` → `data[]` (newest first, 100 a
page) of `slug`, `company_name`, `title`, `description` (HTML), `remote`, `url` (the job's
page on Arbeitnow), `tags`, `job_types` ("full time", "internship", "Werkstudent"…),
`location` and `created_at` (epoch seconds), with `links.next` the next page or null.

It has no search of its own: pages are read newest first until they reach the earliest
posting any search wants (see `scrapers.sources.feed_search`), and each search keeps what it
would have found.
"""

from __future__ import annotations

from datetime import UTC, datetime

from scrapers.http import HttpClient
from scrapers.options import HttpConfig
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.feed_search import FeedSearch
from scrapers.sources.outcome import SourceProblem, SourceRun, fetch_json, read_posting

PATH = "/api/job-board-api"
# Arbeitnow's job types, in English and German, and the employment type each names.
_TYPES = (
    ("internship", ("intern", "praktikum", "werkstudent", "working student", "trainee")),
    ("part-time", ("part time", "part-time", "teilzeit", "minijob")),
    ("contract", ("contract", "freelance", "freiberuf")),
    ("temporary", ("temporary", "befristet")),
    ("full-time", ("full time", "full-time", "vollzeit", "festanstellung", "permanent")),
)


def _employment(types: object) -> str | None:
    words = (
        " ".join(str(t) for t in types if isinstance(t, str)).lower()
        if isinstance(types, list)
        else ""
    )
    return next((kind for kind, names in _TYPES if any(n in words for n in names)), None)


def _when(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


class ArbeitnowSearch(FeedSearch):
    kind = "arbeitnow"
    title = "Arbeitnow"

    async def read(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, oldest: datetime
    ) -> list[Posting]:
        url = self.setup.urls.base(self.kind) + PATH
        headers = self.headers(politeness)
        max_chars = politeness.description_max_chars
        out: list[Posting] = []
        skipped = 0
        for page in range(1, politeness.max_pages + 1):
            what = f"Arbeitnow page {page}"
            try:
                data = await fetch_json(
                    client, url, run, what, headers=headers, params={"page": str(page)}
                )
            except SourceProblem as exc:
                if not out:
                    raise
                run.problems.append(exc.reason)
                break
            jobs = data.get("data") if isinstance(data, dict) else None
            if not isinstance(jobs, list):
                raise SourceProblem(f"{what}: JSON without a 'data' list (API changed?)")
            dates = []
            for job in jobs:
                posting = read_posting(lambda j: _posting(j, max_chars), job)
                if posting is None:
                    skipped += 1
                    continue
                out.append(posting)
                dates.append(posting.posted_at)
            links = data.get("links") if isinstance(data.get("links"), dict) else {}
            reached = any(d is not None and d < oldest for d in dates)
            if not jobs or not links.get("next") or reached:
                break  # newest first: a page reaching past the window is the last one needed
        if skipped:
            run.problems.append(
                f"Arbeitnow: {skipped} unreadable job(s) skipped (no slug, title or link?)"
            )
        return out


def _posting(job: dict, max_chars: int) -> Posting | None:
    slug, title, link = job.get("slug"), job.get("title"), http_url(job.get("url"))
    if not slug or not isinstance(title, str) or not title.strip() or link is None:
        return None
    location = str(job.get("location") or "")
    text = html_to_text(str(job.get("description") or ""))
    return Posting(
        source="arbeitnow",
        source_id=str(slug),
        url=link,
        title=title.strip(),
        company=str(job.get("company_name") or "").strip(),
        location=location,
        posted_at=_when(job.get("created_at")),
        employment_type=employment_from_title(title) or _employment(job.get("job_types")),
        workplace="remote"
        if job.get("remote") is True
        else workplace_from_text(title, location, description=text),
        pay=pay_in_text(text),
        apply_url=link,  # one applies from the job's page
        description=cut(text, max_chars),
    )
