"""Indeed through the mobile app's GraphQL `jobSearch` (the HTML site sits behind bot checks).

The endpoint (`SourceUrls.indeed`) is a setting and the app's headers live here
(`DEFAULT_HEADERS`: what the iOS app sends, its User-Agent included; overridable key by key
under `[http.headers.indeed]`): Indeed changes them, and a refusal (401/403, a captcha page,
an authorisation error) is reported as "blocked" with what came back; any other GraphQL error
is a failure that names it. The country — and with it `indeed-co`, the locale and the site the
links point to — follows the search's `country`, else the place its `location` names, else the
US.

One query carries one filter: public clients document that Indeed accepts the posted-within
date filter or the type/remote attribute filter, not both, and that several codes in one
attribute filter mean "all of them". So the query carries the date (the window reaching back
to the last successful run, at most 14 days), and the search's employment types and remote
are checked on each result's own attributes, which every result carries.

Read per job: `key`, `title`, `dateOnIndeed`, `description.html`, `location`, `employer.name`
/ `sourceEmployerName`, `attributes` (type, remote/hybrid), `compensation` (a range, at
least, at most or exact; the employer's figure, else Indeed's estimate) and
`recruit.viewJobUrl` (the employer's own page, when Indeed has one).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from scrapers.http import FetchError, HttpClient, source_headers
from scrapers.options import HttpConfig, SearchConfig
from scrapers.postings.kinds import workplace_from_text
from scrapers.postings.pay import pay_in_text, structured_pay
from scrapers.postings.places import country_code, location_country
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.source import Setup, SourceResult, lookback_hours, search_label
from scrapers.sources.match import kind_and_workplace_ok
from scrapers.sources.outcome import SourceProblem, SourceRun, from_epoch_ms, read_posting, refusal

PAGE_LIMIT = 100
RADIUS_MILES = 25
# The longest posted-within window Indeed's own date filter offers ("Last 14 days").
MAX_HOURS = 14 * 24

# The iOS app's headers, which Indeed's GraphQL endpoint expects (public facts, not secrets);
# the User-Agent is the app's own, matching `indeed-app-info`. `indeed-co`, `indeed-locale`
# and `accept-language` are set per search from its country.
DEFAULT_HEADERS: dict[str, str] = {
    "content-type": "application/json",
    "accept": "application/json",
    "indeed-api-key": "161092c2017b5bbab13edb12461a62d5a833871e7cad6d9d475304573de67ac8",
    "indeed-locale": "en-US",
    "indeed-co": "US",
    "indeed-app-info": "appv=220.0; appid=com.indeed.jobsearch; osv=18.5; os=ios; dtype=phone",
    "user-agent": (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 "
        "(KHTML, like Gecko) Mobile/15E148 Indeed App 220.0"
    ),
    "accept-language": "en-US,en;q=0.9",
}


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166 alpha-2, Indeed's `indeed-co`
    site: str  # the public site's host label: www (US), uk, de, …
    language: str  # for the locale header

    @property
    def locale(self) -> str:
        return f"{self.language}-{self.code}"

    def job_url(self, key: str) -> str:
        return f"https://{self.site}.indeed.com/viewjob?jk={key}"


# Indeed's country sites: the host label of its public site and the language its app uses
# there (the country names themselves are place knowledge: `scrapers.postings.places`).
_SITES: dict[str, tuple[str, str]] = {
    "US": ("www", "en"), "GB": ("uk", "en"), "CA": ("ca", "en"), "AU": ("au", "en"),
    "NZ": ("nz", "en"), "IE": ("ie", "en"), "IN": ("in", "en"), "SG": ("sg", "en"),
    "ZA": ("za", "en"), "AE": ("ae", "en"), "HK": ("hk", "en"), "PH": ("ph", "en"),
    "MY": ("malaysia", "en"), "DE": ("de", "de"), "AT": ("at", "de"), "CH": ("ch", "de"),
    "FR": ("fr", "fr"), "BE": ("be", "fr"), "NL": ("nl", "nl"), "ES": ("es", "es"),
    "IT": ("it", "it"), "PT": ("pt", "pt"), "SE": ("se", "sv"), "DK": ("dk", "da"),
    "NO": ("no", "nb"), "FI": ("fi", "fi"), "PL": ("pl", "pl"), "JP": ("jp", "ja"),
    "BR": ("br", "pt"), "MX": ("mx", "es"),
}  # fmt: skip
US = Country("US", "www", "en")


def _country(code: str, asked: str) -> Country:
    if code not in _SITES:
        raise ValueError(f"{asked!r}: Indeed has no site for that country")
    site, language = _SITES[code]
    return Country(code, site, language)


def country_for(search: SearchConfig) -> Country:
    """The search's `country` (code or name), else the one its place names when Indeed has a
    site there, else the US."""
    if search.country.strip():
        code = country_code(search.country)
        if code is None:
            raise ValueError(f"{search.country!r} is not a country Indeed serves")
        return _country(code, search.country)
    code = location_country(search.location)
    return _country(code, search.location) if code in _SITES else US


def request_headers(overrides: dict[str, str], country: Country) -> dict[str, str]:
    """The app's headers for one country, with the user's overrides on top (`overrides` is
    `[http.indeed_headers]`; `request_headers_for` adds `[http.headers.indeed]`)."""
    headers = dict(DEFAULT_HEADERS)
    headers["indeed-co"] = country.code
    headers["indeed-locale"] = country.locale
    headers["accept-language"] = f"{country.locale},{country.language};q=0.9"
    headers.update(overrides)
    return {k: v for k, v in headers.items() if v}


def request_headers_for(config: HttpConfig, country: Country) -> dict[str, str]:
    """Every header an Indeed request of this run sends: the policy, then the config."""
    return source_headers("indeed", request_headers(config.indeed_headers, country), config)


# Attribute keys Indeed uses for job types and remote work.
TYPE_KEYS = {"full-time": "CF3CP", "part-time": "75GKK", "contract": "NJXCK", "internship": "VDTG7"}
REMOTE_KEY = "DSQF7"
# When a job carries several type attributes (internships are often also "Full-time"), the
# most specific one wins: the first of these the job has.
_TYPE_PRIORITY = ("internship", "contract", "part-time", "full-time")

# Pay comes as one of four shapes (a range, at least, at most, exactly).
_RANGE = "range { ... on Range { min max } ... on AtLeast { min } ... on AtMost { max } ... on Exactly { value } }"
_FIELDS = f"""
    pageInfo {{ nextCursor }}
    results {{
      job {{
        key
        title
        dateOnIndeed
        datePublished
        description {{ html }}
        location {{ city admin1Code countryCode formatted {{ long }} }}
        employer {{ name }}
        sourceEmployerName
        attributes {{ key label }}
        compensation {{
          baseSalary {{ unitOfWork {_RANGE} }}
          estimated {{ currencyCode baseSalary {{ unitOfWork {_RANGE} }} }}
          currencyCode
        }}
        recruit {{ viewJobUrl }}
      }}
    }}
