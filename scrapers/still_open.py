"""Whether a posting is still open, with one light request: the board's own API for the job
where the board has one, else the posting's page.

- Greenhouse: `GET /v1/boards/<token>/jobs/<id>` (a closed job answers 404);
- Lever: `GET /v0/postings/<company>/<id>` (404; the EU host for `jobs.eu.lever.co` boards);
- SmartRecruiters: `GET /v1/companies/<company>/postings/<id>` (404);
- Ashby: the board's list (`/posting-api/job-board/<org>`: no public request for one job), the
  job open while the list has it and does not mark it unlisted;
- LinkedIn: the guest page `/jobs/view/<id>`: 404 / 410, or the "No longer accepting
  applications" marker; a redirect to the sign-in wall tells nothing;
- any other posting: its own link: 404 / 410, a "closed" marker in the page, or a redirect to
  a listing page (up the path, or the job's id gone from the address) is closed.

Anything else — a timeout, a 403 from bot protection, a 5xx — is `UNKNOWN`, never closed: a
posting is only marked closed on the board's word. Base URLs come from `SourceUrls`, so the
tests' fakes stand in for every host.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from scrapers.http import FetchError, HttpClient
from scrapers.options import SourceUrls


class Openness(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Verdict:
    state: Openness
    why: str  # one line: what the board said

    @property
    def closed(self) -> bool:
        return self.state is Openness.CLOSED


GONE = (404, 410)
# What boards print on a job that no longer takes applications (lower case).
CLOSED_MARKERS = (
    "no longer accepting applications",
    "this job is no longer available",
    "this job has expired",
    "this position has been filled",
    "job posting has expired",
    "this job posting is closed",
)
_EXPIRED_QUERY = re.compile(r"(?:^|[?&])(?:error|expired|closed|notfound)(?:=|&|$)", re.I)


def _posting_id(source: str, key: str) -> str:
    return key.removeprefix(f"{source}:")


async def still_open(
    client: HttpClient, urls: SourceUrls, *, source: str, key: str, url: str
) -> Verdict:
    """One light request about one posting (`Pick.source`, `Pick.key`, `Pick.url`)."""
    posting_id = _posting_id(source, key)
    token, _, job = posting_id.partition(":")
    try:
        if source == "greenhouse" and job:
            return await _by_status(
                client, f"{urls.base('greenhouse')}/v1/boards/{token}/jobs/{job}"
            )
        if source == "lever" and job:
            base = urls.base("lever_eu" if ".eu.lever.co" in url else "lever")
            return await _by_status(client, f"{base}/v0/postings/{token}/{job}")
        if source == "smartrecruiters" and job:
            base = urls.base("smartrecruiters")
            return await _by_status(client, f"{base}/v1/companies/{token}/postings/{job}")
        if source == "ashby" and job:
            return await _ashby(client, f"{urls.base('ashby')}/posting-api/job-board/{token}", job)
        if source == "linkedin" and posting_id.isdigit():
            return await _page(client, f"{urls.base('linkedin')}/jobs/view/{posting_id}", "")
        return await _page(client, url, posting_id.rsplit(":", 1)[-1])
    except FetchError as exc:
        return Verdict(Openness.UNKNOWN, exc.reason)


async def _by_status(client: HttpClient, api: str) -> Verdict:
    response = await client.request("GET", api, kind="still-open")
    if response.status in GONE:
        return Verdict(Openness.CLOSED, f"the board's API answers {response.status} for it")
    if response.ok:
        return Verdict(Openness.OPEN, "the board's API still has it")
    return Verdict(Openness.UNKNOWN, f"HTTP {response.status}")


async def _ashby(client: HttpClient, board: str, job: str) -> Verdict:
    response = await client.request("GET", board, kind="still-open")
    if response.status in GONE:
        return Verdict(Openness.CLOSED, "the board is gone")
    if not response.ok:
        return Verdict(Openness.UNKNOWN, f"HTTP {response.status}")
    try:
        jobs: Any = json.loads(response.text).get("jobs")
    except (ValueError, AttributeError):
        return Verdict(Openness.UNKNOWN, "the board's list is not JSON")
    if not isinstance(jobs, list):
        return Verdict(Openness.UNKNOWN, "the board's list has no jobs")
    for entry in jobs:
        if isinstance(entry, dict) and str(entry.get("id")) == job:
            if entry.get("isListed") is False:
                return Verdict(Openness.CLOSED, "the board no longer lists it")
            return Verdict(Openness.OPEN, "the board still lists it")
    return Verdict(Openness.CLOSED, "the board no longer lists it")


def _listing_page(asked: str, landed: str, job_id: str) -> bool:
    """A redirect away from a job to a list of jobs: up the path, or the job's id gone."""
    a, b = urlsplit(asked), urlsplit(landed)
    if _EXPIRED_QUERY.search(b.query):
        return True
    if "authwall" in b.path or "login" in b.path or "signin" in b.path:
        return False  # a sign-in wall says nothing about the job
    a_path, b_path = a.path.rstrip("/"), b.path.rstrip("/")
    if a_path != b_path and a_path.startswith(b_path + "/" if b_path else "/"):
        return True
    return bool(job_id) and job_id in asked and job_id not in landed


async def _page(client: HttpClient, url: str, job_id: str) -> Verdict:
    if not url.startswith(("http://", "https://")):
        return Verdict(Openness.UNKNOWN, "no web link to check")
    response = await client.request("GET", url, kind="still-open")
    if response.status in GONE:
        return Verdict(Openness.CLOSED, f"its page answers {response.status}")
    if not response.ok:
        return Verdict(Openness.UNKNOWN, f"its page answers HTTP {response.status}")
    if response.redirected and _listing_page(url, response.url, job_id):
        return Verdict(Openness.CLOSED, "its page now leads to the list of jobs")
    if response.redirected and "authwall" in urlsplit(response.url).path:
        return Verdict(Openness.UNKNOWN, "the board asks to sign in")
    text = response.text.lower()
    if any(marker in text for marker in CLOSED_MARKERS):
        return Verdict(Openness.CLOSED, "its page says it no longer takes applications")
    return Verdict(Openness.OPEN, "its page is up")
