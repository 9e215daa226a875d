"""The local scorer: free, deterministic, offline. The scorer with no LLM, and the prefilter always.

How a posting is rated (all in score points, clamped to 0-100):

- The profile's own words (about, directives, learned lines) become weighted *wanted* and
  *unwanted* terms. Sentences with a negative cue ("not interested in", "avoid", "nothing")
  feed the unwanted side. Known concepts are matched through their synonyms ("ML" is
  "machine learning"); phrases the user names in an "interested in" sentence weigh more
  than a skills list.
- Matching is BM25-style: a term's weight is its profile weight times a static IDF prior
  (words every posting uses, like "software" or "team", count little), times a saturating
  term frequency. A hit in the title counts far more than one in the description, because
  the title says what the job is. The summed relevance maps onto points with diminishing
  returns, so ten weak matches never beat a strong title match by much.
- Rules: the wanted employment type, seniority words in the title, location.
- Feedback: `LearnedWeights` terms/companies/locations add their (already capped) points.
- A filter veto (`scoring.filters.veto`) makes the score 0, whatever matched.

The IDF prior is static rather than fitted on the batch so a posting's score does not depend
on what else was scraped that day: the same posting and profile always give the same score.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from scoring.filters import location_ok, veto
from scoring.learning import learned_nudge
from scoring.models import LOCAL_SCORER, LearnedWeights, Score
from scoring.profile import Profile
from scoring.text import plain_line
from scrapers.models import Posting
from scrapers.text import cut

# Canonical concept -> spellings that mean the same thing (matched after normalisation).
SYNONYMS: dict[str, tuple[str, ...]] = {
    "machine learning": ("machine learning", "ml", "ai/ml", "ml/ai", "applied ml"),
    "artificial intelligence": ("artificial intelligence", "ai"),
    "deep learning": ("deep learning", "neural networks", "neural network"),
    "recommender systems": (
        "recommender systems",
        "recommendation systems",
        "recommendation engine",
        "recommendations",
        "recommender",
        "recsys",
        "personalization",
        "personalisation",
    ),
    "ranking": ("ranking", "search ranking", "learning to rank", "relevance"),
    "ml infrastructure": ("ml infrastructure", "ml infra", "mlops", "ml platform", "ml systems"),
    "backend": ("backend", "back-end", "back end", "server-side", "backend services"),
    "frontend": ("frontend", "front-end", "front end"),
    "full stack": ("full stack", "full-stack", "fullstack"),
    "distributed systems": ("distributed systems",),
    "data pipelines": ("data pipelines", "etl", "data pipeline"),
    "data science": ("data science", "data scientist"),
    "computer vision": ("computer vision", "cv"),
    "natural language processing": ("natural language processing", "nlp"),
    "large language models": ("large language models", "llm", "llms", "genai", "generative ai"),
    "kubernetes": ("kubernetes", "k8s"),
    "postgres": ("postgres", "postgresql"),
    "golang": ("golang", "go"),
    "javascript": ("javascript", "js"),
    "typescript": ("typescript", "ts"),
    "firmware": ("firmware", "embedded", "embedded systems", "microcontroller", "rtos"),
    "hardware": ("hardware", "pcb", "electrical engineering", "asic", "fpga", "circuit"),
    "test": ("test", "testing", "qa", "quality assurance", "validation", "test engineer"),
    "new grad": ("new grad", "new-grad", "new graduate", "university graduate", "early career"),
    "internship": ("internship", "intern", "co-op", "coop"),
    "remote": ("remote", "work from home", "wfh"),
}

# Words so common in postings (or in profiles) that they say nothing about fit.
_STOP = frozenset(
    """a about also am an and any are as at be been but by can do for from get has have i
    im in into is it its just like looking me more most my not of on or our over so some
    such than that the their them then there these they this to too us very was we were
    what when where which who will with within would you your interested want wants role
    roles work working job jobs summer spring fall winter year years junior senior student
    students skill skills prefer preferred only nothing position positions location
    locations based opportunity cs ideally especially really mostly mainly etc
    """.split()
)
# Static IDF prior: how little a match on an everyday posting word says (1.0 = full weight).
_COMMON: dict[str, float] = dict.fromkeys(
    "software engineer engineering developer development team data system design product "
    "build code coding program programming technology tech computer science".split(),
    0.35,
) | dict.fromkeys(
    "python java sql cloud api service platform application backend internship intern "
    "analytic research new grad infrastructure".split(),
    0.7,
)
_NEGATIVE_CUE = re.compile(
    r"\b(not interested|no interest|avoid|nothing|don't|dont|do not|dislike|never|not into|"
    r"no (?=\w))"
)
_INTEREST_CUE = re.compile(
    r"\b(interested in|passionate|focus|love|excited|want to work|looking for)"
)
# Sentence ends, blank lines and list bullets; a plain line break is just wrapped text.
_SENTENCES = re.compile(r"[.;!?]+(?:\s+|$)|\n\s*\n|\n\s*(?=[-*•]\s)")
_SKILL_CUE = re.compile(r"\b(skills?|stack|experience with|tools?|languages?)\b")
_SENIOR_TITLE = frozenset(
    "senior sr sr. staff principal lead manager director head vp chief architect".split()
)
_JUNIOR_LEVELS = frozenset({"internship", "entry"})

_TOKEN = re.compile(r"[a-z0-9+#]+(?:[.\-'][a-z0-9+#]+)*")
_TOKEN_ANY_CASE = re.compile(_TOKEN.pattern, re.I)
_NORM_CACHE: dict[str, str] = {}


def _norm(tok: str) -> str:
    """Light, consistent stemming: drop a possessive and a plural 's'."""
    n = _NORM_CACHE.get(tok)
    if n is None:
        n = tok[:-2] if tok.endswith("'s") else tok
        if len(n) > 4 and n.isalpha() and n.endswith("s") and not n.endswith(("ss", "us", "is")):
            n = n[:-1]
        if len(_NORM_CACHE) < 200_000:
            _NORM_CACHE[tok] = n
    return n


def tokens(text: str) -> list[str]:
    """Normalised word tokens of a text ("AI/ML" -> ["ai", "ml"])."""
    raw = _TOKEN.findall(text.lower())
    out = list(map(_NORM_CACHE.get, raw))  # the hot path: C-level lookups of known tokens
    if None in out:
        out = [n if n is not None else _norm(t) for n, t in zip(out, raw, strict=True)]
    return out


def _phrase(text: str) -> str:
    return " ".join(tokens(text))


# Normalised spelling -> canonical concept, longest spellings first so they win.
_SPELLINGS: list[tuple[str, str]] = sorted(
    {(_phrase(s), canon) for canon, spells in SYNONYMS.items() for s in spells},
    key=lambda sc: (-len(sc[0]), sc[0]),
)


@dataclass(frozen=True)
class Term:
    """One thing the profile asks for (or against): a concept or a plain word."""

    name: str  # what the reason shows
    spellings: tuple[str, ...]  # normalised phrases; one-word ones are looked up as tokens
    weight: float


# Spellings that are also everyday words: counted only as written for the technical sense
# ("Go" the language, not "go to market").
_CASED: dict[str, re.Pattern[str]] = {
    "go": re.compile(r"\bGo\b(?!\s+(?:to|ahead|live|beyond|further|above|far)\b)"),
}


class _Doc:
    """A posting's text, tokenised once for every term lookup."""

    __slots__ = ("counts", "joined", "length", "text")

    def __init__(self, text: str) -> None:
        toks = tokens(text)
        self.text = text
        self.counts = Counter(toks)
        self.joined = " " + " ".join(toks) + " "
        self.length = len(toks)

    def tf(self, term: Term) -> int:
        best = 0
        for s in term.spellings:
            if " " in s:
                n = self.joined.count(f" {s} ")
            elif s in _CASED:
                n = len(_CASED[s].findall(self.text)) if s in self.counts else 0
            else:
                n = self.counts.get(s, 0)
            if n > best:
                best = n
        return best


