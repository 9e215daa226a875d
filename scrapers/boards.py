"""Shared fetch for the company-board JSON APIs: one request per board, JSON or a clear reason."""

from __future__ import annotations

import json
from typing import Any

from scrapers.common import SourceProblem, SourceRun, refusal
from scrapers.http import FetchError, HttpClient


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


def company_name(token: str) -> str:
    """'acme-robotics' -> 'Acme Robotics': a readable name when the API gives none."""
    words = token.replace("_", " ").replace("-", " ").replace(".", " ").split()
    return " ".join(w if w.isupper() else w.capitalize() for w in words) or token
