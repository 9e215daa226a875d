"""Deal-breakers in a person's own words, and the postings that break them.

"I won't work for gambling or payday-loan companies", "no call-centre jobs", "no 24/7 or
rotating-shift rosters", "ruling out public accounting and tax-preparation firms", "no
agencies", "can't relocate": each names a *kind* of work or employer. `named_in(text)` finds the
kinds a negative clause names; `broken_by(kinds, title, text)` finds which of them a posting
is (its title, employer name and description), with the words that show it, so the reason can
say "sports betting (theScore…) — you ruled these out".

The rubric caps a posting that breaks a stated deal-breaker at 25 (`scoring.local.scorer`).
The table names kinds of work as people and postings write them, never an employer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    key: str
    label: str  # how a reason names it ("sports betting")
    said: re.Pattern[str]  # in the person's words (folded, lower case)
    shown: re.Pattern[str]  # in a posting's title, employer or description (folded)
    name: re.Pattern[str] | None = None  # shown by the employer's own name alone
    # Literal pieces of `shown`, one of which any match contains: a description with none of
    # them is passed over without running the pattern (most descriptions, most kinds).
    gate: tuple[str, ...] = ()


def _k(key: str, label: str, said: str, shown: str, *, name: str | None = None) -> Kind:
    return Kind(
        key,
        label,
        re.compile(said),
        re.compile(shown),
        re.compile(name) if name else None,
        _gate(shown),
    )


def _gate(pattern: str) -> tuple[str, ...]:
    """Literal pieces one of which every match of `pattern` contains: the longest required
    piece of each alternative (every piece of one that is only choices); () when an
    alternative has none, so the pattern always runs."""
    pieces: set[str] = set()
    for branch in _branches(pattern):
        text = re.sub(r"\\[a-zA-Z]", " ", branch)
        while True:  # optional parts are not required: "(visa )?", "casinos?"
            shorter = re.sub(r"\([^()]*\)[?*]|[a-z0-9][?*]|\[[^\]]*\]", " ", text)
            if shorter == text:
                break
            text = shorter
        # Outside its own choices ("call cent(re|er)"), else any of them.
        outside = re.findall(r"[a-z0-9]{2,}", re.sub(r"\([^()]*\|[^()]*\)", " ", text))
        words = outside or re.findall(r"[a-z0-9]{2,}", text)
        if not words:
            return ()
        pieces.update([max(words, key=len)] if outside else words)
    return tuple(sorted(pieces))


def _branches(pattern: str) -> list[str]:
    """The alternatives of a pattern, split at its top level and inside its outermost groups."""
    out, depth, start = [], 0, 0
    for i, c in enumerate(pattern):
        if c == "(" and pattern[i - 1 : i] != "\\":
            depth += 1
            if depth == 1:
                start = i + 1 if not out and start == 0 else start
        elif c == ")" and pattern[i - 1 : i] != "\\":
            depth -= 1
        elif c == "|" and depth <= 1:
            out.append(pattern[start:i])
            start = i + 1
    out.append(pattern[start:])
    return out


KINDS: tuple[Kind, ...] = (
    _k(
        "gambling",
        "gambling and betting",
        r"gambl|betting|casino|sportsbook|igaming|wagering",
        r"\b(gambling|sports ?betting|sportsbook|betting|casinos?|icasino|igaming|wagering|"
        r"bookmaker|lotter(y|ies)|poker|slot machines?)\b",
    ),
    _k("cannabis", "cannabis", r"cannabis|marijuana|weed", r"\b(cannabis|marijuana|thc|cbd)\b"),
    _k(
        "payday",
        "payday and high-interest lending",
        r"payday|high[- ]interest|loan shark",
        r"\b(payday|cash advances?|short[- ]term loans?|cheque cashing|check cashing|"
        r"high[- ]interest loans?|instalment loans? for)\b",
    ),
    _k(
        "tobacco",
        "tobacco and vaping",
        r"tobacco|vap(e|ing)|cigarette",
        r"\b(tobacco|cigarettes?|vaping|vape|e-cigarettes?|nicotine)\b",
    ),
    _k(
        "alcohol",
        "alcohol",
        r"alcohol|brewer|liquor|distiller",
        r"\b(brewery|brewing company|distillery|liquor|spirits brand|winery)\b",
    ),
    _k(
        "defence",
        "defence and military work",
        r"defen[cs]e|military|weapon|arms (industry|trade)",
        r"\b(defen[cs]e|military|armed forces|national security|weapons?|munitions|missiles?|"
        r"warfare|combat|soldiers?|command,? control|c4isr|c3 system|ministry of defen[cs]e|"
        r"department of defen[cs]e)\b",
    ),
    _k(
        "fossil",
        "oil, gas and coal",
        r"fossil|oil and gas|oil & gas|coal|petroleum",
        r"\b(oil and gas|oil & gas|petroleum|upstream oil|coal mining|drilling rigs?|lng)\b",
    ),
    _k(
        "crypto",
        "crypto",
        r"crypto|blockchain|web3|nft",
        r"\b(crypto(currency|currencies)?|blockchain|web3|nfts?|defi|bitcoin)\b",
    ),
    _k(
        "call_centre",
        "call-centre work",
        r"call[- ]?cent(re|er)|contact[- ]?cent(re|er)",
        r"\b(call[- ]?cent(re|er)|contact[- ]?cent(re|er)|inbound calls?|outbound calls?|"
        r"high[- ]volume calls?|phone queues?|calls? per (hour|day))\b",
    ),
    _k(
        "retail",
        "retail store work",
        r"\bretail\b",
        r"\b(retail (store|assistant|associate|sales|team member)|store (associate|manager|"
        r"assistant)|sales floor|in[- ]store|shop floor|checkout)\b",
    ),
    _k(
        "shifts",
        "24/7 or rotating shifts",
        r"24/7|24x7|rotating|shift work|shifts|night shift|rosters?|overnight",
        r"(24/7|24x7|24 x 7|24 hours? a day|\brotating (shifts?|rosters?)|\bnight shifts?|"
        r"\bday/night|\bovernight shifts?|\bshift work\b|\b12(\.5)?[- ]hour shifts?|"
        r"\bon a (rotating )?roster\b|\bweekend and night\b)",
    ),
    _k(
        "bank_work",
        "bank (as-needed) shifts",
        r"\bbank\b(?! (accounts?|holidays?|details|transfers?))",
        r"\b(bank (nurse|staff|shifts?|work|contract)|staff bank|nhs professionals)\b",
    ),
    _k(
        "agency",
        "recruitment and staffing agencies",
        r"\bagenc(y|ies)\b|staffing|recruit(ment|ing) (firm|agenc|compan)|headhunt",
        r"(\b(recruitment|staffing|recruiting) (agency|firm|company|consultancy)\b|"
        r"\bon behalf of (our|a) client\b|\bour client (is|are)\b|\(for client\))",
        name=r"\b(recruitment|staffing|recruiting|talent solutions|personnel|resources)\b",
    ),
    _k(
        "public_accounting",
        "public accounting firms",
        r"public accounting|cpa firm|accounting firm|tax[- ]prep|audit firm|big (four|4)|"
        r"practice firm",
        r"\b(public accounting|cpa firm|accounting firm|tax preparation|tax practice|"
        r"tax season|busy season|audit and assurance|assurance services|tax and advisory|"
        r"cpas\b|certified public accountants|chartered accountants? firm|accounting practice|"
        r"advisory firm|client engagements)",
    ),
    _k(
        "consultancy",
        "consultancies",
        r"consultanc|consulting (firm|compan)|consultants?\b",
        r"\b(consultancy|consulting firm|consulting company|our consultants|client sites?|"
        r"management consulting|it consulting|professional services firm)\b",
    ),
    _k(
        "startup",
        "start-ups",
        r"start[- ]?ups?|early[- ]stage",
        r"\b(start[- ]?ups?|seed[- ]stage|series a|early[- ]stage|pre[- ]seed|founding team)\b",
    ),
    _k(
        "government",
        "government employers",
        r"government|public sector|civil service",
        r"\b(government agency|public sector|civil service|ministry of|department of|"
        r"federal agency|state agency)\b",
    ),
    _k(
        "commission",
        "commission-only pay",
        r"commission",
        r"\b(commission[- ]only|commission[- ]based|uncapped commission|on target earnings|"
        r"ote\b)",
    ),
    _k(
        "travel",
        "frequent travel",
        r"\btravel",
        r"\b(travel (up to )?\d{2}%|(\d{2}% travel|extensive travel|frequent travel|"
        r"travel (is )?required|interstate travel|fly[- ]in[- ]fly[- ]out|fifo)\b)",
    ),
    _k(
        "onsite",
        "on-site work",
        r"on-?site|in[- ]office|office[- ]based",
        r"\b(fully on-?site|100% on-?site|on-?site only|office[- ]based role|5 days in the office)\b",
    ),
)
BY_KEY = {k.key: k for k in KINDS}
# Words in a negative clause that are about the person, not a deal-breaker ("no experience").
_NOT_ABOUT_WORK = re.compile(r"\bno (experience|degree|background)\b")


def named_in(text: str) -> list[str]:
    """The kinds a person rules out in one negative clause (folded text), in order."""
    if _NOT_ABOUT_WORK.search(text):
        return []
    found = [(m.start(), k.key) for k in KINDS if (m := k.said.search(text))]
    return [key for _pos, key in sorted(found)]


def broken_by(
    kinds: list[str], title: str, employer: str, description: str, workplace: str | None = None
) -> tuple[str, str] | None:
    """The first ruled-out kind this posting is, as (label, the words that show it)."""
    head = f"{title} \n {employer}"
    for key in kinds:
        kind = BY_KEY[key]
        if key == "onsite":
            if workplace == "onsite":
                return kind.label, "on-site"
            continue
        m = kind.shown.search(head)
        if m is None and any(g in description for g in kind.gate):
            m = kind.shown.search(description)
        if m is None and kind.name is not None:
            m = kind.name.search(employer)
        if m is not None:
            return kind.label, m.group(0).strip()
    return None
