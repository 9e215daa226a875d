"""The one shape every source produces: a `Posting`, with its `Pay` and `Workplace`."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, field_validator, model_validator


def utcnow() -> datetime:
    return datetime.now(UTC)


def http_url(value: object) -> str | None:
    """`value` as an absolute http(s) URL, or None: a board's `javascript:`, `data:`, relative
    or empty link is never shown to anyone. The one check every link passes through."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if _hides_something(text):
        return None
    return text.replace(" ", "%20")


def _hides_something(link: str) -> bool:
    # Control and bidi characters can hide where a link goes; a lone surrogate cannot be sent.
    return any(ord(c) < 32 for c in link) or bool(_CONTROLS.search(link) or _SURROGATE.search(link))


# Characters a board's text must not carry into a message, the digest or the database:
# C0/C1 controls (NUL included) but tab and newline, and the invisible bidi controls that
# reorder what a reader sees (U+202E makes "gpj.exe" read "exe.jpg").
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
# A lone surrogate ("\ud800" in a board's JSON) is valid in a Python str but not in UTF-8:
# kept, it fails the database write, and lxml refuses to parse the text at all.
_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE_BREAKS = re.compile("[\r\u2028\u2029]\n?")


def clean_text(value: str, *, one_line: bool = False) -> str:
    """A board's text made safe to store and show: lone surrogates become U+FFFD, control
    and bidi characters go, line breaks are plain newlines (spaces when `one_line`)."""
    text = _SURROGATE.sub("\ufffd", value)
    text = _LINE_BREAKS.sub("\n", _CONTROLS.sub("", text))
    if one_line:
        text = text.replace("\n", " ").replace("\t", " ")
    return text


Workplace = Literal["remote", "hybrid", "onsite"]
PayInterval = Literal["hour", "day", "week", "biweek", "month", "year"]
# How many of each interval a full-time year holds (40 h a week, 52 weeks): the one place
# pay in any interval becomes a year's worth.
PERIODS_PER_YEAR: dict[str, int] = {
    "hour": 2080, "day": 260, "week": 52, "biweek": 26, "month": 12, "year": 1,
}  # fmt: skip
_CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥"}
_INTERVAL_WORDS = {
    "hour": "hr", "day": "day", "week": "wk", "biweek": "2 wks", "month": "mo", "year": "yr",
}  # fmt: skip


class Pay(BaseModel):
    """Pay as the board states it (or as parsed from the description): a range, one end, or
    an exact figure (min == max), per interval, in an ISO 4217 currency."""

    min: float | None = None
    max: float | None = None
    interval: PayInterval | None = None
    currency: str | None = None
    estimated: bool = False  # the board's own estimate (Indeed), not the employer's figure

    def label(self) -> str:
        """Short human form: "$40–50/hr", "from £30k/yr", "up to €5k/mo (est.)"."""
        sign = _CURRENCY_SIGNS.get((self.currency or "").upper())
        prefix = sign if sign else (f"{self.currency} " if self.currency else "")

        def money(v: float) -> str:
            if v >= 10_000:
                return f"{v / 1000:.0f}k" if v % 1000 == 0 or v >= 100_000 else f"{v / 1000:.1f}k"
            return f"{v:,.0f}" if v == int(v) else f"{v:,.2f}"

        if self.min is not None and self.max is not None and self.min != self.max:
            text = f"{prefix}{money(self.min)}–{money(self.max)}"
        elif self.min is not None and self.max is not None:
            text = f"{prefix}{money(self.min)}"
        elif self.min is not None:
            text = f"from {prefix}{money(self.min)}"
        elif self.max is not None:
            text = f"up to {prefix}{money(self.max)}"
        else:
            return ""
        if self.interval:
            text += f"/{_INTERVAL_WORDS[self.interval]}"
        return text + (" (est.)" if self.estimated else "")

    def yearly(self) -> float | None:
        """The best figure (the top of a range) as a year's worth; None without an interval."""
        best = self.max if self.max is not None else self.min
        if best is None or self.interval is None:
            return None
        return best * PERIODS_PER_YEAR[self.interval]


class Posting(BaseModel):
    """A job posting as every source reports it.

    `key` (source + the board's own id) is the primary identity; `scrapers.dedup`
    adds the cross-board fingerprint.
    """

    source: str
    source_id: str
    url: str
    title: str
    company: str
    location: str = ""
    posted_at: datetime | None = None
    employment_type: str | None = None  # internship / full-time / part-time / contract / temporary
    seniority: str | None = (
        None  # internship / entry / associate / mid-senior / director / executive
    )
    remote: bool | None = None
    workplace: Workplace | None = None  # remote / hybrid / onsite, when the board or text says
    salary: str | None = None  # the board's own pay text, as shown
    pay: Pay | None = None  # the same, structured
    apply_url: str | None = None  # the employer's own application page, when the board gives it
    description: str = ""
    real_employer: str | None = None  # set when an aggregator posts on behalf of a named employer
    fetched_at: datetime = Field(default_factory=utcnow)

    @field_validator(
        "source_id", "title", "company", "location", "salary", "real_employer", mode="before"
    )
    @classmethod
    def _clean_line(cls, value: object) -> object:
        # Every source's text passes here once: nothing unencodable, no control or bidi
        # character, no line break in a field shown on one line.
        return clean_text(value, one_line=True) if isinstance(value, str) else value

    @field_validator("description", mode="before")
    @classmethod
    def _clean_description(cls, value: object) -> object:
        return clean_text(value) if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_link(cls, value: str) -> str:
        # Sources build absolute http(s) links (`http_url`); here any other scheme
        # (`javascript:`, `data:`…) or a hidden control character is refused outright, so
        # such a link can never reach the digest or a message.
        text = value.strip()
        scheme = urlsplit(text).scheme.lower() if ":" in text else ""
        if (scheme and scheme not in ("http", "https")) or _hides_something(text):
            raise ValueError(f"not an http(s) link: {text[:60]!r}")
        return text.replace(" ", "%20")

    @field_validator("apply_url", mode="before")
    @classmethod
    def _http_apply_link(cls, value: object) -> str | None:
        return http_url(value)  # an unusable apply link is dropped, the posting kept

    @model_validator(mode="after")
    def _workplace_and_remote_agree(self) -> Posting:
        # One rule for every board: `workplace` is the full answer, `remote` its yes/no.
        if self.workplace is None and self.remote:
            self.workplace = "remote"
        elif self.workplace is not None:
            self.remote = self.workplace == "remote"
        return self

    @property
    def key(self) -> str:
        """Stable identity of this posting on its board, e.g. ``linkedin:3912345678``."""
        return f"{self.source}:{self.source_id}"

    def content_hash(self) -> str:
        """Hash of what a scorer reads; a changed description means a new score."""
        h = hashlib.sha256()
        for part in (
            self.title,
            self.company,
            self.location,
            self.employment_type or "",
            self.seniority or "",
            str(self.remote),
            self.salary or "",
            self.description,
        ):
            h.update(part.encode("utf-8", "replace"))
            h.update(b"\x1f")
        return h.hexdigest()[:32]
