"""Reading a profile as a recruiter would: what the person wants, what they do not, where,
for which employers, at what level and with what eligibility.

The text (about, directives, learned lines) is cut into clauses; each clause has a polarity:
"Not interested in …", "less interested in …", "… roles are a poor fit", "avoid …", "no …"
make it *against*, never for. From each clause come
- fields (`scoring.local.fields`: "frontend", "security", "quant" …) wanted or avoided;
- employer kinds (`scoring.local.employers`: "at a trading firm or bank", "avoids defense contractors");
- named employers ("avoids companies like Ravelin Systems" is about that one company, not
  about every posting with "Systems" in its title);
- places (`scrapers.postings.places`: regions, states, cities, countries; "remote in the US");
- eligibility ("US citizen", "can obtain a clearance", "needs visa sponsorship") and level
  ("Master's student", "PhD", "new grad");
- the remaining content words, weighted, for plain word matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scoring.local import dealbreakers
from scoring.local.eligibility import Rights, rights_of
from scoring.local.employers import kinds_named
from scoring.local.fields import field_spans, fields_of_tokens
from scoring.local.levels import STUDENT, Stage, stage_of
from scoring.profile import Profile
from scrapers.dedup import normalise_company
from scrapers.postings.places import Area, areas_in, country_of
from scrapers.postings.words import phrase, prepare, tokens

# Canonical concept -> spellings that mean the same thing (matched after normalisation); the
# plain-word side of matching, finer than fields ("recommender systems" within ML).
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
    "frontend": ("frontend", "front-end", "front end", "ui engineer", "user interface"),
    "full stack": ("full stack", "full-stack", "fullstack"),
    "distributed systems": ("distributed systems",),
    "data pipelines": ("data pipelines", "etl", "data pipeline"),
    "data science": ("data science", "data scientist"),
    "computer vision": ("computer vision", "cv"),
    "natural language processing": ("natural language processing", "nlp"),
    "large language models": ("large language models", "llm", "llms", "genai", "generative ai"),
    "kubernetes": ("kubernetes", "k8s"),
    "power bi": ("power bi", "powerbi"),
    "spring boot": ("spring boot",),
    "postgres": ("postgres", "postgresql"),
    "golang": ("golang", "go"),
    "javascript": ("javascript", "js"),
    "typescript": ("typescript", "ts"),
    "firmware": ("firmware", "embedded", "embedded systems", "microcontroller", "rtos"),
    "hardware": ("hardware", "pcb", "electrical engineering", "asic", "fpga", "circuit"),
    "test": ("test", "testing", "qa", "quality assurance", "validation", "test engineer"),
    "new grad": ("new grad", "new-grad", "new graduate", "university graduate", "early career"),
    "internship": ("internship", "intern", "co-op", "coop"),
    "quantitative": ("quantitative", "quant"),
    "trading": ("trading", "trader", "traders"),
    "security": ("security", "cybersecurity", "cyber security", "infosec"),
    "penetration testing": ("penetration testing", "pentest", "pentesting", "penetration tester"),
}

# Words so common in postings (or in profiles) that they say nothing about fit; "engineering"
# and "development" are the heads of role names whose field the field map reads.
STOP = frozenset(
    """a about also am an and any are as at be been but by can do for from get has have i
    im in into is it its just like looking me more most my not of on or our over so some
    such than that the their them then there these they this to too us very was were
    what when where which who will with within would you your interested want wants role
    roles work working job jobs summer spring fall winter year years junior senior student
    students skill skills prefer preferred prefers only nothing position positions location
    locations based opportunity cs ideally especially really mostly mainly etc strong fine
    less fit poor good great area areas welcome okay ok open happy anywhere else other
    avoid avoids avoided no none never dislike dislikes company companies firm firms
    studying study undergraduate graduate master phd degree bachelor citizen clearance
    obtain visa sponsorship need needs require requires remote internship intern coop
    engineer engineering developer development
    all both either team teams level levels mid entry site onsite on-site hybrid experience
    experienced since spent month months graduated one two three four five six seven eight
    nine ten twelve eighteen twenty half couple few several permanent contract full time part
    currently current now last first new next move moving step change hands hand lot lots
    kind kinds type types sort way ways day days week weeks people person good nice keen
    """.split()
)

_NEGATIVE_CUE = re.compile(
    r"\b(not interested|no interest|less interested|uninterested|not keen|avoids?|avoided|"
    r"won't|wont|will not|can't|cannot|can not|refuse|rule out|ruling out|ruled out|"
    r"not willing|unwilling|not open to|not authori[sz]ed|"
    r"nothing|don't|dont|do not|dislikes?|never|not into|rather not|steer clear|excluding|"
    r"exclude|skip|passes on|passed on|not a (good |great )?fit|(poor|bad|weak) fit|"
    r"not for me|hate|no (?=\w))|^\s*not\b"
)
_INTEREST_CUE = re.compile(
    r"\b(interested in|passionate|focus|love|excited|want to work|looking for|seeking|"
    r"want to (move|get|go|step) into|moving into|transition(ing)? (in)?to|"
    r"prefers?|aiming|hoping|would like)"
)
_BACKGROUND = re.compile(
    r"\b(student|studying|major|majoring|degree|graduate|undergraduate|junior|sophomore|senior)\b"
)
_PARENS = re.compile(r"\(([^()]*)\)")
_SKILL_CUE = re.compile(r"\b(skills?|stack|experience with|tools?|languages?|strong in|know)\b")
# Sentence ends, blank lines and list bullets; a plain line break is just wrapped text.
_SENTENCES = re.compile(r"[.;!?]+(?:\s+|$)|\n\s*\n|\n\s*(?=[-*•]\s)")
# A sentence turns at "but" / "except" / "however": "ML, but not firmware" is two clauses.
_TURNS = re.compile(r",?\s+\b(?:but|except|however|though|although|while)\b\s+|\s*;\s*|\s+[-–—]\s+")
# "can't relocate outside South-East Queensland": the place after "outside" is where they are.
_OUTSIDE = re.compile(r"\b(?:outside|beyond|away from)\s+(?:of\s+)?(?:the\s+)?([^,.;]+)", re.I)
# "at a software company": the kind of employer, not the field of the job.
_AT_A_KIND = re.compile(
    r"\b(?:at|with)\s+an?\s+(?:[\w-]+\s+){0,2}(?:company|companies|firm|employer|"
    r"organi[sz]ation|vendor|start-?up)\b",
    re.I,
)
_COMPANY_LIST = re.compile(
    r"\b(?i:compan(?:y|ies)|employers?|firms?)\s+(?i:like|such as|named|called)\s+(.+)$"
)
# "at Jane Street", "at Google or Meta": capitalised names after "at" (places and kinds of
# employer are told apart below).
_NAME = r"[A-Z][\w&.'’-]*(?:\s+(?:[A-Z][\w&.'’-]*|&|of))*"
_AT_NAMES = re.compile(rf"\bat\s+({_NAME}(?:\s*(?:,|/|\bor\b|\band\b)\s*{_NAME})*)")
_PREDICATE = re.compile(r"\s+(?:are|is|were|was|seem|seems|look|looks|would|feel|feels)\b.*$")
_NOT_NAMES = frozenset({"i", "us", "usa", "uk", "eu", "the", "a"})
_LEVELS = (
    ("phd", re.compile(r"\b(ph\.?d|doctoral|doctorate)\b")),
    ("masters", re.compile(r"\b(master'?s?|ms student|m\.s\.|graduate student|mba|meng)\b")),
    ("new grad", re.compile(r"\b(new grad|new-grad|recent graduate|recent grad|graduating)\b")),
    (
        "undergrad",
        re.compile(r"\b(undergrad\w*|bachelor'?s?|freshman|sophomore|junior|senior year)\b"),
    ),
)
_CITIZEN = re.compile(
    r"\b(u\.?s\.? citizen|us citizenship|american citizen|citizen of the (us|united states)|"
    r"green card|permanent resident|authori[sz]ed to work in the (us|united states))"
)
_NEEDS_VISA = re.compile(
    r"\b(need|needs|require|requires|requiring|will need)\s+(visa\s+)?sponsorship|"
    r"\binternational student\b|\bf-?1\b|\bopt\b|\bcpt\b|\bh-?1b\b|\bvisa sponsorship\b"
)
_NO_VISA_NEEDED = re.compile(r"\bno (visa )?sponsorship (needed|required)|\bdo(es)? not need")
_CLEARANCE_OK = re.compile(
    r"\b(can obtain|able to obtain|eligible for|hold|have|has|active)\b[^.;]{0,30}\bclearance"
)
_KIND_WORDS = re.compile(
    r"\b(defen[cs]e|government|federal|contractors?|hedge funds?|banks?|trading firms?|"
    r"firms?|compan(y|ies)|employers?|startups?|hospitals?|universit(y|ies)|big tech)\b",
    re.I,
)
# How much a clause's fields and employer kinds count, by the clause's weight: a stated
# interest, a plain statement, a skills list, background.
_STRENGTH = {2.0: 1.0, 1.2: 0.8, 0.8: 0.5, 0.6: 0.35}
_PURE = frozenset({"pure", "purely", "strictly", "solely", "just"})
_REMOTE = re.compile(r"\bremote\b|\bwork from home\b|\bwfh\b")
_ON_SITE_ONLY = re.compile(r"\b(no remote|not remote|on-?site only|in person only|in-person only)")


@dataclass(frozen=True)
class Term:
    """One thing the profile asks for (or against) in plain words: a concept or a word."""

    name: str  # what the reason shows
    spellings: tuple[str, ...]  # normalised phrases; one-word ones are looked up as tokens
    weight: float


@dataclass
class Reading:
    """What a profile says, read once per profile (see the module docstring)."""

    fields: dict[str, float] = field(default_factory=dict)  # wanted field -> weight (0-1)
    # How surely the fields say what is wanted: 1 when a stated interest names one, less when
    # they come only from a skills list or background (the words then carry more).
    field_certainty: float = 0.0
    avoid_fields: dict[str, float] = field(default_factory=dict)
    avoid_generic: set[str] = field(default_factory=set)  # "generic software development"
    # Avoided only as such ("front-end-only", "pure data science"): not their neighbours.
    avoid_exact: set[str] = field(default_factory=set)
    kinds: dict[str, float] = field(default_factory=dict)  # wanted employer kind -> weight
    avoid_kinds: dict[str, float] = field(default_factory=dict)
    companies: dict[str, float] = field(default_factory=dict)  # normalised name -> + / -
    places: list[Area] = field(default_factory=list)
    avoid_places: list[Area] = field(default_factory=list)
    home: frozenset[str] = frozenset()  # countries the person looks in
    remote_ok: bool = False
    onsite_only: bool = False
    levels: set[str] = field(default_factory=set)  # undergrad / masters / phd / new grad
    citizen: bool = False
    needs_visa: bool = False
    clearance_ok: bool = False
    wanted: list[Term] = field(default_factory=list)
    unwanted: list[Term] = field(default_factory=list)
    interest_text: str = ""  # the wanted clauses, for the semantic model
    # Where the person is: the first city they name (distances are measured from it).
    home_area: Area | None = None
    commute_km: float = 50.0
    no_relocate: bool = False  # "can't relocate", "within commuting distance of X"
    place_required: bool = False  # "looking for … in X": outside X is a real mismatch
    remote_areas: list[Area] = field(default_factory=list)  # "remote within Australia"
    rights: Rights = field(default_factory=Rights)
    dealbreakers: list[str] = field(default_factory=list)  # keys of `dealbreakers.KINDS`
    stage: Stage = field(default_factory=Stage)
    permanent: bool = False  # "a permanent role", "full-time only"
    fixed_term_ok: bool = False  # "contract or permanent", "happy to freelance"

    @property
    def strict(self) -> bool:
        """True when the person looks only where they said: elsewhere is out, not just off."""
        return self.place_required or self.no_relocate


@dataclass(frozen=True)
class Clause:
    text: str
    negative: bool
    weight: float  # 2.0 a stated interest, 1.2 a plain statement, 0.8 a skills list
    base: float  # 1.0 the user's own words, 0.8 a learned line


def clauses(text: str, base: float = 1.0) -> list[Clause]:
    """The clauses of a text with their polarity and weight.

    "Master's student in financial engineering looking for quant roles (C++, Python)" is
    three: background (what they study, weight 0.6), the interest (2.0) and, in parentheses,
    examples or skills (0.8)."""
    out: list[Clause] = []
    for sentence in _SENTENCES.split(text):
        if not sentence.strip():
            continue
        for part in _TURNS.split(sentence):
            inner = _PARENS.findall(part)
            part = _PARENS.sub(" ", part)
            low = prepare(part)
            if not low.strip():
                continue
            negative = bool(_NEGATIVE_CUE.search(low))
            # Positions in the lower-cased original, so the split cuts the user's own text.
            cue = None if negative else _INTEREST_CUE.search(part.lower())
            if cue and cue.start() > 0 and _BACKGROUND.search(part.lower()[: cue.start()]):
                head, part = part[: cue.start()], part[cue.start() :]
                out.append(Clause(head.strip(), False, 0.6 * base, base))
            if cue:
                weight = 2.0
            elif not negative and _BACKGROUND.search(low):
                weight = 0.6  # what they study or are: context, not the job they want
            elif _SKILL_CUE.search(low):
                weight = 0.8  # a skills list: supporting evidence, not the role itself
            else:
                weight = 1.2
            out.append(Clause(part.strip(), negative, weight * base, base))
            for extra in inner:
                out.append(Clause(extra.strip(), negative, (1.2 if negative else 0.8) * base, base))
    return out


def read(profile: Profile) -> Reading:
    """Read a profile's about, directives and learned lines."""
    r = Reading()
    sources = [(profile.about, 1.0)] + [(d, 1.0) for d in profile.directives]
    sources += [(line, 0.8) for line in profile.learned]
    wanted: dict[str, Term] = {}
    unwanted: dict[str, Term] = {}
    interest: list[str] = []
    for text, base in sources:
        low_all = prepare(text)
        _eligibility(r, low_all)
        for clause in clauses(text, base):
            _read_clause(r, clause, wanted, unwanted, interest)
            if clause.negative:
                low = clause.text.lower()
                r.dealbreakers.extend(
                    k for k in dealbreakers.named_in(low) if k not in r.dealbreakers
                )
    # A term the user both wants and rules out ("no senior roles" vs "senior thesis") is
    # dropped from the unwanted side: the positive statement is the more specific one.
    for key in list(unwanted):
        if key in wanted:
            del unwanted[key]
    for f in list(r.avoid_fields):
        if f in r.fields and r.fields[f] >= r.avoid_fields[f]:
            del r.avoid_fields[f]
    if r.fields:
        # Not rescaled: a field named only in a skills list stays a weak want, and weaker
        # still next to a field they say they want (a support lead's "SQL and APIs" are
        # tools of the job, not a wish to be a backend engineer).
        said = 0.6  # below: named only in a skills list or background (0.5, 0.35 at most)
        stated = max(r.fields.values()) >= said
        r.fields = {
            f: round(min(1.0, w if w >= said or not stated else w / 2), 3)
            for f, w in r.fields.items()
        }
        r.field_certainty = max(r.fields.values())
    r.kinds = {k: round(min(1.0, w), 3) for k, w in r.kinds.items()}
    home = country_of(r.places)
    if r.citizen and not home:
        home = frozenset({"us"})
    r.home = home
    r.wanted, r.unwanted = list(wanted.values()), list(unwanted.values())
    r.interest_text = " ".join(interest)
    _situation(r, profile, home)
    return r


