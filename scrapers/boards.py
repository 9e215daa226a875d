"""Shared fetch for the company-board JSON APIs: one request per board, JSON or a clear reason."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from scrapers.common import SourceProblem, SourceRun, read_posting, refusal
from scrapers.http import FetchError, HttpClient
from scrapers.models import Posting


async def fetch_json(
    client: HttpClient, url: str, run: SourceRun, what: str, params: dict[str, str] | None = None
) -> Any:
    """GET a board's JSON; raise SourceProblem (blocked on 401/403) on anything unusable."""
    try:
        resp = await client.request("GET", url, params=params, tally=run.tally, kind="board")
    except FetchError as exc:
        raise SourceProblem.from_fetch(what, exc) from None
    if not resp.ok:
        raise refusal(what, resp)
    try:
        return json.loads(resp.text)
    except ValueError:
        raise SourceProblem(f"{what}: malformed JSON (HTTP {resp.status})") from None


async def fetch_board(
    client: HttpClient,
    url: str,
    *,
    label: str,
    what: str,
    to_posting: Callable[[dict], Posting | None],
    params: dict[str, str] | None = None,
    jobs_key: str | None = "jobs",
    listed: Callable[[dict], bool] = lambda _job: True,
) -> SourceRun:
    """One board, one request: every listed job as a Posting, problems as the run's status.

    `jobs_key` names the list in the JSON object (None: the JSON is the list itself);
    `to_posting` returns None for a job it cannot use, which is counted as skipped."""
    run = SourceRun(label)
    try:
        data = await fetch_json(client, url, run, what, params)
    except SourceProblem as exc:
        run.fatal = exc
        return run
    if jobs_key is None:
        jobs, shape = data, "JSON is not a list of postings"
    else:
        jobs = data.get(jobs_key) if isinstance(data, dict) else None
        shape = f"JSON without a {jobs_key!r} list"
    if not isinstance(jobs, list):
        run.fatal = SourceProblem(f"{what}: {shape} (API changed?)")
        return run
    skipped = 0
    for job in jobs:
        if isinstance(job, dict) and not listed(job):
            continue
        posting = read_posting(to_posting, job)
        if posting is None:
            skipped += 1
        else:
            run.postings.append(posting)
    if skipped:
        run.problems.append(f"{what}: {skipped} unreadable job(s) skipped (no id or title?)")
    return run


def company_name(token: str) -> str:
    """'acme-robotics' -> 'Acme Robotics': a readable name when the API gives none."""
    words = token.replace("_", " ").replace("-", " ").replace(".", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or token
