"""/filters as a service: what a person types becomes the hard filters, each change a new
profile version (no Telegram here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.services import filters
from bot.services.filters import FiltersError, parse_choices, parse_days, parse_pay, parse_places
from bot.settings import Settings
from bot.store import Store
from scoring.filters import veto
from scoring.profile import Filters
from scrapers.postings.posting import Posting

CHAT = 4242


@pytest.fixture
def ctx(tmp_path: Path) -> AppContext:
    settings = Settings(_env_file=None, jobpicks_db=tmp_path / "db.json", telegram_chat_ids=[CHAT])  # type: ignore[call-arg]
    return AppContext(settings=settings, config=default_config(), store=Store(settings.jobpicks_db))


def test_places_split_on_semicolons_and_lists_but_keep_city_state_pairs():
    got = parse_places("Berlin, Munich or Hamburg; Austin, TX; London, UK; remote")
    assert got.places == ("Berlin", "Munich", "Hamburg", "Austin, TX", "London, UK")
    assert got.remote and got.locations()[-1] == "remote"
    assert got.workplace() == []  # places as well as remote: any workplace


def test_a_commute_keeps_the_town_and_the_filter_measures_the_distance():
    boston = parse_places("within commuting distance of Boston")
    assert boston.commute_from == "Boston"
    assert boston.locations() == ["Boston"]
    assert boston.rule() == "Wants to work within commuting distance of Boston."
    assert parse_places("commute from Berlin").locations() == ["Berlin"]
    assert parse_places("near Smallville").locations() == ["Smallville"]  # unknown: as typed

    filters = Filters(locations=boston.locations())  # the default commuting radius, 50 km

    def job(place: str) -> Posting:
        return Posting(source="t", source_id=place, url="https://x.example/j", title="Analyst",
                       company="Acme", location=place)  # fmt: skip

    assert veto(job("Cambridge, MA"), filters) is None  # ~5 km away
    assert veto(job("Worcester, MA"), filters) is not None  # ~65 km away


def test_remote_only_and_anywhere():
    remote = parse_places("remote")
    assert (remote.locations(), remote.workplace(), remote.rule()) == (
        ["remote"],
        ["remote"],
        "Remote only.",
    )
    anywhere = parse_places("anywhere")
    assert anywhere.locations() == [] and anywhere.describe() == "anywhere"
    with pytest.raises(FiltersError, match="Name a place"):
        parse_places("  ")


def test_choices_take_labels_aliases_and_two_word_forms():
    assert parse_choices("Entry level, mid-senior", "levels") == ["entry", "mid-senior"]
    assert parse_choices("junior and senior", "levels") == ["entry", "mid-senior"]
    assert parse_choices("full time or contract", "types") == ["full-time", "contract"]
    assert parse_choices("onsite wfh", "workplace") == ["on-site", "remote"]
    with pytest.raises(FiltersError, match="'wizard' is not one of: internship, entry"):
        parse_choices("entry wizard", "levels")


@pytest.mark.parametrize(
    ("typed", "pay"),
    [("60000", 60000), ("60k", 60000), ("€55,000", 55000), ("55.000", 55000), ("any", 0)],
)
def test_pay_as_people_write_it(typed, pay):
    assert parse_pay(typed) == pay


def test_bad_age_and_pay_are_refused():
    assert parse_days("14 days") == 14 and parse_days("any") == 0
    with pytest.raises(FiltersError, match="number of days"):
        parse_days("fortnight")
    with pytest.raises(FiltersError, match="yearly pay"):
        parse_pay("lots")


async def test_each_typed_change_is_a_new_profile_version(ctx):
    first = await filters.change(ctx, CHAT, "places", "Berlin; remote")
    assert first.filters.locations == ["Berlin", "remote"]
    second = await filters.change(ctx, CHAT, "levels", "entry associate")
    third = await filters.change(ctx, CHAT, "types", "full-time")
    fourth = await filters.change(ctx, CHAT, "workplace", "hybrid remote")
    fifth = await filters.change(ctx, CHAT, "age", "7")
    sixth = await filters.change(ctx, CHAT, "pay", "60k")
    assert [p.version for p in (first, second, third, fourth, fifth, sixth)] == [2, 3, 4, 5, 6, 7]
    f = ctx.store.current_profile().filters
    assert (f.levels, f.employment_types, f.workplace) == (
        ["entry", "associate"],
        ["full-time"],
        ["hybrid", "remote"],
    )
    assert (f.max_age_days, f.min_salary) == (7, 60000)
    # The same value again makes no new version.
    assert (await filters.change(ctx, CHAT, "pay", "60000")).version == 7


async def test_reset_clears_filters_but_keeps_blocked_companies(ctx):
    before = (await filters.current(ctx, CHAT)).blocked_companies
    await filters.change(ctx, CHAT, "places", "Berlin")
    after = (await filters.change(ctx, CHAT, "reset", "")).filters
    assert after.locations == [] and after.levels == [] and after.max_age_days == 0
    assert after.blocked_companies == before


async def test_toggle_adds_and_takes_away_in_button_order(ctx):
    await filters.change(ctx, CHAT, "levels", "")
    await filters.toggle(ctx, CHAT, "levels", "associate")
    got = await filters.toggle(ctx, CHAT, "levels", "internship")
    assert got.filters.levels == ["internship", "associate"]
    got = await filters.toggle(ctx, CHAT, "levels", "associate")
    assert got.filters.levels == ["internship"]
    with pytest.raises(FiltersError, match="out of date"):
        await filters.toggle(ctx, CHAT, "levels", "wizard")


async def test_an_unknown_filter_names_the_forms(ctx):
    with pytest.raises(FiltersError, match="places … \\| levels"):
        await filters.change(ctx, CHAT, "colour", "blue")
