"""/settings in words and /pause until a date, as the delivery sees them (a recording
messenger, no sockets)."""

from __future__ import annotations

import pytest

from bot.services import chat_state, preferences
from bot.services import settings as settings_service
from bot.services.delivery import Delivery
from bot.services.settings import AmbiguousZone, SettingsError, UnknownSetting
from tests.bot.services.support import CHAT, DAY, RecordingMessenger, make_ctx, pick, store_day


async def test_words_become_the_schedule_and_survive_as_overrides(tmp_path):
    ctx = make_ctx(tmp_path)
    change = await settings_service.change(ctx, "time", "7:30pm")
    assert change.value == "19:30" and change.schedule_changed
    await settings_service.change(ctx, "timezone", "Berlin")
    await settings_service.change(ctx, "days", "every day but sunday")
    sched = ctx.config.schedule
    assert (sched.time, sched.timezone, sched.days) == (
        "19:30",
        "Europe/Berlin",
        [1, 2, 3, 4, 5, 6],
    )
    # the keyboard's old cadence button, then typed days: the typed days win
    await preferences.step(ctx, CHAT, "days", "weekdays")
    await settings_service.change(ctx, "days", "mon wed fri")
    assert ctx.config.schedule.days == [1, 3, 5]
    values = {s.name: v for s, v, _ in settings_service.view(ctx).values}
    assert values["days"] == "Mon, Wed, Fri" and values["time"] == "19:30"


async def test_an_ambiguous_zone_asks_and_the_answer_is_stored(tmp_path):
    ctx = make_ctx(tmp_path)
    with pytest.raises(AmbiguousZone):
        await settings_service.change(ctx, "timezone", "IST")
    assert ctx.config.schedule.timezone == "UTC"  # nothing stored on a question
    await preferences.step(ctx, CHAT, "tzpick", "IST_2")
    assert ctx.config.schedule.timezone == "Europe/Dublin"
    with pytest.raises(SettingsError):
        await preferences.step(ctx, CHAT, "tzpick", "IST_9")


async def test_an_unknown_setting_names_every_setting_weekly_included(tmp_path):
    ctx = make_ctx(tmp_path)
    with pytest.raises(UnknownSetting) as exc:
        await settings_service.change(ctx, "foo", "bar")
    for name in ("time", "timezone", "days", "picks", "min_score", "weekly", "view"):
        assert name in str(exc.value)
    with pytest.raises(UnknownSetting, match="Did you mean timezone"):
        await settings_service.change(ctx, "timezon", "Berlin")


async def test_the_weekly_digest_goes_out_on_its_chosen_day_once(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    change = await settings_service.change(ctx, "weekly", "friday")
    assert change.value == "on, Fridays"
    days = {"2026-03-06": True, "2026-03-07": False, "2026-03-09": False, "2026-03-13": True}
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    for day, digest in days.items():  # Fri, Sat, the next Mon (a new ISO week), the next Fri
        record = await store_day(ctx, [pick(1, 80, day=day)], day)
        assert (await delivery.to_chat(CHAT, record)).weekly is digest, day
    assert len(m.of("weekly")) == 2 and not m.of("pick")
    await settings_service.change(ctx, "weekly", "off")
    assert not preferences.weekly(ctx, CHAT)


async def test_a_missed_digest_day_is_made_up_by_the_next_delivery(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    await settings_service.change(ctx, "weekly", "on sunday")
    monday = DAY  # the bot was down on Sunday 2026-03-01
    await store_day(ctx, [pick(1, 80)], monday)
    m = RecordingMessenger()
    assert (await Delivery(ctx, m).to_chat(CHAT, ctx.store.runs_for(monday)[0])).weekly


async def test_a_pause_until_a_date_ends_that_morning_by_itself(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    today = {"day": DAY}
    ctx.today = lambda: today["day"]  # type: ignore[method-assign]
    until = await preferences.pause(ctx, CHAT, "until 2026-03-04")
    assert until.isoformat() == "2026-03-04"
    assert preferences.current(ctx, CHAT).paused_until == until
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    for day, delivered in (("2026-03-03", False), ("2026-03-04", True)):
        today["day"] = day
        record = await store_day(ctx, [pick(1, 80, day=day)], day)
        report = await delivery.to_chat(CHAT, record)
        assert (report.skipped != "paused") is delivered, day
    assert m.of("pick") == [("board:2026-03-04:1", True)]
    assert (
        not chat_state.is_paused(ctx, CHAT) and preferences.current(ctx, CHAT).paused_until is None
    )
    with pytest.raises(SettingsError, match="not after today"):
        await preferences.pause(ctx, CHAT, "yesterday")
    await preferences.pause(ctx, CHAT)  # no words: until /resume
    today["day"] = "2027-01-01"
    assert chat_state.is_paused(ctx, CHAT)


async def test_the_compact_view_sends_one_list_and_records_each_pick_sent_once(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT], max_picks=3)
    await settings_service.change(ctx, "view", "compact")
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70), pick(4, 60)])
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    report = await delivery.to_chat(CHAT, record)
    assert m.of("list") == [[f"board:{DAY}:{r}" for r in (1, 2, 3)]]
    assert not m.of("pick") and not m.of("header") and report.sent == 3
    listed = ctx.store.picks_for(DAY)[:3]
    assert {p.sent[str(CHAT)] for p in listed} == {101}  # the list's message
    assert chat_state.header_sent(ctx, DAY, CHAT)
    again = await delivery.to_chat(CHAT, record)  # a restart: nothing twice
    assert again.sent == 0 and again.already_sent == 3 and len(m.sent) == 1
    # /picks list asks again: every eligible pick listed, none recorded twice
    asked = await delivery.listed(CHAT, record, limit=2)
    assert m.of("list")[-1] == [f"board:{DAY}:1", f"board:{DAY}:2"] and asked.sent == 0


async def test_moving_the_digest_day_later_in_the_week_still_gives_that_day_its_digest(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    await settings_service.change(ctx, "weekly", "on")  # Monday
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    monday = await store_day(ctx, [pick(1, 80)], DAY)
    assert (await delivery.to_chat(CHAT, monday)).weekly
    await settings_service.change(ctx, "weekly", "friday")
    friday = await store_day(ctx, [pick(1, 80, day="2026-03-06")], "2026-03-06")
    assert (await delivery.to_chat(CHAT, friday)).weekly  # same ISO week, its own day


async def test_a_digest_recorded_by_iso_week_in_an_older_file_is_not_sent_twice(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    await settings_service.change(ctx, "weekly", "on")
    await chat_state.mark_weekly_digest(ctx, CHAT, "2026-W10")  # Monday 2026-03-02's week
    record = await store_day(ctx, [pick(1, 80, day="2026-03-03")], "2026-03-03")
    assert not (await Delivery(ctx, RecordingMessenger()).to_chat(CHAT, record)).weekly
