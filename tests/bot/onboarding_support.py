"""What the fake LLM answers to onboarding's draft request (the scoring requests of a first
run still get the fake's keyword scores)."""

from __future__ import annotations

import json
from typing import Any

from tests.fakes.llm import Reply, score_by_keywords

# What a model makes of the German CV in tests/bot/cv_files.py.
GERMAN_DRAFT = {
    "about": "Backend developer with three years of Python and Django, looking for a backend "
    "role in Munich or remote, in a small team.",
    "rules": ["Works in German and English.", "Not interested in agency work."],
    "search_keywords": ["backend developer", "python developer"],
    "places": ["Munich"],
    "remote": True,
    "commute_from": "",
    "levels": ["Associate", "entry level"],
    "employment_types": ["full time"],
    "blocked_companies": ["Beispiel GmbH"],
    "excluded_title_words": ["sales"],
}


def is_onboarding(body: dict[str, Any]) -> bool:
    return "set up a job seeker's profile" in body["messages"][0]["content"]


def material(body: dict[str, Any]) -> str:
    """The person's words as the model received them."""
    return body["messages"][-1]["content"]


def drafting_model(draft: dict[str, Any] | None = None) -> Any:
    """A responder: the given draft for onboarding requests, keyword scores for the rest."""

    def answer(body: dict[str, Any]) -> Reply | str:
        if is_onboarding(body):
            return json.dumps(draft or GERMAN_DRAFT)
        return score_by_keywords(body)

    return answer