_NO_RELOCATE = re.compile(
    r"\b(can'?t|cannot|can not|won'?t|will not|unable to|not (able|willing|open) to|"
    r"don'?t want to|do not want to|no)\s+(re-?locat|move)|\bnot relocating\b|"
    r"\bwithin commuting distance\b|\bcommutable\b"
)
_RADIUS = re.compile(r"\bwithin (\d{1,4})\s*(km|kms|kilomet(?:re|er)s?|miles?|mi)\b")
_PERMANENT = re.compile(r"\b(permanent|full[- ]time only|only full[- ]time)\b")
_FIXED_TERM = re.compile(
    r"\b(contracts?|contracting|freelance|temporary|temp|fixed[- ]term|interim|locum|seasonal)\b"
)
_INTERN_WANTED = re.compile(r"\b(internships?|intern|co-?ops?|placement)\b")


def _situation(r: Reading, profile: Profile, home: frozenset[str]) -> None:
    """Where the person is and may work, what they rule out, and their career stage."""
    own = "\n".join([profile.about, *profile.directives])
    low = own.lower()
    r.commute_km = profile.filters.commute_km
    m = _RADIUS.search(low)
    if m:
        n = float(m.group(1))
        r.commute_km = n * 1.609 if m.group(2).startswith("mi") else n
    r.no_relocate = bool(_NO_RELOCATE.search(low))
    r.home_area = next((a for a in r.places if a.kind == "city" and a.point is not None), None)
    if r.home_area is None:
        r.home_area = next((a for a in r.places if a.centre() is not None), None)
    wanted_text = r.interest_text.lower() + "\n" + "\n".join(profile.directives).lower()
    r.place_required = (
        bool(
            re.search(r"\b(role|roles|job|jobs|position|work)\b[^.;]{0,40}\bin\b", wanted_text)
            and any(a.kind != "country" for a in r.places)
            and "prefer" not in wanted_text
        )
        or r.no_relocate
    )
    for clause in clauses(own):
        if not clause.negative and _REMOTE.search(clause.text.lower()):
            r.remote_areas.extend(a for a in areas_in(clause.text) if a not in r.remote_areas)
    rights = rights_of(low, home)
    student = rights.student or bool(_INTERN_WANTED.search(wanted_text))
    if student != rights.student:
        rights = Rights(**{**rights.__dict__, "student": student})
    r.rights = rights
    r.stage = stage_of(low, wanted_text, student)
    if STUDENT in r.stage.wanted:
        r.rights = Rights(**{**r.rights.__dict__, "student": True})
    r.permanent = bool(_PERMANENT.search(wanted_text))
    r.fixed_term_ok = bool(_FIXED_TERM.search(wanted_text))