def _extract_terms(profile: Profile) -> tuple[list[Term], list[Term]]:
    """(wanted, unwanted) terms from the user's own words and the learned lines."""
    wanted: dict[str, Term] = {}
    unwanted: dict[str, Term] = {}
    sources = [(profile.about, 1.0)]
    sources += [(d, 1.0) for d in profile.directives]
    sources += [(line, 0.8) for line in profile.learned]
    for text, base in sources:
        for sentence in _SENTENCES.split(text):
            low = sentence.lower()
            if not low.strip():
                continue
            target = unwanted if _NEGATIVE_CUE.search(low) else wanted
            if target is wanted and _INTEREST_CUE.search(low):
                weight = 2.0 * base
            elif _SKILL_CUE.search(low):
                weight = 0.8 * base  # a skills list: supporting evidence, not the role itself
            else:
                weight = 1.2 * base
            toks = tokens(sentence)
            joined = " " + " ".join(toks) + " "
            originals = _TOKEN_ANY_CASE.findall(sentence)  # for display case ("PyTorch")
            covered: set[int] = set()
            found: dict[str, tuple[int, str]] = {}  # concept -> (first position, user's words)
            # Concepts first: their words are then not counted again as plain words.
            for spelling, canon in _SPELLINGS:
                if f" {spelling} " not in joined:
                    continue
                words = spelling.split()
                for i in range(len(toks) - len(words) + 1):
                    if toks[i : i + len(words)] == words and i not in covered:
                        covered.update(range(i, i + len(words)))
                        shown = canon
                        if len(originals) == len(toks):  # the user's own spelling ("ML")
                            shown = " ".join(originals[i : i + len(words)])
                        if canon not in found or i < found[canon][0]:
                            found[canon] = (i, shown)
            interest = target is wanted and weight > 1.5
            ordered = sorted(found.items(), key=lambda item: item[1][0])
            for rank, (canon, (_pos, shown)) in enumerate(ordered):
                spells = tuple(sorted({_phrase(s) for s in SYNONYMS[canon]}))
                # People list what they care about most first: "interested in X, Y and Z".
                order = max(0.8, 1.25 - 0.1 * rank) if interest else 1.0
                _add(target, Term(shown, spells, weight * 1.3 * order))
            for i, tok in enumerate(toks):
                if i in covered or tok in _STOP or len(tok) < 2 or tok.isdigit():
                    continue
                name = originals[i] if i < len(originals) else tok
                _add(target, Term(name, (tok,), weight))
    # A term the user both wants and rules out ("no senior roles" vs "senior thesis") is dropped
    # from the unwanted side: the positive statement is the more specific one.
    for key in list(unwanted):
        if key in wanted:
            del unwanted[key]
    return list(wanted.values()), list(unwanted.values())


