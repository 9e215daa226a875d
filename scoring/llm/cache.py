"""Cache keys for LLM verdicts: the same key is never paid for twice."""

from __future__ import annotations

from scoring.llm.prompt import PROMPT_VERSION
from scrapers.postings.posting import Posting


def cache_key(posting: Posting, profile_version: int, model: str) -> str:
    """A full score's key: (posting content hash, profile version, prompt version, model).

    A changed description, a new profile version, an edited prompt or another model each
    make a new key; a rerun with none of those changes finds every score it paid for."""
    return f"{posting.content_hash()}|v{profile_version}|{PROMPT_VERSION}|{model}"


def triage_key(posting: Posting, profile_version: int, model: str) -> str:
    """A triage score's key: the same parts as `cache_key`, in a space of its own."""
    return "triage|" + cache_key(posting, profile_version, model)
