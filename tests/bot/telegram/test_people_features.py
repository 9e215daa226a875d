"""Two people served by one bot (real python-telegram-bot against the fake Bot API), each with
the features that keep data of their own: what votes taught (/profile's learned lines) and a
rescore of today's postings; saved postings, notes and the reminders about them. One person's
action never shows up in the other's chat or records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.services import feedback, marks
from bot.store.records import Overrides, Pick, ScheduleOverrides
from bot.telegram.reminders import remind_chats
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
from tests.bot.two_kinds_support import DATA, RESCORE, collect
from tests.fakes.boards import BoardsFake, Job
from tests.fakes.telegram import visible_text


async def _tap(fake, chat: int, message_id: int, label: str) -> str:  # type: ignore[no-untyped-def]
    qid = await fake.tap(chat, message_id, dict(fake.buttons(chat, message_id))[label])
    (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
    return answer.params.get("text", "")


async def test_one_persons_learned_lines_and_rescore_stay_theirs(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())
    ana, bea = ctx.for_person(CHAT), ctx.for_person(CHAT2)
    async with running_bot(ctx, collector=collect):
        for chat in (CHAT, CHAT2):  # the same profile from the file: the same picks
            await command(fake, "/picks", chat=chat, count=4)
        await eventually(
            lambda: all(
                (ps := p.store.picks_for(ctx.today())) and all(str(p.person) in k.sent for k in ps)
                for p in (ana, bea)
            )
        )
        bea_picks = bea.store.picks_for(ctx.today())
        assert {p.key for p in ana.store.picks_for(ctx.today())} == {p.key for p in bea_picks}

        # Ana's votes teach Ana: her /profile has a learned line, Bea's has none.
        morning = ana.store.picks_for(ctx.today())
        for pick in morning:  # as her taps would record them
            await feedback.record_vote(ana, CHAT, pick, "up" if "Data" in pick.title else "down")
        for i, posting in enumerate(DATA[:3]):
            liked = morning[0].model_copy(
                update={"key": posting.key, "title": posting.title, "company": f"Other{i}"}
            )
            await feedback.record_vote(ana, CHAT, liked, "up")
        (hers,) = await command(fake, "/profile", chat=CHAT)
        assert "data analysis roles" in visible_text(hers.params["text"], "HTML")
        (theirs,) = await command(fake, "/profile", chat=CHAT2)
        theirs_text = visible_text(theirs.params["text"], "HTML")
        assert "nothing yet" in theirs_text and "data analysis roles" not in theirs_text
        assert feedback.learned_weights(bea).features == {}

        # Ana changes her profile and rescores her day: her new picks come to her alone.
        await command(fake, "/profile set Student looking for a data analyst internship.")
        offer = fake.sent_to(CHAT)[-1].message_id
        bea_seen = len(fake.sent_to(CHAT2))
        sent = len(fake.sent_to(CHAT))
        assert await _tap(fake, CHAT, offer, RESCORE) == "🔄 rescoring today's postings…"
        await eventually(lambda: any("rescored" in m.text for m in fake.sent_to(CHAT)[sent:]))
        await eventually(lambda: all(str(CHAT) in p.sent for p in _shown(ana)))
        # (an exploration slot may still try a kind she has not voted on enough)
        assert {p.title for p in _shown(ana) if not p.explore} == {"Data Analyst Intern"}
        assert len(fake.sent_to(CHAT2)) == bea_seen  # nothing reached Bea
        assert bea.store.picks_for(ctx.today()) == bea_picks  # none dropped, none added
        assert bea.store.current_profile().version == 1
        assert bea.store.learning_state().rescore_mark is None
        again = await command(fake, "/picks", chat=CHAT2, count=len(bea_picks))  # as it was
        assert [p.title in m.params["text"] for p, m in zip(bea_picks, again, strict=True)] == [
            True
        ] * len(bea_picks)


def _shown(pctx) -> list[Pick]:  # type: ignore[no-untyped-def]
    from bot.services.delivery import picks_for_chat

    return picks_for_chat(pctx, pctx.person, pctx.today())


def _board_pick(day: str, job: str, rank: int) -> Pick:
    return Pick(
        day=day, key=f"greenhouse:acme:{job}", rank=rank, score=80, reason="r", summary="s",
        scorer="local", profile_version=1, title=f"ML Intern {job}", company="Acme",
        location="Berlin", url=f"https://job-boards.greenhouse.io/acme/jobs/{job}",
        source="greenhouse",
    )  # fmt: skip


def _noonish_zone() -> str:
    """A zone where it is now between 12:00 and 13:00 (so 23:59 there has not come yet)."""
    offset = 12 - datetime.now(UTC).hour
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-N is UTC+N


async def test_one_persons_saved_postings_notes_and_reminders_stay_theirs(fake, tmp_path):
    async with BoardsFake() as boards:
        boards.greenhouse["acme"] = [Job(id="1", title="ML Intern 1", company="Acme"),
                                     Job(id="2", title="ML Intern 2", company="Acme")]  # fmt: skip
        ctx = make_ctx(tmp_path, fake, [CHAT, CHAT2], **not_today())  # Ana's 00:00 has passed
        ctx.settings = ctx.settings.model_copy(
            update={"jobpicks_greenhouse_url": boards.urls.greenhouse}
        )
        ana, bea = ctx.for_person(CHAT), ctx.for_person(CHAT2)
        zone = _noonish_zone()
        day = datetime.now(ZoneInfo(zone)).date().isoformat()
        picks = [_board_pick(day, "1", 1), _board_pick(day, "2", 2)]
        six_days_ago = datetime.now(UTC) - timedelta(days=6, minutes=1)
        async with ctx.db.transaction():
            for pctx in (ana, bea):  # the same postings, picked for each of them
                pctx.store.save_picks(picks)
                for p in picks:
                    pctx.store.mark_sent(p.day, p.key, pctx.person, 1)
            ana.store.mark(CHAT, picks[0], "saved", at=six_days_ago)
            ana.store.mark(CHAT, picks[1], "saved", at=six_days_ago)
            bea.store.mark(CHAT2, picks[0], "saved", at=six_days_ago)
            # Bea's mornings are at 23:59 where she lives: her reminders wait for it.
            bea.store.set_overrides(
                Overrides(schedule=ScheduleOverrides(time="23:59", timezone=zone))
            )
        await marks.set_note(ana, CHAT, picks[0], "Recruiter: Anna")
        async with running_bot(ctx) as app:
            done = await remind_chats(runtime(app))
            assert list(done) == [CHAT] and sorted(done[CHAT].reminded) == [p.key for p in picks]
            assert fake.sent_to(CHAT2) == [] and len(fake.sent_to(CHAT)) == 2
            reminder = fake.sent_to(CHAT)[0]
            assert "You saved ML Intern" in reminder.text
            assert "marked applied" in await _tap(fake, CHAT, reminder.message_id, "✅ Applied")
            await eventually(lambda: len(marks.applied_list(ana, CHAT)) == 1)

            # Bea's list: her one saved posting, with no note and no stage of Ana's.
            (r,) = await command(fake, "/saved", chat=CHAT2)
            text = visible_text(r.params["text"], "HTML")
            assert "ML Intern 1" in text and "ML Intern 2" not in text
            assert "Recruiter: Anna" not in text and "📝" not in text and "✅ applied" not in text
            (r,) = await command(fake, "/applied", chat=CHAT)  # Ana's, with her note
            assert "Recruiter: Anna" in visible_text(r.params["text"], "HTML")
        assert marks.note_of(bea, CHAT2, picks[0].key) == ""
        assert marks.marks_of(bea, CHAT2, picks[0].key) == {"saved"}
        assert all(m.reminded_at is None for m in bea.store.all_marks())
        assert all(m.reminded_at is not None for m in ana.store.all_marks() if m.kind == "saved")
