"""Onboarding as a service: answers and CVs drafted into a profile, filters and searches,
by the local reader or by the LLM (its fake), and the draft saved (no Telegram here)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.services import cv as cv_service
from bot.services import onboarding as ob
from bot.services.onboarding import Answers, OnboardingError
from bot.settings import Settings
from bot.store import Store
from scoring.models import spend_from_record
from tests.bot.cv_files import ENGLISH_CV, GERMAN_CV, docx_file, text_pdf
from tests.bot.onboarding_support import GERMAN_DRAFT, drafting_model, is_onboarding, material
from tests.fakes.llm import FakeLLM, invalid

CHAT = 4242


def make_ctx(tmp_path: Path, llm: FakeLLM | None = None) -> AppContext:
    env: dict[str, Any] = {"jobpicks_db": tmp_path / "db.json", "telegram_chat_ids": [CHAT]}
    if llm is not None:
        env |= {"llm_model": "openai/fake", "llm_api_base": llm.base, "llm_api_key": "dummy"}
    settings = Settings(_env_file=None, **env)  # type: ignore[call-arg]
    return AppContext(settings=settings, config=default_config(), store=Store(settings.jobpicks_db))


@pytest.fixture
async def llm() -> AsyncIterator[FakeLLM]:
    async with FakeLLM(responder=drafting_model()) as fake:
        yield fake


def answered(**typed: str) -> Answers:
    answers = Answers()
    for key, text in typed.items():
        answers = ob.answer(answers, key, text)
    return answers


BERLIN = {
    "work": "Backend developer or data engineer, Python and SQL",
    "where": "Berlin; remote",
    "levels": "entry associate",
    "types": "full-time",
    "deal_breakers": "no sales roles; defense contractors; companies: Acme; titles: senior, lead",
    "eligibility": "English and German; EU citizen",
}


async def test_answers_drafted_locally_into_profile_filters_and_searches(tmp_path):
    ctx = make_ctx(tmp_path)
    draft = await ob.draft_from_answers(ctx, CHAT, answered(**BERLIN))
    assert draft.about == BERLIN["work"]  # the person's own words
    assert draft.directives == [
        "Wants to work in Berlin or remotely.",
        "No sales roles",
        "Not interested in defense contractors",
        "English and German; EU citizen",
    ]
    f = draft.filters
    assert f.locations == ["Berlin", "remote"] and f.workplace == []
    assert (f.levels, f.employment_types) == (["entry", "associate"], ["full-time"])
    assert f.blocked_companies == ["Acme"] and f.excluded_title_words == ["senior", "lead"]
    assert f.max_age_days == ctx.config.profile.filters.max_age_days  # a new person's default
    assert [(s.keywords, s.location) for s in draft.searches] == [
        ("Backend developer", "Berlin"),
        ("data engineer", "Berlin"),
    ]
    assert all(s.levels == ["entry", "associate"] for s in draft.searches)
    assert draft.drafted_by == ob.LOCAL_READER and draft.notes == []


async def test_remote_only_internships_search_everywhere_for_remote_interns(tmp_path):
    ctx = make_ctx(tmp_path)
    answers = answered(work="machine learning", where="remote", types="internship")
    draft = await ob.draft_from_answers(ctx, CHAT, answers)
    assert draft.filters.workplace == ["remote"] and draft.filters.locations == ["remote"]
    (search,) = draft.searches
    assert (search.keywords, search.location, search.workplace) == (
        "machine learning intern",
        "",
        ["remote"],
    )


@pytest.mark.parametrize("typed", ["", "   ", ".", "42"])
def test_an_empty_answer_to_what_work_is_refused_with_an_example(typed):
    with pytest.raises(OnboardingError, match="what work you want, e.g."):
        ob.answer(Answers(), ob.WORK, typed)


def test_bad_answers_to_the_other_questions_say_what_works():
    with pytest.raises(OnboardingError, match="not one of"):
        ob.answer(Answers(), ob.LEVEL, "wizard")
    with pytest.raises(OnboardingError, match="Name a place"):
        ob.answer(Answers(), ob.WHERE, " ")
    with pytest.raises(OnboardingError, match="or tap Skip"):
        ob.answer(Answers(), ob.DEAL_BREAKERS, "-")
    commute = ob.answer(Answers(places=["Paris"]), "commute", "Boston.")
    assert (commute.places, commute.commute_from) == ([], "Boston")


@pytest.mark.parametrize(
    ("work", "keywords"),
    [
        (
            "Backend developer or data engineer, Python and SQL",
            ["Backend developer", "data engineer"],
        ),
        (
            "Something with machine learning, ideally recommender systems",
            ["machine learning", "recommender systems"],
        ),
        ("Product designer", ["Product designer"]),
    ],
)
def test_search_keywords_are_the_short_role_phrases_people_write(work, keywords):
    assert ob.search_keywords(work) == keywords


async def test_an_english_cv_is_read_locally_without_contact_details(tmp_path):
    ctx = make_ctx(tmp_path)
    cv = await cv_service.read_cv(text_pdf(ENGLISH_CV), "pdf")
    got = await ob.draft_from_cv(ctx, CHAT, cv)
    assert got.note == "" and got.draft is not None
    a = got.answers
    assert a.work.startswith("Final-year computer science student looking for a backend")
    assert "Skills: Python, PostgreSQL, Docker, Airflow" in a.work
    assert "@" not in a.work and "555" not in a.work
    assert a.commute_from == "Boston"  # the town in its header
    assert (a.levels, a.employment_types) == (["internship", "entry"], ["internship"])
    assert a.eligibility == "Languages: English (native), Spanish (B2), US citizen"
    d = got.draft
    assert d.filters.locations == ["Boston"]  # the filter measures the commute
    assert [s.keywords for s in d.searches] == ["data engineering internship", "backend intern"]
    assert "Wants to work within commuting distance of Boston." in d.directives


async def test_a_cv_in_another_language_without_an_llm_asks_what_work_in_english(tmp_path):
    ctx = make_ctx(tmp_path)
    cv = await cv_service.read_cv(docx_file(GERMAN_CV), "docx")
    got = await ob.draft_from_cv(ctx, CHAT, cv)
    assert got.draft is None and got.answers.work == ""
    assert "looks written in German" in got.note and "English words only" in got.note
    assert got.answers.remote  # what it says about places is kept ("… oder remote")


async def test_with_an_llm_the_cv_is_drafted_by_the_model(tmp_path, llm):
    ctx = make_ctx(tmp_path, llm)
    cv = await cv_service.read_cv(text_pdf(GERMAN_CV), "pdf")
    got = await ob.draft_from_cv(ctx, CHAT, cv)
    assert got.draft is not None and got.draft.drafted_by == "openai/fake"
    assert "looks written in German; the LLM read it" in got.note
    d = got.draft
    assert d.about == GERMAN_DRAFT["about"]
    assert d.directives == GERMAN_DRAFT["rules"]
    assert (d.filters.levels, d.filters.employment_types) == (["entry", "associate"], ["full-time"])
    assert d.filters.locations == ["Munich", "remote"]
    assert d.filters.blocked_companies == ["Beispiel GmbH"]
    assert [(s.keywords, s.location) for s in d.searches] == [
        ("backend developer", "Munich"),
        ("python developer", "Munich"),
    ]
    (request,) = [r for r in llm.requests if is_onboarding(r)]
    sent = material(request)
    assert "Softwareentwicklerin" in sent  # the CV went to the configured LLM …
    assert "jana@example.de" not in sent and "1234 5678" not in sent  # … without contacts
    spent = ctx.store.proposal_spend(ctx.today())[0].figures
    assert spend_from_record(spent, "onboarding").calls == 1  # counted against the budget


async def test_with_an_llm_typed_answers_stay_the_persons_own(tmp_path, llm):
    ctx = make_ctx(tmp_path, llm)
    draft = await ob.draft_from_answers(ctx, CHAT, answered(**BERLIN))
    assert draft.drafted_by == "openai/fake"
    assert draft.about == BERLIN["work"]  # their words, not the model's
    assert draft.filters.locations == ["Berlin", "remote"]  # their choices
    assert draft.filters.blocked_companies == ["Acme", "Beispiel GmbH"]
    assert "What work: Backend developer or data engineer" in material(llm.requests[-1])


async def test_a_bad_model_answer_falls_back_to_the_local_reader(tmp_path, llm):
    ctx = make_ctx(tmp_path, llm)
    llm.queue(invalid(), invalid('{"about": "x", "levels": 5}'))
    draft = await ob.draft_from_answers(ctx, CHAT, answered(**BERLIN))
    assert draft.drafted_by == ob.LOCAL_READER and draft.notes == [ob.FELL_BACK]
    assert [s.keywords for s in draft.searches] == ["Backend developer", "data engineer"]
    assert len(llm.requests) == 2  # asked once more, then fell back


async def test_applying_a_draft_saves_a_version_and_the_searches(tmp_path):
    ctx = make_ctx(tmp_path)
    assert not ob.has_profile(ctx, CHAT)  # the built-in example is nobody's profile
    draft = await ob.draft_from_answers(ctx, CHAT, answered(**BERLIN))
    saved = await ob.apply_draft(ctx, CHAT, draft)
    assert ob.has_profile(ctx, CHAT)
    current = ctx.store.current_profile()
    assert saved.version == current.version == 2
    assert (current.about, current.filters) == (draft.about, draft.filters)
    assert ctx.store.profile_history()[-1].note == "set up in the chat"
    assert [s.keywords for s in ctx.config.searches] == ["Backend developer", "data engineer"]
    # Read back from disk (a restart): the same profile and searches.
    again = AppContext(settings=ctx.settings, config=default_config(), store=Store(ctx.store.path))
    assert again.store.current_profile().about == draft.about
    assert [s.keywords for s in again.config.searches] == ["Backend developer", "data engineer"]


async def test_a_draft_is_the_persons_own_and_no_one_elses(tmp_path):
    from bot.services import people

    ctx = make_ctx(tmp_path)  # the owner (CHAT) and someone admitted another way
    other = 5151
    await people.add(ctx, other, via="invite")
    assert not ob.has_profile(ctx, CHAT) and not ob.has_profile(ctx, other)
    draft = await ob.draft_from_answers(ctx, other, answered(**BERLIN))
    await ob.apply_draft(ctx, other, draft)
    assert ob.has_profile(ctx, other) and not ob.has_profile(ctx, CHAT)
    mine, theirs = ctx.for_person(CHAT), ctx.for_person(other)
    assert theirs.store.current_profile().about == draft.about
    assert mine.store.profile_history() == [] and mine.store.overrides().searches is None
    assert [s.keywords for s in theirs.config.searches] == ["Backend developer", "data engineer"]
    assert mine.config.searches == default_config().searches
    assert not ob.picked_today_already(ctx, other)
    # A served chat that sets itself up is added as who it is (a chat of the file).
    await ob.apply_draft(ctx, CHAT, draft)
    assert people.get(ctx, CHAT).via == "config" and people.get(ctx, other).via == "invite"


async def test_setting_up_again_keeps_blocks_and_age_of_ones_own_profile(tmp_path):
    ctx = make_ctx(tmp_path)
    first = await ob.draft_from_answers(ctx, CHAT, answered(**BERLIN))
    await ob.apply_draft(
        ctx,
        CHAT,
        first.model_copy(update={"filters": first.filters.model_copy(update={"max_age_days": 3})}),
    )
    again = await ob.draft_from_answers(ctx, CHAT, answered(work="Data analyst", where="Hamburg"))
    assert again.filters.blocked_companies == ["Acme"] and again.filters.max_age_days == 3
    assert again.filters.locations == ["Hamburg"]
