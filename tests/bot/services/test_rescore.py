"""Rescoring today's postings after a change: new picks that now qualify are added (and sent
once), picks that no longer do are dropped (never sent again); with the local scorer and
with an LLM (its verdicts paid for once, within the budget). No Telegram, no scraping."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bot.config import Config
from bot.context import AppContext
from bot.services import feedback, rescore
from bot.services import profile as profile_service
from bot.services.delivery import Delivery, picks_for_chat
from bot.services.rescore import RESCORE_AFTER_VOTES, RescoreError, rescore_today
from bot.services.run import run_daily
from bot.services.spend import spent_today
from bot.settings import Settings
from bot.store import Store
from scrapers.postings.posting import Posting
from scrapers.source import SourceResult
from tests.bot.services.support import CHAT, RecordingMessenger
from tests.bot.services.support import pick as support_pick
from tests.fakes.llm import FakeLLM, _text, postings_in, valid

BACKEND = "Student looking for a Python backend engineering internship."
DATA = "Student looking for a data analyst internship: SQL, dashboards, analytics."


def posting(i: int, title: str, company: str, desc: str) -> Posting:
    return Posting(
        source="t",
        source_id=str(i),
        url=f"https://example.com/{i}",
        title=title,
        company=company,
        location="Chicago, IL",
        description=desc,
        employment_type="internship",
    )


POSTINGS = [
    posting(1, "Backend Engineer Intern", "PayCo", "Python services and Postgres for payments."),
    posting(2, "Backend Engineer Intern", "AdCo", "Python APIs for the ads platform."),
    posting(3, "Backend Engineer Intern", "ShipCo", "Python backend for shipping."),
    posting(4, "Data Analyst Intern", "RetailCo", "SQL and dashboards for store analytics."),
    posting(5, "Data Analyst Intern", "HealthCo", "SQL reporting and analytics for clinics."),
    posting(6, "Data Analyst Intern", "MediaCo", "Dashboards and analytics for audiences."),
]


async def collect(_ctx: AppContext, _on_source: object = None) -> list[SourceResult]:
    return [SourceResult(source="t", postings=[p.model_copy() for p in POSTINGS])]


def make_ctx(tmp_path: Path, **settings: Any) -> AppContext:
    config = Config.model_validate(
        {
            "profile": {"about": BACKEND},
            "schedule": {"time": "08:00", "timezone": "UTC"},
            "selection": {"min_score": 50, "max_picks": 2, "per_company": 1},
            "learning": {"explore_share": 0},
        }
    )
    env = Settings(
        _env_file=None,  # type: ignore[call-arg]
        jobpicks_db=tmp_path / "db.json",
        jobpicks_config=tmp_path / "none.toml",
        telegram_chat_ids=[CHAT],
        **settings,
    )
    return AppContext(settings=env, config=config, store=Store(tmp_path / "db.json"))


def titles(picks: list[Any]) -> list[str]:
    return [p.title for p in picks]


async def test_a_changed_profile_brings_new_picks_today_and_drops_the_old(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    with pytest.raises(RescoreError, match="not chosen yet"):
        await rescore_today(ctx)
    assert not rescore.can_rescore(ctx)
    morning = await run_daily(ctx, collector=collect)
    assert titles(morning.picks) == ["Backend Engineer Intern"] * 2
    messenger = RecordingMessenger()
    delivery = Delivery(ctx, messenger)
    await delivery.to_chat(CHAT, morning.record)
    assert len(messenger.of("pick")) == 2

    await profile_service.set_about(ctx, DATA)
    assert rescore.can_rescore(ctx)
    done = await rescore_today(ctx)
    assert done.looked_at == 6 and done.profile_version == 2
    assert titles(done.added) == ["Data Analyst Intern"] * 2
    assert {p.key for p in done.dropped} == {p.key for p in morning.picks}
    assert all(p.dropped for p in done.dropped)
    day = ctx.store.picks_for(ctx.today())
    assert [p.rank for p in day] == [1, 2, 3, 4]
    assert all(p.profile_version == 2 for p in day[:2])
    # What a chat sees now is the new picks; the dropped ones keep their sent messages.
    assert titles(picks_for_chat(ctx, CHAT, ctx.today())) == ["Data Analyst Intern"] * 2
    assert all(str(CHAT) in p.sent for p in day[2:])

    report = await delivery.more(CHAT, ctx.today())
    assert report.sent == 2 and report.already_sent == 0
    sent = [key for key, _quiet in messenger.of("pick")]
    assert len(sent) == len(set(sent)) == 4  # nothing sent twice
    assert (await delivery.more(CHAT, ctx.today())).sent == 0

    # The picks are the person's (the shared pool keeps them for others; a later run of
    # theirs leaves them out); their postings are kept for another rescore today.
    assert {p.key for p in done.added} <= ctx.store.picked_keys()
    assert {p.key for p in ctx.store.picked_postings(ctx.today())} == {p.key for p in day}
    again = await rescore_today(ctx)
    assert again.added == [] and again.dropped == []

    # Undo: the backend picks come back as picks, already sent, so nothing is sent again.
    await profile_service.undo(ctx)
    back = await rescore_today(ctx)
    assert back.added == [] and len(back.dropped) == 2
    assert titles(picks_for_chat(ctx, CHAT, ctx.today())) == ["Backend Engineer Intern"] * 2
    assert (await delivery.more(CHAT, ctx.today())).sent == 0


async def test_a_company_blocked_since_is_dropped_and_replaced(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    morning = await run_daily(ctx, collector=collect)
    first = morning.picks[0]
    await profile_service.block(ctx, first.company)
    done = await rescore_today(ctx)
    assert [p.key for p in done.dropped] == [first.key]
    assert done.dropped[0].dropped.startswith("ruled out by your filters now")
    assert titles(done.added) == ["Backend Engineer Intern"]
    assert first.company not in {p.company for p in picks_for_chat(ctx, CHAT, ctx.today())}


async def test_votes_since_the_picks_were_scored_make_one_offer(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    morning = await run_daily(ctx, collector=collect)
    pick = morning.picks[0]
    offers = []
    for i in range(2 * RESCORE_AFTER_VOTES):
        await feedback.record_vote(ctx, CHAT, pick.model_copy(update={"key": f"k{i}"}), "down")
        offers.append(await rescore.offer_after_votes(ctx))
    assert offers == [i + 1 in (5, 10) for i in range(10)]
    await rescore_today(ctx)  # a rescore starts the count again
    await feedback.record_vote(ctx, CHAT, pick, "up")
    assert not await rescore.offer_after_votes(ctx)


async def test_votes_make_no_offer_before_today_has_run(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    for i in range(RESCORE_AFTER_VOTES):
        await feedback.record_vote(ctx, CHAT, support_pick(i + 1, 70), "up")
        assert not await rescore.offer_after_votes(ctx)


# -- with an LLM ---------------------------------------------------------------------------------
def judge(body: dict[str, Any]) -> Any:
    """A model that reads the profile in the prompt: data roles for a data seeker, backend
    roles for a backend seeker."""
    prompt = " ".join(_text(m.get("content")) for m in body["messages"])
    wants_data = "data analyst internship" in prompt
    scores = {}
    for pid, fields in postings_in(body):
        data = "data" in fields.get("title", "").lower()
        scores[pid] = 90 if data == wants_data else 30
    return valid(scores=scores, reason="Fits the profile.", summary="A posting.")


def with_llm(ctx: AppContext, llm: FakeLLM) -> None:
    ctx.settings = ctx.settings.model_copy(
        update={
            "llm_model": "openai/fake",
            "llm_api_base": llm.base,
            "llm_api_key": SecretStr("dummy"),
        }
    )


async def test_with_an_llm_a_new_profile_version_is_scored_once_within_the_budget(
    tmp_path: Path,
) -> None:
    ctx = make_ctx(tmp_path)
    async with FakeLLM(responder=judge) as llm:
        with_llm(ctx, llm)
        morning = await run_daily(ctx, collector=collect)
        assert titles(morning.picks) == ["Backend Engineer Intern"] * 2
        calls = llm.calls
        # Votes alone change no verdict: no offer with an LLM, and a rescore pays nothing.
        await feedback.record_vote(ctx, CHAT, morning.picks[0], "down")
        unchanged = await rescore_today(ctx)
        assert unchanged.added == [] and llm.calls == calls
        for i in range(RESCORE_AFTER_VOTES):
            p = morning.picks[1].model_copy(update={"key": f"k{i}"})
            await feedback.record_vote(ctx, CHAT, p, "down")
            assert not await rescore.offer_after_votes(ctx)

        spent = spent_today(ctx)[1]
        await profile_service.set_about(ctx, DATA)
        done = await rescore_today(ctx)
        assert titles(done.added) == ["Data Analyst Intern"] * 2
        assert all(p.scorer == "openai/fake" for p in done.added)
        assert llm.calls > calls and spent_today(ctx)[1] > spent  # booked for the day
        calls = llm.calls
        again = await rescore_today(ctx)  # the same version again: every verdict cached
        assert again.added == [] and llm.calls == calls

        # Over today's token budget, the next version is scored locally and the note says so.
        ctx.config.scoring.daily_token_budget = 1
        await profile_service.add_directive(ctx, "No QA roles.")
        capped = await rescore_today(ctx)
        assert llm.calls == calls
        assert any("budget reached" in note for note in capped.notes)
        # Each posting of the day now has its local score, picked or not.
        assert {p.scorer for p in ctx.store.picks_for(ctx.today())} == {"local"}
