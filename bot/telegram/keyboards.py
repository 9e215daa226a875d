"""Inline keyboards: under a pick, on /settings, under /start and a learning proposal, under
the pipeline's lists, cards and reminders; /profile (remove a learned line, unblock a
company) and the offer to rescore today.

The data each button carries is made in `bot.telegram.callbacks` (the one home of the
formats); this module only lays buttons out from the state they show.
"""

from __future__ import annotations

from telegram import ForceReply, InlineKeyboardButton, InlineKeyboardMarkup

from bot.services.delivery import PickState
from bot.services.marks import Tracked
from bot.services.preferences import TIMEZONES, Preferences
from bot.services.records import Pick
from bot.telegram import callbacks as cb
from bot.telegram.render import PIPELINE_SHOWN
from scoring.learning import VOTE_REASONS
from scrapers.postings.text import cut


def _button(label: str, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=data)


def pick_keyboard(pick: Pick, state: PickState | None = None) -> InlineKeyboardMarkup:
    """👍/👎 with the recorded vote marked; 🔖 Save and ✅ Applied; after 👎 the reasons
    (until one is chosen, then it shows on the 👎) and "never show this company"."""
    s = state or PickState()
    down = "👎"
    if s.vote == "down":
        down = f"👎 ✓ {VOTE_REASONS[s.reason]}" if s.reason in VOTE_REASONS else "👎 ✓"
    rows = [
        [
            _button(
                "👍 ✓" if s.vote == "up" else "👍", cb.encode(cb.VOTE, pick.day, pick.key, "u")
            ),
            _button(down, cb.encode(cb.VOTE, pick.day, pick.key, "d")),
        ],
        [
            _button("🔖 Saved ✓" if s.saved else "🔖 Save", cb.encode(cb.SAVE, pick.day, pick.key)),
            _button(
                "✅ Applied ✓" if s.applied else "✅ Applied",
                cb.encode(cb.APPLIED, pick.day, pick.key),
            ),
        ],
    ]
    if s.vote == "down":
        if s.reason is None:
            reasons = [
                _button(label, cb.encode(cb.REASON, pick.day, pick.key, key))
                for key, label in VOTE_REASONS.items()
            ]
            rows += [reasons[:3], reasons[3:]]
        company = cut(pick.company, 28, one_line=True)
        label = f"🚫 {company} blocked ✓" if s.blocked else f"🚫 Never show {company}"
        rows.append([_button(label, cb.encode(cb.BLOCK, pick.day, pick.key))])
    return InlineKeyboardMarkup(rows)


def rows_markup(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    """Rows of (label, callback data) as a keyboard (e.g. a proposal's Apply / Reject)."""
    return InlineKeyboardMarkup([[_button(label, data) for label, data in row] for row in rows])


def settings_keyboard(p: Preferences) -> InlineKeyboardMarkup:
    """The /settings keyboard: each button is one step; the message is edited in place."""
    return InlineKeyboardMarkup(
        [
            [
                _button("🕗 −1 h", cb.setting("time", "-60")),
                _button("−15 min", cb.setting("time", "-15")),
                _button("+15 min", cb.setting("time", "+15")),
                _button("+1 h", cb.setting("time", "+60")),
            ],
            [
                _button("📋 picks −1", cb.setting("picks", "-1")),
                _button("picks +1", cb.setting("picks", "+1")),
                _button("🎯 min −5", cb.setting("min", "-5")),
                _button("min +5", cb.setting("min", "+5")),
            ],
            [
                _button(
                    "📅 weekdays only" if p.days == "every day" else "📅 every day",
                    cb.setting("days", "weekdays" if p.days == "every day" else "daily"),
                ),
                _button(
                    "🗞 daily picks" if p.weekly else "🗞 weekly digest",
                    cb.setting("weekly", "off" if p.weekly else "on"),
                ),
            ],
            [
                _button("🌍 timezone…", cb.setting("tzlist")),
                _button(
                    "📰 full picks" if p.compact else "📃 compact list",
                    cb.setting("view", "full" if p.compact else "compact"),
                ),
                _button(
                    "▶️ resume" if p.paused else "⏸ pause",
                    cb.setting("pause", "off" if p.paused else "on"),
                ),
            ],
        ]
    )


def zone_choice_keyboard(said: str, choices: tuple[str, ...]) -> InlineKeyboardMarkup:
    """One button per zone an abbreviation may mean ("IST": Kolkata, Jerusalem, Dublin)."""
    return InlineKeyboardMarkup(
        [[_button(zone, cb.setting("tzpick", f"{said}_{i}"))] for i, zone in enumerate(choices)]
    )


def timezone_keyboard() -> InlineKeyboardMarkup:
    """A short list of zones to tap, two per row, and a way back."""
    buttons = [_button(zone, cb.setting("tz", str(i))) for i, zone in enumerate(TIMEZONES)]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_button("↩️ back", cb.setting("back"))])
    return InlineKeyboardMarkup(rows)


