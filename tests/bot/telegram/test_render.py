"""Rendering and callback data: escaped, within Telegram's limits, and the fake enforces them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.services.marks import STAGES, Tracked
from bot.services.rescore import Rescored
from bot.services.stats import Stats
from bot.store.records import Pick, ProfileVersion, RunRecord, SourceReport
from bot.telegram import render
from bot.telegram.callbacks import decode, encode, pick_id
from bot.telegram.keyboards import PickState, pick_keyboard
from scoring.models import LearnedLine
from scoring.profile import Filters, Profile
from scrapers.options import SearchConfig
from scrapers.postings.posting import Pay
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
        render.profile_message(
            profile,
            [
                LearnedLine(
                    id=f"employer:{i}",
                    words=HOSTILE * 3,
                    group="employer",
                    ups=i,
                    downs=1,
                    weight=-3.0,
                )
                for i in range(12)
            ],
            [HOSTILE * 3] * 40,
        ),  # fmt: skip
        render.rescored_message(
            Rescored(
                day="2026-03-02",
                looked_at=10**6,
                profile_version=7,
                added=[make_pick()] * 30,
                dropped=[make_pick(title=HOSTILE * 9)] * 30,
                notes=[HOSTILE * 9] * 9,
            )
        ),  # fmt: skip
        render.pipeline_message(
            "applied",
            [Tracked(make_pick(), dict.fromkeys(STAGES, datetime.now(UTC)), HOSTILE * 80)] * 60,
        ),
        render.card_message(Tracked(make_pick(), {"saved": datetime.now(UTC)}, HOSTILE * 80)),
        render.searches_message([SearchConfig(keywords=HOSTILE * 3, location=HOSTILE)] * 20, True),
        render.weekly_digest_message("2026-03-02", [make_pick()] * 40),
        render.progress_message([HOSTILE * 5] * 10, 12.3),
        render.timezone_message(),
        render.header_message("2026-03-02", record, 0),
        render.history_message(history),
        render.help_message(),
        render.run_failed_message("2026-03-02", HOSTILE * 100),
        render.error_message(HOSTILE * 100),
        render.start_message(datetime.now(UTC), HOSTILE * 10, paused=True),
        render.stats_message(Stats(10**9, 10**4, 10**6, 10**6, 10**6, 1e9, 1e9, 10**9)),
        render.pick_message(make_pick(pay=Pay(min=40, max=50, interval="hour", currency="USD"))),
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
    for kind in ("s", "a"):
        tap = decode(encode(kind, pick.day, pick.key))
        assert tap is not None and (tap.kind, tap.pick_id) == (kind, pick_id(pick.key))
    # 👎 without a reason yet: the reasons are offered
    rows = pick_keyboard(pick, PickState(vote="down")).inline_keyboard
    labels = [b.text for row in rows for b in row]
    assert "👎 ✓" in labels and "too senior" in labels and labels[-1].startswith("🚫 Never show")
    # a reason chosen: the reason row closes, the 👎 says which, the block stays
    rows = pick_keyboard(
        pick, PickState("down", "senior", blocked=True, saved=True)
    ).inline_keyboard
    labels = [b.text for row in rows for b in row]
    assert "👎 ✓ too senior" in labels and "too senior" not in labels
    assert "🔖 Saved ✓" in labels and labels[-1].endswith("blocked ✓")
    for row in rows:
        for button in row:
            assert 1 <= len(button.callback_data.encode()) <= 64


def test_every_callback_family_fits_and_round_trips():
    from bot.services.preferences import Preferences
    from bot.telegram import callbacks as cb
    from bot.telegram.keyboards import settings_keyboard, start_keyboard, timezone_keyboard

    assert cb.parse_proposal(cb.proposal("apply", 10**11)) == ("apply", 10**11)
    assert cb.parse_proposal("lp:x:1") is None
    assert cb.parse_setting(cb.setting("time", "+15")) == ("time", "+15")
    assert cb.parse_setting("st:time:+15:extra") is None and cb.parse_setting("st:a b") is None
    assert cb.parse_go(cb.TODAY_PICKS) == "picks" and cb.parse_go("go:x") is None
    prefs = Preferences("08:00", "UTC", 5, 60, "daily", False, False)
    for markup in (settings_keyboard(prefs), timezone_keyboard(), start_keyboard()):
        for row in markup.inline_keyboard:
            for button in row:
                data = button.callback_data
                assert 1 <= len(data.encode()) <= 64
                assert cb.parse_setting(data) or cb.parse_go(data)
    with pytest.raises(ValueError):
        cb.setting("x" * 70)


def test_profile_and_rescore_buttons_fit_whatever_the_names_and_round_trip():
    from bot.telegram import callbacks as cb
    from bot.telegram.keyboards import profile_keyboard, unblock_keyboard

    long_id = "employer:" + "a very long employer name, incorporated & co " * 4
    lines = [(long_id, HOSTILE * 3), ("field:analytics", "data analysis roles")]
    blocked = [HOSTILE * 4, "Hewlett Packard (HP)"]
    markup = profile_keyboard(lines, blocked, "2026-03-02")
    assert markup is not None
    data = [b.callback_data for row in markup.inline_keyboard for b in row]
    assert all(1 <= len(d.encode()) <= 64 for d in data)
    assert [cb.parse_profile(d) for d in data[:4]] == [
        ("forget", cb.ref(long_id)),
        ("forget", cb.ref("field:analytics")),
        ("unblock", cb.ref(blocked[0])),
        ("unblock", cb.ref(blocked[1])),
    ]
    assert cb.parse_rescore(data[-1]) == "2026-03-02"
    assert profile_keyboard([], [], None) is None
    assert profile_keyboard([], [], "2026-03-02") is not None  # the rescore alone
    which = unblock_keyboard(blocked)
    assert [cb.parse_profile(b.callback_data) for row in which.inline_keyboard for b in row] == [
        ("unblock", cb.ref(name)) for name in blocked
    ]
    for bad in ("lf:xyz", "ub:", "lf:0123456789abX", "rs:today", "rs:", "lp:a:1"):
        assert cb.parse_profile(bad) is None and cb.parse_rescore(bad) is None


def test_pick_shows_the_facts_and_names_only_an_llm_scorer():
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    pick = make_pick(
        reason="Python backend", summary="Data services", title="Backend Intern",
        company="Acme", scorer="local", posted_at=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        pay=Pay(min=40, max=50, interval="hour", currency="USD"), workplace="hybrid",
        employment_type="internship",
    )  # fmt: skip
    text = visible_text(render.pick_message(pick, now), "HTML")
    assert "posted 3 h ago" in text and "$40–50/hr" in text and "hybrid" in text
    assert "internship" in text
    assert "local scorer" not in text and "greenhouse:acme" in text
    llm = visible_text(render.pick_message(make_pick(scorer="openai/gpt-4o-mini")), "HTML")
    assert "openai/gpt-4o-mini" in llm
    bare = visible_text(render.pick_message(make_pick(reason="r", summary="s")), "HTML")
    assert "🕒" not in bare and "💰" not in bare  # unknown facts are left out, not "n/a"
    assert render.age(datetime(2026, 2, 27, 12, 0, tzinfo=UTC), now) == "posted 3 days ago"


def test_the_title_links_the_job_page_and_the_form_is_its_own_link():
    """The title linked the application form (Lever's `/apply`, Ashby's `/application`)."""
    page = "https://jobs.lever.co/acme/1f2e"
    pick = make_pick(
        title="Data Intern", url=page, apply_url=page + "/apply", reason="r", summary="s"
    )
    html = render.pick_message(pick)
    assert f'<a href="{page}">Data Intern</a>' in html
    assert f'<a href="{page}/apply">📝 Apply</a>' in html
    plain = render.pick_plain(pick)
    assert f"{page}\nApply: {page}/apply" in plain
    same = render.pick_message(make_pick(url=page, apply_url=page, reason="r", summary="s"))
    assert "Apply" not in same  # no second link to the same page


def test_the_plain_text_repair_has_no_markup_and_is_short():
    plain = render.pick_plain(make_pick())
    assert len(plain) <= render.PLAIN_LIMIT
    assert plain.startswith("88/100") and "<script>" in plain  # literal: not parsed


def test_wording_a_newcomer_understands():
    profile = Profile(about="x", version=2)
    text = visible_text(render.profile_message(profile), "HTML")
    assert "Blocked companies: none" in text and "Locations: any" in text
    assert len(render.DESCRIPTION) <= 512 and len(render.SHORT_DESCRIPTION) <= 120


def test_profile_never_cuts_silently():
    about = "word " * 700  # 3,500 characters: more than fits beside the rest
    rules = [f"rule {i} " + "x" * 250 for i in range(3)]
    text = visible_text(render.profile_message(Profile(about=about, directives=rules)), "HTML")
    assert len(text) <= 4096
    assert "more characters not shown here" in text
    for i, rule in enumerate(rules, 1):
        assert f"{i}. {rule}" in text  # whole, and numbered for /profile remove N
    short = visible_text(render.profile_message(Profile(about="x" * 1500)), "HTML")
    assert "x" * 1500 in short and "not shown" not in short


def test_history_marks_what_an_undo_left_behind():
    def version(n: int, parent: int | None, note: str, current: bool = False) -> ProfileVersion:
        return ProfileVersion(profile=Profile(version=n), parent=parent, note=note, current=current)

    versions = [
        version(1, None, "initial"),
        version(2, 1, "about replaced", current=True),
        version(3, 2, "rule added"),  # undone
    ]
    lines = visible_text(render.history_message(versions), "HTML").splitlines()
    assert next(line for line in lines if line.startswith("v3")).endswith("(undone)")
    assert next(line for line in lines if line.startswith("v2")).endswith("← current")
    assert "undone" not in next(line for line in lines if line.startswith("v1"))


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


def test_profile_shows_each_learned_line_in_words_with_its_votes_strongest_first():
    plain = visible_text(render.profile_message(Profile(about="x")), "HTML")
    assert "nothing yet" in plain and "Removed:" not in plain
    lines = [
        LearnedLine(id="field:analytics", words="data analysis", group="field", ups=6,
                    downs=0, weight=14.4),
        LearnedLine(id="field:swe", words="software engineering", group="field", ups=1,
                    downs=9, weight=-22.0),
        LearnedLine(id="industry:bank", words="at a bank", group="industry", ups=2, downs=0,
                    weight=3.0),
        LearnedLine(id="employer:acme", words="<Acme>", group="employer", ups=0, downs=2,
                    weight=-2.0),
    ]  # fmt: skip
    taught = visible_text(
        render.profile_message(Profile(about="x"), lines, ["roles in Ohio"]), "HTML"
    )
    assert "1. ➕ data analysis roles — 👍 6 (+14)" in taught
    assert "2. ➖ software engineering roles — 👎 9 · 👍 1 (−22)" in taught
    assert "3. ➕ roles at a bank — 👍 2 (+3)" in taught
    assert "4. ➖ roles at <Acme> — 👎 2 (−2)" in taught
    assert "Removed: roles in Ohio — /profile relearn brings them back" in taught


def test_a_rescore_says_what_is_new_and_what_dropped():
    r = Rescored(day="2026-03-02", looked_at=57, profile_version=3)
    plain = visible_text(render.rescored_message(r), "HTML")
    assert "57 looked at again with profile version 3" in plain
    assert "No new picks" in plain and "no longer make the cut" not in plain
    r.added = [make_pick()]
    r.dropped = [make_pick(title="Backend <Intern>", company="PayCo")] * 2
    plain = visible_text(render.rescored_message(r), "HTML")
    assert "1 new pick now makes the cut: below." in plain
    assert "2 of today's picks no longer make the cut: Backend <Intern> (PayCo);" in plain


def test_an_exploration_pick_says_it_is_something_different():
    plain = visible_text(render.pick_message(make_pick(reason="r", summary="s")), "HTML")
    assert "something different" not in plain
    pick = make_pick(reason="r", summary="s", explore="data analysis roles <new>")
    shown = visible_text(render.pick_message(pick), "HTML")
    assert "🔍 something different: data analysis roles <new>" in shown
