"""The local scorer: free, deterministic, offline. The scorer with no LLM, and the prefilter always."""

from __future__ import annotations

import math
import re

from scoring.learning import learned_nudge
from scoring.models import LOCAL_SCORER, LearnedWeights, Score
from scoring.profile import Profile
from scrapers.models import Posting

# Canonical phrase -> spellings that mean the same thing.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "machine learning": ("machine learning", "ml", "ai/ml", "ml/ai"),
    "artificial intelligence": ("artificial intelligence", "ai"),
    "recommender systems": (
        "recommender systems",
        "recommender system",
        "recommendation systems",
        "recommendation system",
        "recommendations",
        "recsys",
        "recommender",
    ),
    "ranking": ("ranking", "search ranking", "learning to rank"),
    "backend": ("backend", "back-end", "back end", "server-side"),
    "ml infrastructure": ("ml infrastructure", "ml infra", "mlops", "ml platform"),
    "distributed systems": ("distributed systems", "distributed system"),
    "data pipelines": ("data pipelines", "data pipeline", "etl"),
    "kubernetes": ("kubernetes", "k8s"),
    "postgres": ("postgres", "postgresql"),
    "deep learning": ("deep learning", "neural networks", "neural network"),
    "firmware": ("firmware", "embedded"),
    "hardware": ("hardware", "pcb", "electrical"),
    "test": ("test", "qa", "quality assurance", "validation"),
}
_STOP = set(
    "a an and are as at be but by for from has have i in into is it its looking most my not of on or "
    "our so that the their this to we with you your interested want wants like roles role work summer "
    "year junior senior student students skills prefer only nothing within".split()
)
_TOKEN = re.compile(r"[a-z0-9+#][a-z0-9+#.\-/]*")


def _text(s: str) -> str:
    return " " + " ".join(_TOKEN.findall(s.lower())) + " "


def _profile_terms(profile: Profile) -> tuple[list[str], list[str]]:
    """(wanted terms, unwanted terms) from the user's own words."""
    about = profile.about + "\n" + "\n".join(profile.directives) + "\n" + "\n".join(profile.learned)
    wanted: list[str] = []
    unwanted: list[str] = []
    for sentence in re.split(r"[.\n;]+", about):
        negative = bool(
            re.search(r"\b(not interested|avoid|no |nothing|don't|dislike)", sentence.lower())
        )
        target = unwanted if negative else wanted
        text = _text(sentence)
        for canon, spellings in SYNONYMS.items():
            if any(f" {s} " in text for s in spellings) and canon not in target:
                target.append(canon)
        for tok in text.split():
            known = any(tok in s.split() for c in target for s in SYNONYMS.get(c, ()))
            if (
                tok not in _STOP
                and len(tok) > 1
                and not tok.isdigit()
                and tok not in target
                and not known
            ):
                target.append(tok)
    return wanted, [t for t in unwanted if t not in wanted]


def _count(term: str, text: str) -> int:
    return sum(text.count(f" {s} ") for s in SYNONYMS.get(term, (term,)))


class LocalScorer:
    """Rates postings 0-100 against a profile, explaining what matched and what did not."""

    def __init__(self, profile: Profile, learned: LearnedWeights | None = None) -> None:
        self.profile = profile
        self.learned = learned or LearnedWeights()
        self.wanted, self.unwanted = _profile_terms(profile)

    def score(self, posting: Posting) -> Score:
        title = _text(posting.title)
        body = _text(posting.description)
        points = 35.0
        matched: list[str] = []
        against: list[str] = []
        for term in self.wanted:
            in_title = _count(term, title)
            in_body = _count(term, body)
            if not (in_title or in_body):
                continue
            weight = 2.5 if " " in term else 1.0  # phrases say more than single words
            gain = weight * (6.0 * min(in_title, 1) + 3.0 * math.log1p(in_body))
            points += gain
            matched.append(term)
        for term in self.unwanted:
            if _count(term, title):
                points -= 25
                against.append(term)
            elif _count(term, body) >= 2:
                points -= 8
                against.append(term)
        f = self.profile.filters
        if f.employment_types and posting.employment_type:
            if posting.employment_type in f.employment_types[:1]:
                points += 8
            elif posting.employment_type not in f.employment_types:
                points -= 15
                against.append(posting.employment_type)
        # What votes taught: additive nudges (capped in total), and what the reason can cite.
        nudge, learned_notes = learned_nudge(self.learned, posting)
        points += nudge
        score = max(0, min(100, round(points)))
        return Score(
            posting_key=posting.key,
            score=score,
            reason=_reason(matched, against, learned_notes),
            summary=summarise(posting),
            scorer=LOCAL_SCORER,
            profile_version=self.profile.version,
        )


def _reason(matched: list[str], against: list[str], learned: list[str] | None = None) -> str:
    parts = []
    if matched:
        parts.append("Matches " + ", ".join(matched[:5]))
    else:
        parts.append("Little overlap with your profile")
    if against:
        parts.append("against: " + ", ".join(against[:3]))
    if learned:
        parts.append(", ".join(learned[:2]))
    return "; ".join(parts) + "."


def summarise(posting: Posting, limit: int = 160) -> str:
    """One sentence from the description (or the title when there is none)."""
    text = " ".join(posting.description.split())
    if not text:
        return f"{posting.title} at {posting.company}."
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(first) > limit:
        first = first[: limit - 1].rsplit(" ", 1)[0] + "…"
    return first
