"""What the bot believes about the user: the four parts the scorers read."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from scrapers.postings.places import COMMUTE_KM

# Bounds of the filters' numbers: past them a value is a typo, and `timedelta(days=…)` of a
# 64-bit number raises where the filter is read instead of at load (issue 22).
MAX_AGE_DAYS = 3650
MAX_SALARY = 1e9


class Filters(BaseModel):
    """Deal-breakers enforced in code, before scoring and as a cap after it."""

    # No inf or nan (issue 22): a minimum pay of inf would veto every posting unseen.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    blocked_companies: list[str] = Field(default_factory=list)
    excluded_title_words: list[str] = Field(default_factory=list)
    # Wanted locations; a posting matching none of them is vetoed (empty = anywhere).
    # "remote" matches any posting flagged remote; a city takes in what is within `commute_km`.
    locations: list[str] = Field(default_factory=list)
    # How far the person travels to work, in km: a city named in `locations` or in the
    # profile's words ("in Birmingham") takes in the places this close to it.
    commute_km: float = Field(default=COMMUTE_KM, ge=0, le=1000)
    # Wanted seniority levels (internship, entry, associate, mid-senior, director, executive).
    levels: list[str] = Field(default_factory=list)
    # Wanted employment types (internship, full-time, part-time, contract, temporary).
    employment_types: list[str] = Field(default_factory=list)
    # Postings older than this are vetoed (0 = no limit).
    max_age_days: int = Field(default=0, ge=0, le=MAX_AGE_DAYS)
    # Yearly pay below this is vetoed (0 = no minimum). Hourly, weekly and monthly pay is
    # counted as a full-time year (2080 hours); the posting's currency is taken as yours.
    # A posting that states no pay passes: unknown is not a reason to drop a job.
    min_salary: float = Field(default=0, ge=0, le=MAX_SALARY)
    # Wanted workplaces (remote, hybrid, on-site); a posting that states another is vetoed,
    # one that states none passes (empty = any).
    workplace: list[str] = Field(default_factory=list)


class Profile(BaseModel):
    """A versioned profile.

    `about` and `directives` are the user's own words and are never rewritten by learning;
    `learned` is written only by feedback learning; `filters` are hard vetoes.
    """

    model_config = ConfigDict(extra="forbid")

    about: str = ""
    directives: list[str] = Field(default_factory=list)
    learned: list[str] = Field(default_factory=list)
    filters: Filters = Field(default_factory=Filters)
    version: int = 1
