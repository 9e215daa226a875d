"""Career stage for any profession: where a person is, the step they want, and a posting's level.

One ladder for every field — 0 student / intern, 1 entry (junior, graduate, assistant, trainee),
2 associate (mid-level, "II", specialist), 3 senior (senior, lead, experienced), 4 staff /
principal / manager of people, 5 director / head, 6 executive — read from
- a posting's seniority as the board states it (LinkedIn's "Mid-Senior level"), its title's
  words, the years of experience it asks ("5+ years"), and grade bands where a profession has
  them (NHS Agenda for Change "Band 5/6/7/8a");
- a person's words: the level they ask for ("mid-level or senior", "entry-level or junior",
  "Band 6-7"), else their years of experience ("four years' experience", "18 months") and the
  title they hold, so they are offered their next step, not their first job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

STUDENT, ENTRY, ASSOCIATE, SENIOR, MANAGER, DIRECTOR, EXECUTIVE = range(7)
LABELS = ("internship", "entry", "associate", "senior", "manager", "director", "executive")
# The board's own levels (LinkedIn's vocabulary, as `Posting.seniority` holds it).
_SENIORITY = {"internship": STUDENT, "entry": ENTRY, "associate": ASSOCIATE,
              "mid-senior": SENIOR, "director": DIRECTOR, "executive": EXECUTIVE}  # fmt: skip
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
            "seven": 7, "eight": 8, "nine": 9, "ten": 10, "a couple of": 2, "several": 4,
            "a few": 3, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20}  # fmt: skip
_NUM = (
    r"(\d{1,2}(?:\.\d)?|a couple of|a few|several|"
    + "|".join(sorted((k for k in _NUMBERS if " " not in k), key=len, reverse=True))
    + ")"
)
_YEARS_HAD = re.compile(
    _NUM + r"\+?\s*(?:years?|yrs?)(?:'|’)?\s*(?:of\s+)?(?:professional\s+|work\s+|industry\s+)?"
    r"(?:experience|in\b|as\b|working|leading|since)"
)
_MONTHS_HAD = re.compile(_NUM + r"\s*months?(?:'|’)?\s*(?:of\s+)?(?:experience|as|in|on)\b")
_YEARS_ASKED = re.compile(
    r"(?:(?:minimum|min\.?|at least|over)\s+(?:of\s+)?)?(\d{1,2})\s*(?:\+|-\s*\d{1,2}|to\s+\d{1,2})?"
    r"\s*\+?\s*(?:years?|yrs?)(?:'|’)?\s*(?:of\s+)?(?:relevant\s+|professional\s+|proven\s+|"
    r"hands-on\s+|commercial\s+|industry\s+|work(?:ing)?\s+|post-qualification\s+)?"
    r"(?:experience|exp\b)"
)
_BAND = re.compile(r"\bband\s*([2-9])([abcd])?\b")
_BANDS_WANTED = re.compile(r"\bband\s*([2-9])[abcd]?(?:\s*(?:-|–|to|or|/)\s*(?:band\s*)?([2-9]))?")
# Title words -> rung (folded title tokens).
_TITLE_RUNGS: tuple[tuple[re.Pattern[str], int], ...] = tuple(
    (re.compile(p), rung)
    for p, rung in (
        (r"\b(intern|internship|co-?op|placement|industrial placement|student|summer analyst|"
         r"work experience|apprentice(ship)?|accelerator program)\b", STUDENT),
        (r"\b(chief|vp|vice president|cto|cfo|ceo|coo|cmo|(?<!business )(?<!people )partner)\b",
         EXECUTIVE),
        (r"\b(director|head of|general manager)\b", DIRECTOR),
        (r"\b(staff|principal|distinguished|engineering manager|team manager|people manager|"
         r"ward manager|practice manager|managing|senior manager)\b", MANAGER),
        (r"\b(senior|sr|lead|experienced|iii|expert|supervisor|team lead(er)?|specialist iii)\b",
         SENIOR),
        (r"\b(graduate|grad|junior|jr|entry[- ]level|trainee|assistant|associate i\b|i$|"
         r"newly qualified|early careers?)\b", ENTRY),
        (r"\b(ii|mid|mid[- ]level|intermediate)\b", ASSOCIATE),
    )
)  # fmt: skip
_CHANGING = re.compile(
    r"\b(move|moving|step|switch|switching|transition\w*|pivot\w*|change careers?)\s+(in)?to\b|"
    r"\bcareer change"
)
# A person's words for the rung they want.
_WANTED_WORDS: tuple[tuple[re.Pattern[str], tuple[int, ...]], ...] = tuple(
    (re.compile(p), rungs)
    for p, rungs in (
        (r"\b(internships?|co-?ops?|placement year)\b", (STUDENT,)),
        (r"\b(entry[- ]level|junior|graduate (role|job|scheme|programme)|new grad|first job)\b",
         (ENTRY,)),
        (r"\bmid[- ]level|\bmid[- ]career|\bintermediate\b", (ASSOCIATE, SENIOR)),
        (r"\bsenior\b", (SENIOR,)),
        (r"\b(manager|management|head of)\b", (MANAGER,)),
        (r"\bdirector\b", (DIRECTOR,)),
    )
)  # fmt: skip


@dataclass(frozen=True)
class Stage:
    """Where a person is and the rungs they want (empty: not said and not inferable)."""

    wanted: frozenset[int] = frozenset()
    years: float | None = None
    bands: frozenset[int] = frozenset()  # grade bands they ask for ("Band 6-7")
    student: bool = False
    # Rungs their experience alone suggests, next to the ones they asked for in words: a
    # near miss, not a clash ("entry-level or junior" with 18 months: a mid-level job is a
    # stretch, not wrong).
    inferred: frozenset[int] = frozenset()
    # Moving into another kind of work ("want to move into implementation"): a step down
    # in level is the usual price, not a mismatch.
    changing: bool = False

    def fit(self, rung: int | None, band: int | None = None) -> tuple[float, str]:
        """Points and a note for a posting on `rung`, by steps from the nearest wanted rung:
        about a band of the rubric per step, a step down costing more than a step up (the
        next step is the aim, not the last one)."""
        if band is not None and self.bands:
            steps = min(abs(band - b) for b in self.bands)
            if steps == 0:
                return 4.0, f"Band {band}"
            up = band > max(self.bands)
            return -12.0 * steps, f"Band {band} ({'above' if up else 'below'} the band you want)"
        if rung is None or not self.wanted:
            return 0.0, ""
        if rung in self.wanted:
            return 3.0, ""
        nearest = min(self.wanted, key=lambda w: (abs(w - rung), w))
        steps = abs(rung - nearest)
        if rung in self.inferred:
            return -5.0, f"{LABELS[rung]} level (a step from what you asked)"
        if rung > nearest:
            return -13.0 * steps, f"{LABELS[rung]} level (above you)"
        if rung == STUDENT:
            return -15.0 * steps, "a student role"
        if self.changing and steps == 1:
            return 0.0, ""
        return -15.0 * steps, f"{LABELS[rung]} level (below you)"


def years_of(text: str) -> float | None:
    """The years of experience a person states ("four years' experience", "18 months")."""
    best: float | None = None
    for m in _YEARS_HAD.finditer(text):
        n = _number(m.group(1))
        if n is not None and n <= 45:
            best = max(best or 0.0, n)
    for m in _MONTHS_HAD.finditer(text):
        n = _number(m.group(1))
        if n is not None:
            best = max(best or 0.0, n / 12)
    return best


def _number(word: str) -> float | None:
    try:
        return float(word)
    except ValueError:
        return _NUMBERS.get(word)


def stage_of(text: str, wanted_text: str, student: bool) -> Stage:
    """A person's stage from their whole text (folded) and the clauses saying what they want."""
    years = years_of(text)
    bands = set()
    for m in _BANDS_WANTED.finditer(wanted_text):
        lo = int(m.group(1))
        hi = int(m.group(2)) if m.group(2) else lo
        bands.update(range(min(lo, hi), max(lo, hi) + 1))
    wanted: set[int] = set()
    for pattern, rungs in _WANTED_WORDS:
        if pattern.search(wanted_text):
            wanted.update(rungs)
    inferred: set[int] = set()
    if student:
        wanted = (wanted & {STUDENT, ENTRY}) or {STUDENT, ENTRY}
    elif years is not None:
        if not wanted:  # their next step: where their years put them, or one up
            wanted = {_rung_for_years(years), min(EXECUTIVE, _rung_for_years(years) + 1)}
        else:
            wanted -= {STUDENT}
            inferred = {_rung_for_years(years)} - wanted
    changing = bool(_CHANGING.search(wanted_text))
    return Stage(frozenset(wanted), years, frozenset(bands), student, frozenset(inferred), changing)


