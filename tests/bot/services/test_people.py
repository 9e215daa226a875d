"""People, through the services: each person's votes, settings, searches, blocks and export
touch only them; `people.add` makes a person, `people.forget` deletes everything about one and
nothing of anyone else's; who is served; each person's schedule, last run and LLM budget."""

from __future__ import annotations

from datetime import time
from pathlib import Path

from bot.context import Budget
from bot.services import (
    chat_state,
    export,
    feedback,
    marks,
    people,
    preferences,
    profile,
    searches,
    settings,
)
from bot.services.daily import Daily
from bot.services.spend import new_ledger, record_proposal_spend
from bot.store.records import LOCAL_PERSON, DaySpend, LearningState, RunRecord
from scoring.llm.proposals import Proposal
from scoring.models import Ledger, Spend
from tests.bot.services.test_collect import ANA, BEN, CAL, Boards, make_ctx


async def _two(tmp_path: Path):  # type: ignore[no-untyped-def]
    ctx = make_ctx(tmp_path, [ANA, BEN])
    done = await Daily(ctx, None, collector=Boards()).run_then_deliver()
    return ctx, done.outcomes[ANA].picks, done.outcomes[BEN].picks


def _everything(ctx, person: int, day: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    """What the Store holds of one person, as plain values; `day`'s picks (the run's day, not
    `ctx.today()` again: a test that runs across midnight compares the same day)."""
    own = ctx.for_person(person).store
    return {
        "profiles": [v.model_dump() for v in own.profile_history()],
        "picks": [p.model_dump() for p in own.picks_for(day)],
        "runs": [r.model_dump() for r in own.all_runs()],
        "votes": [v.model_dump() for v in own.votes()],
        "marks": [m.model_dump() for m in own.all_marks()],
        "notes": [n.model_dump() for n in own.notes(person)],
        "picked": [p.model_dump() for p in own.picked_postings(day)],
        "overrides": own.overrides().model_dump(),
        "chat": own.chat_state(person).model_dump(),
        "header": own.header_sent(day, person),
        "proposals": [p.model_dump() for p in own.proposals()],
        "learning": own.learning_state().model_dump(),
        "spend": [s.model_dump() for s in own.proposal_spend()],
        "person": ctx.db.person_record(person),
    }


async def test_what_one_person_does_touches_only_them(tmp_path: Path) -> None:
    ctx, ana_picks, ben_picks = await _two(tmp_path)
    ana, ben = ctx.for_person(ANA), ctx.for_person(BEN)
    assert ana_picks and ben_picks and ana_picks == ben_picks  # the same search and profile
    day = ben_picks[0].day
    ben_before = _everything(ctx, BEN, day)
    ben_weights = feedback.learned_weights(ben)

    await feedback.record_vote(ana, ANA, ana_picks[0], "up")
    await feedback.record_vote(ana, ANA, ana_picks[1], "down", "field")
    await marks.toggle(ana, ANA, ana_picks[2], marks.SAVED)
    await feedback.block_company(ana, ana_picks[1].company)
    await profile.set_about(ana, "Backend developer, Python and Postgres.")
    await settings.change(ana, "picks", "2")
    await preferences.set_weekly(ana, ANA, True)
    await chat_state.set_paused(ana, ANA, True)
    await searches.add(ana, "data engineer @ Berlin")
    # Main's pipeline, notes, settings in words and rescore: Ana's too.
    await marks.toggle(ana, ANA, ana_picks[0], marks.INTERVIEWING)
    await marks.set_note(ana, ANA, ana_picks[0], "second round Friday")
    await settings.change(ana, "days", "mon wed fri")
    await settings.change(ana, "view", "compact")
    await preferences.pause(ana, ANA, "2 weeks")
    rescored = await Daily(ctx, None).rescore(ANA)
    assert rescored.profile_version == ana.store.current_profile().version > 1
    # Her timezone after the rescore: from 22:00 UTC on, Berlin is a day ahead, and a day with
    # no picks yet has nothing to rescore (rightly).
    await settings.change(ana, "timezone", "Europe/Berlin")

    assert _everything(ctx, BEN, day) == ben_before
    assert feedback.learned_weights(ben) == ben_weights != feedback.learned_weights(ana)
    assert ben.config.selection.max_picks == 10 and ana.config.selection.max_picks == 2
    assert ben.config.schedule.timezone == "UTC" and not preferences.weekly(ben, BEN)
    assert [s.keywords for s in ben.config.searches] == ["python intern"]
    assert [s.keywords for s in ana.config.searches] == ["python intern", "data engineer"]
    assert not feedback.is_blocked(ben.store.current_profile(), ana_picks[1].company)

    # Each export is the person's own picks, with their own votes and marks.
    async with ctx.db.transaction():
        for p in ana_picks:
            ctx.db.mark_sent(ANA, p.day, p.key, ANA, 1)
        for p in ben_picks:
            ctx.db.mark_sent(BEN, p.day, p.key, BEN, 1)
    ana_rows, ben_rows = export.rows(ana, ANA), export.rows(ben, BEN)
    assert len(ana_rows) == len(ben_rows) == len(ben_picks)
    by_url = {r["url"]: r for r in ana_rows}  # (her rescore reordered her day)
    assert [by_url[p.url]["vote"] for p in ana_picks[:2]] == ["up", "down"]
    assert by_url[ana_picks[2].url]["saved"] and by_url[ana_picks[0].url]["note"]
    assert {r["vote"] for r in ben_rows} == {""} and not any(r["saved"] for r in ben_rows)


async def test_forget_deletes_everything_about_a_person_and_nothing_else(tmp_path: Path) -> None:
    ctx, ana_picks, _ = await _two(tmp_path)
    ana = ctx.for_person(ANA)
    day = ana_picks[0].day
    await feedback.record_vote(ana, ANA, ana_picks[0], "up")
    await marks.toggle(ana, ANA, ana_picks[0], marks.APPLIED)
    await settings.change(ana, "time", "06:30")
    await chat_state.mark_header_sent(ana, day, ANA)
    await chat_state.set_paused(ana, ANA, True)
    await marks.set_note(ana, ANA, ana_picks[0], "asked about the team")
    async with ctx.db.transaction():
        ana.store.save_proposal(
            Proposal(
                id=1,
                lines=["x"],
                base_learned=[],
                base_version=1,
                votes=1,
                created_at=ana_picks[0].posted_at or ana.now(),
            )  # fmt: skip
        )
        ana.store.set_learning_state(LearningState(votes_at_last_proposal=1))
        ana.store.save_proposal_spend(DaySpend(day=day, figures={"calls": 1}))
    ben_before = _everything(ctx, BEN, day)
    pool, seen, fetches = ctx.db.pool(), ctx.db.seen_count(), ctx.db.fetch_log()
    assert all(_everything(ctx, ANA, day).values())  # Ana has something of every kind

    gone = await people.forget(ctx, ANA)
    assert gone >= 12
    empty = _everything(ctx, ANA, day)
    assert not any(v for k, v in empty.items() if k not in ("overrides", "chat", "learning"))
    assert empty["chat"] == {"chat": ANA, "paused": False, "unreachable": None, "failed": {},
                             "notices": [], "weekly_digest_week": None,
                             "paused_until": None}  # fmt: skip
    assert _everything(ctx, BEN, day) == ben_before
    assert (ctx.db.pool(), ctx.db.seen_count(), ctx.db.fetch_log()) == (pool, seen, fetches)
    # Still a chat of TELEGRAM_CHAT_IDS: served again as a new person, from the file.
    fresh = ctx.for_person(ANA)
    assert fresh.config.schedule.time == "08:00" and fresh.store.profile_history() == []


async def test_add_makes_a_person_once_and_they_are_served_until_forgotten(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA])
    assert people.served(ctx) == [ANA] and not people.is_served(ctx, CAL)
    cal = await people.add(ctx, CAL, via="onboarding", name="Cal")
    assert (cal.kind, cal.via, cal.name) == ("private", "onboarding", "Cal")
    again = await people.add(ctx, CAL, via="invite", name="Someone")
    assert again == cal  # known: nothing changes
    assert people.served(ctx) == [ANA, CAL] and people.is_served(ctx, CAL)
    assert [p.id for p in people.all(ctx)] == [CAL]  # the config chat is added at start:
    await people.ensure_configured(ctx)
    assert [p.id for p in people.all(ctx)] == [CAL, ANA]
    # Someone who did not come through the file starts from the built-in example profile.
    assert ctx.for_person(CAL).config.profile.about != ctx.file_config.profile.about
    assert ctx.for_person(ANA).config.profile.about == ctx.file_config.profile.about
    group = await people.add(ctx, -100123, via="onboarding")
    assert group.kind == "group"
    await people.forget(ctx, CAL)
    assert people.served(ctx) == [ANA, -100123] and people.get(ctx, CAL) is None


