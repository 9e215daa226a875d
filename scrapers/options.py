"""What a user asks of the sources: searches, company boards, HTTP manners, base URLs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scrapers.postings.places import country_code
from scrapers.sources.boards_spec import parse_board

EmploymentType = Literal["internship", "full-time", "part-time", "contract", "temporary"]
Level = Literal["internship", "entry", "associate", "mid-senior", "director", "executive"]
Workplace = Literal["remote", "hybrid", "on-site"]
# Sources a search is asked of: LinkedIn and Indeed search on their side; Arbeitnow and Hacker
# News' "Who is hiring?" thread are read once a run and filtered by every search here.
SourceName = Literal["linkedin", "indeed", "arbeitnow", "hackernews"]

# Upper bounds of the numbers a config may set: a value past them is a typo, and would crash
# where it is used (`timedelta(days=…)`, `asyncio.timeout(inf)`) instead of at load.
MAX_HOURS = 24 * 365  # a search's posted-within window
MAX_DAYS = 3650  # any age in days
MAX_WAIT_SECONDS = 3600.0  # any timeout, gap, back-off or wait


class _Strict(BaseModel):
    # No inf or nan: every number here ends up in a timeout, a sleep or a date (issue 22).
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class SearchConfig(_Strict):
    """One search asked of LinkedIn / Indeed, and the local filter for company boards."""

    keywords: str
    location: str = ""
    sources: list[SourceName] = Field(default_factory=lambda: ["linkedin", "indeed"])
    posted_within_hours: int = Field(default=24, ge=1, le=MAX_HOURS)
    employment_types: list[EmploymentType] = Field(default_factory=list)
    levels: list[Level] = Field(default_factory=list)
    workplace: list[Workplace] = Field(default_factory=list)
    max_results: int = Field(default=50, ge=1, le=1000)
    # Indeed's country (ISO code or name: "GB", "Germany"); empty = the one `location` names,
    # else the US. It picks Indeed's site, its `indeed-co` and locale.
    country: str = ""

    @field_validator("country")
    @classmethod
    def _known_country(cls, value: str) -> str:
        if value.strip() and country_code(value) is None:
            raise ValueError(
                f"{value!r} is not a country code or name jobpicks knows (e.g. GB, Germany)"
            )
        return value.strip()


class BoardConfig(_Strict):
    """A company career board: ``greenhouse:<token>``, ``lever:<co>``, ``ashby:<org>``,
    ``workday:<tenant>/<site>``, ``smartrecruiters:<co>``, ``workable:<account>``,
    ``recruitee:<co>``, ``rippling:<board>``, ``bamboohr:<co>``, ``teamtailor:<co>``,
    ``personio:<co>``, ``oracle:<host>/<site>`` or its careers URL."""

    board: str
    # Display name of the employer when the board's data does not say (Lever, Ashby): the
    # token prettified otherwise. Cross-board dedup compares it with LinkedIn's company name.
    company: str | None = None

    @field_validator("board")
    @classmethod
    def _known_board(cls, value: str) -> str:
        parse_board(value)  # a clear error at config load, naming the bad entry
        return value.strip()

    @model_validator(mode="after")
    def _oracle_names_its_employer(self) -> BoardConfig:
        if parse_board(self.board).kind == "oracle" and not (self.company or "").strip():
            raise ValueError(
                f'{self.board!r}: an Oracle board needs company = "…" (its host names no employer)'
            )
        return self


class ListConfig(_Strict):
    """A community list of internships / new-grad roles (SimplifyJobs-style `listings.json`)."""

    url: str
    # Entries posted longer ago than this are skipped (the lists keep old entries for months).
    max_age_days: int = Field(default=14, ge=1, le=MAX_DAYS)

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.strip().startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.strip()


class HttpConfig(_Strict):
    # What the public board APIs (Greenhouse, Lever, …) are told we are. LinkedIn and Indeed
    # get what their own clients send instead (`headers`).
    user_agent: str = "jobpicks/0.1 (+personal job-search bot)"
    timeout_seconds: float = Field(default=20.0, gt=0, le=MAX_WAIT_SECONDS)
    # Minimum gap between two requests to the same host; LinkedIn rate-limits quick pages.
    linkedin_gap_seconds: float = Field(default=2.0, ge=0, le=MAX_WAIT_SECONDS)
    default_gap_seconds: float = Field(default=0.5, ge=0, le=MAX_WAIT_SECONDS)
    per_host_concurrency: int = Field(default=2, ge=1, le=64)
    max_retries: int = Field(default=3, ge=0, le=20)
    max_retry_wait_seconds: float = Field(default=90.0, ge=0, le=MAX_WAIT_SECONDS)
    # First backoff step when the board gives no Retry-After; doubles each try, plus jitter.
    backoff_base_seconds: float = Field(default=1.0, ge=0, le=MAX_WAIT_SECONDS)
    proxies: list[str] = Field(default_factory=list)
    description_max_chars: int = Field(default=6000, ge=200, le=1_000_000)
    # Request headers per source kind ("linkedin", "indeed", "greenhouse", …) over that
    # source's documented defaults (`HEADERS` in its module; Indeed's `DEFAULT_HEADERS`): only
    # the keys given change, and a key set to "" is left out.
    # `[http.headers.linkedin]` "User-Agent" = "…".
    headers: dict[str, dict[str, str]] = Field(default_factory=dict)
    # Indeed's app headers over the working defaults, as `headers.indeed` (the older spelling,
    # still read); `indeed-co` and the locale follow the search's country unless set here.
    indeed_headers: dict[str, str] = Field(default_factory=dict)
    # After LinkedIn answers 429 to a description, ask for no more until this long has passed,
    # then once more (LinkedIn's limit clears after about a minute).
    linkedin_cooldown_seconds: float = Field(default=60.0, ge=0, le=MAX_WAIT_SECONDS)
    # Stop paging a search after this many pages whatever max_results says (LinkedIn ends near 1000).
    max_pages: int = Field(default=100, ge=1, le=1000)

    @field_validator("proxies")
    @classmethod
    def _proxy_urls(cls, value: list[str]) -> list[str]:
        for proxy in value:
            if not proxy.startswith(("http://", "https://")):
                raise ValueError(
                    f"proxy {proxy.split('@')[-1]!r} must be an http:// or https:// URL"
                )
        return value


class SourceUrls(BaseModel):
    """Base URLs of every source (settings `JOBPICKS_*_URL`): the real hosts, or fakes in tests.

    Hosts that carry the company in their name are templates: `{tenant}` and `{dc}` (Workday's
    data centre, e.g. wd5), `{company}` (Recruitee, BambooHR, Teamtailor, Personio), `{host}`
    (Oracle: each employer has its own); a URL without them (a fake) is used as is."""

    linkedin: str = "https://www.linkedin.com"
    indeed: str = "https://apis.indeed.com/graphql"
    greenhouse: str = "https://boards-api.greenhouse.io"
    lever: str = "https://api.lever.co"
    lever_eu: str = "https://api.eu.lever.co"  # boards at jobs.eu.lever.co live only here
    ashby: str = "https://api.ashbyhq.com"
    workday: str = "https://{tenant}.{dc}.myworkdayjobs.com"
    workday_site: str = "https://{dc}.myworkdaysite.com"  # Workday's shared host, tenant in path
    smartrecruiters: str = "https://api.smartrecruiters.com"
    workable: str = "https://apply.workable.com"
    recruitee: str = "https://{company}.recruitee.com"
    rippling: str = "https://api.rippling.com"
    bamboohr: str = "https://{company}.bamboohr.com"
    teamtailor: str = "https://{company}.teamtailor.com"
    personio: str = "https://{company}.jobs.personio.de"
    oracle: str = "https://{host}"
    arbeitnow: str = "https://www.arbeitnow.com"
    hackernews: str = "https://hn.algolia.com"

    def base(self, kind: str, **parts: str) -> str:
        """The base URL of one source kind, its placeholders filled, without a trailing slash."""
        url = str(getattr(self, kind)).rstrip("/")
        for name, value in parts.items():
            url = url.replace("{" + name + "}", value)
        return url
