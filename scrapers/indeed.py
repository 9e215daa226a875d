"""Indeed through the mobile app's GraphQL `jobSearch` (the HTML site sits behind bot checks).

The endpoint (`SourceUrls.indeed`) and the app headers (`HttpConfig.indeed_headers`) are
settings: Indeed changes them, and a refusal (401/403, a captcha page, a GraphQL error) is
reported as "blocked" with what came back.
"""

from __future__ import annotations

import json

from scrapers.common import SourceProblem, SourceRun, from_epoch_ms, read_posting, refusal
from scrapers.http import FetchError, HttpClient
from scrapers.models import Posting
from scrapers.options import SearchConfig
from scrapers.text import html_to_text

CANONICAL = "https://www.indeed.com/viewjob?jk={key}"
PAGE_LIMIT = 100
RADIUS_MILES = 25

# Attribute keys Indeed uses for job types and remote work.
TYPE_KEYS = {"full-time": "CF3CP", "part-time": "75GKK", "contract": "NJXCK", "internship": "VDTG7"}
REMOTE_KEY = "DSQF7"
# When a job carries several type attributes (internships are often also "Full-time"), the
# most specific one wins: the first of these the job has.
_TYPE_PRIORITY = ("internship", "contract", "part-time", "full-time")

_FIELDS = """
    pageInfo { nextCursor }
    results {
      job {
        key
        title
        dateOnIndeed
        datePublished
        description { html }
        location { city admin1Code countryCode formatted { long } }
        employer { name }
        sourceEmployerName
        attributes { key label }
        compensation {
          baseSalary { unitOfWork range { ... on Range { min max } } }
          currencyCode
        }
      }
    }
"""


def _gql_string(text: str) -> str:
    # A JSON string literal is a valid GraphQL string literal (same escapes).
    return json.dumps(text, ensure_ascii=False)


def build_query(search: SearchConfig, cursor: str | None, limit: int) -> str:
    args = [f"what: {_gql_string(search.keywords)}"]
    if search.location:
        args.append(
            f"location: {{where: {_gql_string(search.location)}, radius: {RADIUS_MILES}, radiusUnit: MILES}}"
        )
    args.append(f"limit: {limit}")
    if cursor:
        args.append(f"cursor: {_gql_string(cursor)}")
    args.append("sort: RELEVANCE")
    filters = [f'{{date: {{field: "dateOnIndeed", start: "{search.posted_within_hours}h"}}}}']
    keys = [TYPE_KEYS[t] for t in search.employment_types if t in TYPE_KEYS]
    if search.workplace == ["remote"]:
        keys.append(REMOTE_KEY)
    if keys:
        quoted = ", ".join(_gql_string(k) for k in keys)
        filters.append(f'{{keyword: {{field: "attributes", keys: [{quoted}]}}}}')
    args.append(f"filters: {{composite: {{filters: [{', '.join(filters)}]}}}}")
    return "query JobSearch {\n  jobSearch(" + ", ".join(args) + ") {" + _FIELDS + "  }\n}"


async def search(
    client: HttpClient,
    endpoint: str,
    headers: dict[str, str],
    search_cfg: SearchConfig,
    label: str,
    *,
    max_chars: int,
    max_pages: int = 100,
) -> SourceRun:
    run = SourceRun(label)
    cursor: str | None = None
    keys: set[str] = set()
    for page in range(max_pages):
        remaining = search_cfg.max_results - len(run.postings)
        if remaining <= 0:
            break
        try:
            jobs, cursor = await _page(
                client, endpoint, headers, search_cfg, cursor, min(PAGE_LIMIT, remaining), run
            )
        except SourceProblem as exc:
            if run.postings:
                run.problems.append(f"page {page + 1}: {exc.reason}")
            else:
                run.fatal = exc
            break
        new = 0
        for job in jobs:
            posting = read_posting(lambda j: _posting(j, max_chars), job)
            if posting is None:
                run.problems.append("a result without key or title was skipped")
                continue
            if posting.source_id in keys or len(run.postings) >= search_cfg.max_results:
                continue
            keys.add(posting.source_id)
            run.postings.append(posting)
            new += 1
        if not cursor or not jobs or new == 0:
            break
    return run


