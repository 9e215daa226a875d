"""Reading a profile: polarity, fields, employers, places, eligibility, level."""

from __future__ import annotations

import pytest

from scoring.local.reading import clauses, read
from scoring.profile import Profile


@pytest.mark.parametrize(
    "sentence",
    [
        "Not interested in firmware.",
        "Less interested in firmware.",
        "Firmware roles are a poor fit.",
        "Avoid firmware.",
        "No firmware, please.",
        "I like backend work but not firmware.",
    ],
)
def test_dislikes_count_against_never_for(sentence):
    r = read(Profile(about=sentence))
    assert "embedded" in r.avoid_fields
    assert "embedded" not in r.fields
    assert "firmware" not in {t.name.lower() for t in r.wanted}


def test_clauses_split_at_turns_and_keep_background_apart():
    parts = clauses("Master's student in finance looking for quant roles (C++, Python).")
    assert [(c.text, c.weight) for c in parts] == [
        ("Master's student in finance", 0.6),
        ("looking for quant roles", 2.0),
        ("C++, Python", 0.8),
    ]
    r = read(Profile(about="Master's student in finance looking for quant roles."))
    assert r.fields["quant"] == 1.0 and r.fields["finance"] < 0.5
    assert r.levels == {"masters"}


def test_learned_lines_are_sentences_with_polarity():
    r = read(
        Profile(
            learned=[
                "avoids companies like Ravelin Systems",
                "avoids defense contractors",
                "prefers recommender-systems and ranking work",
            ]
        )
    )
    assert r.companies == {"ravelin systems": -0.8}
    assert "defense contractor" in r.avoid_kinds
    assert "ml" in r.fields
    # The company's words are not topics, for or against.
    words = {t.name.lower() for t in r.wanted + r.unwanted}
    assert "systems" not in words and "ravelin" not in words and "defense" not in words


def test_employers_places_and_eligibility():
    r = read(
        Profile(
            about="Security internship at a defense contractor or government agency. Prefers "
            "the DC area or Virginia; remote in the US is fine. US citizen, can obtain a "
            "clearance. Not interested in the Bay Area."
        )
    )
    assert {"defense contractor", "government"} <= set(r.kinds)
    assert [a.name for a in r.places] == ["washington", "us-va", "us"]  # the DC area: DC's radius
    assert [a.name for a in r.avoid_places] == ["bay area"]
    assert r.home == {"us"} and r.remote_ok
    assert r.citizen and r.clearance_ok and not r.needs_visa
    visa = read(Profile(about="International student, I need visa sponsorship. PhD in CS."))
    assert visa.needs_visa and not visa.citizen and visa.levels == {"phd"}


def test_named_employers_after_at_but_not_places_or_kinds():
    r = read(Profile(about="I'd love an internship at Google or Meta in NYC; not at banks."))
    assert r.companies == {"google": 1.0, "meta": 1.0}
    assert "bank" in r.avoid_kinds and [a.name for a in r.places] == ["new york city"]
    r = read(Profile(about="Roles at Acme, Beta and Gamma are a poor fit."))
    assert r.companies == {"acme": -1.0, "beta": -1.0, "gamma": -1.0}
    assert read(Profile(about="An internship at a trading firm or at FAANG.")).companies == {}
