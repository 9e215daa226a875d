"""Inline keyboards and their callback data.

Callback data is ``<prefix>:<…>:<day>:<pick id>`` where the pick id is a short hash of the
posting key: ≤ 64 bytes for any key, and resolvable after a restart from the Store alone
(the day's picks are few, so hashing each key finds the pick; nothing lives in memory).
The router dispatches on the prefix before the first ``:``: ``v`` vote, ``r`` reason,
``b`` block company. Another feature adds its own prefix with one handler registration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.store import Store
from bot.store.records import VOTE_REASONS, Pick
from scrapers.text import cut

VOTE, REASON, BLOCK = "v", "r", "b"


def pick_id(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Tap:
    kind: str  # VOTE / REASON / BLOCK
    day: str
    pick_id: str
    value: str = ""  # "up"/"down" for a vote, a VOTE_REASONS key for a reason


def encode(kind: str, day: str, key: str, value: str = "") -> str:
    parts = [kind, value, day, pick_id(key)] if value else [kind, day, pick_id(key)]
    data = ":".join(parts)
    assert len(data.encode()) <= 64, data
    return data


def decode(data: str) -> Tap | None:
    """Parse callback data; None for anything malformed (never trust it)."""
    parts = (data or "").split(":")
    if len(parts) == 4 and parts[0] == VOTE and parts[1] in ("u", "d"):
        return Tap(VOTE, parts[2], parts[3], "up" if parts[1] == "u" else "down")
    if len(parts) == 4 and parts[0] == REASON and parts[1] in VOTE_REASONS:
        return Tap(REASON, parts[2], parts[3], parts[1])
    if len(parts) == 3 and parts[0] == BLOCK:
        return Tap(BLOCK, parts[1], parts[2])
    return None


def resolve(store: Store, tap: Tap) -> Pick | None:
    """The pick a tap refers to, from the Store."""
    if len(tap.day) != 10:
        return None
    for pick in store.picks_for(tap.day):
        if pick_id(pick.key) == tap.pick_id:
            return pick
    return None


def pick_keyboard(
    pick: Pick, vote: str | None = None, reason: str | None = None, blocked: bool = False
) -> InlineKeyboardMarkup:
    """👍/👎 with the recorded vote marked; after 👎, the reason row and the block button."""
    up = "👍 ✓" if vote == "up" else "👍"
    down = "👎 ✓" if vote == "down" else "👎"
    rows = [
        [
            InlineKeyboardButton(up, callback_data=encode(VOTE, pick.day, pick.key, "u")),
            InlineKeyboardButton(down, callback_data=encode(VOTE, pick.day, pick.key, "d")),
        ]
    ]
    if vote == "down":
        reasons = [
            InlineKeyboardButton(
                f"{label} ✓" if key == reason else label,
                callback_data=encode(REASON, pick.day, pick.key, key),
            )
            for key, label in VOTE_REASONS.items()
        ]
        rows += [reasons[:3], reasons[3:]]
        label = (
            f"🚫 {cut(pick.company, 28, one_line=True)} blocked ✓"
            if blocked
            else f"🚫 Never show {cut(pick.company, 28, one_line=True)}"
        )
        rows.append([InlineKeyboardButton(label, callback_data=encode(BLOCK, pick.day, pick.key))])
    return InlineKeyboardMarkup(rows)