"""


def _gql_string(text: str) -> str:
    # A JSON string literal is a valid GraphQL string literal (same escapes).
    return json.dumps(text, ensure_ascii=False)


def build_query(
    search: SearchConfig, cursor: str | None, limit: int, hours: int | None = None
) -> str:
    """One `jobSearch` page. Its one filter is the date (posted within `hours`, default the
    search's own): Indeed takes a date filter or an attribute filter per query, not both, so
    types and remote are checked on the results (`wanted`)."""
    args = [f"what: {_gql_string(search.keywords)}"]
    if search.location:
        args.append(
            f"location: {{where: {_gql_string(search.location)}, radius: {RADIUS_MILES}, radiusUnit: MILES}}"
        )
    args.append(f"limit: {limit}")
    if cursor:
        args.append(f"cursor: {_gql_string(cursor)}")
    args.append("sort: RELEVANCE")
    start = f"{hours or search.posted_within_hours}h"
    args.append(f'filters: {{date: {{field: "dateOnIndeed", start: "{start}"}}}}')
    return "query JobSearch {\n  jobSearch(" + ", ".join(args) + ") {" + _FIELDS + "  }\n}"


def wanted(search: SearchConfig, posting: Posting) -> bool:
    """The search's employment types and workplace, as the result's attributes state them:
    Indeed marks every remote job, so a remote-only search keeps only those."""
    if search.workplace == ["remote"] and posting.workplace != "remote":
        return False
    return kind_and_workplace_ok(search, posting)


@dataclass
class IndeedSearch:
    """One `[[searches]]` entry asked of Indeed, in the search's country."""

    kind: ClassVar[str] = "indeed"
    config: SearchConfig
    endpoint: str
    since: datetime | None = None  # the last successful run: the window reaches back to it

    @classmethod
    def from_config(cls, config: SearchConfig, setup: Setup) -> IndeedSearch:
        return cls(config, setup.urls.base("indeed"), setup.since)

    @property
    def name(self) -> str:
        return search_label(self.kind, self.config)

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        run = SourceRun(self.name)
        try:
            country = country_for(self.config)
        except ValueError as exc:
            run.fatal = SourceProblem(str(exc))
            return run.result()
        headers = request_headers_for(politeness, country)
        await search(
            session, self.endpoint, headers, self.config, run, country=country,
            max_chars=politeness.description_max_chars, max_pages=politeness.max_pages,
            hours=lookback_hours(self.config, self.since, MAX_HOURS),
        )  # fmt: skip
        return run.result()


async def search(
    client: HttpClient,
    endpoint: str,
    headers: dict[str, str],
    search_cfg: SearchConfig,
    run: SourceRun,
    *,
    country: Country = US,
    max_chars: int,
    max_pages: int = 100,
    hours: int | None = None,
) -> SourceRun:
    cursor: str | None = None
    keys: set[str] = set()
    for page in range(max_pages):
        remaining = search_cfg.max_results - len(run.postings)
        if remaining <= 0:
            break
        try:
            jobs, cursor = await _page(
                client, endpoint, headers, build_query(search_cfg, cursor, PAGE_LIMIT, hours), run
            )
        except SourceProblem as exc:
            if run.postings:
                run.problems.append(f"page {page + 1}: {exc.reason}")
            else:
                run.fatal = exc
            break
        new = 0
        for job in jobs:
            posting = read_posting(lambda j: _posting(j, max_chars, country), job)
            if posting is None:
                run.problems.append("a result without key or title was skipped")
                continue
            if posting.source_id in keys:
                continue
            keys.add(posting.source_id)
            new += 1
            if wanted(search_cfg, posting) and len(run.postings) < search_cfg.max_results:
                run.postings.append(posting)
        if not cursor or not jobs or new == 0:
            break
    return run


async def _page(
    client: HttpClient, endpoint: str, headers: dict[str, str], query: str, run: SourceRun
) -> tuple[list[dict], str | None]:
    body = {"query": query}
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
        raise graphql_problem(str(msg))
    try:
        job_search = data["data"]["jobSearch"]
        results = job_search.get("results") or []
        cursor_out = (job_search.get("pageInfo") or {}).get("nextCursor")
        jobs = [r["job"] for r in results if isinstance(r, dict) and isinstance(r.get("job"), dict)]
    except (KeyError, TypeError, AttributeError):
        raise SourceProblem("Indeed JSON changed shape: no data.jobSearch.results") from None
    return jobs, cursor_out if isinstance(cursor_out, str) else None


# What an Indeed GraphQL error says when it refuses the client rather than the query.
_REFUSED = re.compile(
    r"unauthori[sz]ed|forbidden|api[ -]?key|access denied|not allowed|captcha|blocked"
    r"|rate[ -]?limit|too many requests",
    re.I,
)


def graphql_problem(message: str) -> SourceProblem:
    """A GraphQL error as the run reports it: a refusal is "blocked" (the app's headers or key
    no longer pass); anything else ("Cannot query field", a bad argument) is a failure that
    says the API changed, with Indeed's own words."""
    text = " ".join(message.split())[:200]
    if _REFUSED.search(text):
        return SourceProblem(f"Indeed refused the app's request: {text}", blocked=True)
    return SourceProblem(f"Indeed GraphQL error (API changed?): {text}")


def _pay(comp: object) -> Pay | None:
    """The employer's figure, else Indeed's own estimate (marked as such)."""
    if not isinstance(comp, dict):
        return None
    for source, estimated in ((comp, False), (comp.get("estimated"), True)):
        if not isinstance(source, dict):
            continue
        base = source.get("baseSalary")
        rng = base.get("range") if isinstance(base, dict) else None
        if not isinstance(rng, dict):
            continue
        exact = rng.get("value")
        lo, hi = (exact, exact) if exact is not None else (rng.get("min"), rng.get("max"))
        currency = source.get("currencyCode") or comp.get("currencyCode")
        pay = structured_pay(lo, hi, base.get("unitOfWork"), currency, estimated=estimated)
        if pay is not None:
            return pay
    return None


def _posting(job: dict, max_chars: int, country: Country = US) -> Posting | None:
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
    desc = job.get("description") or {}
    text = html_to_text(desc.get("html", "") if isinstance(desc, dict) else "")
    description = cut(text, max_chars)
    workplace = "remote" if REMOTE_KEY in attr_keys else None
    workplace = workplace or workplace_from_text(labels, title, location, description=description)
    pay = _pay(job.get("compensation"))
    recruit = job.get("recruit") if isinstance(job.get("recruit"), dict) else {}
    return Posting(
        source="indeed",
        source_id=key,
        url=country.job_url(key),
        title=title.strip(),
        company=str(company or "").strip(),
        location=location,
        posted_at=from_epoch_ms(job.get("dateOnIndeed") or job.get("datePublished")),
        employment_type=employment,
        workplace=workplace,
        salary=pay.label() if pay else None,
        pay=pay or pay_in_text(text),
        apply_url=http_url(recruit.get("viewJobUrl")),
        description=description,
    )
