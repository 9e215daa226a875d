"""Deciding when two postings are the same job.

The board's own id is the first key (`Posting.key`); the fingerprint — normalised company,
title and location — catches the same job on two boards or re-listed under a new id.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from scrapers.models import Posting

_COMPANY_SUFFIXES = re.compile(
    r"\b(incorporated|inc|llc|l\.l\.c|ltd|limited|corp|corporation|co|company|gmbh|plc|sa|ag|bv|pty|pbc)\b\.?"
)
_NON_WORD = re.compile(r"[^a-z0-9]+")
_TITLE_NOISE = re.compile(r"\((?:m/w/d|f/m/d|m/f/d|h/f)\)|\b(?:job|position|opening)\b")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def normalise_company(name: str) -> str:
    """'Acme, Inc.' and 'ACME' both become 'acme'."""
    text = _fold(name).replace("&", " and ")
    text = _COMPANY_SUFFIXES.sub(" ", text)
    return _NON_WORD.sub(" ", text).strip()


def normalise_title(title: str) -> str:
    text = _TITLE_NOISE.sub(" ", _fold(title))
    return _NON_WORD.sub(" ", text).strip()


def normalise_location(location: str) -> str:
    """The city part, lower-cased: 'Austin, TX, United States' -> 'austin'."""
    text = _fold(location).split(",")[0]
    return _NON_WORD.sub(" ", text).strip()


def fingerprint(posting: Posting) -> str:
    """Company + title + city: the identity of a job across boards."""
    return "|".join(
        (
            normalise_company(posting.real_employer or posting.company),
            normalise_title(posting.title),
            normalise_location(posting.location),
        )
    )


def dedup(postings: Iterable[Posting]) -> tuple[list[Posting], int]:
    """Drop repeats within one batch (same board id, or same fingerprint); keep the first.

    Returns the unique postings and how many were dropped.
    """
    keys: set[str] = set()
    fps: set[str] = set()
    unique: list[Posting] = []
    dropped = 0
    for posting in postings:
        fp = fingerprint(posting)
        if posting.key in keys or fp in fps:
            dropped += 1
            continue
        keys.add(posting.key)
        fps.add(fp)
        unique.append(posting)
    return unique, dropped
