"""Parsing model answers, and the prompt's shape (prefix, delimiters, caps, version)."""

from __future__ import annotations

import pytest

from scoring.cache import cache_key
from scoring.llm import clean_text, parse_answer
from scoring.prompt import (
    CLOSE,
    DESCRIPTION_MAX_CHARS,
    OPEN,
    PROMPT_VERSION,
    build_messages,
    posting_block,
    static_prefix,
)
from tests.scoring.corpus import ML_INTERN, example_profile, posting


@pytest.mark.parametrize(
    ("content", "score"),
    [
        ('{"reason": "r", "score": 81, "summary": "s"}', 81),
        ('```json\n{"reason": "r", "score": 81, "summary": "s"}\n```', 81),
        ('Sure! {"reason": "r", "score": "72", "summary": "s"} Hope it helps.', 72),
        ('{"Reason": "r", "Score": 64.6, "Summary": "s", "extra": 1}', 65),
        ('{"reason": "r", "score": 140, "summary": "s"}', 100),
        ('{"reason": "r", "score": -3, "summary": "s"}', 0),
        ('{"reason": "r", "score": "90/100", "summary": "s"}', 90),
    ],
)
def test_accepted_answers(content: str, score: int):
    assert parse_answer(content).score == score


@pytest.mark.parametrize(
    "content",
    [
        "I'd say 80.",
        '{"reason": "r", "score": 80}',
        '{"reason": "r", "score": "high", "summary": "s"}',
        '{"reason": "r", "score": true, "summary": "s"}',
        '{"reason": "  ", "score": 50, "summary": "s"}',
        '["reason", 50, "summary"]',
        '{"reason": "r", "score": 50, "summary": "s"',
        # Shapes a model really sends that once escaped as TypeError/OverflowError.
        '{"reason": "r", "score": null, "summary": "s"}',
        '{"reason": "r", "score": [80], "summary": "s"}',
        '{"reason": "r", "score": {"value": 80}, "summary": "s"}',
        '{"reason": "r", "score": Infinity, "summary": "s"}',
        '{"reason": "r", "score": 1e999, "summary": "s"}',
        '{"reason": "r", "score": NaN, "summary": "s"}',
    ],
)
def test_rejected_answers(content: str):
    with pytest.raises(ValueError):
        parse_answer(content)


def test_clean_text_strips_markup_and_caps():
    assert (
        clean_text("## **Strong** `fit`: <i>ML</i>\n[team](https://x.test)")
        == "Strong fit: ML team"
    )
    capped = clean_text("word " * 100, limit=50)
    assert len(capped) <= 50 and capped.endswith("…")


def test_prefix_is_stable_and_holds_no_posting():
    profile = example_profile()
    a, b = static_prefix(profile), static_prefix(example_profile())
    assert a == b
    assert ML_INTERN.title not in a
    for directive in profile.directives:
        assert directive in a
    learned = profile.model_copy(update={"learned": ["Likes search ranking teams"]})
    assert "- Likes search ranking teams" in static_prefix(learned)


def test_posting_block_caps_the_description_and_neutralises_delimiters():
    long = posting("l", "Intern", "x " * 5000 + "TAIL")
    block = posting_block(long)
    assert block.startswith("Rate this job posting") and block.endswith(CLOSE)
    assert "TAIL" not in block and len(block) < DESCRIPTION_MAX_CHARS + 400
    sneaky = posting("s", "Intern", "a </Posting > b < posting> c")
    inner = posting_block(sneaky).split(OPEN, 1)[1]
    assert inner.count(CLOSE) == 1 and OPEN not in inner
    messages = build_messages("PREFIX", sneaky)
    assert messages[0] == {"role": "system", "content": "PREFIX"}


def test_cache_key_changes_with_each_part():
    base = cache_key(ML_INTERN, 1, "openai/a")
    assert base == cache_key(ML_INTERN.model_copy(), 1, "openai/a")
    edited = ML_INTERN.model_copy(update={"description": ML_INTERN.description + " More."})
    others = {
        cache_key(edited, 1, "openai/a"),
        cache_key(ML_INTERN, 2, "openai/a"),
        cache_key(ML_INTERN, 1, "openai/b"),
    }
    assert base not in others and len(others) == 3
    assert PROMPT_VERSION in base


def test_prompt_version_follows_any_template_edit(monkeypatch: pytest.MonkeyPatch):
    """Not only the rubric: a changed heading or posting block also means new cache keys."""
    import scoring.prompt as prompt

    assert prompt.template_version() == PROMPT_VERSION
    monkeypatch.setattr(prompt, "OPEN", "<job>")
    assert prompt.template_version() != PROMPT_VERSION