async def test_the_bots_start_line_counts_everyone_it_serves(tmp_path: Path) -> None:
    # A bot serving 1,000 people once said "serving 1 chat(s)": it counted TELEGRAM_CHAT_IDS.
    from bot.cli import serving_line

    ctx = make_ctx(tmp_path, [ANA])
    assert serving_line(ctx).startswith("jobpicks bot: serving 1 person (access: chats);")
    await people.add(ctx, CAL, via="onboarding", name="Cal")
    await people.add(ctx, BEN, via="onboarding", name="Ben")
    assert serving_line(ctx).startswith("jobpicks bot: serving 3 people (access: chats);")


async def test_without_chats_the_local_person_is_served(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [])
    assert ctx.person == LOCAL_PERSON and people.served(ctx) == [LOCAL_PERSON]
    [local] = await people.ensure_configured(ctx)
    assert (local.id, local.kind, local.via) == (LOCAL_PERSON, "local", "config")


async def test_each_persons_schedule_and_last_run_in_one_call(tmp_path: Path) -> None:
    ctx, _, _ = await _two(tmp_path)
    await settings.change(ctx.for_person(BEN), "time", "06:45")
    await settings.change(ctx.for_person(BEN), "days", "weekdays")
    await chat_state.set_paused(ctx.for_person(BEN), BEN, True)
    ana, ben = people.schedule_of(ctx, ANA), people.schedule_of(ctx, BEN)
    assert (ana.at, ana.days, ana.paused) == (time(8, 0), (0, 1, 2, 3, 4, 5, 6), False)
    assert (ben.at, ben.days, ben.paused) == (time(6, 45), (1, 2, 3, 4, 5), True)
    last = people.last_run(ctx, ANA)
    assert isinstance(last, RunRecord) and last.day == ctx.today()
    assert people.get(ctx, ANA).last_run_day == ctx.today()
    assert people.last_run(ctx, CAL) is None and people.spend_today(ctx, ANA) == (0.0, 0)


