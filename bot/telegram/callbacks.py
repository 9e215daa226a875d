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
``lp``     ``a|r:<proposal id>``                       Apply / Reject a learning proposal
``st``     ``<action>[:<arg>]``                        a /settings keyboard button
``go``     ``picks``                                   /start's "today's picks now"
``fg``     ``yes|no``                                  /forget's "Yes, delete everything" / Cancel
``ad``     ``<page>``                                  a page of the owner's /admin view
=========  ==========================================  =====================================
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from scoring.learning import VOTE_REASONS

MAX_BYTES = 64  # Telegram's limit for callback_data (Bot API, InlineKeyboardButton)

VOTE, REASON, BLOCK, SAVE, APPLIED = "v", "r", "b", "s", "a"
PICK_KINDS = (VOTE, REASON, BLOCK, SAVE, APPLIED)
PROPOSAL = "lp"
SETTINGS = "st"
GO = "go"
FORGET = "fg"
ADMIN = "ad"

PATTERN_PICK = rf"^({'|'.join(PICK_KINDS)}):"
PATTERN_PROPOSAL = rf"^{PROPOSAL}:"
PATTERN_SETTINGS = rf"^{SETTINGS}:"
PATTERN_GO = rf"^{GO}:"
PATTERN_FORGET = rf"^{FORGET}:"
PATTERN_ADMIN = rf"^{ADMIN}:"

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PICK_ID = re.compile(r"^[0-9a-f]{12}$")
_PROPOSAL = re.compile(r"^lp:([ar]):(\d{1,12})$")
_SETTING_ARG = re.compile(r"^[A-Za-z0-9_+\-]{1,24}$")


def _checked(data: str) -> str:
    size = len(data.encode("utf-8"))
    if not 1 <= size <= MAX_BYTES:
        raise ValueError(f"callback data of {size} bytes (Telegram takes 1–{MAX_BYTES}): {data!r}")
    return data


def pick_id(key: str) -> str:
    """A posting key as 12 hex characters (48 bits: no collision among one day's picks)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


# -- pick buttons ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Tap:
    """A tap on a pick button."""

    kind: str  # VOTE / REASON / BLOCK / SAVE / APPLIED
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
    elif len(parts) == 3 and parts[0] in (BLOCK, SAVE, APPLIED):
        (kind, day, pid), value = parts, ""
    else:
        return None
    if not _DAY.match(day) or not _PICK_ID.match(pid):
        return None
    return Tap(kind, day, pid, value)


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
    return action, arg


# -- /start ------------------------------------------------------------------------------------
TODAY_PICKS = f"{GO}:picks"


def parse_go(data: str) -> str | None:
    """``"go:picks"`` → ``"picks"``."""
    return "picks" if data == TODAY_PICKS else None


def forget(answer: str) -> str:
    """/forget's confirmation buttons: ``yes`` deletes, ``no`` cancels."""
    return _checked(f"{FORGET}:{answer}")


def parse_forget(data: str) -> str | None:
    answer = data.removeprefix(f"{FORGET}:")
    return answer if data.startswith(f"{FORGET}:") and answer in ("yes", "no") else None


def admin_page(page: int) -> str:
    return _checked(f"{ADMIN}:{page}")


def parse_admin_page(data: str) -> int | None:
    m = re.fullmatch(rf"{ADMIN}:(\d{{1,4}})", data)
    return int(m.group(1)) if m else None
