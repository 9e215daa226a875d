"""Who gets which picks, and when: the delivery rules against a recording messenger (no
Telegram, no sockets). The Courier's side of it is in tests/bot/telegram/test_delivery.py."""

from __future__ import annotations

import asyncio

from bot.services import chat_state, feedback, marks, preferences
from bot.services.delivery import Delivery, eligible, picks_for_chat
from tests.bot.services.support import (
    CHAT,
    CHAT2,
    DAY,
    RecordingMessenger,
    each,
    make_ctx,
    pick,
    run_record,
    store_day,
)


async def test_each_chat_gets_the_header_once_then_each_eligible_pick_once_quietly(tmp_path):
    ctx = make_ctx(tmp_path, max_picks=3)
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70), pick(4, 60)])
    m = RecordingMessenger()
    report = await Delivery(ctx, m).to_chats(each(ctx, record))
    assert report.ok and report.sent == 6
    for chat in (CHAT, CHAT2):
        assert m.of("header", chat) == [(DAY, "done", 3)]
        assert m.of("pick", chat) == [(f"board:{DAY}:{r}", True) for r in (1, 2, 3)]
        assert report.chats[chat].header
    for chat in (CHAT, CHAT2):  # each person's own picks, each sent to their chat only
        sent = [p.sent for p in ctx.for_person(chat).store.picks_for(DAY)]
        assert sent[:3] == [{str(chat): sent[i][str(chat)]} for i in range(3)] and sent[3] == {}

    again = await Delivery(ctx, m).to_chats(
        each(ctx, record)
    )  # a restart delivers the day once more
    assert again.sent == 0 and again.chats[CHAT].already_sent == 3
    assert not again.chats[CHAT].header and len(m.sent) == 8


async def test_a_pick_is_eligible_as_blocks_and_the_minimum_stand_now(tmp_path):
    ctx = make_ctx(tmp_path, max_picks=2)
    picks = [pick(1, 90, "Initech"), pick(2, 80, "Acme Inc."), pick(3, 70), pick(4, 50)]
    await store_day(ctx, picks)
    assert [p.rank for p in picks_for_chat(ctx, CHAT, DAY)] == [1, 2]  # at most max_picks

    await feedback.block_company(ctx, "ACME")  # blocked after the run picked it
    ctx.config.selection.min_score = 60
    assert [p.rank for p in eligible(ctx, CHAT, picks)] == [1, 3]
    ctx.config.selection.max_picks = 10
    assert [p.rank for p in picks_for_chat(ctx, CHAT, DAY)] == [1, 3]


async def test_the_weekly_digest_is_the_weeks_best_once_a_week(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT], max_picks=4)
    sunday, monday, tuesday, next_monday = "2026-03-01", DAY, "2026-03-03", "2026-03-09"
    await store_day(ctx, [pick(1, 70, day=sunday), pick(2, 95, day=sunday)], sunday)
    await store_day(ctx, [pick(1, 85), pick(2, 40, "Initech")], monday)
    await feedback.block_company(ctx, "Initech")
    await preferences.set_weekly(ctx, CHAT, True)
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)

    report = await delivery.to_chat(CHAT, run_record(monday))
    assert report.weekly and not m.of("pick") and not m.of("header")
    assert m.of("weekly") == [[f"board:{sunday}:2", f"board:{monday}:1", f"board:{sunday}:1"]]

    report = await delivery.to_chat(CHAT, run_record(tuesday))  # same ISO week: nothing
    assert report.skipped == "weekly digest mode (this week's digest is sent)"
    report = await delivery.to_chat(CHAT, run_record(next_monday))  # a new week
    assert report.weekly and len(m.of("weekly")) == 2