async def test_a_persons_llm_budget_holds_within_the_operators_total(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, [ANA, BEN], scoring={"daily_token_budget": 10_000})
    ana, ben = ctx.for_person(ANA), ctx.for_person(BEN)
    spent = Ledger()
    spent.record("proposal", Spend(calls=1, tokens_in=3_000, tokens_out=1_000))
    async with ctx.db.transaction():
        record_proposal_spend(ana, spent)  # Ana spent 4,000 tokens today
    # No own budget: the operator's total, with everyone's spend against it.
    ledger = new_ledger(ben)
    assert (ledger.token_limit, ledger.spent_before_tokens) == (10_000, 4_000)
    # Ben's own budget leaves him less than the total does: his own holds.
    ben.budget = Budget(tokens=1_000)
    ledger = new_ledger(ben)
    assert (ledger.token_limit, ledger.spent_before_tokens) == (1_000, 0)
    # Ana's own budget of 5,000 leaves her 1,000; the total would leave 6,000.
    ana.budget = Budget(tokens=5_000)
    ledger = new_ledger(ana)
    assert (ledger.token_limit, ledger.spent_before_tokens) == (5_000, 4_000)
    ledger.record("scoring", Spend(calls=1, tokens_in=1_000))
    assert ledger.exhausted() is not None
