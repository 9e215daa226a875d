"""Local learning as pure logic: votes → learned lines (features, evidence, weights) → scores."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from scoring.features import describe, of_vote
from scoring.learning import (
    MAX_NUDGE,
    STATED_MIN_DOWNS,
    LearningConfig,
    apply_learned,
    learn,
    learned_nudge,
)
from scoring.local.scorer import LocalScorer
from scoring.models import LearnedLine, LearnedWeights
from scoring.profile import Profile
from scrapers.postings.pay import parse_pay
from scrapers.postings.posting import Pay, Posting

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
SOFTWARE_OR_DATA = Profile(
    about="CS student looking for a software or data internship in the United States."
)
SOFTWARE = Profile(about="CS student looking for a software engineering internship.")


@dataclass
class V:
    vote: str
    title: str
    company: str = "Brightloop"
    location: str = "Austin, TX"
    summary: str = ""
    reason: str | None = None
    at: datetime = field(default_factory=lambda: NOW)
    pay: Pay | None = None
    workplace: str | None = None
    employment_type: str | None = "internship"


def up(title: str, **kw) -> V:
    return V("up", title, **kw)


def down(title: str, **kw) -> V:
    return V("down", title, **kw)


def posting(title: str, company: str = "Quillstack", location: str = "Austin, TX") -> Posting:
    return Posting(
        source="t",
        source_id=f"{title}|{company}|{location}",
        url="https://example.com/j",
        title=title,
        company=company,
        location=location,
        description="You will work with the team on real projects.",
        employment_type="internship",
    )


def ids(learned: LearnedWeights) -> set[str]:
    return set(learned.features)


def the_issue(days: int = 3, mistakes: float = 0.0, seed: int = 0) -> list[V]:
    """The issue's person: 👍 every data pick, 👎 every software pick, over a few days."""
    rng = random.Random(seed)
    votes = []
    for d in range(days):
        at = NOW - timedelta(days=days - d)
        for i in range(3):
            votes.append(up("Data Analyst Intern", company=f"Data{d}{i}", at=at))
        for i in range(7):
            votes.append(down("Software Engineer Intern", company=f"Soft{d}{i}", at=at))
    for v in votes:
        if rng.random() < mistakes:
            v.vote = "down" if v.vote == "up" else "up"
    return votes


# -- features, not stems --------------------------------------------------------------------
def test_places_are_places_never_fragments_of_their_names() -> None:
    feats = {f.id for f in describe("Software Engineer Intern", "Acme", "New York, NY")}
    assert {"city:new york city", "division:us-ny", "country:us", "region:northeast"} <= feats
    texas = {f.id for f in describe("Data Analyst Intern", "Acme", "Dallas, Texas, United States")}
    assert "division:us-tx" in texas
    words = " ".join(f.words.lower() for f in describe("Intern", "Acme", "New York, NY"))
    assert "texa" not in texas and "york" not in {w for f in feats for w in f.split(":")[1:]}
    assert "New York" in " ".join(f.words for f in describe("Intern", "Acme", "New York, NY"))
    assert words  # plain words for every feature


def test_an_employer_is_one_feature_and_its_name_no_words() -> None:
    feats = describe("Software Engineer Intern", "Ascend Learning", "Remote, United States")
    got = {f.id for f in feats}
    assert "employer:ascend learning" in got
    assert not any(fid.endswith(":learning") or fid == "field:ml" for fid in got)
    bank = {f.id for f in describe("Data Analyst Intern", "Harbor National Bank", "")}
    assert {"employer:harbor national bank", "industry:bank", "field:analytics"} <= bank


def test_workplace_type_level_and_pay_are_features() -> None:
    feats = {
        f.id
        for f in describe(
            "Senior Backend Engineer",
            "Acme",
            "Remote, United States",
            pay=parse_pay("$45–$52/hr"),
            employment_type="full-time",
        )
    }
    assert {"workplace:remote", "level:senior", "type:full-time", "field:backend"} <= feats
    assert {"pay:40+", "pay:50+"} <= feats and "pay:65+" not in feats
    yearly = {
        f.id
        for f in describe(
            "Data Scientist",
            "Acme",
            pay=Pay(min=90_000, max=120_000, interval="year", currency="USD"),
        )
    }
    assert "pay:50+" in yearly and "pay:65+" not in yearly  # $120k a year ≈ $58/hr
    assert "pay:none" in {f.id for f in describe("Data Scientist", "Acme")}


