"""Every kind of source a config can name, and the class that reads it.

Adding a board is one module (a `Board` subclass, or any class with `from_config` and
`collect`) and one line here.
"""

from __future__ import annotations

from scrapers.source import SourceClass
from scrapers.sources.arbeitnow import ArbeitnowSearch
from scrapers.sources.ashby import Ashby
from scrapers.sources.bamboohr import BambooHR
from scrapers.sources.greenhouse import Greenhouse
from scrapers.sources.hackernews import HackerNewsSearch
from scrapers.sources.indeed import IndeedSearch
from scrapers.sources.lever import Lever
from scrapers.sources.linkedin import LinkedInSearch
from scrapers.sources.lists import CommunityList
from scrapers.sources.oracle import Oracle
from scrapers.sources.personio import Personio
from scrapers.sources.recruitee import Recruitee
from scrapers.sources.rippling import Rippling
from scrapers.sources.smartrecruiters import SmartRecruiters
from scrapers.sources.teamtailor import Teamtailor
from scrapers.sources.workable import Workable
from scrapers.sources.workday import Workday

SOURCES: dict[str, SourceClass] = {
    # [[searches]] sources = ["linkedin", "indeed", "arbeitnow", "hackernews"]
    "linkedin": LinkedInSearch,
    "indeed": IndeedSearch,
    "arbeitnow": ArbeitnowSearch,
    "hackernews": HackerNewsSearch,
    # [[boards]] board = "<kind>:<token>" or the careers URL
    "greenhouse": Greenhouse,
    "lever": Lever,
    "ashby": Ashby,
    "workday": Workday,
    "smartrecruiters": SmartRecruiters,
    "workable": Workable,
    "recruitee": Recruitee,
    "rippling": Rippling,
    "bamboohr": BambooHR,
    "teamtailor": Teamtailor,
    "personio": Personio,
    "oracle": Oracle,
    # [[lists]] url = "…/listings.json"
    "list": CommunityList,
}
