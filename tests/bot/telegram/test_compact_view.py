"""The compact view, end to end (real PTB, fake Bot API): /picks list as one message with a
line a pick, a number opens the pick in full with its buttons, and the setting that makes the
morning one message."""

from __future__ import annotations

from bot.telegram import render
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    runtime,
)
from tests.fakes.telegram import visible_text


async def test_picks_list_is_one_message_and_a_number_opens_the_pick(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())
    async with running_bot(ctx) as app:
        await command(fake, "/picks list")  # today has not run: it runs first
        working = fake.sent_to(CHAT)[0].message_id  # "working…", then the list
        await eventually(
            lambda: [str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())] == [True] * 3,
            within=10,
        )
        picks = ctx.store.picks_for(ctx.today())
        listing = fake.messages[(CHAT, working)]
        text = visible_text(listing.html, "HTML")
        assert text.startswith(f"Job picks for {ctx.today()} · 3 picks (looked at 6 postings)")
        for i, p in enumerate(picks, 1):
            assert f"{i}. {p.score} · {p.title} · {p.company}" in text
            assert p.sent[str(CHAT)] == working  # recorded, as one message
        assert len(fake.sent_to(CHAT)) == 1  # one message, not a header and three picks
        assert listing.edits >= 1
        numbers = fake.buttons(CHAT, working)
        assert [label for label, _ in numbers] == ["1", "2", "3"]

        # a number: the pick in full, with its buttons, and they work
        before = len(fake.sent_to(CHAT))
        await fake.tap(CHAT, working, numbers[1][1])
        await fake.wait_for("sendMessage", count=before + 1, chat_id=CHAT)
        full = fake.sent_to(CHAT)[-1]
        assert full.text.startswith(f"{picks[1].score}/100") and picks[1].title in full.text
        up = fake.buttons(CHAT, full.message_id)[0][1]
        qid = await fake.tap(CHAT, full.message_id, up)
        await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        await eventually(lambda: ctx.store.vote_for(picks[1].key, CHAT) is not None)

        # the setting (each person's own): the other chat's morning is one list message too
        (r,) = await command(fake, "/settings view compact", chat=CHAT2)
        assert "View is now compact" in visible_text(r.params["text"], "HTML")
        report = await runtime(app).daily.morning()
        assert report.chats[CHAT2].sent == 3 and report.chats[CHAT].sent == 0
        _answer, morning = fake.sent_to(CHAT2)
        assert "3 picks" in morning.text and [
            b for b, _ in fake.buttons(CHAT2, morning.message_id)
        ] == ["1", "2", "3"]


def test_a_long_list_keeps_every_pick_within_telegrams_limit():
    from tests.bot.services.support import pick, run_record

    picks = [pick(i, 90 - i % 50) for i in range(1, 101)]
    for p in picks:
        p.title = "Senior Staff Principal Machine Learning Platform Engineer " * 3
    html = render.picks_list_message("2026-03-02", run_record(), picks)
    text = visible_text(html, "HTML")
    assert len(text) <= 4096 and "100. " in text  # no pick dropped from the list


async def test_with_the_compact_view_set_plain_picks_is_the_list_too(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/settings view compact")
        before = len(fake.calls_of("sendMessage", chat_id=CHAT))
        await fake.user_says(CHAT, "/picks")
        await eventually(
            lambda: [str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())] == [True] * 3,
            within=10,
        )
        assert len(fake.calls_of("sendMessage", chat_id=CHAT)) == before + 1  # one message
        listing = fake.sent_to(CHAT)[-1]
        assert [b for b, _ in fake.buttons(CHAT, listing.message_id)] == ["1", "2", "3"]


def test_picks_takes_a_number_and_list_in_either_order_and_nothing_else():
    from bot.telegram.handlers import _picks_args

    assert _picks_args([]) == (None, False)
    assert _picks_args(["list"]) == (None, True)
    assert _picks_args(["list", "5"]) == _picks_args(["5", "LIST"]) == (5, True)
    for bad in (["0"], ["101"], ["5", "6"], ["list", "list"], ["lsit"], ["9" * 20]):
        assert _picks_args(bad) is None, bad