def test_a_vote_carries_what_its_pick_showed() -> None:
    v = up("Data Analyst Intern", location="Seattle, WA", workplace="hybrid",
           pay=Pay(min=30, max=35, interval="hour", currency="USD"))  # fmt: skip
    got = {f.id for f in of_vote(v)}
    assert {"field:analytics", "city:seattle", "workplace:hybrid", "pay:30+"} <= got


# -- shrinkage and consistency --------------------------------------------------------------
def test_one_vote_is_a_nudge_and_twenty_are_a_verdict() -> None:
    one = learn([up("Data Analyst Intern")], SOFTWARE_OR_DATA, now=NOW)
    votes = [up("Data Analyst Intern", company=f"C{i}") for i in range(10)]
    votes += [down("Software Engineer Intern", company=f"S{i}") for i in range(10)]
    twenty = learn(votes, SOFTWARE_OR_DATA, now=NOW)
    nudge = one.weight("field:analytics")
    verdict = twenty.weight("field:analytics") + twenty.weight("family:data")
    assert 0 < nudge < 8
    assert verdict > 4 * nudge
    assert twenty.weight("field:software") < 0
    # What every voted posting shares says nothing about taste.
    assert abs(twenty.weight("country:us")) < 1.0
    assert abs(twenty.weight("type:internship")) < 1.0


def test_a_few_consistent_votes_overturn_what_the_profile_merely_allows() -> None:
    data, software = posting("Data Analyst Intern"), posting("Software Engineer Intern")
    plain = LocalScorer(SOFTWARE_OR_DATA)
    assert plain.score(software).score > plain.score(data).score  # the default
    learned = learn(the_issue(days=2), SOFTWARE_OR_DATA, now=NOW)
    taught = LocalScorer(SOFTWARE_OR_DATA, learned)
    assert taught.score(data).score > taught.score(software).score
    assert "you liked 6 data analysis roles" in taught.score(data).reason
    assert "you passed on 14" in taught.score(software).reason


def test_one_tap_in_ten_the_wrong_way_round_does_not_stop_it() -> None:
    def swing(votes: list[V]) -> float:
        learned = learn(votes, SOFTWARE_OR_DATA, now=NOW)
        return learned.weight("field:analytics") - learned.weight("field:software")

    clean = swing(the_issue(days=4))
    for seed in range(5):
        # the same person, one tap in ten reversed: the learning slows, it does not stop
        assert swing(the_issue(days=4, mistakes=0.1, seed=seed)) > clean / 2 > 0, seed


def test_old_votes_fade_with_the_half_life() -> None:
    cfg = LearningConfig(half_life_days=7)
    fresh = learn(the_issue(), SOFTWARE_OR_DATA, cfg, now=NOW)
    old = learn(the_issue(), SOFTWARE_OR_DATA, cfg, now=NOW + timedelta(days=28))
    assert 0 < old.weight("field:analytics") < fresh.weight("field:analytics")


def test_learned_points_are_capped() -> None:
    lines = {
        fid: LearnedLine(id=fid, words=fid, group="field", ups=9, weight=30.0)
        for fid in ("field:analytics", "family:data", "employer:quillstack")
    }
    points, _ = learned_nudge(LearnedWeights(features=lines), posting("Data Analyst Intern"))
    assert points == MAX_NUDGE


# -- the person's own words win ---------------------------------------------------------------
def test_no_negative_on_the_stated_field_from_one_vote() -> None:
    one = learn([down("Software Engineer Intern")], SOFTWARE, now=NOW)
    assert one.weight("field:software") == 0.0
    assert one.features["field:software"].downs == 1  # counted, not yet held against
    few = [down("Software Engineer Intern", company=f"S{i}") for i in range(STATED_MIN_DOWNS + 3)]
    few += [up("Data Analyst Intern", company=f"D{i}") for i in range(4)]
    assert learn(few, SOFTWARE, now=NOW).weight("field:software") < 0


def test_what_the_person_ruled_out_is_never_lifted() -> None:
    profile = Profile(about="Software engineering internship. Not interested in security roles.")
    votes = [up("Security Engineer Intern", company=f"S{i}") for i in range(8)]
    votes += [down("Frontend Engineer Intern", company=f"F{i}") for i in range(8)]
    learned = learn(votes, profile, now=NOW)
    assert learned.weight("field:security") == 0.0
    assert "field:security" in learned.ruled_out
    lift, _ = learned_nudge(learned, posting("Security Engineer Intern", company="S1"))
    assert lift <= 0


