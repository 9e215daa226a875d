"""A tap answers "noted" only for a change the database kept: while another process holds the
database's writer lock for too long, 👍 and 🔖 say they were not saved (and nothing changes),
and the same taps go through once the lock is free."""

from __future__ import annotations

from bot.context import AppContext
from bot.store import Store
from bot.store.locks import WriteLock
from bot.telegram.taps import NOT_SAVED
from tests.bot.telegram_support import CHAT, command, eventually, make_ctx, not_today, running_bot


async def test_a_tap_that_could_not_be_saved_says_so(fake, tmp_path):
    made = make_ctx(tmp_path, fake, **not_today())
    db = Store(made.store.path, lock_wait=0.1)  # a short wait keeps the test quick
    ctx = AppContext(settings=made.settings, config=made.file_config, store=db)
    async with running_bot(ctx):
        await command(fake, "/picks", count=4)
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
        pick = ctx.store.picks_for(ctx.today())[0]
        message_id = pick.sent[str(CHAT)]
        buttons = [data for _, data in fake.buttons(CHAT, message_id)]
        up, save = buttons[0], next(d for d in buttons if d.startswith("s:"))

        other = WriteLock(ctx.store.path)  # another jobpicks process, stuck mid-write
        other.acquire_blocking()
        try:
            answers = []
            for data in (up, save):
                qid = await fake.tap(CHAT, message_id, data)
                (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
                answers.append(a.params)
        finally:
            other.release()
        assert [a["text"] for a in answers] == [NOT_SAVED, NOT_SAVED]
        assert all(a.get("show_alert") in (True, "true") for a in answers)
        assert ctx.store.vote_for(pick.key, CHAT) is None and not ctx.store.marks(CHAT)
        assert not fake.calls_of("editMessageReplyMarkup")  # the keyboard shows nothing new

        qid = await fake.tap(CHAT, message_id, up)
        (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert a.params["text"] == "👍 noted"
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id)
        assert Store(ctx.store.path).vote_for(pick.key, CHAT).vote == "up"
