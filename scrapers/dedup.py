"""Deciding when two postings are the same job.

Three identities, strongest first:
- the board's own id (`Posting.key`) and the canonical URL (LinkedIn's `/jobs/view/<id>` under
  any country subdomain or tracking parameters, Indeed's `jk`): the same listing;
- `job_identity` — normalised company + title + city: the same job on two boards in one run
  ("Acme, Inc." = "ACME"; a different city is a different job);
- `fingerprint` — the job identity plus the start of the description: the same job on a later
  day even when re-listed under a new id. It is what the store remembers.

Aggregators ("Jobs via Dice", "myGwork", …) post for other employers: the posting is kept and
`Posting.real_employer` records the employer when the description names it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from urllib.parse import parse_qs, urlencode, urlsplit

from scrapers.postings.posting import Posting
from scrapers.postings.text import fold

_COMPANY_SUFFIXES = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|llp|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv|pty|pbc|holdings)\b\.?"
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TITLE_NOISE = re.compile(
    r"\((?:m/w/d|f/m/d|m/f/d|h/f|w/m/d|all genders)\)|\b(?:job|position|opening|req\w*)\b"
)
_TITLE_WORDS = {"sr": "senior", "jr": "junior", "snr": "senior", "eng": "engineer", "and": ""}
_LOCATION_NOISE = re.compile(r"\b(?:greater|metropolitan|metro|area|bay area|region|city of)\b")
_LOCATION_ALIASES = {
    "nyc": "new york",
    "new york city": "new york",
    "sf": "san francisco",
    "san francisco bay": "san francisco",
    "la": "los angeles",
    "washington dc": "washington",
}
_DESCRIPTION_WORDS = 80  # enough to tell jobs apart, short of the boilerplate boards append

AGGREGATORS = {
    "jobs via dice",
    "dice",
    "mygwork",
    "mygwork lgbtq business community",
    "chatgpt jobs",
    "jobs via efinancialcareers",
    "efinancialcareers",
    "jobright ai",
    "hiring cafe",
    "lensa",
    "jooble",
    "talent",
    "ziprecruiter",
    "get it recruit",
    "clearancejobs",
}


def normalise_company(name: str) -> str:
    """'Acme, Inc.' and 'ACME' both become 'acme'."""
    text = fold(name).replace("&", " and ")
    text = re.sub(r"^the\s+", "", text.strip())
    text = _COMPANY_SUFFIXES.sub(" ", text)
    return _NON_WORD.sub(" ", text).strip()


def normalise_title(title: str) -> str:
    text = _TITLE_NOISE.sub(" ", fold(title).replace("&", " and "))
    words = (_TITLE_WORDS.get(w, w) for w in _NON_WORD.sub(" ", text).split())
    return " ".join(w for w in words if w)


def normalise_location(location: str) -> str:
    """The city part, lower-cased: 'Austin, TX, United States' -> 'austin'; any remote -> 'remote'."""
    folded = fold(location)
    if re.search(r"\bremote\b", folded):
        return "remote"
    text = folded.split(",")[0]
    text = _LOCATION_NOISE.sub(" ", text)
    text = _NON_WORD.sub(" ", text).strip()
    return _LOCATION_ALIASES.get(text, text)


def canonical_url(url: str) -> str:
    """One spelling per listing: LinkedIn and Indeed ids kept, tracking parameters dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = (parts.hostname or "").lower()
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        m = re.search(r"/jobs/view/(?:[^/?#]*?-)?(\d{5,})", parts.path) or re.search(
            r"currentJobId=(\d+)", parts.query
        )
        if m:
            return f"https://www.linkedin.com/jobs/view/{m.group(1)}"
    if host == "indeed.com" or host.endswith(".indeed.com"):
        q = parse_qs(parts.query)
        jk = (q.get("jk") or q.get("vjk") or [None])[0]
        if jk:
            return f"https://www.indeed.com/viewjob?jk={jk}"
    host = host.removeprefix("www.")
    # The query stays (careers pages tell jobs apart by `?gh_jid=`), minus tracking noise.
    query = sorted(
        (name, value)
        for name, values in parse_qs(parts.query).items()
        if not _is_tracking(name)
        for value in values
    )
    tail = "?" + urlencode(query) if query else ""
    return f"{host}{parts.path.rstrip('/')}{tail}"


_TRACKING = {
    "ref", "refid", "source", "src", "trk", "trackingid", "gclid", "fbclid", "msclkid",
    "gh_src", "lever-source", "lever-origin", "position", "pagenum", "mc_cid", "mc_eid",
}  # fmt: skip


def _is_tracking(name: str) -> bool:
    low = name.lower()
    return low in _TRACKING or low.startswith(("utm_", "_hs"))


def listing_key(posting: Posting) -> str:
    """The board id; for LinkedIn, recovered from the URL if a producer stored something else."""
    if posting.source == "linkedin" and not posting.source_id.isdigit():
        url = canonical_url(posting.url)
        if "/jobs/view/" in url:
            return "linkedin:" + url.rsplit("/", 1)[1]
    return posting.key


def employer(posting: Posting) -> str:
    return posting.real_employer or posting.company


