"""Cache keys for LLM scores: the same key is never paid for twice."""

from __future__ import annotations

from scoring.prompt import PROMPT_VERSION
from scrapers.models import Posting


def cache_key(posting: Posting, profile_version: int, model: str) -> str:
    """(posting content hash, profile version, prompt version, model) as one string.

    A changed description, a new profile version, an edited prompt or another model each
    make a new key; a rerun with none of those changes finds every score it paid for."""
    return f"{posting.content_hash()}|v{profile_version}|{PROMPT_VERSION}|{model}"
