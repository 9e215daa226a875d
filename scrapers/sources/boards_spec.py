"""Reading a company-board spec: ``<kind>:<token>`` or the board's careers URL.

Kinds: ``greenhouse:<token>``, ``lever:<co>`` (``lever:eu/<co>`` for Lever's EU boards),
``ashby:<org>``, ``smartrecruiters:<co>``, ``workable:<account>``, ``recruitee:<co>``,
``workday:<tenant>/<site>`` (Workday's data centre may ride along:
``workday:<tenant>.wd5/<site>``; wd1 when absent), ``rippling:<board>``, ``bamboohr:<co>``,
``teamtailor:<co>``, ``personio:<co>`` and ``oracle:<host>/<site number>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

BoardKind = Literal[
    "greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable", "recruitee",
    "rippling", "bamboohr", "teamtailor", "personio", "oracle",
]  # fmt: skip
KINDS: tuple[BoardKind, ...] = (
    "greenhouse", "lever", "ashby", "workday", "smartrecruiters", "workable", "recruitee",
    "rippling", "bamboohr", "teamtailor", "personio", "oracle",
)  # fmt: skip
USAGE = (
    "use greenhouse:<token>, lever:<company>, ashby:<org>, workday:<tenant>/<site>, "
    "smartrecruiters:<company>, workable:<account>, recruitee:<company>, rippling:<board>, "
    "bamboohr:<company>, teamtailor:<company>, personio:<company>, oracle:<host>/<site> "
    "or a careers URL"
)

# Careers-page hosts and the board each one belongs to.
_HOSTS: dict[str, BoardKind] = {
    "boards.greenhouse.io": "greenhouse",
    "job-boards.greenhouse.io": "greenhouse",
    "job-boards.eu.greenhouse.io": "greenhouse",
    "boards.eu.greenhouse.io": "greenhouse",
    "boards-api.greenhouse.io": "greenhouse",
    "jobs.lever.co": "lever",
    "jobs.eu.lever.co": "lever",
    "api.lever.co": "lever",
    "api.eu.lever.co": "lever",
    "jobs.ashbyhq.com": "ashby",
    "api.ashbyhq.com": "ashby",
    "jobs.smartrecruiters.com": "smartrecruiters",
    "careers.smartrecruiters.com": "smartrecruiters",
    "api.smartrecruiters.com": "smartrecruiters",
    "apply.workable.com": "workable",
    "ats.rippling.com": "rippling",
    "api.rippling.com": "rippling",
}
# Lever's EU boards, answered only by its EU API host.
_LEVER_EU = {"jobs.eu.lever.co", "api.eu.lever.co"}
# Hosts that carry the company in their own name.
_HOST_SUFFIXES: dict[str, BoardKind] = {
    ".myworkdayjobs.com": "workday",
    ".myworkdaysite.com": "workday",
    ".recruitee.com": "recruitee",
    ".bamboohr.com": "bamboohr",
    ".teamtailor.com": "teamtailor",
    ".jobs.personio.de": "personio",
    ".jobs.personio.com": "personio",
    ".oraclecloud.com": "oracle",
}
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_DC = re.compile(r"^wd\d{1,3}$")
_LOCALE = re.compile(r"^[a-z]{2}-[A-Za-z]{2}$")
# Path segments of API URLs that come before the token.
_API_PREFIXES = {
    "v1", "boards", "v0", "postings", "posting-api", "job-board", "embed", "job_board",
    "companies", "api", "widget", "accounts", "j", "v2", "platform", "ats", "board",
}  # fmt: skip
# Oracle Recruiting Cloud's candidate site: …/hcmUI/CandidateExperience/<lang>/sites/<site>/…
_ORACLE_SITE = re.compile(r"/hcmUI/CandidateExperience/(?:[^/]+/)?sites/([^/?#]+)", re.I)


@dataclass(frozen=True)
class BoardRef:
    kind: BoardKind
    token: str  # the company's name on the board (Workday: the tenant; Oracle: its host)
    site: str = ""  # Workday's career site, Oracle's site number
    dc: str = ""  # Workday's data centre host label (wd1, wd5, …); "eu" for Lever's EU boards
    shared_host: bool = False  # Workday on wdN.myworkdaysite.com: the tenant is in the path

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.token}" + (f"/{self.site}" if self.site else "")


def _token(spec: str, token: str) -> str:
    if not _TOKEN.match(token):
        raise ValueError(f"{spec!r}: {token!r} is not a board token (letters, digits, . _ -)")
    return token


def _workday(spec: str, tenant: str, site: str, dc: str = "", shared: bool = False) -> BoardRef:
    if not tenant or not site:
        raise ValueError(
            f"{spec!r}: a Workday board needs tenant and site: workday:<tenant>/<site>"
        )
    return BoardRef("workday", _token(spec, tenant), _token(spec, site), dc or "wd1", shared)


def _oracle(spec: str, host: str, site: str) -> BoardRef:
    if not site:
        raise ValueError(
            f"{spec!r}: an Oracle board needs its site number: oracle:<host>/<site> "
            "(the CX_1 in …/CandidateExperience/en/sites/CX_1/jobs)"
        )
    return BoardRef("oracle", _token(spec, host.lower()), _token(spec, site))


def parse_board(spec: str) -> BoardRef:
    """Turn a user's board spec into a BoardRef; raise ValueError saying what is wrong."""
    text = spec.strip()
    if not text:
        raise ValueError(f"empty board spec; {USAGE}")
    head, sep, rest = text.partition(":")
    if sep and head.lower() in KINDS and not rest.startswith("//"):
        kind: BoardKind = head.lower()  # type: ignore[assignment]
        token = rest.strip().strip("/")
        if kind == "workday":
            tenant, _, site = token.partition("/")
            name, _, dc = tenant.partition(".")
            if dc and not _DC.match(dc):
                raise ValueError(f"{spec!r}: {dc!r} is not a Workday data centre like wd5")
            return _workday(spec, name, site.strip("/"), dc)
        if kind == "oracle":
            host, _, site = token.partition("/")
            return _oracle(spec, host, site.strip("/"))
        if kind == "lever" and token.lower().startswith("eu/"):
            return BoardRef(kind, _token(spec, token[3:].strip("/")), dc="eu")
        return BoardRef(kind, _token(spec, token))
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    kind_or_none = _HOSTS.get(host) or next(
        (k for suffix, k in _HOST_SUFFIXES.items() if host.endswith(suffix)), None
    )
    oracle_site = _ORACLE_SITE.search(parts.path)
    if oracle_site:  # Oracle's candidate site, on its own host or an employer's domain
        kind_or_none = "oracle"
    if kind_or_none is None:
        raise ValueError(f"{spec!r} is not a known board; {USAGE}")
    kind = kind_or_none
    segments = [s for s in parts.path.split("/") if s]
    if kind == "oracle":
        return _oracle(spec, host, oracle_site.group(1) if oracle_site else "")
    if kind == "workday":
        labels = host.split(".")
        if host.endswith(".myworkdaysite.com"):
            # wd3.myworkdaysite.com/[<locale>/]recruiting/<tenant>/<site>
            segments = [s for s in segments if not _LOCALE.match(s)]
            if segments[:1] == ["recruiting"]:
                segments = segments[1:]
            dc = labels[0] if _DC.match(labels[0]) else ""
            tenant, site = (segments + ["", ""])[:2]
            return _workday(spec, tenant, site, dc, shared=True)
        dc = labels[1] if len(labels) > 3 and _DC.match(labels[1]) else ""
        segments = [s for s in segments if not _LOCALE.match(s)]
        return _workday(spec, labels[0], segments[0] if segments else "", dc)
    if kind in ("recruitee", "bamboohr", "personio"):
        return BoardRef(kind, _token(spec, host.split(".")[0]))
    if kind == "teamtailor":
        # acme.teamtailor.com, or a regional acme.na.teamtailor.com
        return BoardRef(kind, _token(spec, host.removesuffix(".teamtailor.com")))
    segments = [s for s in segments if s not in _API_PREFIXES]
    if kind == "rippling":
        segments = [s for s in segments if not _LOCALE.match(s)]  # ats.rippling.com/en-GB/acme
    # job-boards.greenhouse.io/embed/job_board?for=<token>
    if not segments and kind == "greenhouse":
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            if name == "for" and value:
                segments = [value]
    if not segments or not _TOKEN.match(segments[0]):
        raise ValueError(f"{spec!r}: the URL does not name a company (expected {host}/<company>)")
    if kind == "lever" and host in _LEVER_EU:
        return BoardRef(kind, segments[0], dc="eu")
    return BoardRef(kind, segments[0])