def job_identity(posting: Posting) -> str:
    """Company + title + city: the same job on two boards."""
    return "|".join(
        (
            normalise_company(employer(posting)),
            normalise_title(posting.title),
            normalise_location(posting.location),
        )
    )


def description_digest(description: str) -> str:
    words = _NON_WORD.sub(" ", fold(description)).split()[:_DESCRIPTION_WORDS]
    if not words:
        return "-"
    return hashlib.sha256(" ".join(words).encode()).hexdigest()[:12]


def fingerprint(posting: Posting) -> str:
    """The job across days: company + title + city + the start of the description.

    A job re-listed under a new id with the same words is not new; the same title at the same
    company with a different description (next season's opening) is.
    """
    return f"{job_identity(posting)}|{description_digest(posting.description)}"


# -- aggregators -------------------------------------------------------------------------
_NAME = r"([A-Z0-9][\w&.,'’() -]{1,70}?)"
_EMPLOYER_PATTERNS = [
    re.compile(r"\bThis job is with " + _NAME + r"\s*(?:,|\.|\n| and | an | who )"),
    re.compile(r"\b(?:on behalf of|[Oo]ur client,?)\s+" + _NAME + r"\s*(?:,|\.|;|\n| is | are | has )"),
    re.compile(r"^\s*(?:Company|Employer|Hiring [Cc]ompany|Client)\s*(?:[Nn]ame)?\s*:\s*" + _NAME + r"\s*$", re.M),
    re.compile(r"\A\s*" + _NAME + r" is (?:hiring|looking for|seeking)\b"),
]  # fmt: skip
_GENERIC = {"we", "our", "our client", "the company", "a company", "company", "client", "the client", "us"}  # fmt: skip


def is_aggregator(company: str) -> bool:
    name = normalise_company(company)
    return name in AGGREGATORS or name.startswith("jobs via ")


def find_real_employer(posting: Posting) -> str | None:
    """The employer an aggregator's description names, if it names one plainly."""
    text = posting.description[:3000]
    for pattern in _EMPLOYER_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        name = m.group(1).strip(" ,.-'’")
        if name.lower() in _GENERIC or is_aggregator(name) or len(name) < 2:
            continue
        return name
    return None


def annotate_employer(posting: Posting) -> Posting:
    """Set `real_employer` on an aggregator's posting when the description names the employer."""
    if posting.real_employer is None and is_aggregator(posting.company):
        posting.real_employer = find_real_employer(posting)
    return posting


# -- batch dedup -------------------------------------------------------------------------
_FILLABLE = ("employment_type", "seniority", "remote", "salary", "posted_at", "real_employer")


def _merge(first: Posting, other: Posting) -> Posting:
    """The first copy stays the job's identity; it borrows what it lacks from the other.

    Keeping the first (sources run in a fixed order: searches, then boards) keeps the same
    board id as the job's identity from one day to the next, so a job seen yesterday is
    recognised by its key today even when today's copy elsewhere is richer.
    """
    updates: dict[str, object] = {
        f: getattr(other, f)
        for f in _FILLABLE
        if getattr(first, f) is None and getattr(other, f) is not None
    }
    if len(other.description) > len(first.description):
        updates["description"] = other.description
    return first.model_copy(update=updates) if updates else first


def _ids(posting: Posting) -> list[str]:
    ids = ["k:" + listing_key(posting)]
    url = canonical_url(posting.url)
    if "/" in url:  # an empty or host-only URL says nothing about which job it is
        ids.append("u:" + url)
    company, title = normalise_company(employer(posting)), normalise_title(posting.title)
    if company and title:  # a nameless posting must not swallow other nameless ones
        ids.append("j:" + job_identity(posting))
    return ids


def group_duplicates(postings: Iterable[Posting]) -> list[tuple[Posting, list[Posting]]]:
    """Group repeats within one batch: same board id, same canonical URL, or same job identity.

    Returns, per job, the kept posting and the copies folded into it. Where two copies meet,
    the first stays and takes the other's missing fields and longer description. Aggregator
    postings get `real_employer` first, so "Jobs via Dice" for Acme meets Acme's own listing.
    The copies matter beyond today: their ids are marked seen too, so tomorrow's listing on the
    other board is not taken for a new job.
    """
    slots: list[Posting] = []
    copies: list[list[Posting]] = []
    index: dict[str, int] = {}
    for posting in postings:
        annotate_employer(posting)
        ids = _ids(posting)
        hit = next((index[i] for i in ids if i in index), None)
        if hit is None:
            slot = len(slots)
            slots.append(posting)
            copies.append([])
        else:
            slot = hit
            slots[slot] = _merge(slots[slot], posting)
            copies[slot].append(posting)
        # Both copies' ids now lead to the kept one.
        for i in (*ids, *_ids(slots[slot])):
            index.setdefault(i, slot)
    return list(zip(slots, copies, strict=True))


def dedup(postings: Iterable[Posting]) -> tuple[list[Posting], int]:
    """The unique postings of a batch (see `group_duplicates`) and how many were dropped."""
    groups = group_duplicates(postings)
    return [kept for kept, _ in groups], sum(len(dropped) for _, dropped in groups)
