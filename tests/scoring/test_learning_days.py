"""A few simulated days as pure logic (no bot, no sockets): the issue's person, who wants only
the data half of a "software or data" profile, votes on what selection shows them; the full
run through the bot and the Telegram fake is `bench/learning_sim.py`."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from scoring.learning import LearningConfig, learn
from scoring.local.scorer import LocalScorer
from scoring.profile import Profile
from scoring.select import select_picks
from scrapers.postings.posting import Pay, Posting, Workplace

START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
PROFILE = Profile(
    about="CS student looking for a software or data internship in the United States."
)
SOFTWARE = ("Software Engineer Intern", "Backend Engineer Intern", "SWE Intern",
            "Full Stack Engineer Intern", "Frontend Engineer Intern")  # fmt: skip
DATA = ("Data Analyst Intern", "Data Science Intern", "Business Intelligence Intern")
PLACES = ("Austin, TX", "Seattle, WA", "New York, NY", "Chicago, IL", "Remote, United States")


@dataclass
class Vote:
    vote: str
    reason: str | None
    title: str
    company: str
    location: str
    summary: str
    at: datetime
    pay: Pay | None
    workplace: Workplace | None
    employment_type: str | None


def postings(rng: random.Random, day: int) -> list[Posting]:
    out = []
    for i in range(30):
        title = rng.choice(DATA) if i < 5 else rng.choice(SOFTWARE)
        place = rng.choice(PLACES)
        out.append(
            Posting(
                source="sim",
                source_id=f"{day}-{i}",
                url=f"https://jobs.example/{day}/{i}",
                title=title,
                company=f"Employer {rng.randrange(20)}",
                location=place,
                description="You will work with the team. Summer 2026.",
                employment_type="internship",
                workplace="remote" if place.startswith("Remote") else "onsite",
                pay=Pay(min=25, max=rng.choice([30, 40, 50]), interval="hour", currency="USD"),
            )
        )
    return out


def precision_at_5(votes_on: bool, days: int = 5) -> list[float]:
    rng = random.Random(7)
    cfg = LearningConfig()
    votes: list[Vote] = []
    out = []
    for day in range(days):
        now = START + timedelta(days=day)
        learned = learn(votes, PROFILE, cfg, now=now)
        scorer = LocalScorer(PROFILE, learned)
        scored = [(p, scorer.score(p)) for p in postings(rng, day)]
        picks = select_picks(
            scored, min_score=0, max_picks=10, per_company=2, learned=learned,
            explore_share=cfg.explore_share, seed=now.date().isoformat(),
        )  # fmt: skip
        out.append(sum(p.title in DATA for p, _ in picks[:5]) / 5)
        if votes_on:
            votes += [
                Vote("up" if p.title in DATA else "down", None, p.title, p.company, p.location,
                     s.summary, now, p.pay, p.workplace, p.employment_type)
                for p, s in picks
            ]  # fmt: skip
    return out


def test_votes_on_what_is_shown_bring_the_wanted_half_to_the_top_within_days() -> None:
    without = precision_at_5(votes_on=False)
    with_votes = precision_at_5(votes_on=True)
    assert without[0] == with_votes[0]  # the same first morning
    assert max(without) == 0.0  # the profile alone never puts data on top
    assert sum(with_votes[2:]) / 3 >= 0.6  # days 3-5
