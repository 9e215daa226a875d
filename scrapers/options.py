"""What a user asks of the sources: searches, company boards, HTTP manners, base URLs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from scrapers.boards_spec import parse_board

EmploymentType = Literal["internship", "full-time", "part-time", "contract", "temporary"]
Level = Literal["internship", "entry", "associate", "mid-senior", "director", "executive"]
Workplace = Literal["remote", "hybrid", "on-site"]
SourceName = Literal["linkedin", "indeed"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SearchConfig(_Strict):
    """One search asked of LinkedIn / Indeed, and the local filter for company boards."""

    keywords: str
    location: str = ""
    sources: list[SourceName] = Field(default_factory=lambda: ["linkedin", "indeed"])
    posted_within_hours: int = Field(default=24, ge=1)
    employment_types: list[EmploymentType] = Field(default_factory=list)
    levels: list[Level] = Field(default_factory=list)
    workplace: list[Workplace] = Field(default_factory=list)
    max_results: int = Field(default=50, ge=1, le=1000)


class BoardConfig(_Strict):
    """A company career board: ``greenhouse:<token>``, ``lever:<co>``, ``ashby:<org>`` or its URL."""

    board: str
    # Display name of the employer when the board's data does not say (Lever, Ashby): the
    # token prettified otherwise. Cross-board dedup compares it with LinkedIn's company name.
    company: str | None = None

    @field_validator("board")
    @classmethod
    def _known_board(cls, value: str) -> str:
        parse_board(value)  # a clear error at config load, naming the bad entry
        return value.strip()


# The mobile app's headers that Indeed's GraphQL endpoint expects (public facts, not secrets).
# They change when the app updates: override them under [http.indeed_headers].
DEFAULT_INDEED_HEADERS: dict[str, str] = {
    "content-type": "application/json",
    "accept": "application/json",
    "indeed-api-key": "161092c2017b5bbab13edb12461a62d5a833871e7cad6d9d475304573de67ac8",
    "indeed-locale": "en-US",
    "indeed-co": "US",
    "indeed-app-info": "appv=220.0; appid=com.indeed.jobsearch; osv=18.5; os=ios; dtype=phone",
    "accept-language": "en-US,en;q=0.9",
}


class HttpConfig(_Strict):
    user_agent: str = "jobpicks/0.1 (+personal job-search bot)"
    timeout_seconds: float = Field(default=20.0, gt=0)
    # Minimum gap between two requests to the same host; LinkedIn rate-limits quick pages.
    linkedin_gap_seconds: float = Field(default=2.0, ge=0)
    default_gap_seconds: float = Field(default=0.5, ge=0)
    per_host_concurrency: int = Field(default=2, ge=1)
    max_retries: int = Field(default=3, ge=0)
    max_retry_wait_seconds: float = Field(default=90.0, ge=0)
    # First backoff step when the board gives no Retry-After; doubles each try, plus jitter.
    backoff_base_seconds: float = Field(default=1.0, ge=0)
    proxies: list[str] = Field(default_factory=list)
    description_max_chars: int = Field(default=6000, ge=200)
    indeed_headers: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_INDEED_HEADERS))
    # Stop paging a search after this many pages whatever max_results says (LinkedIn ends near 1000).
    max_pages: int = Field(default=100, ge=1)

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
    """Base URLs of every source (settings `JOBPICKS_*_URL`): the real hosts, or fakes in tests."""

    linkedin: str = "https://www.linkedin.com"
    indeed: str = "https://apis.indeed.com/graphql"
    greenhouse: str = "https://boards-api.greenhouse.io"
    lever: str = "https://api.lever.co"
    ashby: str = "https://api.ashbyhq.com"