async def test_a_day_where_every_source_failed_gets_one_notice_and_later_its_header(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    failed = run_record(status="all-sources-failed")
    await delivery.to_chat(CHAT, failed)
    await delivery.to_chat(CHAT, failed)  # a second try that day: the notice is not repeated
    assert m.of("header") == [(DAY, "all-sources-failed", 0)]

    record = await store_day(ctx, [pick(1, 90), pick(2, 80)])  # the sources are back
    report = await delivery.to_chat(CHAT, record)
    assert report.header and report.sent == 2
    assert m.of("header")[1:] == [(DAY, "done", 2)]


async def test_a_refused_pick_is_recorded_skipped_and_not_tried_again(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    poisoned = f"board:{DAY}:2"
    m = RecordingMessenger(refuse={poisoned})
    report = await Delivery(ctx, m).to_chats(each(ctx, record))
    chat = report.chats[CHAT]
    assert chat.sent == 2 and chat.error is None and list(chat.failed) == [poisoned]
    assert not report.ok and f"not delivered: {poisoned}: Bad Request" in str(report)
    assert list(chat_state.failed_picks(ctx, DAY, CHAT)) == [poisoned]

    again = await Delivery(ctx, m).to_chats(each(ctx, record))  # a rerun retries nothing
    assert again.chats[CHAT].sent == 0 and again.chats[CHAT].already_sent == 2
    assert [key for key, _ in m.of("pick")] == [f"board:{DAY}:1", f"board:{DAY}:3"]


async def test_paused_and_refusing_chats_get_nothing_and_a_refusing_chat_is_remembered(tmp_path):
    ctx = make_ctx(tmp_path)
    record = await store_day(ctx, [pick(1, 90)])
    await chat_state.set_paused(ctx, CHAT, True)
    m = RecordingMessenger(unreachable={CHAT2})
    report = await Delivery(ctx, m).to_chats(each(ctx, record))
    assert report.chats[CHAT].skipped == "paused" and report.ok is False
    assert "blocked" in report.chats[CHAT2].error and m.sent == []
    assert "blocked" in chat_state.unreachable(ctx, CHAT2)

    report = await Delivery(ctx, m).to_chats(each(ctx, record))
    assert report.chats[CHAT2].skipped.startswith("unreachable")
    await chat_state.set_unreachable(ctx, CHAT2, None)  # they talk to the bot again
    m.unreachable.clear()
    report = await Delivery(ctx, m).to_chats(each(ctx, record))
    assert report.chats[CHAT2].sent == 1


async def test_picks_again_resend_the_top_eligible_with_their_buttons_as_they_stand(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    await delivery.to_chat(CHAT, record)
    first, second, third = ctx.store.picks_for(DAY)
    await feedback.record_vote(ctx, CHAT, first, "up")
    await marks.toggle(ctx, CHAT, second, marks.SAVED)
    await chat_state.mark_failed(ctx, DAY, CHAT, first.key, "refused")
    m.sent.clear()

    report = await delivery.again(CHAT, record, limit=2)  # the refused one is left out
    assert report.sent == 2 and m.of("header") == []
    assert m.of("pick") == [(second.key, False), (third.key, False)]  # they ring
    assert m.states[second.key].saved and m.states[third.key].vote is None

    await chat_state.mark_failed(ctx, DAY, CHAT, third.key, "refused")
    await chat_state.mark_failed(ctx, DAY, CHAT, second.key, "refused")
    m.sent.clear()
    await delivery.again(CHAT, record)  # nothing left to show: the header says so
    assert m.sent == [("header", CHAT, (DAY, "done", 0))]


async def test_asked_for_picks_answer_with_the_header_even_when_paused(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80)])
    await chat_state.set_paused(ctx, CHAT, True)
    m = RecordingMessenger()
    report = await Delivery(ctx, m).to_chat(CHAT, record, asked=True, limit=1)
    assert report.header and report.sent == 1
    assert m.sent == [("header", CHAT, (DAY, "done", 2)), ("pick", CHAT, (f"board:{DAY}:1", False))]


async def test_one_header_a_day_when_picks_are_asked_for_after_the_morning(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    morning = await delivery.to_chat(CHAT, record, limit=1)  # the morning, cut after one pick
    asked = await delivery.to_chat(CHAT, record, asked=True)  # then /picks
    assert morning.header and not asked.header
    assert m.of("header") == [(DAY, "done", 3)]
    assert asked.sent == 2 and asked.already_sent == 1


async def test_one_header_a_day_when_the_morning_comes_after_picks_were_asked_for(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    asked = await delivery.to_chat(CHAT, record, asked=True, limit=1)
    morning = await delivery.to_chat(CHAT, record)
    assert asked.header and not morning.header
    assert m.of("header") == [(DAY, "done", 3)] and morning.sent == 2


async def test_one_header_a_day_when_picks_and_the_morning_meet(tmp_path):
    """Both at once, in either order of arrival (the /picks and the catch-up of issue 22)."""
    for first_asked in (True, False):
        ctx = make_ctx(tmp_path / str(first_asked), [CHAT])
        record = await store_day(ctx, [pick(1, 90), pick(2, 80)])
        m = RecordingMessenger()
        delivery = Delivery(ctx, m)
        reports = await asyncio.gather(
            delivery.to_chat(CHAT, record, asked=first_asked),
            delivery.to_chat(CHAT, record, asked=not first_asked),
        )
        assert len(m.of("header")) == 1 and sum(r.header for r in reports) == 1
        assert sorted(key for key, _quiet in m.of("pick")) == [f"board:{DAY}:{r}" for r in (1, 2)]

    ctx = make_ctx(tmp_path / "failed", [CHAT])  # a day where every source failed: one notice
    record = await store_day(ctx, [], day=DAY)
    record = record.model_copy(update={"status": "all-sources-failed"})
    m = RecordingMessenger()
    delivery = Delivery(ctx, m)
    await asyncio.gather(delivery.to_chat(CHAT, record), delivery.to_chat(CHAT, record, asked=True))
    assert m.of("header") == [(DAY, "all-sources-failed", 0)]


async def test_a_stop_ends_a_delivery_between_two_picks_and_the_next_resumes(tmp_path):
    ctx = make_ctx(tmp_path, [CHAT])
    record = await store_day(ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    m = RecordingMessenger()
    m.hold()
    delivery = Delivery(ctx, m)
    task = asyncio.create_task(delivery.to_chat(CHAT, record))
    await m.waiting.wait()  # the first pick is in flight
    delivery.stopping = True
    m.release()
    report = await task
    assert report.sent == 1 and report.error.startswith("stopped before the end")
    assert [str(CHAT) in p.sent for p in ctx.store.picks_for(DAY)] == [True, False, False]

    report = await Delivery(ctx, m).to_chat(CHAT, record)  # the next start
    assert report.sent == 2 and report.already_sent == 1 and len(m.of("header")) == 1


async def test_a_messenger_that_cannot_send_is_each_chats_error_and_nothing_is_marked(tmp_path):
    ctx = make_ctx(tmp_path)
    record = await store_day(ctx, [pick(1, 90)])
    why = "cannot reach Telegram at TELEGRAM_API_BASE (NetworkError)"
    report = await Delivery(ctx, RecordingMessenger(down=why)).to_chats(each(ctx, record))
    assert {c: r.error for c, r in report.chats.items()} == {CHAT: why, CHAT2: why}
    assert ctx.store.picks_for(DAY)[0].sent == {}
    assert not chat_state.header_sent(ctx, DAY, CHAT)


async def test_two_processes_delivering_one_day_send_each_pick_once(tmp_path):
    """`jobpicks run` from cron while the bot delivers the same morning (issue 22): each
    process read the day's unsent picks, and both sent them. The chat's delivery is now one
    process at a time; the second finds them sent."""
    from bot.context import AppContext
    from bot.store import Store

    bot_ctx = make_ctx(tmp_path, [CHAT], max_picks=3)
    record = await store_day(bot_ctx, [pick(1, 90), pick(2, 80), pick(3, 70)])
    # The other process: its own Store on the same files (its own locks, as in a process).
    cron_ctx = AppContext(
        settings=bot_ctx.settings, config=bot_ctx.config, store=Store(bot_ctx.store.path)
    )
    bot_m, cron_m = RecordingMessenger(), RecordingMessenger()
    bot_m.hold()  # the bot is in the middle of its first pick when cron starts
    bot = asyncio.create_task(Delivery(bot_ctx, bot_m).to_chats(each(bot_ctx, record)))
    await bot_m.waiting.wait()
    cron = asyncio.create_task(Delivery(cron_ctx, cron_m).to_chats(each(cron_ctx, record)))
    bot_m.release()
    bot_report, cron_report = await asyncio.gather(bot, cron)
    sent = [key for key, _quiet in bot_m.of("pick") + cron_m.of("pick")]  # type: ignore[misc]
    assert sorted(sent) == [f"board:{DAY}:{r}" for r in (1, 2, 3)]
    assert bot_report.ok and cron_report.ok and cron_report.chats[CHAT].already_sent == 3
    assert len(bot_m.of("header") + cron_m.of("header")) == 1
