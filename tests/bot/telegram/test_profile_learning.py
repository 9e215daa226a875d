"""What the votes taught, visible and reversible in /profile, and applied today (real PTB,
fake Bot API): learned lines in words with ✖️, blocked companies with 🔓 (or a partial name),
versions restored, and "🔄 Rescore today's postings" after a change or a run of votes."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.context import AppContext
from bot.services import feedback
from bot.services.delivery import picks_for_chat
from bot.services.rescore import RESCORE_AFTER_VOTES
from bot.store import Store
from bot.store.locks import WriteLock
from bot.telegram.callbacks import unblock
from bot.telegram.taps import NOT_SAVED, VOTES_OFFER
from scoring.llm.proposals import Proposal
from tests.bot.telegram_support import (
    CHAT,
    bot_settings,
    command,
    eventually,
    make_config,
    make_ctx,
    not_today,
    running_bot,
)
from tests.bot.two_kinds_support import DATA, RESCORE, collect
from tests.fakes.telegram import visible_text


async def _morning(fake, ctx) -> list:  # type: ignore[no-untyped-def]
    """/picks, and today's picks once each was sent."""
    await fake.user_says(CHAT, "/picks")
    await eventually(
        lambda: (ps := ctx.store.picks_for(ctx.today())) and all(str(CHAT) in p.sent for p in ps)
    )
    return ctx.store.picks_for(ctx.today())


def _pick_messages(fake) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        m.message_id
        for m in fake.sent_to(CHAT)
        if any(data.startswith("v:") for _, data in fake.buttons(CHAT, m.message_id))
    ]


