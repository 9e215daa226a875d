"""Every kind of source a config can name, and the class that reads it.

Adding a board is one module (a `Board` subclass, or any class with `from_config` and
`collect`) and one line here.
"""

from __future__ import annotations

from scrapers.ashby import Ashby
from scrapers.greenhouse import Greenhouse
from scrapers.indeed import IndeedSearch
from scrapers.lever import Lever
from scrapers.linkedin import LinkedInSearch
from scrapers.lists import CommunityList
from scrapers.recruitee import Recruitee
from scrapers.smartrecruiters import SmartRecruiters
from scrapers.source import SourceClass
from scrapers.workable import Workable
from scrapers.workday import Workday

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
