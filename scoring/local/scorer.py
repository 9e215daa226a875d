"""The local scorer: free, deterministic, offline. The scorer with no LLM, and the prefilter always.

A posting is rated 1-100 (the run service applies the hard filters, `scoring.filters.veto`,
before scoring; this scorer scores what passed them) in three steps:

1. **Fit** - how much this is the kind of job the person wants, read once from their words
   (`scoring.local.reading`):
   - the posting's *fields* of work (from its title; from the role its description seeks when
     the title is a headline; from the description when the title names none; an employer's
     kind lends its field to the technical jobs there) against the wanted fields through
     `scoring.local.fields.affinity`: the same field ~80 points, a neighbour the 40s-60s, off
     the person's kind of work 5-20, ordered across families (desk work with data before a
     warehouse, a warehouse before a ward). A field the person rules out keeps a fifth of its
     fit ("pure X" / "X-only": only X, not its neighbours);
   - their own words, BM25-style, a title hit counting far more than the description, with a
     static IDF prior (the same posting scores the same whatever else was scraped), and the
     tools and subjects of their skills and background that the description asks for;
   - a wanted or avoided kind of employer, or an employer they name.
2. **Situation** - place (a wanted city and the distance from it, remote where remote suits,
   the country), level (`scoring.local.levels`: about a band of the rubric per step from
   their next step), employment type, a posting's demands ("Does Not Offer Sponsorship").
   These count in proportion to the fit: an off-field job is not nearer for being in the
   person's city, and strong matches keep their order as they approach 100.
3. **Caps**, the rubric's: a stated deal-breaker (`scoring.local.dealbreakers`) at 25, not
   being eligible (`scoring.local.eligibility`: work rights, sponsorship, clearance,
   licences, students only) at 15; within a cap the nearer job stays above the farther.

Feedback (`scoring.learning`: the fields, employers, places… that votes taught, applied in
`LocalScorer._learned` only) adds its points last, before the caps; a lift fills the room
below 100.
The reason names what matched and what counts against, in the person's terms ("in Coventry,
28 km from Birmingham", "needs US work rights — you don't have them").
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter

from scoring.learning import apply_learned
from scoring.local import dealbreakers
from scoring.local.eligibility import needs_of, verdict
from scoring.local.employers import KIND_FIELDS, as_noun, kinds_of
from scoring.local.fields import (
    affinity,
    family,
    field_spans,
    fields_of_tokens,
    label,
    role_title,
)
from scoring.local.levels import band_of, rung_of
from scoring.local.reading import STOP, Reading, Term, read
from scoring.models import LOCAL_SCORER, LearnedWeights, Score
from scoring.profile import Profile
from scrapers.dedup import normalise_company
from scrapers.postings.kinds import employment_from_title
from scrapers.postings.places import Where, country_label, where
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
# trading firm's developer is near quant work. Measured on the ranking sets: 0.6 beat 0.45-0.5;
# a job outside the tech and data families gets half of it (a security firm's marketer).
EMPLOYER_HINT = 0.6
_TECHNICAL = frozenset({"tech", "data"})
# How much a headline's fields count when the description names the role.
HEADLINE = 0.5
# Points at most for the tools and subjects of the person's skills and background that a
# description asks for (Java, Power BI, statistics): a few say the job is theirs.
SKILLS = 8.0
# The scale: an off-field job starts near FLOOR; a job in the wanted field near SURE_FIT, from
# where place, level and eligibility count in full; above TOP scores bunch towards 100; a
# capped job reaches its cap at FULL_FIT.
FLOOR = 5.0
SURE_FIT = 70.0
TOP = 85.0
FULL_FIT = 90.0
# The best the local scorer gives: 100 means a perfect match, which words cannot vouch for.
TOP_SCORE = 99
# A score from here up is one a person may be shown (the default min_score is 60): its reason
# must say why, never "little overlap".
SAYS_WHY_FROM = 40
_ELIGIBILITY_WORDS = frozenset({"sponsorship", "citizen", "citizenship", "clearance", "secret"})
_PHD = frozenset({"phd", "doctoral", "doctorate"})
_MASTERS = frozenset({"ms", "master", "msc", "meng", "mba", "graduate"})
_UNDERGRAD = frozenset({"bs", "ba", "bachelor", "undergraduate", "undergrad", "bsc"})


class _Doc:
    """A posting's text, tokenised once for every term lookup."""

    __slots__ = ("counts", "joined", "length", "text", "toks")

    def __init__(self, text: str, folded: str | None = None) -> None:
        toks = tokens(text if folded is None else folded)
        self.text = text  # as written: "Go" the language is told apart by its capital
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
        """A deterministic verdict on a posting that passed the hard filters (the run service
        applies them, once, before scoring)."""
        r = self.reading
        title = _Doc(posting.title)
        role = role_title(posting.title, posting.description)
        # A headline for a title: the role the description names decides the field.
        named = _Doc(role[: -len(posting.title) - 3]) if role != posting.title else title
        # The description folded once, for its words and for every rule that reads it.
        description = _folded(posting.description[:4000])
        body = _Doc(posting.description[:3000], _plain(description[:3000]))
        matched: list[str] = []  # what the reason says matched, most telling first
        against: list[str] = []
        notes: list[str] = []

        # Words: the profile's own words in the title and description.
        relevance = 0.0
        skills = 0
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
            if b_tf and term.weight < 1.0:
                skills += 1  # a tool or subject from their skills or background, asked here
            if t_tf:
                in_title.append(term.name)
            else:
                in_body.append((gain, term.name))

        company = posting.real_employer or posting.company
        kinds = kinds_of(company)
        # Words alone, with diminishing returns: relevance 3 -> ~29, 6 -> ~46, 12 -> ~63.
        by_words = FLOOR + 70.0 * (1.0 - math.exp(-relevance / 7.0))
        if r.fields:
            fit = self._field_points(title, named, body, kinds, matched, against)
            fit += 12.0 * (1.0 - math.exp(-relevance / 6.0))
            fit += SKILLS * (1.0 - math.exp(-skills / 2.5))
            # Fields named only in a skills list or background ("… wildlife conservation;
            # strong in data analysis") leave the rest to the words.
            sure = r.field_certainty
            fit = sure * fit + (1.0 - sure) * by_words
        else:
            fit = by_words
        words = in_title + [n for _g, n in sorted(in_body, key=lambda gn: (-gn[0], gn[1]))]
        # A field the reason names already says the title words that named it ("data
        # analysis" for "Data Analyst": not "data", "analyst" again).
        said = {m.lower() for m in matched}
        if matched:
            said |= {t for _k, a, b in field_spans(named.toks) for t in named.toks[a:b]}
        matched.extend(w for w in words if w.lower() not in said and not said >= set(tokens(w)))

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
        fit -= min(penalty, 32.0)
        fit += self._employer(company, kinds, notes, against)

        # Where, when and for whom: these move a job that fits by up to a band or two of the
        # rubric, and an off-field job hardly at all (a bookkeeper's job is no nearer for a
        # nurse because it is in her city).
        w = where(posting.location) if posting.location.strip() else Where()
        place, cap = self._place(posting, w, notes, against)
        situation = place
        situation += self._eligibility(posting, title, body, notes, against)
        situation += self._rules(posting, title, notes, against)
        situation += self._level(posting, notes, against)
        # A job off in place or level is off however many of the person's words it uses.
        fit = _soft_top(fit)
        points = fit + _weight_of(fit) * situation
        # The rubric's caps: a stated deal-breaker at 25, not being eligible at 15.
        text = _folded(posting.title) + "\n" + description
        cap = min(cap, self._caps(posting, w, company, text, against))
        points = self._learned(_soft_top(points), posting, notes, against)

        # 100 is kept for a perfect match, which words alone cannot vouch for (an LLM can).
        score = max(1, min(TOP_SCORE, round(points)))
        if cap < 100:
            # Within a cap the order stays: the nearer the job is to what the person wants,
            # the nearer it comes to the cap (a ruled-out nursing job above a ruled-out
            # bookkeeping one).
            score = max(1, min(score, round(cap * min(1.0, max(points, 0.0) / FULL_FIT))))
        if not matched and score >= SAYS_WHY_FROM:
            # A score worth showing says why, even when none of the person's words matched:
            # what the job is ("a site reliability role"), which is what the fit came from.
            kinds_here = fields_of_tokens(named.toks) or fields_of_tokens(body.toks[:300])
            if kinds_here:
                matched.append(f"a {label(min(kinds_here, key=kinds_here.__getitem__))} role")
        return self._verdict(posting, score, _reason(matched, notes, against))

    # -- parts ------------------------------------------------------------------------------
    def _field_points(
        self,
        title: _Doc,
        named: _Doc,
        body: _Doc,
        kinds: tuple[str, ...],
        matched: list[str],
        against: list[str],
    ) -> float:
        """Points for how near the posting's field is to the wanted ones (FLOOR to ~80), what
        an avoided field leaves of them."""
        r = self.reading
        found: dict[str, float] = dict.fromkeys(fields_of_tokens(named.toks), 1.0)
        headline: set[str] = set()  # what the product is about, not what the job is
        if named is not title:
            headline = set(fields_of_tokens(title.toks)) - set(found)
            found |= dict.fromkeys(headline, HEADLINE)
        if not found and body.length:
            # A title that names no field: what the description talks about most.
            counts = Counter(k for k, _a, _b in field_spans(body.toks)).most_common(3)
            for key, n in counts:
                found[key] = 0.6 * n / counts[0][1]
        # A technical job at a specialised employer builds what it does (a trading firm's
        # developer is near quant work); any other job there is half as near (its marketing
        # intern sells it), or as near as its own field.
        technical = not found or any(family(k) in _TECHNICAL for k in found)
        by_employer: set[str] = set()
        for kind in kinds:
            key = KIND_FIELDS.get(kind)
            if key:
                by_employer.add(key)
                near = max((affinity(key, k) for k in found), default=1.0)
                strength = EMPLOYER_HINT * (1.0 if technical else max(0.5, near))
                found[key] = max(found.get(key, 0.0), strength)
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
        # Avoided fields count against, as strongly as the posting is in them: what the person
        # rules out keeps little of its fit, but a ruled-out neighbour of their own field
        # still comes before a job they would never consider.
        worst, worst_field = 0.0, ""
        hits: list[str] = []
        for key, strength in found.items():
            if key in headline:
                continue
            # A neighbour of an avoided field counts against only when it is nearer to it than
            # to anything wanted: "no front-end-only roles" says nothing against a full-stack
            # or plain software role for a backend engineer; "no IT support" nothing against
            # a platform role.
            wanted_near = max((affinity(want, key) for want in r.fields), default=0.0)
            for avoid, aw in r.avoid_fields.items():
                near = affinity(avoid, key)
                same = family(key) == family(avoid) and family(key) not in _TECHNICAL
                if key in by_employer and same:
                    # "No finance roles": a job at a trading firm is one, whatever its title.
                    near = max(near, 0.85)
                hit = near * strength * aw
                if key != avoid and (near <= wanted_near + 0.15 or avoid in r.avoid_exact):
                    continue
                if near > 0.5 and hit >= 0.2:
                    hits.append(key)
                    if hit > worst:
                        worst, worst_field = hit, key
        # Concave: a neighbour's fit (0.4-0.7) lands in the rubric's "secondary" band.
        points = FLOOR + 75.0 * (best * (1.0 - 0.8 * min(1.0, worst))) ** 0.85
        if worst_field:
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

    def _place(
        self, posting: Posting, w: Where, notes: list[str], against: list[str]
    ) -> tuple[float, float]:
        """Points for where the job is, and a cap when the person cannot move there."""
        r = self.reading
        if not posting.location.strip() and posting.remote is None:
            return 0.0, 100.0
        km = r.commute_km
        remote = (w.remote or bool(posting.remote)) and posting.workplace != "hybrid"
        for area in r.avoid_places:
            if area.contains(w, km):
                against.append(f"in {area.label}")
                return -15.0, 100.0
        if remote:
            if r.onsite_only:
                against.append("remote")
                return -6.0, 100.0
            reach = w.hires_in
            mine = r.rights.countries or r.home
            if w.anywhere or (reach and mine and reach & mine):
                where_from = sorted(reach & mine) if reach and mine else []
                notes.append(
                    f"remote from {country_label(where_from[0])}" if where_from else "remote"
                )
                return (6.0 if r.remote_ok or not r.places else 3.0), 100.0
            if not reach:
                notes.append("remote")
                return (4.0 if r.remote_ok else 1.0), 100.0
        home = r.home_area
        for area in r.places:
            if area.kind != "country" and area.contains(w, km):
                d = area.km_to(w)
                if area.kind == "city" and d is not None and d > 5 and w.points:
                    near = min(
                        w.points, key=lambda p: 0 if area.point is None else _km(area.point, p)
                    )
                    notes.append(f"in {near.name}, {d:.0f} km from {area.label}")
                else:
                    notes.append(f"in {area.label}")
                return 8.0, 100.0
        if home is not None and home.centre() is not None and w.points:
            centre = home.centre()
            d = min(_km(centre, p) for p in w.points)
            if d <= km:
                notes.append(f"in {w.points[0].name}, {d:.0f} km from {home.label}")
                return 8.0, 100.0
            same_country = centre.country in w.countries
            if r.no_relocate and same_country:
                against.insert(
                    0, f"in {w.points[0].name}, {d:.0f} km from {home.label} — you can't relocate"
                )
                return -10.0, 25.0
            if r.place_required and same_country:
                against.append(f"in {w.points[0].name}, {d:.0f} km from {home.label}")
                return -18.0, 100.0
        elif r.place_required and w.countries & r.home and not w.points:
            return -4.0, 100.0  # "Canada": somewhere in the country, maybe near
        # With stated work rights, eligibility decides about other countries.
        elsewhere = not (w.countries & (r.home | r.rights.countries))
        if r.home and w.countries and elsewhere and not (r.rights.stated and r.strict):
            against.append("outside " + _country_words(r.home))
            return -10.0, 100.0
        return 0.0, 100.0

    def _caps(
        self, posting: Posting, w: Where, company: str, text: str, against: list[str]
    ) -> float:
        """The rubric's caps: not eligible (15), a stated deal-breaker (25)."""
        r = self.reading
        cap = 100.0
        countries = w.hires_in if (w.remote and w.hires_in) else w.countries
        # A remote job that hires only in some countries asks for work rights there.
        strict = r.strict or bool(w.remote and w.hires_in)
        v = verdict(r.rights, needs_of(text), countries, anywhere=w.anywhere, strict=strict)
        if v is not None:
            cap = v[0]
            against.insert(0, v[1])
        if r.dealbreakers:
            hit = dealbreakers.broken_by(
                r.dealbreakers, _folded(posting.title), _folded(company), text, posting.workplace
            )
            if hit is not None:
                label_, words = hit
                cap = min(cap, 25.0)
                against.insert(0, f"{words} — you ruled out {label_}")
        return cap

    def _level(self, posting: Posting, notes: list[str], against: list[str]) -> float:
        """The posting's rung against the person's next step (any profession)."""
        stage = self.reading.stage
        if stage.student and not stage.bands:
            return 0.0  # students: the internship rules below judge it
        rung = rung_of(posting.title, posting.seniority, posting.description)
        points, note = stage.fit(rung, band_of(posting.title, posting.description))
        if note:
            (notes if points > 0 else against).append(note)
        kind = inferred_type(posting)
        if self.reading.permanent and kind in ("contract", "temporary", "part-time"):
            points -= 8.0 if kind == "part-time" else 12.0
            against.append(kind)
        elif kind in ("contract", "temporary") and not self.reading.fixed_term_ok:
            # Someone looking for their next job, who did not say a contract would do.
            points -= 5.0
            against.append(kind)
        return points

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

    def _learned(
        self, points: float, posting: Posting, notes: list[str], against: list[str]
    ) -> float:
        # The one place learned lines apply (`scoring.learning.apply_learned`): they read
        # the posting's features as learning counted them, and a lift fills the room left
        # below 100 rather than piling every liked posting up at the ceiling.
        points, cites = apply_learned(self.learned, posting, points)
        for note in cites:
            (notes if note.startswith("you liked") else against).append(note)
        return points

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