def start_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_button("📬 Today's picks now", cb.TODAY_PICKS)]])


LIST_ROW = 8  # number buttons per row under a list


def list_keyboard(picks: list[Pick]) -> InlineKeyboardMarkup | None:
    """Under a compact list: a numbered button per pick that sends it in full, with its
    👍/👎 and marks (the list itself has no room for them)."""
    buttons = [_button(str(i), cb.encode(cb.OPEN, p.day, p.key)) for i, p in enumerate(picks, 1)]
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [buttons[i : i + LIST_ROW] for i in range(0, len(buttons), LIST_ROW)]
    )


# -- the pipeline -------------------------------------------------------------------------------
def saved_list_keyboard(items: list[Tracked]) -> InlineKeyboardMarkup | None:
    """Under /saved, a row per posting shown: ✅ applied, 🗑 unsave, ⋯ its card."""
    rows = []
    for i, t in enumerate(items[:PIPELINE_SHOWN], 1):
        day, key = t.pick.day, t.pick.key
        rows.append(
            [
                _button(f"{i} ✅ applied", cb.track("saved", "applied", day, key)),
                _button(f"{i} 🗑 unsave", cb.track("saved", "unsave", day, key)),
                _button(f"{i} ⋯", cb.track("saved", "open", day, key)),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def applied_list_keyboard(items: list[Tracked]) -> InlineKeyboardMarkup | None:
    """Under /applied, a numbered button per posting shown: its card (the next stage)."""
    buttons = [
        _button(f"{i} ⋯", cb.track("applied", "open", t.pick.day, t.pick.key))
        for i, t in enumerate(items[:PIPELINE_SHOWN], 1)
    ]
    if not buttons:
        return None
    return InlineKeyboardMarkup([buttons[i : i + 5] for i in range(0, len(buttons), 5)])


def card_keyboard(item: Tracked) -> InlineKeyboardMarkup:
    """A posting's card: each stage (✓ where reached; a tap takes one back) and a note."""
    day, key = item.pick.day, item.pick.key

    def stage(label: str, kind: str) -> InlineKeyboardButton:
        mark = " ✓" if kind in item.stages else ""
        return _button(f"{label}{mark}", cb.track("card", kind, day, key))

    return InlineKeyboardMarkup(
        [
            [stage("🔖 Saved", "saved"), stage("✅ Applied", "applied")],
            [
                stage("🗣 Interviewing", "interviewing"),
                stage("🎉 Offer", "offer"),
                stage("✖️ Rejected", "rejected"),
            ],
            [_button("📝 Note", cb.track("card", "note", day, key))],
        ]
    )


def reminder_keyboard(pick: Pick) -> InlineKeyboardMarkup:
    """Under "You saved X 5 days ago — applied?"."""
    return InlineKeyboardMarkup(
        [
            [
                _button("✅ Applied", cb.track("reminder", "applied", pick.day, pick.key)),
                _button("🗑 Unsave", cb.track("reminder", "unsave", pick.day, pick.key)),
                _button("⋯ Card", cb.track("reminder", "open", pick.day, pick.key)),
            ]
        ]
    )


def note_reply_markup() -> ForceReply:
    """The note prompt opens the reply box."""
    return ForceReply(input_field_placeholder="Your note")


def _pairs(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


RESCORE_LABEL = "🔄 Rescore today's postings"
MAX_UNBLOCK_BUTTONS = 10


def profile_keyboard(
    lines: list[tuple[str, str]], blocked: list[str], rescore_day: str | None = None
) -> InlineKeyboardMarkup | None:
    """Under /profile: ✖️ for each learned line shown ((id, words), numbered as shown), 🔓
    for each blocked company (the first few), and the rescore when today has run."""
    forget = [
        _button(f"✖️ {n}. {cut(words, 22, one_line=True)}", cb.forget(line_id))
        for n, (line_id, words) in enumerate(lines, 1)
    ]
    unblock = [
        _button(f"🔓 {cut(name, 24, one_line=True)}", cb.unblock(name))
        for name in blocked[:MAX_UNBLOCK_BUTTONS]
    ]
    rows = _pairs(forget) + _pairs(unblock)
    if rescore_day:
        rows.append([_button(RESCORE_LABEL, cb.rescore(rescore_day))])
    return InlineKeyboardMarkup(rows) if rows else None


def rescore_keyboard(day: str) -> InlineKeyboardMarkup:
    """The offer to rescore the day's postings now."""
    return InlineKeyboardMarkup([[_button(RESCORE_LABEL, cb.rescore(day))]])


def unblock_keyboard(choices: list[str]) -> InlineKeyboardMarkup:
    """Which of these blocked companies to unblock (a partial name fitted several)."""
    return InlineKeyboardMarkup(
        [[_button(f"🔓 {cut(name, 40, one_line=True)}", cb.unblock(name))] for name in choices]
    )