# -- reasons, marks, forgetting, withdrawal ----------------------------------------------------
@pytest.mark.parametrize(
    ("reason", "groups"),
    [
        ("location", {"place"}),
        ("company", {"employer", "industry"}),
        ("senior", {"level"}),
        ("field", {"field", "family"}),
        ("seen", set()),
    ],
)
def test_a_reason_narrows_what_a_down_vote_is_about(reason: str, groups: set[str]) -> None:
    v = down("Senior Data Analyst", company="Harbor Bank", location="Arlington, VA", reason=reason)
    learned = learn([v], SOFTWARE, now=NOW)
    assert {ln.group for ln in learned.features.values()} == groups


def test_a_mark_on_a_new_york_job_teaches_the_city_not_a_word() -> None:
    # Saved / applied marks reach learning as 👍 votes on the pick (bot.services.marks).
    saved = [up("Software Engineer Intern", company="Quillstack", location="New York, NY")] * 2
    learned = learn(
        [*saved, down("Backend Engineer Intern", location="Austin, TX")], SOFTWARE, now=NOW
    )
    got = ids(learned)
    assert "city:new york city" in got and learned.weight("city:new york city") > 0
    assert not any(
        "york" in fid and fid not in ("city:new york city", "division:us-ny") for fid in got
    )
    assert all(":" in fid for fid in got)


def test_forgotten_lines_are_learned_no_more() -> None:
    votes = the_issue()
    learned = learn(votes, SOFTWARE_OR_DATA, now=NOW, forgotten={"field:analytics"})
    assert "field:analytics" not in learned.features
    assert learned.weight("family:data") > 0  # the rest still learns


def test_a_withdrawn_vote_simply_disappears_from_the_evidence() -> None:
    votes = the_issue(days=1)
    withdrawn = votes[:-1]
    assert learn(withdrawn, SOFTWARE_OR_DATA, now=NOW).features["field:software"].downs == 6
    assert learn(votes, SOFTWARE_OR_DATA, now=NOW).features["field:software"].downs == 7


def test_lines_give_id_words_evidence_and_weight() -> None:
    learned = learn(the_issue(), SOFTWARE_OR_DATA, now=NOW)
    lines = learned.lines(min_weight=1.0)
    assert abs(lines[0][4]) == max(abs(w) for *_, w in lines)
    by_id = {fid: (words, ups, downs) for fid, words, ups, downs, _w in lines}
    assert by_id["field:analytics"] == ("data analysis", 9, 0)
    assert by_id["field:software"] == ("software engineering", 0, 21)
    assert learned.liked["data analysis"] == 9 and learned.disliked["software engineering"] == 21


def test_learning_is_deterministic() -> None:
    votes = the_issue(mistakes=0.1)
    assert learn(votes, SOFTWARE_OR_DATA, now=NOW) == learn(
        list(reversed(votes)), SOFTWARE_OR_DATA, now=NOW
    )


def test_config_written_for_the_word_learner_still_loads() -> None:
    cfg = LearningConfig.model_validate({"max_term_weight": 6.0, "votes_to_matter": 2.0})
    assert cfg == LearningConfig()


def test_a_lift_fills_the_room_below_100_in_order() -> None:
    def lifted(weight: float, points: float) -> float:
        line = LearnedLine(id="field:analytics", words="data analysis", group="field", ups=9,
                           weight=weight)  # fmt: skip
        learned = LearnedWeights(features={"field:analytics": line})
        return apply_learned(learned, posting("Data Analyst Intern"), points)[0]

    assert 90 < lifted(10, 90) < lifted(20, 90) < lifted(40, 90) < 100
    assert lifted(20, 30) == 50  # plenty of room: the whole lift
    assert lifted(-20, 90) == 70  # a drop is taken as it is


def test_a_person_who_only_turns_things_down_still_moves_the_picks() -> None:
    votes = [down("Software Engineer Intern", company=f"S{i}") for i in range(10)]
    learned = learn(votes, SOFTWARE_OR_DATA, now=NOW)
    assert learned.weight("field:software") < -10
    taught = LocalScorer(SOFTWARE_OR_DATA, learned)
    plain = LocalScorer(SOFTWARE_OR_DATA)
    software, data = posting("Software Engineer Intern"), posting("Data Analyst Intern")
    gap = plain.score(software).score - plain.score(data).score
    assert taught.score(software).score - taught.score(data).score < gap


def test_a_mistaken_tap_on_a_city_is_a_nudge_at_most() -> None:
    votes = [
        down("Software Engineer Intern", company=f"S{i}", location="Austin, TX") for i in range(9)
    ]
    votes.append(up("Software Engineer Intern", company="S9", location="Denver, CO"))
    learned = learn(votes, SOFTWARE, now=NOW)
    assert 0 <= learned.weight("city:denver") <= 6.0
