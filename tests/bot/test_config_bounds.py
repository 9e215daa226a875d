"""Every number a person can set is bounded where it is read: a value that would crash later
(`timedelta(days=2**63)`, a timeout of inf) is one line naming the key at load (issue 22)."""

from __future__ import annotations

import math
import types
import typing
from datetime import UTC, datetime, timedelta

import pytest
from annotated_types import Le, Lt
from pydantic import BaseModel

from bot.config import Config, load_config
from bot.errors import ConfigError
from bot.settings import load_settings
from scoring.filters import veto
from scoring.profile import MAX_AGE_DAYS, Filters
from scrapers.options import MAX_WAIT_SECONDS
from scrapers.postings.posting import Posting

HUGE = "9223372036854775807"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("[http]\ntimeout_seconds = inf\n", "http.timeout_seconds"),
        ("[http]\ntimeout_seconds = nan\n", "http.timeout_seconds"),
        ("[http]\nbackoff_base_seconds = 1e300\n", "http.backoff_base_seconds"),
        ("[http]\nmax_retries = " + HUGE + "\n", "http.max_retries"),
        ("[profile.filters]\nmax_age_days = " + HUGE + "\n", "profile.filters.max_age_days"),
        ("[profile.filters]\nmin_salary = inf\n", "profile.filters.min_salary"),
        ("[[searches]]\nkeywords = 'x'\nposted_within_hours = " + HUGE + "\n", "searches.0"),
        ("[[lists]]\nurl = 'https://x.example/l.json'\nmax_age_days = " + HUGE + "\n", "lists.0"),
        ("[scoring]\ndaily_budget_usd = inf\n", "scoring.daily_budget_usd"),
        ("[scoring]\ntimeout_seconds = -inf\n", "scoring.timeout_seconds"),
        ("[learning]\nhalf_life_days = inf\n", "learning.half_life_days"),
        ("[selection]\nper_company = " + HUGE + "\n", "selection.per_company"),
    ],
)
def test_a_number_past_its_bound_is_one_line_naming_the_key(isolated_env, text, where):
    path = isolated_env / "jobpicks.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    line = str(err.value)
    assert line.startswith(f"JOBPICKS_CONFIG: {path}: {where}") and "\n" not in line


def _optional(annotation: object) -> bool:
    return typing.get_origin(annotation) in (typing.Union, types.UnionType)


def _numbers(model: type[BaseModel], path: str = "") -> list[tuple[str, object]]:
    """(dotted name, field info) of every int or float field under `model`, nested included."""
    found = []
    for name, info in model.model_fields.items():
        where = f"{path}{name}"
        options = typing.get_args(info.annotation) if _optional(info.annotation) else ()
        for kind in (info.annotation, *options):
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                found += _numbers(kind, where + ".")
            elif typing.get_origin(kind) is list and typing.get_args(kind):
                inner = typing.get_args(kind)[0]
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    found += _numbers(inner, where + ".0.")
            elif kind in (int, float):
                found.append((where, info))
                break
    return found


def test_every_number_of_the_config_has_a_maximum_and_no_infinity():
    """A new setting cannot slip in unbounded: each number has an upper bound, and the models
    holding floats refuse inf and nan."""
    numbers = _numbers(Config)
    assert len(numbers) > 30  # the walk really reached the nested sections
    unbounded = [w for w, info in numbers if not any(isinstance(m, Le | Lt) for m in info.metadata)]
    # `[learning]` is the learning code's own (its floats refuse inf and nan; its numbers only
    # scale weights that are capped where they are added up).
    assert [w for w in unbounded if not w.startswith("learning.")] == []
    for section in (Config, *(f.annotation for f in Config.model_fields.values())):
        if isinstance(section, type) and issubclass(section, BaseModel):
            assert section.model_config.get("allow_inf_nan") is False, section.__name__


def test_the_largest_values_allowed_still_work_where_they_are_read():
    now = datetime.now(UTC)
    old = Posting(
        source="x", source_id="1", url="https://x.example/1", title="Intern", company="Acme",
        posted_at=now - timedelta(days=MAX_AGE_DAYS + 1),
    )  # fmt: skip
    assert veto(old, Filters(max_age_days=MAX_AGE_DAYS))  # an age filter at its maximum works
    assert not veto(old, Filters(max_age_days=0))
    assert math.isfinite(MAX_WAIT_SECONDS) and timedelta(seconds=MAX_WAIT_SECONDS)


@pytest.mark.parametrize("value", ["99999999999999999999", "-4503599627370496"])
def test_a_chat_id_longer_than_telegrams_is_one_line(monkeypatch, value):
    monkeypatch.setenv("TELEGRAM_CHAT_IDS", f"42,{value}")
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(f"TELEGRAM_CHAT_IDS: '{value}' is not a chat id")