def _eligibility(r: Reading, low: str) -> None:
    if _CITIZEN.search(low):
        r.citizen = True
    if _NEEDS_VISA.search(low) and not _NO_VISA_NEEDED.search(low) and not r.citizen:
        r.needs_visa = True
    if _CLEARANCE_OK.search(low) or (
        r.citizen and "clearance" in low and "no clearance" not in low
    ):
        r.clearance_ok = True
    for level, pattern in _LEVELS:
        if pattern.search(low):
            r.levels.add(level)


def _read_clause(
    r: Reading,
    clause: Clause,
    wanted: dict[str, Term],
    unwanted: dict[str, Term],
    interest: list[str],
) -> None:
    text = clause.text
    low = prepare(text)
    # Named employers first: their words are not topics ("Ravelin Systems").
    sign = -1.0 if clause.negative else 1.0
    m = _COMPANY_LIST.search(text)
    if m:
        text = text[: m.start()]
        for name in re.split(r",|\band\b|\bor\b|/", _PREDICATE.sub("", m.group(1))):
            key = normalise_company(name.strip(" .\"'"))
            if key:
                r.companies[key] = sign * clause.base
    for m in _AT_NAMES.finditer(text):
        for name in re.split(r",|\band\b|\bor\b|/", m.group(1)):
            name = name.strip(" .\"'")
            key = normalise_company(name)
            if key and key not in _NOT_NAMES and not areas_in(name) and not kinds_named(name):
                r.companies[key] = sign * clause.base
                text = text.replace(name, " ")
    places = areas_in(text)
    inside = {a for m in _OUTSIDE.finditer(text) for a in areas_in(m.group(1))}
    for a in places:
        target = r.avoid_places if clause.negative and a not in inside else r.places
        if a not in r.places and a not in r.avoid_places:
            target.append(a)
    if _ON_SITE_ONLY.search(low):
        r.onsite_only = True
    elif _REMOTE.search(low) and not clause.negative:
        r.remote_ok = True
    kinds = kinds_named(text)
    for kind in kinds:
        target = r.avoid_kinds if clause.negative else r.kinds
        weight = 1.0 if not clause.negative and re.search(r"\bat an?\b|\bfor an?\b", low) else 0.8
        if not clause.negative:
            # Where they studied or work now says less than where they want to work.
            weight *= _STRENGTH.get(round(clause.weight / clause.base, 1), 0.7)
        target[kind] = max(target.get(kind, 0.0), weight * clause.base)
    toks = tokens(_AT_A_KIND.sub(" ", text))
    found = fields_of_tokens(toks)
    if found:
        target = r.avoid_fields if clause.negative else r.fields
        ordered = sorted(found.items(), key=lambda kv: kv[1])
        if clause.negative:
            for key, start, end in field_spans(toks):
                if toks[end : end + 1] == ["only"] or set(toks[max(0, start - 1) : start]) & _PURE:
                    r.avoid_exact.add(key)
        for rank, (key, _pos) in enumerate(ordered):
            if clause.negative and key == "software":
                r.avoid_generic.add(key)  # "no generic software roles": the bare kind only
                continue
            # People list what they care about most first; skills lists weigh less.
            strength = _STRENGTH.get(round(clause.weight / clause.base, 1))
            w = (strength or 0.7) * clause.base * max(0.85, 1.0 - 0.03 * rank)
            target[key] = max(target.get(key, 0.0), w)
    if not clause.negative and clause.weight / clause.base > 1.0:
        interest.append(text)
    if clause.negative and found:
        # "Not interested in generic software development": the field rules judge it; its
        # words are not also counted one by one.
        spans = field_spans(toks)
        drop = {i for _k, a, b in spans for i in range(a, b)}
        drop |= {a - 1 for _k, a, _b in spans if a and toks[a - 1] == "generic"}
        text = " ".join(t for i, t in enumerate(toks) if i not in drop)
    # Places and employer kinds are read above; their words are not topics.
    for area in places:
        text = text.replace(area.label, " ")
    text = _KIND_WORDS.sub(" ", text)
    _words(clause, text, unwanted if clause.negative else wanted)


