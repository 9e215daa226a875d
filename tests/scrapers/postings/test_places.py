"""Place knowledge: reading posting locations and the places people name."""

from __future__ import annotations

import pytest

from scrapers.postings.places import areas_in, country_of, in_us, where


@pytest.mark.parametrize(
    ("location", "countries", "states", "cities", "remote"),
    [
        ("Arlington, VA; Remote in USA", {"us"}, {"va"}, {"arlington"}, True),
        ("SF; LA; NYC", {"us"}, {"ca", "ny"}, {"san francisco", "los angeles", "new york"}, False),
        ("Baton Rouge, LA", {"us"}, {"la"}, set(), False),  # LA after a comma is Louisiana
        ("Cambridge, MA", {"us"}, {"ma"}, {"cambridge"}, False),
        ("Cambridge, UK", {"gb"}, set(), set(), False),  # not the one in Massachusetts
        ("Toronto, ON, Canada", {"ca"}, set(), {"toronto"}, False),
        ("Washington, DC", {"us"}, {"dc"}, {"washington"}, False),
        ("Seattle, Washington, United States", {"us"}, {"wa"}, {"seattle"}, False),
        ("Zürich, Switzerland", {"ch"}, set(), {"zurich"}, False),
        ("Remote", set(), set(), set(), True),
    ],
)
def test_where_reads_posting_locations(location, countries, states, cities, remote):
    w = where(location)
    assert set(w.countries) == countries
    assert set(w.states) == states
    assert set(w.cities) == cities
    assert w.remote is remote


def test_regions_contain_their_members():
    (pnw,) = areas_in("the Pacific Northwest")
    assert pnw.contains(where("Portland, OR")) and pnw.contains(where("Seattle, WA"))
    assert not pnw.contains(where("Austin, TX"))
    (bay,) = areas_in("the Bay Area")
    assert bay.contains(where("Mountain View, CA")) and not bay.contains(where("Los Angeles, CA"))
    (ne,) = areas_in("the Northeast")
    assert ne.contains(where("Hartford, CT")) and ne.contains(where("NYC"))
    assert not ne.contains(where("Chicago, IL"))
    (eu,) = areas_in("anywhere in Europe")
    assert eu.contains(where("Berlin, Germany")) and not eu.contains(where("Boston, MA"))


def test_areas_people_name():
    named = areas_in("Prefers the Washington DC / Virginia / Maryland area; US citizen")
    assert [(a.kind, a.name) for a in named] == [
        ("city", "washington"),
        ("state", "va"),
        ("state", "md"),
        ("country", "us"),
    ]
    # "Washington" alone is the state; "us" in a sentence is not the country.
    assert [(a.kind, a.name) for a in areas_in("Seattle, Washington")] == [
        ("city", "seattle"),
        ("state", "wa"),
    ]
    assert areas_in("let us know") == []
    assert country_of(areas_in("Prefers New York or Chicago")) == {"us"}
    assert country_of(areas_in("Berlin or Munich")) == {"de"}


def test_in_us_still_reads_states_and_country_names():
    assert in_us("Austin, TX") and in_us("Remote - US") and not in_us("London, UK")
