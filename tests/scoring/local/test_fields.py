"""The field map: meaning, not only words."""

from __future__ import annotations

from scoring.local.fields import FIELDS, affinity, fields_in


def test_different_words_for_the_same_work():
    assert "ml" in fields_in("Personalization Intern") and "ml" in fields_in("recommender systems")
    assert "quant" in fields_in("Trader Intern") and "quant" in fields_in("quant")
    assert "frontend" in fields_in("React Developer Intern") and "frontend" in fields_in("frontend")
    assert "security" in fields_in("Penetration Tester Intern")
    assert "mobile" in fields_in("iOS Engineer Intern")


def test_a_qualified_software_role_is_its_specialty():
    assert fields_in("Security Software Engineer Intern") == {"security": 0}
    assert fields_in("low-latency software engineering") == {"quant": 0}
    assert set(fields_in("Software Engineer Intern - Frontend")) == {"software", "frontend"}


def test_affinity_orders_near_and_far():
    assert affinity("frontend", "frontend") == 1.0
    assert affinity("frontend", "fullstack") > affinity("frontend", "software")
    assert affinity("frontend", "software") > affinity("frontend", "ml")
    assert affinity("frontend", "ml") > affinity("frontend", "accounting")
    assert affinity("quant", "finance") > affinity("quant", "marketing")
    for f in FIELDS:
        for g in FIELDS:
            assert 0.0 <= affinity(f.key, g.key) <= 1.0
