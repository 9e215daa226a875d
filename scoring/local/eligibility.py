"""Who may take a job: work rights, sponsorship, clearances, licences, students-only schemes.

Read from the person's words (`rights_of(text)`: "I'm a Singapore citizen", "permanent resident
of Canada and can't take US-based jobs", "not authorised to work in the US, UK or Europe",
"needs visa sponsorship", "can obtain a clearance", "NMC-registered nurse", "I'm a CPA") and
from the posting (`needs_of(text)`: "must have the right to work in the UK", "US citizenship
required", "no visa sponsorship", "active Secret clearance", "current AHPRA registration",
"currently enrolled students"). `verdict(...)` says whether a person can take a posting and,
when not, why in their terms ("needs US work authorisation — you don't have it").

The rubric caps a posting a person is not eligible for at 15 (`scoring.local.scorer`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from scrapers.postings.places import countries_named, country_label

# Free movement: a citizen of one may work in the others.
_EEA = frozenset(
    "at be bg hr cy cz dk ee fi fr de gr hu ie it lv lt lu mt nl pl pt ro sk si es se is li no".split()
)
_TRANS_TASMAN = frozenset({"au", "nz"})

_RIGHTS = re.compile(
    r"([a-z .'-]{0,40}?)\s*\b(citizen(ship)?|permanent resident|pr holder|national|passport|"
    r"green card)\b([a-z ,.'-]{0,40})"
)
_AUTHORISED = re.compile(
    r"\b(?:(?:am|i'm|im|i am|fully|already)\s+)?(?:authori[sz]ed|eligible|entitled|allowed|"
    r"have (?:the )?(?:full )?(?:right|rights)|have work rights|hold (?:a )?(?:valid )?"
    r"(?:work )?(?:visa|permit))\s+(?:to work\s+)?(?:in|for)\s+([^.;:]{2,60})"
)
_NOT_AUTHORISED = re.compile(
    r"\b(?:not|n't|never|no longer|un)\s*(?:be\s+)?(?:authori[sz]ed|eligible|entitled|allowed|"
    r"able) to work (?:in|for)\s+([^.;:]{2,60})|"
    r"\b(?:can't|cannot|can not|unable to|won't be able to)\s+(?:take|accept|work)\s+"
    r"(?:jobs?|roles?|positions?|work)?\s*(?:in|for|based in)?\s*([^.;:]{2,60}?)"
    r"(?:-based)?\s*(?:jobs?|roles?|positions?)\b|"
    r"\bno (?:work rights|right to work|work permit|work authori[sz]ation) (?:in|for)\s+([^.;:]{2,60})"
)
_NEEDS_VISA = re.compile(
    r"\b(need|needs|require|requires|requiring|will need)\s+(a\s+)?(visa\s+|work\s+)?"
    r"(sponsorship|visa|work permit)|\binternational student\b|\bf-?1\b|\bopt\b|\bcpt\b|"
    r"\bh-?1b\b|\bvisa sponsorship\b|\bon a (student|graduate|working holiday) visa\b"
)
_NO_VISA_NEEDED = re.compile(r"\bno (visa )?sponsorship (needed|required)|\bdo(es)? not need")
_CLEARANCE_OK = re.compile(
    r"\b(can obtain|able to obtain|eligible for|hold|have|has|active|current)\b[^.;]{0,30}\b"
    r"(clearance|ts/sci|nv1|nv2|baseline|sc clearance|dv clearance)"
)
# Licences and registrations a role may require; said by a person or asked by a posting.
LICENCES: dict[str, tuple[str, re.Pattern[str], re.Pattern[str]]] = {
    "nursing": (
        "nursing registration",
        re.compile(
            r"\b(registered nurse|rn\b|rgn|nmc[- ]?(registered|registration|pin)|ahpra|"
            r"nursing registration|nurse registration|licensed nurse|staff nurse|"
            r"qualified nurse|nurse)\b"
        ),
        re.compile(
            r"\b(nmc registration|nmc[- ]registered|registered nurse|ahpra registration|"
            r"current (rn|nursing) (licen[cs]e|registration)|rn licen[cs]e|nursing licen[cs]e|"
            r"registration with the nmc|snb registration)\b"
        ),
    ),
    "cpa": (
        "an accounting qualification (CPA / CA / ACCA)",
        re.compile(
            r"\b(cpa|chartered accountant|aca|acca|cima|ca qualified|qualified accountant)\b"
        ),
        re.compile(
            r"\b(cpa (license|licence|required|designation)|active cpa|licensed cpa|"
            r"must be a cpa|cpa or ca|ca or cpa|acca qualified|aca qualified|qualified accountant "
            r"\(aca|chartered accountant (required|qualification))"
        ),
    ),
    "driving": (
        "a driving licence",
        re.compile(r"\b(driv(er'?s|ing) licen[cs]e|full licen[cs]e|own car|own vehicle)\b"),
        re.compile(
            r"\b((valid|full|current|clean) driv(er'?s|ing) licen[cs]e (is )?(required|essential)|"
            r"must (have|hold) a (valid |full )?driv(er'?s|ing) licen[cs]e)\b"
        ),
    ),
    "teaching": (
        "teacher registration",
        re.compile(r"\b(qts|qualified teacher|teacher registration|teaching licen[cs]e|pgce)\b"),
        re.compile(
            r"\b(qts (is )?(required|essential)|qualified teacher status|teacher registration "
            r"(is )?required|current teaching (licen[cs]e|registration))\b"
        ),
    ),
}

# What postings say about who may apply (folded text).
_CITIZENS_ONLY = re.compile(
    r"\b(?:must be an?|only|open to|requires?|required:?)\s+([a-z .]{2,25}?)\s*citizens?(?:hip)?"
    r"\b|\b([a-z .]{2,25}?)\s+citizenship (?:is )?required|citizens? only"
)
_WORK_RIGHTS_ASKED = re.compile(
    r"\b(?:must|need to|required to|should|you'll need to|you will need to)\s+(?:have|hold|be)\s+"
    r"(?:the\s+)?(?:full\s+|valid\s+|unrestricted\s+|current\s+)?(?:legal\s+)?"
    r"(?:right to work|work rights|working rights|authori[sz]ation to work|authori[sz]ed to work|"
    r"eligible to work|work authori[sz]ation|permanent residen\w*)\s+(?:in|for)\s+([^.;:\n]{2,40})"
    r"|\b(?:(?:right|rights) to work|work rights) in ([a-z ]{3,25}) (?:is )?(?:required|essential)"
    r"|\bmust be (?:located|based|residing|resident) in ([^.;:\n]{2,40})"
    r"|\bcandidates? (?:must be )?(?:located|based) in ([^.;:\n]{2,40})"
)
_NO_SPONSOR = re.compile(
    r"does not offer (visa )?sponsorship|no (visa )?sponsorship|not (able to )?(offer|provide) "
    r"(visa )?sponsorship|without (visa )?sponsorship|unable to sponsor|cannot sponsor|"
    r"will not sponsor|won't sponsor"
)
_SPONSOR_OFFERED = re.compile(
    r"\b(visa sponsorship (is )?(available|provided|offered)|will sponsor|offers? sponsorship|"
    r"sponsorship available|work (permit|pass|visa) (will be |can be )?(provided|sponsored|"
    r"arranged|support)|relocation (package|support|assistance)|employment pass)\b"
)
_CLEARANCE_ASKED = re.compile(
    r"\b(security clearance|ts/sci|top secret|secret clearance|active secret|clearance (is )?"
    r"required|able to obtain (a |an )?(security )?clearance|nv1|nv2|baseline clearance|"
    r"sc clearance|dv clearance)\b"
)
_STUDENTS_ONLY = re.compile(
    r"\b(currently enrolled|current(ly)? (a )?(full[- ]time )?students?|must be (a )?"
    r"(current )?(student|enrolled)|returning to (school|university|studies)|pursuing (a |an )?"
    r"(bachelor|master|undergraduate|degree)|penultimate[- ]year|final[- ]year students?|"
    r"co-?op (program|placement|term|student)|work term|for (current )?(university )?students|"
    r"students (who are )?(currently )?(enrolled|pursuing))\b"
)


@dataclass(frozen=True)
class Rights:
    """Where and on what terms a person may work, as they said it."""

    countries: frozenset[str] = frozenset()  # may work there (citizen, resident, authorised)
    barred: frozenset[str] = frozenset()  # said they may not
    needs_visa: bool = False
    clearance: bool = False  # holds one or can obtain one
    citizen_of: frozenset[str] = frozenset()
    licences: frozenset[str] = frozenset()
    student: bool = False

    @property
    def stated(self) -> bool:
        """True when the person said where they may work (so other countries are out)."""
        return bool(self.countries)


@dataclass(frozen=True)
class Needs:
    """What a posting asks of whoever takes it."""

    citizens_of: frozenset[str] = frozenset()
    rights_in: frozenset[str] = frozenset()
    no_sponsorship: bool = False
    sponsorship_offered: bool = False
    clearance: bool = False
    licences: frozenset[str] = field(default_factory=frozenset)
    students_only: bool = False


def rights_of(text: str, home: frozenset[str] = frozenset()) -> Rights:
    """A person's work rights from their words (folded text). `home`: the countries they say
    they live or look in, used for "I'm a citizen" without a country."""
    low = text.lower()
    countries: set[str] = set()
    citizen: set[str] = set()
    for m in _RIGHTS.finditer(low):
        before, kind, after = m.group(1), m.group(2), m.group(4)
        if re.search(r"\b(not|non)\b[- ]?$", before.strip()) or "non-citizen" in before:
            continue
        named = countries_named(_title(before.split(",")[-1])) or countries_named(
            _title(re.split(r"[,;]| and | but ", after)[0])
        )
        if not named and kind in ("citizen", "citizenship") and home:
            named = home
        if kind == "green card":
            named = frozenset({"us"})
        countries |= named
        if kind.startswith("citizen") or kind in ("national", "passport"):
            citizen |= named
    for m in _AUTHORISED.finditer(low):
        if re.search(r"\b(not|n't|never)\s+(?:be\s+)?$", low[max(0, m.start() - 12) : m.start()]):
            continue
        countries |= countries_named(_title(m.group(1)))
    barred: set[str] = set()
    for m in _NOT_AUTHORISED.finditer(low):
        place = next(g for g in m.groups() if g)
        barred |= countries_named(_title(place)) or _bare_codes(place)
    # Free movement follows citizenship.
    for c in list(citizen):
        if c in _EEA:
            countries |= _EEA | {"ch"}
        if c in _TRANS_TASMAN:
            countries |= _TRANS_TASMAN
    countries -= barred
    needs_visa = bool(_NEEDS_VISA.search(low)) and not _NO_VISA_NEEDED.search(low)
    licences = {k for k, (_l, said, _asked) in LICENCES.items() if said.search(low)}
    student = bool(
        re.search(
            r"\b(student|studying|undergrad\w*|sophomore|freshman|penultimate|final[- ]year|"
            r"currently enrolled|rising (junior|senior))\b",
            low,
        )
    ) and not re.search(r"\b(graduated|since my|years'? experience)\b", low)
    return Rights(
        countries=frozenset(countries),
        barred=frozenset(barred),
        needs_visa=needs_visa and not citizen,
        clearance=bool(_CLEARANCE_OK.search(low)) or ("clearance" in low and bool(citizen)),
        citizen_of=frozenset(citizen),
        licences=frozenset(licences),
        student=student,
    )


def _title(text: str) -> str:
    """Free text as place names are written, for `countries_named` ("the us" -> "the US")."""
    out = []
    for word in re.findall(r"[\w'-]+|[,/]", text):
        out.append(word.upper() if word in ("us", "uk", "usa", "eu", "uae") else word.title())
    return " ".join(out)


def _bare_codes(text: str) -> frozenset[str]:
    return frozenset(
        {"us": "us", "usa": "us", "uk": "gb"}[w]
        for w in re.findall(r"\b(usa|us|uk)\b", text)
        if w in ("us", "usa", "uk")
    )


@lru_cache(maxsize=4096)
def needs_of(text: str) -> Needs:
    """What a posting's title and description ask of the person (folded text). Each rule
    runs only when its words are there: descriptions are long and most ask nothing."""
    citizens: set[str] = set()
    if "citizen" in text:
        for m in _CITIZENS_ONLY.finditer(text):
            place = m.group(1) or m.group(2) or ""
            citizens |= countries_named(_title(place)) or _bare_codes(place)
    rights: set[str] = set()
    if _has(text, _RIGHTS_WORDS):
        for m in _WORK_RIGHTS_ASKED.finditer(text):
            place = next((g for g in m.groups() if g), "")
            rights |= countries_named(_title(place)) or _bare_codes(place)
    licences = set()
    if _has(text, _LICENCE_WORDS):
        licences = {k for k, (_l, _said, asked) in LICENCES.items() if asked.search(text)}
    sponsor = "sponsor" in text
    no_sponsorship = sponsor and bool(_NO_SPONSOR.search(text))
    return Needs(
        citizens_of=frozenset(citizens),
        rights_in=frozenset(rights),
        no_sponsorship=no_sponsorship,
        sponsorship_offered=not no_sponsorship
        and _has(text, _OFFER_WORDS)
        and bool(_SPONSOR_OFFERED.search(text)),
        clearance=_has(text, _CLEARANCE_WORDS) and bool(_CLEARANCE_ASKED.search(text)),
        licences=frozenset(licences),
        students_only=_has(text, _STUDENT_WORDS) and bool(_STUDENTS_ONLY.search(text)),
    )


# Cheap gates for the rules above: words one of which each rule's every match contains
# (substring tests, far quicker than the rules on a long description that asks nothing).
_RIGHTS_WORDS = ("right to work", "work rights", "working rights", "authoris", "authoriz",
                 "eligible", "located", "based in", "resid")  # fmt: skip
_LICENCE_WORDS = ("nurs", "nmc", "ahpra", "snb", "licen", "cpa", "acca", "aca", "accountant",
                  "qts", "teach")  # fmt: skip
_OFFER_WORDS = ("sponsor", "work permit", "work pass", "work visa", "relocation",
                "employment pass")  # fmt: skip
_CLEARANCE_WORDS = ("clearance", "secret", "ts/sci", "nv1", "nv2")
_STUDENT_WORDS = ("student", "enrol", "coop", "co-op", "pursuing", "returning", "work term",
                  "final year", "final-year", "penultimate")  # fmt: skip


def _has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text for w in words)


def verdict(
    rights: Rights,
    needs: Needs,
    countries: frozenset[str],
    *,
    anywhere: bool = False,
    strict: bool = True,
) -> tuple[float, str] | None:
    """(cap, why) when the person cannot take the posting, None when nothing says so.

    `countries`: where the job is, or whom a remote job hires. The cap is the rubric's 15, a
    little higher (35) when the posting offers sponsorship to someone without the rights.
    `strict`: the person looks only where they said (a place they must work in, no moving);
    else a job in a country they did not name is a place mismatch, not a bar, unless the
    posting itself asks for work rights there or the person said they have none."""
    if needs.students_only and rights is not None and not rights.student:
        return 15.0, "for students only"
    for code in sorted(needs.citizens_of):
        if code not in rights.citizen_of:
            return 15.0, f"{country_label(code)} citizens only — you are not one"
    asked = needs.rights_in or (countries if not anywhere else frozenset())
    if asked:
        if rights.barred and asked <= rights.barred:
            code = sorted(asked)[0]
            return 15.0, f"needs {_adjective(code)} work rights — you don't have them"
        if (
            rights.stated
            and not (asked & rights.countries)
            and not anywhere
            and (strict or needs.rights_in)
        ):
            code = sorted(asked)[0]
            if needs.sponsorship_offered:
                return 35.0, f"in {country_label(code)}, with sponsorship offered"
            return 15.0, f"needs {_adjective(code)} work rights — you don't have them"
    if rights.needs_visa and needs.no_sponsorship:
        return 15.0, "no visa sponsorship — you need it"
    if (
        needs.clearance
        and not rights.clearance
        and (rights.needs_visa or (rights.stated and not rights.citizen_of))
    ):
        return 15.0, "needs a security clearance"
    for key in sorted(needs.licences - rights.licences):
        if rights.stated or rights.licences or rights.citizen_of:
            return 15.0, f"needs {LICENCES[key][0]}"
    return None


def _adjective(code: str) -> str:
    return {"us": "US", "gb": "UK", "eu": "EU"}.get(code, country_label(code))