def _add(target: dict[str, Term], term: Term) -> None:
    key = " ".join(term.spellings)
    old = target.get(key)
    if old is None or old.weight < term.weight:
        target[key] = term


def _idf(term: Term) -> float:
    if len(term.spellings) > 1 or " " in term.spellings[0]:
        return 1.0
    return _COMMON.get(term.spellings[0], 1.0)


def _sat(tf: int, length: int, k1: float = 1.2, b: float = 0.5, avg: float = 400.0) -> float:
    """BM25 term-frequency saturation, normalised so tf -> infinity gives 1."""
    if tf <= 0:
        return 0.0
    norm = k1 * (1 - b + b * length / avg)
    return tf / (tf + norm)


def inferred_type(posting: Posting) -> str | None:
    """The employment type, from the posting or (failing that) its title."""
    if posting.employment_type:
        return posting.employment_type
    title = " " + " ".join(tokens(posting.title)) + " "
    if any(f" {w} " in title for w in ("intern", "internship", "co-op", "coop")):
        return "internship"
    return None


class LocalScorer:
    """Rates postings 0-100 against a profile, explaining what matched and what did not."""

    def __init__(self, profile: Profile, learned: LearnedWeights | None = None) -> None:
        self.profile = profile
        self.learned = learned or LearnedWeights()
        self.wanted, self.unwanted = _extract_terms(profile)
        f = profile.filters
        if f.employment_types:  # the employment-type rule judges this, not word matching
            self.wanted = [t for t in self.wanted if t.name != "internship"]
        self.junior_only = bool(f.levels) and set(f.levels) <= _JUNIOR_LEVELS

    def score(self, posting: Posting) -> Score:
        """A deterministic verdict; a filter veto gives 0 with the veto as the reason."""
        why = veto(posting, self.profile.filters)
        if why:
            return self._verdict(posting, 0, f"Ruled out by your filters: {why}.")
        title = _Doc(posting.title)
        body = _Doc(posting.description)
        relevance = 0.0
        in_title: list[str] = []
        in_body: list[tuple[float, str]] = []
        for term in self.wanted:
            t_tf = title.tf(term)
            b_tf = body.tf(term)
            if not (t_tf or b_tf):
                continue
            w = term.weight * _idf(term)
            gain = w * (2.5 * min(t_tf, 1) + _sat(b_tf, body.length))
            relevance += gain
            if t_tf:
                in_title.append(term.name)
            else:
                in_body.append((gain, term.name))
        # Diminishing returns: relevance 3 -> ~+23, 6 -> ~+37, 12 -> ~+50 points.
        points = 28.0 + 58.0 * (1.0 - math.exp(-relevance / 7.0))
        against: list[str] = []
        penalty = 0.0
        for term in self.unwanted:
            if title.tf(term):
                penalty += 18.0 * min(term.weight, 1.5)
                against.append(f"{term.name} in the title")
            else:
                b_tf = body.tf(term)
                if b_tf >= 2:
                    penalty += 12.0 * _sat(b_tf, body.length)
                    against.append(f"mentions {term.name}")
        points -= min(penalty, 32.0)  # clearly unwanted is enough; 0 is kept for vetoes

        notes: list[str] = []
        points += self._rules(posting, title, notes, against)
        points += self._learned(posting, notes, against)

        score = max(0, min(100, round(points)))
        matched = in_title + [n for _g, n in sorted(in_body, key=lambda gn: (-gn[0], gn[1]))]
        return self._verdict(posting, score, _reason(matched, len(in_title), notes, against))

    def _rules(self, posting: Posting, title: _Doc, notes: list[str], against: list[str]) -> float:
        f = self.profile.filters
        points = 0.0
        kind = inferred_type(posting)
        if f.employment_types and kind:
            if kind == f.employment_types[0]:
                points += 6.0
                notes.append(kind)
            elif kind in f.employment_types:
                points += 2.0
            else:
                points -= 15.0
                against.append(kind)
        seniors = [w for w in _SENIOR_TITLE if title.counts.get(w)]
        if self.junior_only and seniors:
            points -= 25.0
            against.append(f"{sorted(seniors)[0]} level")
        if f.locations and posting.location.strip() and location_ok(posting, f.locations):
            points += 2.0
        return points

    def _learned(self, posting: Posting, notes: list[str], against: list[str]) -> float:
        # One implementation of the learned weights, next to the code that learns them, so
        # both tokenise alike; lifts and penalties are capped separately there.
        nudge, cites = learned_nudge(self.learned, posting)
        for note in cites:
            (notes if note.startswith("you liked") else against).append(note)
        return nudge

    def _verdict(self, posting: Posting, score: int, reason: str) -> Score:
        return Score(
            posting_key=posting.key,
            score=score,
            reason=reason,
            summary=summarise(posting),
            scorer=LOCAL_SCORER,
            profile_version=self.profile.version,
        )


