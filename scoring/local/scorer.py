"""The local scorer: free, deterministic, offline. The scorer with no LLM, and the prefilter always.

How a posting is rated (score points, clamped to 1-100; 0 is kept for filter vetoes):

- The profile is read once (`scoring.local.reading`): wanted and avoided *fields* of work, employer
  kinds and named employers, places, level and eligibility, and weighted plain words.
- **Field fit** carries most of the score: the posting's fields (from its title; failing that
  its description; an employer's kind suggests one too: a trading firm's developer is near
  quant work) against the wanted fields through `scoring.local.fields.affinity`. Same field: ~80
  points; a near one (a generic software internship for a frontend seeker): the 50s;
  off-field: the 20s. A profile that names no known field falls back to words alone.
- **Words** add up to ~12 points: BM25-style matching of the profile's own words, a title hit
  counting far more than the description; a static IDF prior so everyday words count little
  and the same posting always gets the same score whatever else was scraped.
- **Employer**: a wanted kind (trading firm, bank, defense contractor …) adds, an avoided kind
  or a named employer the person avoids takes away; unknown employers are neutral.
- **Against**: an avoided field in the title, avoided words, "generic software" when that is
  all the posting is, a place outside the person's country, a level or eligibility clash
  ("needs visa sponsorship" vs "Does Not Offer Sponsorship").
- **Place**: a wanted city/state/region, or remote where remote suits.
- Rules: the wanted employment type, seniority words in the title.
- Feedback: `LearnedWeights` terms/companies/locations add their (already capped) points.
- A filter veto (`scoring.filters.veto`) makes the score 0, whatever matched.
"""

from __future__ import annotations

import math
import re
from collections import Counter

from scoring.filters import veto
from scoring.learning import learned_nudge
from scoring.local.employers import KIND_FIELDS, as_noun, kinds_of
from scoring.local.fields import affinity, field_spans, fields_of_tokens, label
from scoring.local.reading import STOP, Reading, Term, read
from scoring.models import LOCAL_SCORER, LearnedWeights, Score
from scoring.profile import Profile
from scrapers.dedup import normalise_company
from scrapers.postings.kinds import employment_from_title
from scrapers.postings.places import where
from scrapers.postings.posting import Posting
from scrapers.postings.text import cut, plain_line
from scrapers.postings.words import tokens

__all__ = ["LocalScorer", "inferred_type", "summarise", "tokens"]

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
_SENIOR_TITLE = frozenset(
    "senior staff principal lead manager director head vp chief architect".split()
)
_JUNIOR_LEVELS = frozenset({"internship", "entry"})
# What a posting says about who may apply (matched on folded text).
_NO_SPONSOR = re.compile(
    r"does not offer sponsorship|no (visa )?sponsorship|not (able to )?(offer|provide) "
    r"(visa )?sponsorship|without (visa )?sponsorship|u\.?s\.? citizens? only|"
    r"citizenship (is )?required|must be a u\.?s\.? citizen|us citizenship required"
)
_CITIZENS_ONLY = re.compile(r"citizens? only|citizenship (is )?required|must be a u\.?s\.? citizen")
_CLEARANCE = re.compile(r"\bclearance\b|\bts/sci\b|\btop secret\b|\bsecret clearance\b")
_WORD_AS_WRITTEN = re.compile(r"[A-Za-z0-9+#]+(?:\.(?:js|net|io|ai))?")
# How strongly an employer's kind says what a job there is about (a title's field is 1): a
# trading firm's developer is near quant work. Measured on both ranking sets: 0.6 beat 0.45-0.5,
# and limiting it to titles of a tech family did not help.
EMPLOYER_HINT = 0.6
_ELIGIBILITY_WORDS = frozenset({"sponsorship", "citizen", "citizenship", "clearance", "secret"})
_PHD = frozenset({"phd", "doctoral", "doctorate"})
_MASTERS = frozenset({"ms", "master", "msc", "meng", "mba", "graduate"})
_UNDERGRAD = frozenset({"bs", "ba", "bachelor", "undergraduate", "undergrad", "bsc"})