def _rung_for_years(years: float) -> int:
    if years < 1.5:
        return ENTRY
    if years < 4:
        return ASSOCIATE
    if years < 8:
        return SENIOR
    return MANAGER


def _rung_for_asked(years: int) -> int:
    """The rung of a job by the years of experience it asks ("1+ years" is an entry job)."""
    if years <= 1:
        return ENTRY
    if years <= 3:
        return ASSOCIATE
    if years <= 6:
        return SENIOR
    return MANAGER if years <= 9 else DIRECTOR


def rung_of(title: str, seniority: str | None, description: str) -> int | None:
    """A posting's rung: its title's words first (they are the employer's), then the years it
    asks, then the board's level; None when nothing says."""
    low = title.lower()
    by_title = next((rung for pattern, rung in _TITLE_RUNGS if pattern.search(low)), None)
    if by_title in (ENTRY, ASSOCIATE, SENIOR):
        # A range ("Junior/Mid", "Senior / Software Engineer") is as high as its top.
        by_title = max(
            r for p, r in _TITLE_RUNGS if r in (ENTRY, ASSOCIATE, SENIOR) and p.search(low)
        )
    asked = years_asked(description)
    by_years = None if asked is None else _rung_for_asked(asked)
    board = _SENIORITY.get(seniority or "")
    if by_title is not None:
        if by_title in (ENTRY, ASSOCIATE) and by_years is not None and by_years > by_title + 1:
            return by_years - 1  # "Junior X" asking 5 years is not a junior job
        return by_title
    if by_years is not None:
        if board is not None and board >= DIRECTOR:
            return board
        return by_years
    return board


def years_asked(description: str) -> int | None:
    """The fewest years of experience a posting asks for ("3+ years", "minimum 5 years")."""
    text = description[:4000].lower()
    if "year" not in text and "yrs" not in text:
        return None
    found = [int(m.group(1)) for m in _YEARS_ASKED.finditer(text)]
    found = [n for n in found if n <= 20]
    return min(found) if found else None


def band_of(title: str, description: str) -> int | None:
    """A grade band the posting names ("Staff Nurse - Band 5")."""
    low, text = title.lower(), description[:1500].lower()
    m = (_BAND.search(low) if "band" in low else None) or (
        _BAND.search(text) if "band" in text else None
    )
    return int(m.group(1)) if m else None
