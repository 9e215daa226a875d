"""Place knowledge over the gazetteer: posting locations, the places people name, distances."""

from __future__ import annotations

import pytest

from scrapers.postings.places import (
    areas_in,
    countries_named,
    country_code,
    country_of,
    in_us,
    location_country,
    place_areas,
    where,
)


@pytest.mark.parametrize(
    ("location", "countries", "divisions", "cities", "remote"),
    [
        ("Arlington, VA; Remote in USA", {"us"}, {"us-va"}, {"arlington"}, True),
        (
            "SF; LA; NYC",
            {"us"},
            {"us-ca", "us-ny"},
            {"san francisco", "los angeles", "new york city"},
            False,
        ),
        ("Baton Rouge, LA", {"us"}, {"us-la"}, {"baton rouge"}, False),  # LA: Louisiana here
        ("Cambridge, MA", {"us"}, {"us-ma"}, {"cambridge"}, False),
        ("Cambridge, UK", {"gb"}, {"gb-eng"}, {"cambridge"}, False),
        ("Toronto, ON, Canada", {"ca"}, {"ca-on"}, {"toronto"}, False),
        ("Washington, DC", {"us"}, {"us-dc"}, {"washington"}, False),
        ("Seattle, Washington, United States", {"us"}, {"us-wa"}, {"seattle"}, False),
        ("Zürich, Switzerland", {"ch"}, set(), {"zurich"}, False),
        ("Toowong, Brisbane QLD (hybrid)", {"au"}, {"au-qld"}, {"brisbane"}, False),
        ("Milton, Brisbane QLD", {"au"}, {"au-qld"}, {"brisbane"}, False),  # not Milton, ON
        ("Kuala Lumpur, Malaysia", {"my"}, {"my-14"}, {"kuala lumpur"}, False),
        ("Reykjavik, IS", {"is"}, set(), {"reykjavik"}, False),  # a country's code after a city
        ("Remote", set(), set(), set(), True),
    ],
)
def test_where_reads_posting_locations(location, countries, divisions, cities, remote):
    w = where(location)
    assert set(w.countries) == countries
    assert set(w.divisions) == divisions
    assert set(w.cities) == cities
    assert w.remote is remote


@pytest.mark.parametrize(
    ("location", "hires_in", "anywhere"),
    [
        ("Remote (UK)", {"gb"}, False),
        ("remote, hires in Malaysia", {"my"}, False),
        ("United States (remote)", {"us"}, False),
        ("Brisbane QLD (remote, Australia-wide)", {"au"}, False),
        ("Remote (worldwide)", set(), True),
        ("Remote", set(), False),
    ],
)
def test_a_remote_posting_hires_where_its_location_says(location, hires_in, anywhere):
    w = where(location)
    assert w.remote and set(w.hires_in) == hires_in and w.anywhere is anywhere


def test_remote_regions_are_their_countries():
    w = where("Remote (North America, Europe)")
    assert {"us", "ca", "mx", "de", "gb", "pl"} <= w.hires_in
    assert "au" not in w.hires_in and "sg" not in w.hires_in
    emea = where("Remote - EMEA")
    assert {"gb", "za", "ae", "de"} <= emea.hires_in and "us" not in emea.hires_in


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
    (north_america,) = areas_in("North America")
    assert north_america.contains(where("Toronto, ON")) and north_america.contains(where("Austin"))
    assert not north_america.contains(where("London, UK"))


def test_metropolitan_areas_by_their_cities_and_a_radius():
    (klang,) = areas_in("the Klang Valley")
    assert klang.contains(where("Petaling Jaya, Malaysia"))
    assert klang.contains(where("Kuala Lumpur"))
    assert not klang.contains(where("George Town, Penang, Malaysia"))
    (black,) = areas_in("the Black Country")
    assert black.contains(where("Dudley, UK")) and black.contains(where("Wolverhampton"))
    assert not black.contains(where("Coventry, UK"))
    (emea,) = areas_in("EMEA")
    assert emea.contains(where("Remote (UK)")) and not emea.contains(where("Boston, MA"))


def test_commuting_distance_by_haversine():
    (brum,) = areas_in("within commuting distance of Birmingham")
    assert brum.point is not None and brum.point.country == "gb"  # the biggest Birmingham
    km = brum.km_to(where("Coventry, England"))
    assert km is not None and 25 < km < 32  # ~27 km as the crow flies
    assert brum.contains(where("Coventry"))
    assert not brum.contains(where("Manchester, UK"))  # ~115 km
    assert brum.contains(where("Manchester, UK"), km=150)  # a person's own, longer radius
    assert not brum.contains(where("Birmingham, AL"))


def test_areas_people_name():
    named = areas_in("Prefers the Washington DC / Virginia / Maryland area; US citizen")
    assert [(a.kind, a.name) for a in named] == [
        ("city", "washington"),
        ("division", "us-va"),
        ("division", "us-md"),
        ("country", "us"),
    ]
    assert [(a.kind, a.name) for a in areas_in("Seattle, Washington")] == [
        ("city", "seattle"),
        ("division", "us-wa"),
    ]
    # "us" in a sentence is not the country, acronyms are not cities, tools are not towns.
    assert areas_in("let us know") == []
    assert areas_in("REST APIs, GRC and SQL") == []
    assert areas_in("Java/Spring Boot, Power BI and Excel") == []
    assert [a.name for a in areas_in("a Spring Boot developer in Reading")] == ["reading"]
    assert country_of(areas_in("Prefers New York or Chicago")) == {"us"}
    assert country_of(areas_in("Berlin or Munich")) == {"de"}
    (london, ontario) = areas_in("I live in London, Ontario")
    assert london.point is not None and london.point.country == "ca"  # not London, England


def test_countries_named_by_name_region_or_demonym():
    assert countries_named("Not authorised to work in the US, UK or Europe") >= {"us", "gb", "de"}
    assert countries_named("I'm an Australian citizen") == {"au"}


def test_place_names_as_filters_give_them():
    assert [a.name for a in place_areas("Coventry")] == ["coventry"]
    assert [a.name for a in place_areas("united states")] == ["us"]
    assert [a.name for a in place_areas("Klang Valley")] == ["klang valley"]


def test_country_codes_and_the_one_country_a_place_names():
    assert country_code("GB") == "GB" and country_code("Deutschland") == "DE"
    assert country_code("United Kingdom") == "GB" and country_code("Narnia") is None
    assert location_country("Toronto, ON") == "CA" and location_country("Berlin") == "DE"
    assert location_country("Austin, TX") == "US" and location_country("SF; London") is None
    assert in_us("Austin, TX") and in_us("Remote - US") and not in_us("London, UK")


def test_a_division_named_after_its_city_is_that_city_on_a_board():
    # A board's "Berlin" or "Hamburg" (German city-states) and "New York" are read as the city
    # too, so a search there keeps them and a commute from a neighbour is measured.
    for search, posting in [("Berlin", "Berlin"), ("Potsdam", "Berlin"),
                            ("Hamburg", "Hamburg"), ("Brooklyn", "New York")]:  # fmt: skip
        assert any(a.contains(where(posting)) for a in place_areas(search)), (search, posting)
    assert not any(a.contains(where("New York")) for a in place_areas("Buffalo"))
    assert where("Washington").points == ()  # the state, not the capital in another division