class _Doc:
    """A posting's text, tokenised once for every term lookup."""

    __slots__ = ("counts", "joined", "length", "text", "toks")

    def __init__(self, text: str) -> None:
        toks = tokens(text)
        self.text = text
        self.toks = toks
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


# Spellings that are also everyday words: counted only as written for the technical sense
# ("Go" the language, not "go to market").
_CASED: dict[str, re.Pattern[str]] = {
    "go": re.compile(r"\bGo\b(?!\s+(?:to|ahead|live|beyond|further|above|far)\b)"),
}


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
    """The employment type, from the posting or (failing that) its title, read with words
    split as a reader would ("Software Engineer Intern-SRE" is an internship)."""
    if posting.employment_type:
        return posting.employment_type
    return employment_from_title(" ".join(tokens(posting.title)))


class LocalScorer:
    """Rates postings 0-100 against a profile, explaining what matched and what did not."""

    def __init__(self, profile: Profile, learned: LearnedWeights | None = None) -> None:
        self.profile = profile
        self.learned = learned or LearnedWeights()
        self.reading: Reading = read(profile)
        self.wanted, self.unwanted = self.reading.wanted, self.reading.unwanted
        f = profile.filters
        if f.employment_types:  # the employment-type rule judges this, not word matching
            self.wanted = [t for t in self.wanted if t.name.lower() not in ("internship", "intern")]
        self.junior_only = bool(f.levels) and set(f.levels) <= _JUNIOR_LEVELS
        # Words that name a wanted or avoided field are judged by the field rules.
        self._body_cache: dict[str, _Doc] = {}

    def score(self, posting: Posting) -> Score:
        """A deterministic verdict; a filter veto gives 0 with the veto as the reason."""
        why = veto(posting, self.profile.filters)
        if why:
            return self._verdict(posting, 0, f"Ruled out by your filters: {why}.")
        r = self.reading
        title = _Doc(posting.title)
        body = _Doc(posting.description[:3000])
        matched: list[str] = []  # what the reason says matched, most telling first
        against: list[str] = []
        notes: list[str] = []

        # Words: the profile's own words in the title and description.
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

        company = posting.real_employer or posting.company
        kinds = kinds_of(company)
        # Words alone, with diminishing returns: relevance 3 -> ~+23, 6 -> ~+37, 12 -> ~+50.
        by_words = 28.0 + 58.0 * (1.0 - math.exp(-relevance / 7.0))
        if r.fields:
            points = self._field_points(title, body, kinds, matched, against)
            points += 12.0 * (1.0 - math.exp(-relevance / 6.0))
            # Fields named only in a skills list or background ("… wildlife conservation;
            # strong in data analysis") leave the rest to the words.
            sure = r.field_certainty
            points = sure * points + (1.0 - sure) * by_words
        else:
            points = by_words
        words = in_title + [n for _g, n in sorted(in_body, key=lambda gn: (-gn[0], gn[1]))]
        matched.extend(w for w in words if w.lower() not in {m.lower() for m in matched})

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
        points -= min(penalty, 32.0)

        points += self._employer(company, kinds, notes, against)
        points += self._place(posting, notes, against)
        points += self._eligibility(posting, title, body, notes, against)
        points += self._rules(posting, title, notes, against)
        points += self._learned(posting, notes, against)

        score = max(1, min(100, round(points)))
        return self._verdict(posting, score, _reason(matched, notes, against))

    # -- parts ------------------------------------------------------------------------------
    def _field_points(
        self,
        title: _Doc,
        body: _Doc,
        kinds: tuple[str, ...],
        matched: list[str],
        against: list[str],
    ) -> float:
        """Points for how near the posting's field is to the wanted ones (15-80), less what
        an avoided field costs."""
        r = self.reading
        found: dict[str, float] = dict.fromkeys(fields_of_tokens(title.toks), 1.0)
        if not found and body.length:
            counts = Counter(fields_of_tokens(body.toks))
            for key in list(counts)[:3]:
                found[key] = 0.6
        for kind in kinds:
            key = KIND_FIELDS.get(kind)
            if key:
                found[key] = max(found.get(key, 0.0), EMPLOYER_HINT)
        best, best_field = 0.0, ""
        for want, ww in r.fields.items():
            for key, strength in found.items():
                fit = affinity(want, key) * strength * ww
                if fit > best:
                    best, best_field = fit, key
        if not found:
            best = 0.2  # a title that names no field ("Summer Intern"): unknown, not off-field
        elif best_field and best >= 0.7:
            matched.append(label(best_field))
        points = 15.0 + 65.0 * best
        # Avoided fields count against, as strongly as the posting is in them.
        worst, worst_field = 0.0, ""
        hits: list[str] = []
        for key, strength in found.items():
            for avoid, aw in r.avoid_fields.items():
                # Only the avoided field and its close neighbours: "no IT support" says
                # nothing against a software or platform role.
                near = affinity(avoid, key)
                hit = near * strength * aw
                if near > 0.5 and hit >= 0.2:
                    hits.append(key)
                    if hit > worst:
                        worst, worst_field = hit, key
        if worst_field:
            points -= 40.0 * worst
            against.append(_said_no(title.text, title.toks, hits, kinds))
        elif r.avoid_generic and found and set(found) <= r.avoid_generic:
            points -= 8.0
            against.append("generic software role")
        return points

    def _employer(
        self, company: str, kinds: tuple[str, ...], notes: list[str], against: list[str]
    ) -> float:
        r = self.reading
        points = 0.0
        named = r.companies.get(normalise_company(company)) if r.companies else None
        if named:
            points += 15.0 * named
            if named > 0:
                notes.append(f"you named {company}")
            else:
                against.append(f"{company} (you avoid it)")
        liked = max((r.kinds.get(k, 0.0) for k in kinds), default=0.0)
        disliked = max((r.avoid_kinds.get(k, 0.0) for k in kinds), default=0.0)
        if liked:
            kind = next(k for k in kinds if r.kinds.get(k, 0.0) == liked)
            points += 16.0 * liked
            notes.append(f"{company} is {as_noun(kind)}")
        if disliked:
            kind = next(k for k in kinds if r.avoid_kinds.get(k, 0.0) == disliked)
            points -= 30.0 * disliked
            against.append(f"{company} is {as_noun(kind)}")
        return points

    def _place(self, posting: Posting, notes: list[str], against: list[str]) -> float:
        r = self.reading
        if not posting.location.strip() and posting.remote is None:
            return 0.0
        w = where(posting.location)
        remote = w.remote or bool(posting.remote)
        for area in r.avoid_places:
            if area.contains(w):
                against.append(f"in {area.label}")
                return -15.0
        for area in r.places:
            if area.kind != "country" and area.contains(w):
                notes.append(f"in {area.label}")
                return 6.0
        if remote and r.onsite_only:
            against.append("remote")
            return -6.0
        if remote and r.remote_ok and (not w.countries or not r.home or w.countries & r.home):
            notes.append("remote")
            return 4.0
        if r.home and w.countries and not (w.countries & r.home):
            against.append("outside " + _country_words(r.home))
            return -10.0
        return 0.0

    def _eligibility(
        self, posting: Posting, title: _Doc, body: _Doc, notes: list[str], against: list[str]
    ) -> float:
        r = self.reading
        points = 0.0
        # Only a profile that states its eligibility is checked, and only a posting that uses
        # the words (token lookups first: the regexes read long descriptions).
        if r.needs_visa or r.citizen or r.clearance_ok:
            said = title.counts.keys() | body.counts.keys()
            text = ""
            if said & _ELIGIBILITY_WORDS:
                text = (posting.title + "\n" + posting.description[:3000]).lower()
            if r.needs_visa and text and _NO_SPONSOR.search(text):
                points -= 30.0
                against.append("no visa sponsorship")
            if text and _CLEARANCE.search(text):
                if r.clearance_ok or r.citizen:
                    points += 3.0
                    notes.append("clearance suits you")
                elif r.needs_visa:
                    points -= 25.0
                    against.append("needs a clearance")
            elif r.needs_visa and text and _CITIZENS_ONLY.search(text):
                points -= 20.0
                against.append("citizens only")
        # Level: a PhD-only role is a stretch for an undergraduate, and so on.
        words = title.counts
        if r.levels and (words.keys() & (_PHD | _MASTERS | _UNDERGRAD)):
            posted = set()
            if words.keys() & _PHD:
                posted.add("phd")
            if words.keys() & _MASTERS:
                posted.add("masters")
            if words.keys() & _UNDERGRAD:
                posted.add("undergrad")
            if not posted & r.levels and not ("new grad" in r.levels and "undergrad" in posted):
                if "undergrad" in r.levels and posted == {"phd"}:
                    points -= 14.0
                else:
                    points -= 7.0
                against.append("level " + "/".join(sorted(posted)))
        return points

    def _rules(self, posting: Posting, title: _Doc, notes: list[str], against: list[str]) -> float:
        f = self.profile.filters
        points = 0.0
        kind = inferred_type(posting)
        if f.employment_types and kind:
            if kind == f.employment_types[0]:
                points += 4.0
                notes.append(kind)
            elif kind in f.employment_types:
                points += 1.0
            else:
                points -= 15.0
                against.append(kind)
        seniors = [w for w in _SENIOR_TITLE if title.counts.get(w)]
        if self.junior_only and seniors:
            points -= 25.0
            against.append(f"{sorted(seniors)[0]} level")
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