def _words(clause: Clause, text: str, target: dict[str, Term]) -> None:
    """The clause's plain words and concepts as weighted terms (for word matching)."""
    toks = tokens(text)
    if not toks:
        return
    joined = " " + " ".join(toks) + " "
    originals = re.findall(r"[A-Za-z0-9+#]+(?:\.(?:js|net|io|ai))?", text)
    covered: set[int] = set()
    found: dict[str, tuple[int, str]] = {}
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
    interest = not clause.negative and clause.weight / clause.base > 1.5
    ordered = sorted(found.items(), key=lambda item: item[1][0])
    for rank, (canon, (_pos, shown)) in enumerate(ordered):
        spells = tuple(sorted({phrase(s) for s in SYNONYMS[canon]}))
        order = max(0.8, 1.25 - 0.1 * rank) if interest else 1.0
        _add(target, Term(shown, spells, clause.weight * 1.3 * order))
    for i, tok in enumerate(toks):
        if i in covered or tok in STOP or len(tok) < 2 or tok.isdigit():
            continue
        name = originals[i] if len(originals) == len(toks) else tok
        _add(target, Term(name, (tok,), clause.weight))


def _add(target: dict[str, Term], term: Term) -> None:
    key = " ".join(term.spellings)
    old = target.get(key)
    if old is None or old.weight < term.weight:
        target[key] = term


# Normalised spelling -> canonical concept, longest spellings first so they win.
_SPELLINGS: list[tuple[str, str]] = sorted(
    {(phrase(s), canon) for canon, spells in SYNONYMS.items() for s in spells},
    key=lambda sc: (-len(sc[0]), sc[0]),
)
