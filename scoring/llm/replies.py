"""Reading the model's answers to scoring and triage: a JSON object `{"scores": [...]}` with
one entry per posting id. Lenient on form (a fence, prose around the object, "85", 85.0),
strict on content: an entry whose score is not a number from 0 to 100 is *invalid* — never
clamped — and is asked again or left unscored; ids we did not send are ignored.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict

from scrapers.postings.text import cut, plain_line

TEXT_MAX_CHARS = 200
_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)


# -- the schemas sent as `response_format` -----------------------------------------------------
class ScoredItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    reason: str
    score: int
    summary: str


class ScoringAnswer(BaseModel):
    """Full scoring: a score, a reason and a summary per posting."""

    model_config = ConfigDict(extra="forbid")

    scores: list[ScoredItem]


class TriageItem(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str
    score: int


class TriageAnswer(BaseModel):
    """Triage: only a score per posting."""

    model_config = ConfigDict(extra="forbid")

    scores: list[TriageItem]


# -- reading an answer -------------------------------------------------------------------------
@dataclass
class Verdict:
    score: int
    reason: str = ""
    summary: str = ""


@dataclass
class Parsed:
    """Valid verdicts by id; `invalid` are ids we sent whose entry was unusable (a nonsense
    score, no reason); ids we sent that are in neither were missing from the answer."""

    verdicts: dict[str, Verdict] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)  # id -> why


def clean_text(text: str, limit: int = TEXT_MAX_CHARS) -> str:
    """One plain line: markup stripped, whitespace collapsed, length capped."""
    return cut(plain_line(text), limit)


def valid_score(value: Any) -> int:
    """A 0–100 score from a number or numeric text ("85", 85.0, "85/100"); ValueError for
    anything else: null, a list, NaN, −3, 150 or 85.5 are not answers to clamp or round."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("score is not a number")
    if isinstance(value, str):
        value = value.strip().removesuffix("/100").strip()
    try:
        number = float(value)
    except ValueError:
        raise ValueError("score is not a number") from None
    if not math.isfinite(number) or number != int(number):
        raise ValueError("score is not a whole number")
    if not 0 <= number <= 100:
        raise ValueError(f"score {number:g} is outside 0-100")
    return int(number)


def _json_object(content: str) -> dict[str, Any]:
    text = content.strip()
    fence = _FENCE.search(text)
    if fence:
        text = fence.group(1).strip()
    if not text.startswith("{"):
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end < start:
            raise ValueError("no JSON object in the reply")
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"not JSON: {e}") from None
    if not isinstance(data, dict):
        raise ValueError("JSON is not an object")
    return {str(k).lower(): v for k, v in data.items()}


def parse_scores(content: str, ids: set[str], *, with_text: bool) -> Parsed:
    """The verdicts in a reply for the postings `ids`. `with_text` (full scoring) also needs a
    reason and a summary per entry. Raises ValueError when the reply is not a JSON object with
    a `scores` list at all (then nothing in it can be trusted)."""
    data = _json_object(content)
    entries = data.get("scores")
    if entries is None and "score" in data and len(ids) == 1:
        entries = [{**data, "id": next(iter(ids))}]  # a lone object for a batch of one
    if not isinstance(entries, list):
        raise ValueError("no 'scores' list in the reply")
    parsed = Parsed()
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        entry = {str(k).lower(): v for k, v in entry.items()}
        key = str(entry.get("id", "")).strip()
        if key not in ids or key in parsed.verdicts:
            continue  # an id we never sent, or a repeat: ignored
        try:
            verdict = Verdict(score=valid_score(entry.get("score")))
            if with_text:
                verdict.reason = _line(entry.get("reason"))
                verdict.summary = _line(entry.get("summary"))
        except ValueError as e:
            parsed.invalid[key] = str(e)
            continue
        parsed.verdicts[key] = verdict
        parsed.invalid.pop(key, None)
    return parsed


def _line(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("text missing")
    text = clean_text(value)
    if not text:
        raise ValueError("text empty")
    return text