async def _tap(fake, message_id: int, label: str) -> str:  # type: ignore[no-untyped-def]
    qid = await fake.tap(CHAT, message_id, dict(fake.buttons(CHAT, message_id))[label])
    (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
    return answer.params.get("text", "")


def _without_exploration(tmp_path, fake) -> AppContext:  # type: ignore[no-untyped-def]
    """A bot whose picks are only the best: the exploration slot is drawn seeded by the day,
    and on some days (2027-01-08, 2027-03-28) it drew a backend posting after the profile
    turned to data, so what the picks are after a rescore depended on the date."""
    config = make_config(**not_today())
    learning = config.learning.model_copy(update={"explore_share": 0})
    db = tmp_path / "db.json"
    return AppContext(
        settings=bot_settings(db, fake.token, fake.base_url),
        config=config.model_copy(update={"learning": learning}),
        store=Store(db),
    )


async def test_a_changed_profile_rescored_today_sends_only_what_is_new(fake, tmp_path):
    ctx = _without_exploration(tmp_path, fake)
    async with running_bot(ctx, collector=collect):
        morning = await _morning(fake, ctx)
        assert len(_pick_messages(fake)) == len(morning) == 3
        (reply,) = await command(
            fake, "/profile set Student looking for a data analyst internship."
        )
        assert "About replaced" in reply.params["text"]
        offer = fake.sent_to(CHAT)[-1].message_id
        assert [label for label, _ in fake.buttons(CHAT, offer)] == [RESCORE]

        sent = len(fake.sent_to(CHAT))
        assert await _tap(fake, offer, RESCORE) == "🔄 rescoring today's postings…"
        await eventually(lambda: any("rescored" in m.text for m in fake.sent_to(CHAT)[sent:]))
        summary = visible_text(fake.sent_to(CHAT)[sent].text, "HTML")
        assert "Today's postings rescored" in summary and "now make" in summary
        assert "no longer make the cut" in summary
        now = picks_for_chat(ctx, CHAT, ctx.today())
        assert {p.title for p in now} == {"Data Analyst Intern"}
        new = [p for p in now if p.key not in {m.key for m in morning}]
        await fake.wait_for("sendMessage", count=sent + 1 + len(new), chat_id=CHAT)
        await eventually(
            lambda: all(str(CHAT) in p.sent for p in picks_for_chat(ctx, CHAT, ctx.today()))
        )
        # Each pick went out once: the morning's and the new ones, none twice.
        messages = _pick_messages(fake)
        assert len(messages) == 3 + len(new) and new
        keys = [p.key for p in ctx.store.picks_for(ctx.today()) if str(CHAT) in p.sent]
        assert len(keys) == len(set(keys)) == len(messages)

        # Again: nothing new to send, and it says so.
        sent = len(fake.sent_to(CHAT))
        await _tap(fake, offer, RESCORE)
        await fake.wait_for("sendMessage", count=sent + 1, chat_id=CHAT)
        assert "No new picks" in visible_text(fake.sent_to(CHAT)[-1].text, "HTML")
        assert len(_pick_messages(fake)) == len(messages)


async def test_a_learned_line_is_shown_in_words_and_removed_with_a_tap(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx, collector=collect):
        morning = await _morning(fake, ctx)
        for pick in morning:  # as taps would record them
            await feedback.record_vote(ctx, CHAT, pick, "up" if "Data" in pick.title else "down")
        for i, posting in enumerate(DATA[:3]):
            liked = morning[0].model_copy(
                update={"key": posting.key, "title": posting.title, "company": f"Other{i}"}
            )
            await feedback.record_vote(ctx, CHAT, liked, "up")
        (shown,) = await command(fake, "/profile")
        text = visible_text(shown.params["text"], "HTML")
        assert "Learned from your votes" in text
        assert ". ➕ data analysis roles — 👍 3 (+" in text
        assert "york" not in text.lower() and "texa" not in text.lower()  # no stems
        message_id = fake.sent_to(CHAT)[-1].message_id
        forget = next(
            label for label, _ in fake.buttons(CHAT, message_id) if "data analysis" in label
        )
        assert forget.startswith("✖️ ")

        said = await _tap(fake, message_id, forget)
        assert said == "✖️ forgot: data analysis roles"
        await fake.wait_for("editMessageText", message_id=message_id)
        assert "field:analytics" not in feedback.learned_weights(ctx).features
        redrawn = visible_text(fake.messages[(CHAT, message_id)].text, "HTML")
        assert "Removed: data analysis roles" in redrawn
        assert (RESCORE, f"rs:{ctx.today()}") in fake.buttons(CHAT, message_id)

        (back,) = await command(fake, "/profile relearn")
        assert "Learning again: data analysis roles" in visible_text(back.params["text"], "HTML")
        assert feedback.learned_weights(ctx).weight("field:analytics") > 0
        (bad,) = await command(fake, "/profile forget 99")
        assert "no learned line 99" in bad.params["text"]


async def test_companies_are_unblocked_by_a_tap_or_part_of_their_name(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        for name in ("Hewlett Packard (HP)", "Hewlett Packard Enterprise", "Initech"):
            await command(fake, f"/profile block {name}")
        (which,) = await command(fake, "/profile unblock hewlett packard")
        assert "fits 2 blocked companies: which one?" in which.params["text"]
        message_id = fake.sent_to(CHAT)[-1].message_id
        labels = [label for label, _ in fake.buttons(CHAT, message_id)]
        assert labels == ["🔓 Hewlett Packard (HP)", "🔓 Hewlett Packard Enterprise"]
        assert await _tap(fake, message_id, labels[0]) == "🔓 Hewlett Packard (HP) unblocked"
        await fake.wait_for("editMessageText", message_id=message_id)
        blocked = ctx.store.current_profile().filters.blocked_companies
        assert blocked == ["Hewlett Packard Enterprise", "Initech"]

        (shown,) = await command(fake, "/profile")
        assert "Blocked companies: Hewlett Packard Enterprise, Initech" in visible_text(
            shown.params["text"], "HTML"
        )
        profile_message = fake.sent_to(CHAT)[-1].message_id
        await _tap(fake, profile_message, "🔓 Initech")
        await fake.wait_for("editMessageText", message_id=profile_message)
        assert ctx.store.current_profile().filters.blocked_companies == [
            "Hewlett Packard Enterprise"
        ]
        (r,) = await command(fake, "/profile unblock Umbrella")
        assert "Umbrella is not blocked" in r.params["text"]


async def test_any_version_comes_back_and_an_undone_proposal_can_be_applied_again(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    async with running_bot(ctx):
        await command(fake, "/profile")
        await ctx.store.ensure_profile(ctx.config.profile.to_profile())
        async with ctx.store.transaction():  # a proposal, as the LLM would have made it
            ctx.store.save_proposal(
                Proposal(id=1, lines=["prefers data roles"], base_learned=[], base_version=1,
                         votes=10, created_at=datetime.now(UTC))
            )  # fmt: skip
        qid = await fake.tap(CHAT, 1, "lp:a:1")
        (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert a.params["text"] == "✅ applied"
        (undo,) = await command(fake, "/profile undo")
        assert "Back to version 1" in undo.params["text"]
        qid = await fake.tap(CHAT, 1, "lp:a:1")  # Apply again after the undo: no dead end
        (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
        assert a.params["text"] == "✅ applied"
        assert ctx.store.current_profile().learned == ["prefers data roles"]

        (versions,) = await command(fake, "/profile versions")
        listed = visible_text(versions.params["text"], "HTML")
        assert "v3" in listed and "applied proposal #1 again" in listed and "restore N" in listed
        (restored,) = await command(fake, "/profile restore 1")
        assert "Version 1 is back, as version 4" in restored.params["text"]
        assert ctx.store.current_profile().learned == []


async def test_a_run_of_votes_offers_the_rescore_once(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    ctx.config.selection.max_picks = RESCORE_AFTER_VOTES + 1
    ctx.config.selection.per_company = 2
    async with running_bot(ctx, collector=collect):
        morning = await _morning(fake, ctx)
        for n, pick in enumerate(morning, 1):
            message_id = pick.sent[str(CHAT)]
            await _tap(fake, message_id, "👎")
            await eventually(lambda n=n: len(ctx.store.votes()) == n)
        await eventually(lambda: any(m.text == VOTES_OFFER for m in fake.sent_to(CHAT)))
        offers = [m for m in fake.sent_to(CHAT) if m.text == VOTES_OFFER]
        assert len(offers) == 1
        assert fake.buttons(CHAT, offers[0].message_id) == [(RESCORE, f"rs:{ctx.today()}")]


async def test_proposal_settings_and_profile_taps_on_a_busy_database_say_not_saved(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    # The context again over a Store with a short lock wait (it keeps the test quick).
    quick = Store(ctx.store.path, lock_wait=0.1)
    ctx = AppContext(settings=ctx.settings, config=ctx.config, store=quick)
    async with running_bot(ctx):
        await command(fake, "/profile block Initech")
        await ctx.store.ensure_profile(ctx.config.profile.to_profile())
        async with ctx.store.transaction():
            ctx.store.save_proposal(
                Proposal(id=1, lines=["prefers data roles"], base_learned=[], base_version=1,
                         votes=10, created_at=datetime.now(UTC))
            )  # fmt: skip
        before = ctx.store.current_profile()
        other = WriteLock(ctx.store.path)  # another jobpicks process, stuck mid-write
        other.acquire_blocking()
        try:
            answers = []
            for data in (
                "lp:a:1",
                "st:picks:+1",
                unblock("Initech"),
            ):
                qid = await fake.tap(CHAT, 1, data)
                (a,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid)
                answers.append(a.params)
        finally:
            other.release()
        assert [a["text"] for a in answers] == [NOT_SAVED] * 3
        assert all(a.get("show_alert") in (True, "true") for a in answers)
        assert ctx.store.current_profile() == before
        assert not any("Something went wrong" in m.text for m in fake.sent_to(CHAT))