def _reason(matched: list[str], n_title: int, notes: list[str], against: list[str]) -> str:
    parts: list[str] = []
    if n_title:
        parts.append("Title matches " + ", ".join(matched[: min(n_title, 3)]))
        rest = matched[n_title:][:4]
        if rest:
            parts.append("also " + ", ".join(rest))
    elif matched:
        parts.append("Matches " + ", ".join(matched[:5]))
    else:
        parts.append("Little overlap with your profile")
    parts.extend(notes)
    text = "; ".join(parts)
    if against:
        text += ". Against: " + ", ".join(dict.fromkeys(against[:3]))
    return text[:240] + "."


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ROLE_CUE = re.compile(
    r"\b(you will|you'll|you’ll|as an? |this role|the role|intern|we are looking|we're looking|"
    r"responsib|join)",
    re.I,
)


def summarise(posting: Posting, limit: int = 160) -> str:
    """One sentence from the description (or the title when there is none).

    Prefers an early sentence that talks about the role over company boilerplate."""
    text = plain_line(posting.description[:2000])
    if not text:
        return f"{posting.title} at {posting.company}."
    sentences = [s for s in _SENTENCE.split(text)[:8] if len(s) >= 25] or [text]
    title_words = {t for t in tokens(posting.title) if t not in _STOP and len(t) > 2}
    chosen = sentences[0]
    for s in sentences:
        if _ROLE_CUE.search(s) or title_words & set(tokens(s)):
            chosen = s
            break
    return cut(chosen, limit)