async def _page(
    client: HttpClient,
    endpoint: str,
    headers: dict[str, str],
    search_cfg: SearchConfig,
    cursor: str | None,
    limit: int,
    run: SourceRun,
) -> tuple[list[dict], str | None]:
    body = {"query": build_query(search_cfg, cursor, limit)}
    try:
        resp = await client.request(
            "POST", endpoint, json=body, headers=headers, tally=run.tally, kind="search"
        )
    except FetchError as exc:
        raise SourceProblem.from_fetch("Indeed search", exc) from None
    if not resp.ok:
        raise refusal("Indeed search", resp)
    try:
        data = json.loads(resp.text)
    except ValueError:
        head = resp.text.lstrip()[:200].lower()
        if head.startswith("<") and ("captcha" in head or "challenge" in head or "<html" in head):
            raise SourceProblem(
                f"Indeed answered HTTP {resp.status} with an HTML page (captcha/bot check), not JSON",
                blocked=True,
            ) from None
        raise SourceProblem(f"Indeed sent malformed JSON (HTTP {resp.status})") from None
    if not isinstance(data, dict):
        raise SourceProblem("Indeed sent unexpected JSON (not an object)")
    errors = data.get("errors")
    if errors:
        first = errors[0] if isinstance(errors, list) and errors else errors
        msg = first.get("message", str(first)) if isinstance(first, dict) else str(first)
        raise SourceProblem(f"Indeed GraphQL error: {msg[:200]}", blocked=True)
    try:
        job_search = data["data"]["jobSearch"]
        results = job_search.get("results") or []
        cursor_out = (job_search.get("pageInfo") or {}).get("nextCursor")
        jobs = [r["job"] for r in results if isinstance(r, dict) and isinstance(r.get("job"), dict)]
    except (KeyError, TypeError, AttributeError):
        raise SourceProblem("Indeed JSON changed shape: no data.jobSearch.results") from None
    return jobs, cursor_out if isinstance(cursor_out, str) else None


def _salary(comp: object) -> str | None:
    if not isinstance(comp, dict):
        return None
    base = comp.get("baseSalary") or {}
    rng = base.get("range") if isinstance(base, dict) else None
    if not isinstance(rng, dict):
        return None
    lo, hi = rng.get("min"), rng.get("max")
    if lo is None and hi is None:
        return None
    cur = comp.get("currencyCode") or ""
    unit = str(base.get("unitOfWork") or "").lower()
    money = "–".join(f"{v:,.0f}" for v in (lo, hi) if v is not None)
    return " ".join(p for p in (cur, money, f"per {unit}" if unit else "") if p)


def _posting(job: dict, max_chars: int) -> Posting | None:
    key, title = job.get("key"), job.get("title")
    if not isinstance(key, str) or not key or not isinstance(title, str) or not title.strip():
        return None
    employer = job.get("employer") or {}
    company = (employer.get("name") if isinstance(employer, dict) else None) or job.get(
        "sourceEmployerName"
    )
    loc = job.get("location") or {}
    location = ""
    if isinstance(loc, dict):
        formatted = loc.get("formatted") or {}
        location = (formatted.get("long") if isinstance(formatted, dict) else None) or ", ".join(
            p for p in (loc.get("city"), loc.get("admin1Code")) if p
        )
    attrs = [a for a in job.get("attributes") or [] if isinstance(a, dict)]
    attr_keys = {a.get("key") for a in attrs}
    labels = " ".join(str(a.get("label", "")) for a in attrs).lower()
    employment = next((t for t in _TYPE_PRIORITY if TYPE_KEYS[t] in attr_keys), None)
    remote = (
        True
        if REMOTE_KEY in attr_keys or "remote" in labels or "remote" in location.lower()
        else None
    )
    desc = job.get("description") or {}
    return Posting(
        source="indeed",
        source_id=key,
        url=CANONICAL.format(key=key),
        title=title.strip(),
        company=str(company or "").strip(),
        location=location,
        posted_at=from_epoch_ms(job.get("dateOnIndeed") or job.get("datePublished")),
        employment_type=employment,
        remote=remote,
        salary=_salary(job.get("compensation")),
        description=html_to_text(desc.get("html", "") if isinstance(desc, dict) else "", max_chars),
    )
