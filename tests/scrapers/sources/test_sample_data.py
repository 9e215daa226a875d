"""The bundled sample postings behind `jobpicks demo` keep the variety the demo relies on."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from importlib.resources import files

import pytest

from scrapers.dedup import dedup, fingerprint, normalise_company, normalise_title
from scrapers.postings.posting import Posting

# The fixed "now" the sample timestamps were written against (the loader shifts them).
REFERENCE = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

SOURCES = {"linkedin", "indeed", "greenhouse", "lever", "ashby"}
EMPLOYMENT_TYPES = {"internship", "full-time", "part-time", "contract", "temporary"}
LEVELS = {"internship", "entry", "associate", "mid-senior", "director", "executive"}

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
ID_FORMAT = {
    "linkedin": re.compile(r"\d{10}"),
    "indeed": re.compile(r"[0-9a-f]{16}"),
    "greenhouse": re.compile(r"\d{5,10}"),
    "lever": re.compile(_UUID),
    "ashby": re.compile(_UUID),
}
URL_FORMAT = {
    "linkedin": r"https://www\.linkedin\.com/jobs/view/{id}",
    "indeed": r"https://www\.indeed\.com/viewjob\?jk={id}",
    "greenhouse": r"https://boards\.greenhouse\.io/[a-z0-9-]+/jobs/{id}",
    "lever": r"https://jobs\.lever\.co/[a-z0-9-]+/{id}",
    "ashby": r"https://jobs\.ashbyhq\.com/[a-z0-9-]+/{id}",
}

# Internship categories the demo must cover; matched against the title, case-insensitively.
INTERN_CATEGORIES = {
    "ml": r"\bml\b|machine learning|applied scientist",
    "recommender": r"recommend|ranking",
    "backend": r"backend",
    "data": r"\bdata (engineer|analyst|science)",
    "sre": r"site reliability|\bsre\b|devops",
    "firmware": r"firmware|embedded",
    "hardware test": r"hardware test|validation",
}


def _raw() -> list[dict]:
    text = (files("scrapers") / "data" / "sample_postings.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert isinstance(data, list)
    return data


@pytest.fixture(scope="module")
def raw() -> list[dict]:
    return _raw()


@pytest.fixture(scope="module")
def postings(raw: list[dict]) -> list[Posting]:
    return [Posting.model_validate(item) for item in raw]


def test_every_item_has_exactly_the_posting_fields(raw: list[dict]) -> None:
    expected = set(Posting.model_fields)
    for item in raw:
        assert set(item) == expected, item.get("title")


def test_enough_postings_with_unique_keys(postings: list[Posting]) -> None:
    assert len(postings) >= 40
    keys = [p.key for p in postings]
    assert len(set(keys)) == len(keys)
    assert len({p.url for p in postings}) == len(postings)


def test_ids_and_urls_look_like_each_board(postings: list[Posting]) -> None:
    assert {p.source for p in postings} == SOURCES
    for p in postings:
        assert ID_FORMAT[p.source].fullmatch(p.source_id), p.key
        pattern = URL_FORMAT[p.source].replace("{id}", re.escape(p.source_id))
        assert re.fullmatch(pattern, p.url), p.url


def test_fields_are_plausible(postings: list[Posting]) -> None:
    for p in postings:
        assert p.title.strip() and p.company.strip() and p.location.strip(), p.key
        assert p.employment_type in EMPLOYMENT_TYPES, p.key
        assert p.seniority is None or p.seniority in LEVELS, p.key
        assert 400 <= len(p.description) <= 1500, (p.key, len(p.description))
        assert p.posted_at is not None and p.posted_at.utcoffset() == timedelta(0), p.key
        assert REFERENCE - timedelta(days=3) <= p.posted_at <= REFERENCE, p.key
        assert p.posted_at <= p.fetched_at <= REFERENCE, p.key


def test_variety_of_kinds_places_and_pay(postings: list[Posting]) -> None:
    types = {p.employment_type for p in postings}
    assert {"internship", "full-time"} <= types and len(types) >= 4
    assert sum(p.employment_type == "internship" for p in postings) >= 20
    assert sum(p.employment_type == "full-time" for p in postings) >= 8
    assert {True, False, None} <= {p.remote for p in postings}
    with_salary = sum(p.salary is not None for p in postings)
    assert 10 <= with_salary < len(postings)
    abroad = [p for p in postings if re.search(r"Canada|Germany|United Kingdom", p.location)]
    assert len(abroad) >= 2
    # Senior roles are there for the example profile's title filter to veto.
    senior = [p for p in postings if re.search(r"\b(senior|staff)\b", p.title, re.I)]
    assert len(senior) >= 3


@pytest.mark.parametrize("category", sorted(INTERN_CATEGORIES))
def test_internship_in_each_category(postings: list[Posting], category: str) -> None:
    pattern = re.compile(INTERN_CATEGORIES[category], re.I)
    hits = [p for p in postings if p.employment_type == "internship" and pattern.search(p.title)]
    assert hits, category


def test_other_roles_present(postings: list[Posting]) -> None:
    titles = [p.title.lower() for p in postings]
    for word in ("analyst", "frontend", "ios", "android", "qa", "security", "product", "new grad"):
        assert any(word in t for t in titles), word
    assert any("ml infrastructure" in t or "ml platform" in t for t in titles)


def _groups(postings: list[Posting]) -> dict[str, list[Posting]]:
    groups: dict[str, list[Posting]] = defaultdict(list)
    for p in postings:
        groups[fingerprint(p)].append(p)
    return {fp: ps for fp, ps in groups.items() if len(ps) > 1}


def test_exact_duplicates_across_linkedin_and_indeed(postings: list[Posting]) -> None:
    exact = [
        ps
        for ps in _groups(postings).values()
        if {p.source for p in ps} >= {"linkedin", "indeed"}
        and len({(p.company, p.title) for p in ps}) == 1
    ]
    assert len(exact) >= 2


def test_near_duplicates_and_a_lookalike_that_is_not_one(postings: list[Posting]) -> None:
    near = [ps for ps in _groups(postings).values() if len({p.company for p in ps}) > 1]
    assert near, "no pair differing only in how the company is written"
    # Same company and title in another city: a different job, not a duplicate.
    by_role: dict[tuple[str, str], set[str]] = defaultdict(set)
    for p in postings:
        by_role[(normalise_company(p.company), normalise_title(p.title))].add(fingerprint(p))
    assert any(len(fps) > 1 for fps in by_role.values())


def test_dedup_drops_only_the_planted_duplicates(postings: list[Posting]) -> None:
    unique, dropped = dedup(postings)
    planted = sum(len(ps) - 1 for ps in _groups(postings).values())
    assert dropped == planted >= 3
    assert len(unique) == len(postings) - dropped >= 40


def test_aggregator_names_the_real_employer(postings: list[Posting]) -> None:
    via = [p for p in postings if p.company == "Jobs via Dice"]
    assert via
    for p in via:
        assert p.real_employer and p.real_employer in p.description
    others = [p for p in postings if p.company != "Jobs via Dice"]
    assert all(p.real_employer is None for p in others)


def test_hostile_text_is_present(postings: list[Posting]) -> None:
    assert any("<script" in p.description and "<b>" in p.description for p in postings)
    assert any(all(c in p.title for c in "]*_") for p in postings)
    assert any(
        "ignore previous instructions" in p.description.lower() and "100" in p.description
        for p in postings
    )
    assert any("<" in p.company and "&" in p.company for p in postings)
