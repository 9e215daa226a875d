"""Choosing the day's picks: best first, per company, and a few slots for exploration."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from scoring.learning import learn
from scoring.models import Score
from scoring.profile import Profile
from scoring.select import explore_slots, select_picks
from scrapers.postings.posting import Posting

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PROFILE = Profile(about="CS student looking for a software engineering internship.")


@dataclass
class V:
    vote: str
    title: str
    company: str
    location: str = "Austin, TX"
    summary: str = ""
    reason: str | None = None
    at: datetime = field(default_factory=lambda: NOW)


def scored(i: int, title: str, score: int, location: str = "Austin, TX") -> tuple[Posting, Score]:
    posting = Posting(
        source="t",
        source_id=str(i),
        url=f"https://example.com/{i}",
        title=title,
        company=f"Co{i}",
        location=location,
        employment_type="internship",
    )
    return posting, Score(
        posting_key=posting.key, score=score, reason="r", summary="s", scorer="local",
        profile_version=1,
    )  # fmt: skip


def day() -> list[tuple[Posting, Score]]:
    """20 software internships scored 70-89, and three of other kinds scored lower."""
    out = [scored(i, "Software Engineer Intern", 89 - i) for i in range(20)]
    out.append(scored(100, "Data Analyst Intern", 45))
    out.append(scored(101, "Security Engineer Intern", 50))
    out.append(scored(102, "Software Engineer Intern", 60, location="Remote, United States"))
    return out


def test_without_exploration_the_best_come_first() -> None:
    picks = select_picks(day(), min_score=0, max_picks=10, per_company=2)
    assert [s.score for _, s in picks] == list(range(89, 79, -1))
    assert not any(s.explore for _, s in picks)


def test_the_exploration_share_shrinks_as_likes_accumulate() -> None:
    assert explore_slots(10, 0.15, liked=0, half_liked=60) == 2
    assert explore_slots(10, 0.15, liked=60, half_liked=60) == 1
    assert explore_slots(10, 0.15, liked=600, half_liked=60) == 1  # never quite closed
    assert explore_slots(10, 0.0, liked=0, half_liked=60) == 0
    assert explore_slots(1, 0.5, liked=0, half_liked=60) == 0  # the one pick is the best
    assert explore_slots(5, 0.5, liked=0, half_liked=60) == 3


def test_exploration_takes_the_last_slots_with_kinds_not_voted_on_and_says_so() -> None:
    # Software in Austin is known (three votes); another field or remote work is not.
    votes = [V("up", "Software Engineer Intern", f"S{i}") for i in range(3)]
    learned = learn(votes, PROFILE, now=NOW)
    picks = select_picks(
        day(), min_score=0, max_picks=10, per_company=2, learned=learned,
        explore_share=0.15, seed="2026-03-02",
    )  # fmt: skip
    assert len(picks) == 10
    best, explored = picks[:8], picks[8:]
    assert [s.score for _, s in best] == list(range(89, 81, -1))
    assert all(s.explore for _, s in explored) and not any(s.explore for _, s in best)
    # Only postings with something no vote touched: another field, remote work.
    assert {p.source_id for p, _ in explored} <= {"100", "101", "102"}
    words = {s.explore for _, s in explored}
    assert words <= {"data analysis roles", "security roles", "remote roles"}


def test_a_slot_with_nothing_new_enough_goes_to_the_next_best() -> None:
    # Five 👎 on software: remote software (its only new thing a workplace) is not explored;
    # data and security (new fields) are, and the third slot goes to the next best.
    votes = [V("down", "Software Engineer Intern", f"S{i}") for i in range(5)]
    learned = learn(votes, PROFILE, now=NOW)
    picks = select_picks(
        day(), min_score=0, max_picks=10, per_company=2, learned=learned,
        explore_share=0.3, seed="2026-03-02",
    )  # fmt: skip
    explored = sorted((p.source_id, s.explore) for p, s in picks if s.explore)
    assert explored == [("100", "data analysis roles"), ("101", "security roles")]
    assert [s.score for _, s in picks[:8]] == list(range(89, 81, -1))


def test_exploration_is_the_same_for_the_same_day_and_changes_with_the_day() -> None:
    def explored(seed: str) -> list[str]:
        picks = select_picks(
            day(), min_score=0, max_picks=10, per_company=2, explore_share=0.1, seed=seed
        )
        return [p.key for p, s in picks if s.explore]

    assert explored("2026-03-02") == explored("2026-03-02")
    assert len({tuple(explored(f"2026-03-{d:02d}")) for d in range(1, 15)}) > 1


def test_a_kind_the_votes_turned_down_is_not_explored() -> None:
    votes = [V("down", "Data Analyst Intern", f"D{i}") for i in range(4)]
    votes += [V("up", "Software Engineer Intern", f"S{i}") for i in range(4)]
    learned = learn(votes, PROFILE, now=NOW)
    for d in range(1, 10):
        picks = select_picks(
            day(), min_score=0, max_picks=10, per_company=2, learned=learned,
            explore_share=0.2, seed=f"2026-03-{d:02d}",
        )  # fmt: skip
        assert "t:100" not in {p.key for p, s in picks if s.explore}


def test_exploration_respects_the_minimum_score_and_per_company() -> None:
    picks = select_picks(day(), min_score=55, max_picks=10, per_company=1, explore_share=0.3)
    assert all(s.score >= 55 for _, s in picks)
    companies = [p.company for p, _ in picks]
    assert len(companies) == len(set(companies))
