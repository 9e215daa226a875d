"""Local learning: votes → LearnedWeights → the local scorer's ranking."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from scoring.learning import (
    LearningConfig,
    cite,
    field_phrase,
    learn,
    learned_nudge,
    vote_evidence,
)
from scoring.local.scorer import LocalScorer
from scoring.models import LearnedWeights
from scoring.profile import Profile
from scrapers.postings.posting import Posting

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PROFILE = Profile(about="Software engineer. Python, Kubernetes, backend and infrastructure work.")


@dataclass
class V:
    vote: str
    title: str
    company: str = "Acme"
    location: str = "Austin, TX"
    summary: str = ""
    reason: str | None = None
    at: datetime = field(default_factory=lambda: NOW)


def mlinfra(company: str = "Tensorly", **kw) -> V:
    return V(
        "up",
        "ML Infrastructure Engineer",
        company=company,
        summary="Build GPU training clusters and model serving on Kubernetes.",
        **kw,
    )


def posting(
    title: str, company: str = "Acme", location: str = "Austin, TX", desc: str = ""
) -> Posting:
    return Posting(
        source="t",
        source_id=f"{title}|{company}|{location}",
        url="https://example.com/j",
        title=title,
        company=company,
        location=location,
        description=desc,
    )


def test_up_vote_lifts_shared_terms_more_than_new_ones() -> None:
    terms, companies, locations = vote_evidence(
        mlinfra(), {"kubernetes", "infrastructure"}, LearningConfig()
    )
    assert terms["infrastructure"] > 0 and terms["kubernetes"] > 0
    assert terms["infrastructure"] > terms["ml"] > 0  # shared title word > unshared title word
    assert terms["kubernetes"] > terms["gpu"] > 0  # shared summary word > unshared summary word
    assert companies == {"tensorly": 0.5}
    assert set(locations) == {"austin", "tx"}


def test_down_vote_lowers_unshared_terms_more() -> None:
    v = V("down", "Defense Systems Engineer", summary="Radar software in Python.")
    terms, companies, _ = vote_evidence(v, {"python"}, LearningConfig())
    assert terms["defense"] < terms["python"] < 0
    assert companies["acme"] < 0  # no reason: the company shares a little of the blame


@pytest.mark.parametrize(
    ("reason", "moved_terms", "moved_company", "moved_location"),
    [
        ("location", set(), False, True),
        ("company", set(), True, False),
        ("seen", set(), False, False),
        ("senior", {"senior", "staff"}, False, False),
        ("field", {"staff", "radar", "platform", "software"}, False, False),
    ],
)
def test_reason_narrows_what_a_down_vote_lowers(
    reason: str, moved_terms: set[str], moved_company: bool, moved_location: bool
) -> None:
    v = V(
        "down",
        "Staff Radar Platform Engineer",
        company="Lockheed Martin",
        location="Arlington, VA",
        summary="Radar software.",
        reason=reason,
    )
    w = learn([v], PROFILE, now=NOW)
    assert set(w.terms) == moved_terms
    assert all(x < 0 for x in w.terms.values())
    assert bool(w.companies) is moved_company
    assert bool(w.locations) is moved_location
    if moved_location:
        assert set(w.locations) == {"arlington", "va"}
    if moved_company:
        assert set(w.companies) == {"lockheed martin"}


def test_one_vote_is_small_and_consistent_votes_add_up() -> None:
    cfg = LearningConfig()
    one = learn([mlinfra()], PROFILE, cfg, now=NOW).terms["ml"]
    three = learn([mlinfra(), mlinfra("B"), mlinfra("C")], PROFILE, cfg, now=NOW).terms["ml"]
    six = learn([mlinfra(str(i)) for i in range(6)], PROFILE, cfg, now=NOW).terms["ml"]
    assert 0 < one <= cfg.max_term_weight * 0.2  # a single vote barely moves a term
    assert one < three < six <= cfg.max_term_weight
    assert six > cfg.max_term_weight * 0.5


def test_disagreeing_votes_cancel() -> None:
    ups = [mlinfra("A"), mlinfra("B")]
    down = V("down", "ML Infrastructure Engineer", summary=ups[0].summary, reason="field")
    agreeing = learn(ups, PROFILE, now=NOW).terms
    mixed = learn([*ups, down], PROFILE, now=NOW).terms
    for term in ("ml", "infrastructure", "gpu"):
        assert abs(mixed.get(term, 0.0)) < agreeing[term]


def test_long_summary_does_not_outweigh_a_short_one() -> None:
    cfg = LearningConfig(max_terms_per_vote=4)
    long = V("up", "Data Engineer", summary=" ".join(f"word{i}" for i in range(40)))
    terms, _, _ = vote_evidence(long, set(), cfg)
    assert sum(abs(x) for x in terms.values()) == pytest.approx(4.0)


def test_old_votes_fade_with_the_half_life() -> None:
    cfg = LearningConfig(half_life_days=7)
    fresh = learn([mlinfra(str(i)) for i in range(4)], PROFILE, cfg, now=NOW).terms["ml"]
    old_votes = [mlinfra(str(i), at=NOW - timedelta(days=14)) for i in range(4)]
    old = learn(old_votes, PROFILE, cfg, now=NOW).terms["ml"]
    assert 0 < old < fresh / 2
    slow = learn(old_votes, PROFILE, LearningConfig(half_life_days=365), now=NOW).terms["ml"]
    assert slow > old


def test_liked_and_disliked_phrases_are_counted() -> None:
    votes = [mlinfra(str(i)) for i in range(3)] + [
        V("down", "Radar Engineer", company="Lockheed Martin", reason="company"),
        V("down", "Radar Engineer", company="Raytheon", reason="seen"),
    ]
    w = learn(votes, PROFILE, now=NOW)
    assert w.liked == {"ml infrastructure": 3}
    assert w.disliked == {"lockheed martin": 1}
    assert field_phrase("Senior ML Infrastructure Engineer Intern (2027)") == "ml infrastructure"


def test_votes_change_the_local_ranking() -> None:
    backend = posting("Backend Engineer", desc="Python services on Kubernetes for payments.")
    ml = posting(
        "ML Infrastructure Engineer",
        company="NewCo",
        desc="Python and Kubernetes for GPU training clusters and model serving.",
    )
    defense = posting(
        "Backend Engineer",
        company="Lockheed Martin",
        desc="Python services on Kubernetes for radar.",
    )
    before = LocalScorer(PROFILE)
    votes = [mlinfra(c) for c in ("A", "B", "C")] + [
        V("down", "Backend Engineer", company="Lockheed Martin", reason="company"),
        V("down", "Backend Engineer", company="Lockheed Martin", reason="company"),
    ]
    learned = learn(votes, PROFILE, now=NOW)
    after = LocalScorer(PROFILE, learned)
    assert after.score(ml).score > before.score(ml).score
    assert after.score(defense).score < before.score(defense).score
    assert after.score(ml).score > after.score(backend).score > after.score(defense).score
    assert "you liked 3 ml infrastructure roles" in after.score(ml).reason
    assert "you passed on Lockheed Martin before" in cite(learned, defense)


def test_learned_nudge_is_capped_and_matches_company_and_location() -> None:
    huge = LearnedWeights(
        terms={f"w{i}": 6.0 for i in range(20)},
        companies={"acme": 5.0},
        locations={"austin": -2.0},
    )
    p = posting("w0 w1 w2 w3 w4 w5 w6 w7 w8 w9", company="ACME, Inc.")
    points, _ = learned_nudge(huge, p)
    assert points == 30.0 - 2.0  # lifts capped at 30; the location penalty still counts
    small = LearnedWeights(companies={"acme": 5.0}, locations={"austin": -2.0})
    assert learned_nudge(small, p)[0] == pytest.approx(3.0)
    assert learned_nudge(LearnedWeights(), p) == (0.0, [])


def test_learning_is_deterministic() -> None:
    votes = [mlinfra(str(i)) for i in range(5)]
    assert learn(votes, PROFILE, now=NOW) == learn(list(reversed(votes)), PROFILE, now=NOW)
