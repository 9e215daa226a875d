"""Every inline button's callback data: one format per button family, in one place.

Telegram carries 1–64 bytes of ``callback_data`` per button and hands it back on a tap, so
a button must say everything needed to act on it with no state kept in memory: a pick button
names the day and a short hash of the posting key (the day's picks are few, so hashing each
key finds the pick after a restart). Data is ``<prefix>:<fields>``; the router dispatches on
the prefix (the ``PATTERN_*`` regexes below). Anything that does not parse is refused.

=========  ==========================================  =====================================
prefix     fields                                      button
=========  ==========================================  =====================================
``v``      ``u|d:<day>:<pick id>``                     👍 / 👎
``r``      ``<reason>:<day>:<pick id>``                a 👎 reason
``b``      ``<day>:<pick id>``                         🚫 never show this company
``s``      ``<day>:<pick id>``                         🔖 save / unsave
``a``      ``<day>:<pick id>``                         ✅ applied / not applied
``o``      ``<day>:<pick id>``                         a number under a list: the pick in full
``t``      ``<where><action>:<day>:<pick id>``         the pipeline: a /saved or /applied
                                                       list, a posting's card, a reminder
``lp``     ``a|r:<proposal id>``                       Apply / Reject a learning proposal
``st``     ``<action>[:<arg>]``                        a /settings keyboard button
``go``     ``picks``                                   /start's "today's picks now"
``lf``     ``<line id>``                               ✖️ remove a learned line (/profile)
``ub``     ``<company id>``                            🔓 unblock a company (/profile)
``rs``     ``<day>``                                   🔄 rescore the day's postings
``fg``     ``yes|no``                                  /forget's "Yes, delete everything" / Cancel
``ad``     ``<page>``                                  a page of the owner's /admin view
=========  ==========================================  =====================================

A learned line and a blocked company are named by a short hash (`ref`) of their id or name,
found again by hashing what /profile shows now: a line or company gone since is refused.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from scoring.learning import VOTE_REASONS

MAX_BYTES = 64  # Telegram's limit for callback_data (Bot API, InlineKeyboardButton)

VOTE, REASON, BLOCK, SAVE, APPLIED, OPEN = "v", "r", "b", "s", "a", "o"
PICK_KINDS = (VOTE, REASON, BLOCK, SAVE, APPLIED, OPEN)
PROPOSAL = "lp"
SETTINGS = "st"
GO = "go"
TRACK = "t"


FORGET, UNBLOCK, RESCORE = "lf", "ub", "rs"
ERASE = "fg"  # /forget: the person, not a learned line (FORGET)
ADMIN = "ad"

PATTERN_PICK = rf"^({'|'.join(PICK_KINDS)}):"
PATTERN_PROPOSAL = rf"^{PROPOSAL}:"
PATTERN_SETTINGS = rf"^{SETTINGS}:"
PATTERN_GO = rf"^{GO}:"
PATTERN_TRACK = rf"^{TRACK}:"


PATTERN_PROFILE = rf"^({FORGET}|{UNBLOCK}):"
PATTERN_RESCORE = rf"^{RESCORE}:"
PATTERN_ERASE = rf"^{ERASE}:"
PATTERN_ADMIN = rf"^{ADMIN}:"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PICK_ID = re.compile(r"^[0-9a-f]{12}$")
_PROPOSAL = re.compile(r"^lp:([ar]):(\d{1,12})$")
_SETTING_ARG = re.compile(r"^[A-Za-z0-9_+\-]{1,24}$")
_SETTING_NUMBER = re.compile(r"^[+-]?\d+$")
# The largest number a settings button carries (a step in minutes, a list index): anything
# past it is forged, and `timedelta(minutes=+99999999999999999999)` would raise (issue 22).
MAX_SETTING_NUMBER = 24 * 60


def _checked(data: str) -> str:
    size = len(data.encode("utf-8"))
    if not 1 <= size <= MAX_BYTES:
        raise ValueError(f"callback data of {size} bytes (Telegram takes 1–{MAX_BYTES}): {data!r}")
    return data


def pick_id(key: str) -> str:
    """A posting key as 12 hex characters (48 bits: no collision among one day's picks)."""
    return ref(key)


def ref(text: str) -> str:
    """Any id or name as 12 hex characters (a few dozen shown at once never collide)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


# -- pick buttons ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tap:
    """A tap on a pick button."""

    kind: str  # VOTE / REASON / BLOCK / SAVE / APPLIED / OPEN
    day: str
    pick_id: str
    value: str = ""  # "up"/"down" for a vote, a VOTE_REASONS key for a reason


def encode(kind: str, day: str, key: str, value: str = "") -> str:
    """Callback data for a pick button (`value`: "u"/"d" for a vote, a reason key)."""
    parts = [kind, value, day, pick_id(key)] if value else [kind, day, pick_id(key)]
    return _checked(":".join(parts))


def decode(data: str) -> Tap | None:
    """Parse pick-button data; None for anything malformed (never trust it)."""
    parts = (data or "").split(":")
    if len(parts) == 4:
        kind, value, day, pid = parts
        if kind == VOTE and value in ("u", "d"):
            value = "up" if value == "u" else "down"
        elif not (kind == REASON and value in VOTE_REASONS):
            return None
    elif len(parts) == 3 and parts[0] in (BLOCK, SAVE, APPLIED, OPEN):
        (kind, day, pid), value = parts, ""
    else:
        return None
    if not _DAY.match(day) or not _PICK_ID.match(pid):
        return None
    return Tap(kind, day, pid, value)


# -- the pipeline: lists, cards, reminders ----------------------------------------------------
# Where the button is (the message to redraw after the tap) and what it does.
TRACK_WHERE = {"s": "saved", "a": "applied", "c": "card", "r": "reminder"}
TRACK_ACTIONS = {
    "o": "open",
    "u": "unsave",
    "s": "saved",
    "a": "applied",
    "i": "interviewing",
    "f": "offer",
    "x": "rejected",
    "n": "note",
}
_TRACK = re.compile(r"^t:([sacr])([ousaifxn]):(\d{4}-\d{2}-\d{2}):([0-9a-f]{12})$")


@dataclass(frozen=True)
class TrackTap:
    """A tap on a pipeline button."""

    where: str  # a value of TRACK_WHERE
    action: str  # a value of TRACK_ACTIONS
    day: str
    pick_id: str


def track(where: str, action: str, day: str, key: str) -> str:
    """``t:<where><action>:<day>:<pick id>``, e.g. ``t:sa:2026-03-02:0123456789ab``."""
    w = next(k for k, v in TRACK_WHERE.items() if v == where)
    a = next(k for k, v in TRACK_ACTIONS.items() if v == action)
    return _checked(f"{TRACK}:{w}{a}:{day}:{pick_id(key)}")


def parse_track(data: str) -> TrackTap | None:
    m = _TRACK.match(data or "")
    if not m:
        return None
    return TrackTap(TRACK_WHERE[m.group(1)], TRACK_ACTIONS[m.group(2)], m.group(3), m.group(4))


# -- learning proposals ----------------------------------------------------------------------
def proposal(action: str, proposal_id: int) -> str:
    """``lp:a:<id>`` (apply) or ``lp:r:<id>`` (reject)."""
    if action not in ("apply", "reject"):
        raise ValueError(f"unknown proposal action {action!r}")
    return _checked(f"{PROPOSAL}:{action[0]}:{proposal_id}")


def parse_proposal(data: str) -> tuple[str, int] | None:
    """``"lp:a:7"`` → ``("apply", 7)``; None when the data is not a proposal button."""
    m = _PROPOSAL.match(data or "")
    if not m:
        return None
    return ("apply" if m.group(1) == "a" else "reject"), int(m.group(2))


# -- /settings keyboard ------------------------------------------------------------------------
def setting(action: str, arg: str = "") -> str:
    """``st:<action>[:<arg>]``, e.g. ``st:time:+30``, ``st:tz:3``, ``st:pause:on``."""
    return _checked(f"{SETTINGS}:{action}:{arg}" if arg else f"{SETTINGS}:{action}")


def parse_setting(data: str) -> tuple[str, str] | None:
    """``"st:time:+30"`` → ``("time", "+30")``; None when malformed."""
    parts = (data or "").split(":")
    if parts[0] != SETTINGS or len(parts) not in (2, 3):
        return None
    action, arg = parts[1], parts[2] if len(parts) == 3 else ""
    if not _SETTING_ARG.match(action) or (arg and not _SETTING_ARG.match(arg)):
        return None
    if _SETTING_NUMBER.match(arg) and abs(int(arg)) > MAX_SETTING_NUMBER:
        return None
    return action, arg


# -- /start ------------------------------------------------------------------------------------
TODAY_PICKS = f"{GO}:picks"


def parse_go(data: str) -> str | None:
    """``"go:picks"`` → ``"picks"``."""
    return "picks" if data == TODAY_PICKS else None


# -- /profile: a learned line, a blocked company; the rescore ---------------------------------
def forget(line_id: str) -> str:
    """``lf:<ref>``: remove the learned line with this id."""
    return _checked(f"{FORGET}:{ref(line_id)}")


def unblock(company: str) -> str:
    """``ub:<ref>``: unblock exactly this entry of the blocked list."""
    return _checked(f"{UNBLOCK}:{ref(company)}")


def parse_profile(data: str) -> tuple[str, str] | None:
    """``"lf:<ref>"`` → ``("forget", ref)``, ``"ub:<ref>"`` → ``("unblock", ref)``."""
    kind, _, value = (data or "").partition(":")
    if kind not in (FORGET, UNBLOCK) or not _PICK_ID.match(value):
        return None
    return ("forget" if kind == FORGET else "unblock"), value


def rescore(day: str) -> str:
    """``rs:<day>``: rescore that day's postings (a button from another day is stale)."""
    return _checked(f"{RESCORE}:{day}")


def parse_rescore(data: str) -> str | None:
    """``"rs:2026-03-02"`` → ``"2026-03-02"``."""
    kind, _, day = (data or "").partition(":")
    return day if kind == RESCORE and _DAY.match(day) else None


# -- /forget (the whole person) and the owner's /admin -----------------------------------------
def erase(answer: str) -> str:
    """/forget's confirmation buttons: ``yes`` deletes, ``no`` cancels."""
    return _checked(f"{ERASE}:{answer}")


def parse_erase(data: str) -> str | None:
    answer = data.removeprefix(f"{ERASE}:")
    return answer if data.startswith(f"{ERASE}:") and answer in ("yes", "no") else None


def admin_page(page: int) -> str:
    return _checked(f"{ADMIN}:{page}")


def parse_admin_page(data: str) -> int | None:
    m = re.fullmatch(rf"{ADMIN}:(\d{{1,4}})", data)
    return int(m.group(1)) if m else None
