"""Every kind of source a config can name, and the class that reads it.

Adding a board is one module (a `Board` subclass, or any class with `from_config` and
`collect`) and one line here.
"""

from __future__ import annotations

from scrapers.source import SourceClass
from scrapers.sources.ashby import Ashby
from scrapers.sources.greenhouse import Greenhouse
from scrapers.sources.indeed import IndeedSearch
from scrapers.sources.lever import Lever
from scrapers.sources.linkedin import LinkedInSearch
from scrapers.sources.lists import CommunityList
from scrapers.sources.recruitee import Recruitee
from scrapers.sources.smartrecruiters import SmartRecruiters
from scrapers.sources.workable import Workable
from scrapers.sources.workday import Workday

SOURCES: dict[str, SourceClass] = {
    "linkedin": LinkedInSearch,  # [[searches]] sources = ["linkedin"]
    "indeed": IndeedSearch,  # [[searches]] sources = ["indeed"]
    "greenhouse": Greenhouse,  # [[boards]] board = "greenhouse:<token>"
    "lever": Lever,
    "ashby": Ashby,
    "workday": Workday,
    "smartrecruiters": SmartRecruiters,
    "workable": Workable,
    "recruitee": Recruitee,
    "list": CommunityList,  # [[lists]] url = "…/listings.json"
}
