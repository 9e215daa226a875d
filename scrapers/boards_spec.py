"""Reading a company-board spec: ``greenhouse:<token>``, ``lever:<co>``, ``ashby:<org>`` or a URL."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

BoardKind = Literal["greenhouse", "lever", "ashby"]
KINDS: tuple[BoardKind, ...] = ("greenhouse", "lever", "ashby")

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
    "jobs.ashbyhq.com": "ashby",
    "api.ashbyhq.com": "ashby",
}
_TOKEN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
# Path segments of API URLs that come before the token.
_API_PREFIXES = {"v1", "boards", "v0", "postings", "posting-api", "job-board", "embed", "job_board"}


@dataclass(frozen=True)
class BoardRef:
    kind: BoardKind
    token: str

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.token}"


def parse_board(spec: str) -> BoardRef:
    """Turn a user's board spec into (kind, token); raise ValueError saying what is wrong."""
    text = spec.strip()
    if not text:
        raise ValueError(
            "empty board spec; use greenhouse:<token>, lever:<company>, ashby:<org> or a careers URL"
        )
    head, sep, rest = text.partition(":")
    if sep and head.lower() in KINDS and not rest.startswith("//"):
        token = rest.strip().strip("/")
        if not _TOKEN.match(token):
            raise ValueError(f"{spec!r}: {token!r} is not a board token (letters, digits, . _ -)")
        return BoardRef(head.lower(), token)  # type: ignore[arg-type]
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    kind = _HOSTS.get(host)
    if kind is None:
        raise ValueError(
            f"{spec!r} is not a known board; use greenhouse:<token>, lever:<company>, "
            "ashby:<org>, or a boards.greenhouse.io / jobs.lever.co / jobs.ashbyhq.com URL"
        )
    segments = [s for s in parts.path.split("/") if s and s not in _API_PREFIXES]
    # job-boards.greenhouse.io/embed/job_board?for=<token>
    if not segments and kind == "greenhouse":
        for pair in parts.query.split("&"):
            name, _, value = pair.partition("=")
            if name == "for" and value:
                segments = [value]
    if not segments or not _TOKEN.match(segments[0]):
        raise ValueError(f"{spec!r}: the URL does not name a company (expected {host}/<company>)")
    return BoardRef(kind, segments[0])
