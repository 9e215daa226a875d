"""The LLM path learns from the same evidence as the local scorer: the learner's lines in the
proposal prompt, examples standing for them in the scoring prompt; a failed proposal waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scoring.learning import VOTE_REASONS, learn
from scoring.llm.prompt import static_prefix
from scoring.llm.proposals import evidence_lines, proposal_messages, retry_due, select_examples
from scoring.profile import Profile

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
PROFILE = Profile(about="CS student looking for a software or data internship.")


@dataclass
class V:
    vote: str
    title: str
    company: str
    location: str = "New York, NY"
    summary: str = "A summer internship."
    reason: str | None = None
    at: datetime = field(default_factory=lambda: NOW)


def votes() -> list[V]:
    out = [
        V("up", "Data Analyst Intern", f"Data{i}", at=NOW - timedelta(hours=i)) for i in range(6)
    ]
    out += [
        V("down", "Software Engineer Intern", f"Soft{i}", at=NOW - timedelta(hours=i))
        for i in range(9)
    ]
    return out


def test_the_proposal_prompt_shows_the_learners_lines_in_plain_words() -> None:
    learned = learn(votes(), PROFILE, now=NOW)
    lines = evidence_lines(learned)
    assert "likes data analysis roles (👍 6 · 👎 0)" in lines
    assert "passes on software engineering roles (👍 0 · 👎 9)" in lines
    user = proposal_messages(PROFILE, votes(), VOTE_REASONS, nonce="n", learned=learned)[1]
    text = user["content"]
    assert "What the votes show, counted by kind of posting" in text
    assert "likes data analysis roles (👍 6 · 👎 0)" in text
    assert text.index("likes data analysis") < text.index("<<<POSTINGS-n")  # trusted part
    assert " york " not in text.lower().replace("new york", "")
    empty = proposal_messages(PROFILE, [], VOTE_REASONS, nonce="n")[1]["content"]
    assert "(nothing clear yet)" in empty


def test_examples_stand_for_the_strongest_lines() -> None:
    learned = learn(votes(), PROFILE, now=NOW)
    ex = select_examples(votes(), VOTE_REASONS, learned=learned)
    liked = [e for e in ex if e.liked]
    disliked = [e for e in ex if not e.liked]
    assert liked[0].title == "Data Analyst Intern" and liked[0].company == "Data0"
    assert liked[0].reason.startswith("data") and "👍 6 · 👎 0" in liked[0].reason
    assert "software engineering roles: 👍 0 · 👎 9" in [e.reason for e in disliked]
    assert len(liked) == 5 and len(disliked) == 5  # one per company, at most five a side
    text = static_prefix(PROFILE, ex)
    assert "- liked: Data Analyst Intern · Data0 — data" in text
    # Too few votes of a kind say more about chance than taste.
    few = votes()[:2]
    assert select_examples(few, VOTE_REASONS, learned=learn(few, PROFILE, now=NOW)) == []


def test_a_failed_proposal_is_asked_again_after_more_votes_or_the_next_day() -> None:
    at = {"failed_at_votes": 20, "failed_on": "2026-03-02", "every": 10}
    assert not retry_due(votes=21, today="2026-03-02", **at)
    assert not retry_due(votes=29, today="2026-03-02", **at)
    assert retry_due(votes=30, today="2026-03-02", **at)
    assert retry_due(votes=21, today="2026-03-03", **at)
