"""Who the employer is: the hand-made table, name cues, and the kinds people name."""

from __future__ import annotations

from scoring.local.employers import kinds_named, kinds_of


def test_known_employers_by_industry():
    assert kinds_of("Jane Street") == ("trading firm",)
    assert kinds_of("Goldman Sachs") == ("bank",)
    assert kinds_of("Two Sigma") == ("hedge fund",)
    assert kinds_of("Lockheed Martin Corporation") == ("defense contractor",)
    assert kinds_of("Mayo Clinic") == ("hospital or health system",)
    assert "university" in kinds_of("Carnegie Mellon University")


def test_name_cues_and_unknown_employers():
    assert kinds_of("Maple Leaf Securities") == ("trading firm",)
    assert kinds_of("First Prairie Bank") == ("bank",)
    assert kinds_of("St. Olaf Hospital") == ("hospital or health system",)
    assert kinds_of("University of Somewhere") == ("university",)
    assert kinds_of("Ravelin Systems") == ()  # unknown: neutral
    assert kinds_of("") == ()


def test_kinds_people_name():
    assert kinds_named("at a trading firm, hedge fund or bank") == [
        "trading firm",
        "hedge fund",
        "bank",
    ]
    assert kinds_named("defense and government contractors are welcome")[:2] == [
        "defense contractor",
        "government contractor",
    ]
    assert kinds_named("a startup or big tech") == ["startup", "big tech"]
    assert kinds_named("algorithmic trading") == []  # a field, not an employer