def _weight_of(fit: float) -> float:
    """How much place, level and eligibility count for a job that fits this well (0.15-1)."""
    return min(1.0, max(0.15, fit / SURE_FIT))


def _soft_top(points: float) -> float:
    """Points above `TOP` count less and less, so strong matches keep their order below 100."""
    if points <= TOP:
        return points
    return TOP + (100.0 - TOP) * (1.0 - math.exp(-(points - TOP) / (100.0 - TOP)))


def _folded(text: str) -> str:
    """Lower case without accents, as `fold` gives it; plain ASCII (most postings, once their
    typographic quotes and dashes are plain) skips the work, and otherwise only the non-ASCII
    characters are looked at one by one."""
    if not text.isascii():
        for mark, plain in _TYPOGRAPHY:
            if mark in text:
                text = text.replace(mark, plain)
        if not text.isascii():
            text = _NON_ASCII.sub(_unmarked, unicodedata.normalize("NFKD", text))
    return text.lower()


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _unmarked(m: re.Match[str]) -> str:
    return "" if unicodedata.combining(m.group()) else m.group()


def _plain(folded: str) -> str:
    """Folded text with what is left outside ASCII (symbols, other scripts: never part of a
    word token) as a separator, so tokenising it takes the quick path."""
    return folded if folded.isascii() else _NON_ASCII.sub("\x01", folded)


# Typographic marks as plain ASCII (what folding leaves of them reads the same to every rule),
# and the accented letters most common in employers' names, so more texts take the quick path.
_TYPOGRAPHY = (("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"'), ("–", "-"), ("—", "-"),
               ("•", "*"), ("…", "..."), ("\xa0", " "), ("·", "*"), ("\u200b", ""),
               ("é", "e"), ("è", "e"))  # fmt: skip


def _km(a, b) -> float:
    from scrapers.postings.gazetteer import km_between

    return km_between(a, b)


def _country_words(codes: frozenset[str]) -> str:
    return " / ".join(country_label(c) for c in sorted(codes))


def _reason(matched: list[str], notes: list[str], against: list[str]) -> str:
    parts: list[str] = []
    if matched and matched[0].startswith("a ") and matched[0].endswith(" role"):
        parts.append(matched[0][0].upper() + matched[0][1:])  # what the job is (no word matched)
    elif matched:
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
        if _ROLE_CUE.search(s) or title_words & set(tokens(_plain(_folded(s)))):
            chosen = s
            break
    return cut(chosen, limit)
