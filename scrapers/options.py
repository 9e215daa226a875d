"""What a user asks of the sources: searches, company boards, HTTP manners, base URLs."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

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


class HttpConfig(_Strict):
    user_agent: str = "jobpicks/0.1 (+personal job-search bot)"
    timeout_seconds: float = Field(default=20.0, gt=0)
    # Minimum gap between two requests to the same host; LinkedIn rate-limits quick pages.
    linkedin_gap_seconds: float = Field(default=2.0, ge=0)
    default_gap_seconds: float = Field(default=0.5, ge=0)
    per_host_concurrency: int = Field(default=2, ge=1)
    max_retries: int = Field(default=3, ge=0)
    max_retry_wait_seconds: float = Field(default=90.0, ge=0)
    proxies: list[str] = Field(default_factory=list)
    description_max_chars: int = Field(default=6000, ge=200)


class SourceUrls(BaseModel):
    """Base URLs of every source (settings `JOBPICKS_*_URL`): the real hosts, or fakes in tests."""

    linkedin: str = "https://www.linkedin.com"
    indeed: str = "https://apis.indeed.com/graphql"
    greenhouse: str = "https://boards-api.greenhouse.io"
    lever: str = "https://api.lever.co"
    ashby: str = "https://api.ashbyhq.com"
