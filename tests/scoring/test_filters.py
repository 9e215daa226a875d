"""Hard filters: places by the gazetteer, and the vetoes no score overrides."""

from __future__ import annotations

from scoring.filters import location_ok, veto
from tests.scoring.corpus import ML_INTERN, example_profile, posting


def test_a_region_in_the_filters_takes_its_cities_and_states():
    mv = posting("a", "ML Intern", location="Mountain View, CA")
    austin = posting("b", "ML Intern", location="Austin, TX")
    portland = posting("c", "ML Intern", location="Portland, OR")
    assert location_ok(mv, ["Bay Area"]) and not location_ok(austin, ["Bay Area"])
    assert location_ok(portland, ["Pacific Northwest"]) and not location_ok(mv, ["PNW"])
    assert location_ok(austin, ["Texas"])  # a state by its name, as boards write "TX"
    assert location_ok(austin, ["United States"]) and not location_ok(austin, ["Europe"])


def test_a_city_takes_what_is_within_the_commuting_radius():
    coventry = posting("a", "Staff Nurse", location="Coventry, England")
    manchester = posting("b", "Staff Nurse", location="Manchester, United Kingdom")
    alabama = posting("c", "Staff Nurse", location="Birmingham, AL")
    assert location_ok(coventry, ["Birmingham"])  # ~27 km
    assert not location_ok(manchester, ["Birmingham"])  # ~115 km
    assert location_ok(manchester, ["Birmingham"], km=150)  # the person's own radius
    assert not location_ok(alabama, ["Birmingham"])  # the biggest Birmingham is England's


def test_remote_postings_pass_where_they_hire():
    uk = posting("a", "Analyst", location="Remote (UK)")
    us = posting("b", "Analyst", location="United States (remote)")
    world = posting("c", "Analyst", location="Remote (worldwide)")
    assert location_ok(uk, ["London"]) and not location_ok(us, ["London"])
    assert location_ok(world, ["Kuala Lumpur"])
    assert location_ok(us, ["Remote"]) and location_ok(us, ["North America"])
    assert location_ok(
        posting("d", "Analyst", location="Petaling Jaya, Malaysia"), ["Klang Valley"]
    )


def test_vetoes_name_the_filter():
    profile = example_profile()
    profile.filters.blocked_companies = ["Streamly"]
    senior = posting("s", "Senior Machine Learning Engineer", "Recommender systems.")
    far = posting("f", "Machine Learning Intern", "Ranking.", location="Berlin, Germany")
    assert veto(ML_INTERN, profile.filters) == "blocked company"
    assert veto(senior, profile.filters) == "title word 'senior'"
    assert veto(far, profile.filters) == "location"
