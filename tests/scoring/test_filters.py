"""Hard location filters understand regions by their members."""

from __future__ import annotations

from scoring.filters import location_ok
from tests.scoring.corpus import posting


def test_a_region_in_the_filters_takes_its_cities_and_states():
    mv = posting("a", "ML Intern", location="Mountain View, CA")
    austin = posting("b", "ML Intern", location="Austin, TX")
    portland = posting("c", "ML Intern", location="Portland, OR")
    assert location_ok(mv, ["Bay Area"]) and not location_ok(austin, ["Bay Area"])
    assert location_ok(portland, ["Pacific Northwest"]) and not location_ok(mv, ["PNW"])
    assert location_ok(austin, ["Texas"])  # a state by its name, as boards write "TX"
    assert location_ok(austin, ["United States"]) and not location_ok(austin, ["Europe"])
