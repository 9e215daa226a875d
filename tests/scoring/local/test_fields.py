"""The field map: meaning, not only words."""

from __future__ import annotations

from scoring.local.fields import FIELDS, affinity, fields_in, role_title


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


def test_kinds_of_work_far_from_the_wanted_one_still_have_an_order():
    # Desk work with data is nearer to a backend engineer than a warehouse, a warehouse no
    # nearer than a ward; a customer-success lead is nearer to sales than to a workshop.
    assert affinity("backend", "analytics") > affinity("backend", "operations")
    assert affinity("backend", "operations") > affinity("backend", "nursing")
    assert affinity("customer_success", "sales") > affinity("customer_success", "mechanical")
    assert affinity("analytics", "support") > affinity("analytics", "hospitality")


def test_a_domain_before_software_leaves_a_software_job():
    assert "software" in fields_in("Geospatial Software Development Intern")
    assert fields_in("Security Software Engineer") == {"security": 0}


def test_job_titles_beyond_the_obvious_words():
    assert "qa" in fields_in("Software Tester")
    assert "embedded" in fields_in("Software Engineering Intern - Rss Fw - Defect Management")
    assert "hospitality" in fields_in("Food & Beverage Service Expert")
    assert "risk" in fields_in("Risk Intelligence Intern")
    assert "legal" not in fields_in("OutSystems Software Developer (1 year contract)")


def test_a_headline_title_is_read_through_the_role_the_description_seeks():
    text = "To support our growth, we are looking for a Software Development Engineer to join."
    headline = "Build financial and data science products in Python"
    assert role_title(headline, text).startswith("Software Development Engineer")
    assert role_title("Data Analyst", text) == "Data Analyst"  # a real title stays
    assert role_title(headline, "We build lending products.") == headline