def _said_no(title: str, toks: list[str], keys: list[str], kinds: tuple[str, ...]) -> str:
    """The posting's own words for the avoided fields it is in ("Firmware, Test in the
    title"), or the field and employer when only the employer says it."""
    shown = _WORD_AS_WRITTEN.findall(title)
    if len(shown) != len(toks):  # a join ("Co-Op") shifted the words: show our spelling
        shown = toks
    words = [" ".join(shown[a:b]) for key, a, b in field_spans(toks) if key in keys]
    if words:
        return ", ".join(dict.fromkeys(words)) + " in the title"
    return f"{label(keys[0])} (the employer is {as_noun(kinds[0])})" if kinds else label(keys[0])


def _country_words(codes: frozenset[str]) -> str:
    names = {"us": "the US", "gb": "the UK", "ca": "Canada"}
    return " / ".join(names.get(c, c.upper()) for c in sorted(codes))


def _reason(matched: list[str], notes: list[str], against: list[str]) -> str:
    parts: list[str] = []
    if matched:
        parts.append("Matches " + ", ".join(dict.fromkeys(matched[:5])))
    else:
        parts.append("Little overlap with your profile")
    parts.extend(dict.fromkeys(notes))
    text = "; ".join(parts)
    if against:
        text += ". Against: " + ", ".join(list(dict.fromkeys(against))[:3])
    return cut(text, 239) + "."


_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_ROLE_CUE = re.compile(
    r"\b(you will|you'll|you’ll|as an? |this role|the role|intern|we are looking|we're looking|"
    r"responsib|join)",
    re.I,
)


def summarise(posting: Posting, limit: int = 400) -> str:
    """One sentence from the description (or the title when there is none), whole: a
    message cuts it for display, an export keeps it (only a run-on past `limit` is cut).

    Prefers an early sentence that talks about the role over company boilerplate."""
    text = plain_line(posting.description[:2000])
    if not text:
        return f"{posting.title} at {posting.company}."
    sentences = [s for s in _SENTENCE.split(text)[:8] if len(s) >= 25] or [text]
    title_words = {t for t in tokens(posting.title) if t not in STOP and len(t) > 2}
    chosen = sentences[0]
    for s in sentences:
        if _ROLE_CUE.search(s) or title_words & set(tokens(s)):
            chosen = s
            break
    return cut(chosen, limit)
