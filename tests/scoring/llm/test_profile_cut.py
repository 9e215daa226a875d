"""A profile too long for the prompts is cut to `profile_max_tokens`, and the run says where."""

from __future__ import annotations

import logging

from scoring.llm.client import LLMClient
from scoring.llm.prompt import CUT_MARK, RUBRIC, fit_profile, static_prefix
from scoring.options import LLMSettings, ScoringConfig
from scoring.pipeline import score_postings
from scoring.profile import Profile
from tests.fakes.llm import FakeLLM, count_tokens
from tests.scoring.corpus import example_profile, generated


def words(text: str) -> int:
    return len(text.split())


def test_a_profile_that_fits_is_left_whole():
    profile = example_profile()
    shown, cut = fit_profile(profile, 10_000, words)
    assert shown is profile and cut is None


def test_a_long_about_is_cut_at_a_word_and_the_cut_says_where():
    about = " ".join(f"w{i}" for i in range(5000))
    profile = Profile(about=about, directives=["Remote only"], learned=["likes Go"])
    shown, cut = fit_profile(profile, 300, words)
    assert cut is not None and cut.tokens > 5000 and cut.lines_dropped == 0
    assert shown.about.endswith(CUT_MARK) and shown.about.startswith("w0 w1 ")
    assert shown.directives == ["Remote only"] and shown.learned == ["likes Go"]
    rendered = static_prefix(shown).removeprefix(RUBRIC)
    assert words(rendered) <= 300
    kept = shown.about.removesuffix(CUT_MARK).split()[-1]
    assert cut.about_chars == len(shown.about) - len(CUT_MARK)
    assert kept in cut.last_words and f"of {len(about):,}" in cut.note()


def test_many_lines_go_from_the_end_learned_lines_before_the_seekers_rules():
    profile = Profile(
        about="Wants backend work.",
        directives=[f"rule number {i} here" for i in range(50)],
        learned=[f"learned line {i}" for i in range(50)],
    )
    shown, cut = fit_profile(profile, 200, words)
    assert cut is not None and cut.lines_dropped > 50
    assert shown.learned == [] and shown.directives == profile.directives[: len(shown.directives)]
    assert "learned lines or rules" in cut.note()


async def test_a_100_kb_profile_reaches_the_model_cut_with_a_note_and_one_warning(
    fake_llm: FakeLLM, llm_settings: LLMSettings, caplog
):
    about = "I build recommender systems and ranking models in Python. " * 1800  # ~100 KB
    profile = example_profile().model_copy(update={"about": about})
    opts = ScoringConfig(
        requests_per_minute=10_000, timeout_seconds=5, top_k=2, profile_max_tokens=1000
    )
    caplog.set_level(logging.WARNING)
    client = LLMClient(llm_settings, opts)
    batch = await score_postings(generated(6), profile, options=opts, client=client)
    assert len(batch.scores) == 6 and not batch.unscored
    assert batch.profile_cut is not None and batch.profile_cut.limit == 1000
    assert sum("profile cut for the LLM" in n for n in batch.notes) == 1
    assert sum("profile cut for the LLM" in r.getMessage() for r in caplog.records) == 1
    assert len(fake_llm.requests) >= 2  # triage and full scoring, both with the cut profile
    for request in fake_llm.requests:
        system = request["messages"][0]["content"]
        assert count_tokens(system) < 1000 + count_tokens(RUBRIC) and "[…]" in system
