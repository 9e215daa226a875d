"""Two people served by one bot (real python-telegram-bot against the fake Bot API, two
private chats): each gets picks that follow their own profile, and one's votes, settings,
searches, export and forgetting touch only them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from bot.services import people
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    settled,
)


def _postings() -> list[Posting]:
    now = datetime.now(UTC)
    out = []
    for i in range(4):
        for kind, title, about in (
            ("py", "Python Backend Intern", "Python, Postgres, machine learning pipelines."),
            ("rn", "Registered Nurse", "Registered nurse on a hospital ward, night shifts."),
        ):
            out.append(
                Posting(
                    source="fakeboard",
                    source_id=f"{kind}{i}",
                    url=f"https://jobs.example.com/{kind}{i}",
                    title=f"{title} {i}",
                    company=f"{kind.upper()} Company {i}",
                    location="Austin, TX",
                    posted_at=now - timedelta(hours=2),
                    description=about,
                )
            )
    return out


async def collect_both(_asked: object, _on_source: object = None) -> list[SourceResult]:
    return [SourceResult(source="fakeboard", postings=_postings())]


async def _picks(fake, chat: int) -> list:  # type: ignore[no-untyped-def]
    """/picks in a chat: the header and its three picks."""
    await command(fake, "/picks", chat=chat, count=4)
    return [m for m in fake.sent_to(chat) if m.reply_markup][-3:]


async def test_two_people_get_their_own_picks_and_touch_only_their_own(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())
    async with running_bot(ctx, collector=collect_both) as app:
        # Bea (the second chat) is a nurse; the owner keeps the file's Python profile.
        (r,) = await command(
            fake, "/profile set Registered nurse looking for hospital ward jobs.", chat=CHAT2
        )
        assert "About replaced" in r.params["text"]
        mine, hers = await _picks(fake, CHAT), await _picks(fake, CHAT2)
        await settled(app)
        owner, bea = ctx.for_person(CHAT), ctx.for_person(CHAT2)
        # Each one's best picks follow their own profile (an exploration slot, if any, tries a
        # kind of work they have not voted on yet: the other one's, here).
        for messages, pctx, word in ((mine, owner, "Python"), (hers, bea, "Nurse")):
            picks = pctx.store.picks_for(ctx.today())
            assert [m.message_id for m in messages] == [p.sent[str(pctx.person)] for p in picks]
            best = [p for p in picks if not p.explore]
            assert len(best) >= 2 and all(word in p.title for p in best)
        assert len(owner.db.fetch_log()) == 1  # one round served both (the collector's)

        # The owner's 👎, /settings and /searches change nothing of Bea's.
        first = owner.store.picks_for(ctx.today())[0]
        message_id = first.sent[str(CHAT)]
        down = fake.buttons(CHAT, message_id)[1][1]
        await fake.tap(CHAT, message_id, down)
        await fake.wait_for("editMessageReplyMarkup", message_id=message_id, chat_id=CHAT)
        await command(fake, "/settings picks 1", chat=CHAT)
        await command(fake, "/searches add data engineer @ Berlin", chat=CHAT)
        assert owner.store.vote_for(first.key, CHAT).vote == "down"
        assert bea.store.votes() == [] and bea.config.selection.max_picks == 3
        assert owner.config.selection.max_picks == 1
        assert [s.keywords for s in owner.config.searches] == ["data engineer"]
        assert bea.config.searches == [] and bea.store.overrides().searches is None
        assert owner.store.current_profile().about != bea.store.current_profile().about

        # /export is each person's own picks.
        await fake.user_says(CHAT2, "/export")
        await fake.wait_for("sendDocument", chat_id=CHAT2)
        doc = next(m for m in fake.sent_to(CHAT2) if m.document is not None).document
        rows = list(csv.DictReader(io.StringIO(doc.data.decode("utf-8"))))
        her_titles = sorted(p.title for p in bea.store.picks_for(ctx.today()))
        assert sorted(r["title"] for r in rows) == her_titles
        assert all(r["vote"] == "" for r in rows)

        # Forgetting the owner leaves Bea's picks, buttons and profile as they were.
        bea_history = bea.store.profile_history()
        gone = await people.forget(ctx, CHAT)
        assert gone > 0 and ctx.for_person(CHAT).store.picks_for(ctx.today()) == []
        theirs = bea.store.picks_for(ctx.today())[0]
        their_message = theirs.sent[str(CHAT2)]
        up = fake.buttons(CHAT2, their_message)[0][1]
        qid = await fake.tap(CHAT2, their_message, up)
        (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert a.params["text"] == "👍 noted"
        await eventually(lambda: bea.store.vote_for(theirs.key, CHAT2) is not None)
        assert bea.store.profile_history() == bea_history
        await settled(app)
