"""Rendering and callback data: escaped, within Telegram's limits, and the fake enforces them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.services.stats import Stats
from bot.store.records import Pick, ProfileVersion, RunRecord, SourceReport
from bot.telegram import render
from bot.telegram.keyboards import decode, encode, pick_id, pick_keyboard
from scoring.profile import Filters, Profile
from tests.bot.telegram_support import CHAT
from tests.fakes.telegram import visible_text

HOSTILE = '<script>alert("x")</script> & <b>bold</b> &amp; </i> <a href="javascript:x">'


def make_pick(**over) -> Pick:
    data = dict(
        day="2026-03-02",
        key="greenhouse:" + "a-very-long-board-token-for-a-company" * 3 + ":1234567890",
        rank=1,
        score=88,
        reason=HOSTILE * 40,
        summary=HOSTILE * 80,
        scorer="openai/gpt-4o-mini",
        profile_version=3,
        title=HOSTILE * 10,
        company="AT&T <Labs>" * 20,
        location="Austin, TX <remote>",
        url='https://example.com/jobs?id=1&x="><script>',
        source="greenhouse:acme",
    )
    return Pick.model_validate(data | over)


def test_pick_message_is_valid_html_under_limit():
    text = visible_text(render.pick_message(make_pick()), "HTML")
    assert len(text) <= 4096
    assert "<script>" in text  # shown literally, not interpreted
    assert text.startswith("88/100")


def test_every_screen_stays_valid_and_short():
    profile = Profile(
        about=HOSTILE * 500,
        directives=[HOSTILE * 20] * 40,
        learned=[HOSTILE] * 40,
        filters=Filters(blocked_companies=[HOSTILE] * 100, locations=["<x>"] * 50),
        version=7,
    )
    record = RunRecord(
        day="2026-03-02",
        started_at=datetime.now(UTC),
        sources=[
            SourceReport(source=f"s{i}<", state="failed", reason=HOSTILE * 9) for i in range(50)
        ],
    )
    history = [
        ProfileVersion(
            profile=profile.model_copy(update={"version": i}),
            note=HOSTILE * 5,
            created_at=datetime(2026, 3, 2, 8, tzinfo=UTC),
            current=i == 60,
        )
        for i in range(1, 61)
    ]
    for html in (
        render.profile_message(profile),
        render.profile_message(profile, ([HOSTILE] * 50, [HOSTILE] * 50)),
        render.header_message("2026-03-02", record, 0),
        render.history_message(history),
        render.help_message(),
        render.run_failed_message("2026-03-02", HOSTILE * 100),
        render.error_message(HOSTILE * 100),
        render.start_message(datetime.now(UTC), HOSTILE * 10, paused=True),
        render.stats_message(Stats(10**9, 10**4, 10**6, 10**6, 10**6, 1e9, 1e9, 10**9)),
        render.with_note(render.esc(HOSTILE * 300, 5000), render.esc(HOSTILE)),
    ):
        assert len(visible_text(html, "HTML")) <= 4096


def test_callback_data_fits_and_round_trips():
    pick = make_pick()
    assert len(pick.key) > 64
    for kind, value in (("v", "u"), ("v", "d"), ("r", "location"), ("b", "")):
        data = encode(kind, pick.day, pick.key, value)
        assert 1 <= len(data.encode()) <= 64
        tap = decode(data)
        assert tap is not None and tap.day == pick.day
        assert (tap.kind, tap.pick_id) == (kind, pick_id(pick.key))
        assert tap.value == {"u": "up", "d": "down"}.get(value, value)
    for bad in ("", "v", "v:q:2026-03-02:abc", "r:nope:2026-03-02:abc", "x:1:2:3", "b:1"):
        assert decode(bad) is None
    rows = pick_keyboard(pick, "down", "senior", blocked=True).inline_keyboard
    labels = [b.text for row in rows for b in row]
    assert "👎 ✓" in labels and "too senior ✓" in labels and labels[-1].endswith("blocked ✓")


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("a < b", "can't parse entities"),
        ("<b>open", "can't parse entities"),
        ("<div>x</div>", "can't parse entities"),
        ("&nbsp;", "can't parse entities"),
        ("x" * 4097, "message is too long"),
    ],
)
async def test_fake_rejects_what_telegram_rejects(fake, text, why):
    async with Bot(fake.token, base_url=fake.base_url) as bot:
        with pytest.raises(BadRequest, match=f"(?i){why}"):
            await bot.send_message(CHAT, text, parse_mode="HTML")
        with pytest.raises(BadRequest, match="(?i)button_data_invalid"):
            from telegram import InlineKeyboardButton, InlineKeyboardMarkup

            markup = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="y" * 65)]])
            await bot.send_message(CHAT, "ok", reply_markup=markup)
        ok = await bot.send_message(
            CHAT, "<b>fine</b> &amp; <i>dandy</i> &#128077;", parse_mode="HTML"
        )
        assert ok.text == "fine & dandy 👍"


def test_a_note_below_a_long_message_never_cuts_its_html():
    note = "✅ Applied proposal #3: profile version 9. /profile undo reverts it."
    short = "<b>🧠 What I learned</b>\n➕ likes <i>ranking</i> &amp; search"
    assert render.with_note(short, note) == f"{short}\n\n{note}"
    line = "➕ R&amp;D &lt;ranking&gt; roles\n"
    long = "<b>🧠 What I learned</b>\n" + line * (4040 // len(visible_text(line, "HTML")))
    assert 4096 - len(note) < len(visible_text(long, "HTML")) < 4096 < len(long)
    both = render.with_note(long, note)
    assert both == note
    assert len(visible_text(both, "HTML")) <= 4096
    assert render.with_note("", note) == note


def test_profile_shows_what_votes_taught_the_local_scorer():
    from scoring.profile import Profile

    plain = visible_text(render.profile_message(Profile(about="x")), "HTML")
    assert "From your votes" not in plain
    taught = visible_text(
        render.profile_message(Profile(about="x"), (["ml", "infra"], ["<defense>"])), "HTML"
    )
    assert "From your votes (local scorer)" in taught
    assert "more of: ml, infra" in taught and "less of: <defense>" in taught
