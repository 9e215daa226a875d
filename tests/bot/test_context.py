"""The chat's stored settings win over the config file, each kind where the run reads it."""

from __future__ import annotations

from pathlib import Path

from bot.config import default_config
from bot.context import AppContext
from bot.settings import Settings
from bot.store import Store
from bot.store.records import DeliveryPrefs, Overrides, ScheduleOverrides
from scrapers.options import SearchConfig


def _ctx(path: Path) -> AppContext:
    settings = Settings(_env_file=None, jobpicks_db=path)  # type: ignore[call-arg]
    return AppContext(settings=settings, config=default_config(), store=Store(path))


async def test_stored_overrides_apply_at_start_and_on_change(isolated_env: Path) -> None:
    path = isolated_env / "db.json"
    ctx = _ctx(path)
    file_searches = ctx.config.searches
    assert file_searches  # the example config has searches
    mine = [SearchConfig(keywords="robotics intern", location="Munich", sources=["linkedin"])]
    overrides = Overrides(
        schedule=ScheduleOverrides(time="06:30"),
        searches=mine,
        delivery=DeliveryPrefs(cadence="weekdays"),
    )
    async with ctx.store.transaction():
        ctx.store.set_overrides(overrides)
    ctx.apply_overrides(overrides)
    assert ctx.config.searches == mine and ctx.config.schedule.days == [1, 2, 3, 4, 5]
    assert ctx.config.schedule.time == "06:30"
    assert ctx.file_config is not None and ctx.file_config.searches == file_searches

    again = _ctx(path)  # a restart reads them back
    assert again.config.searches == mine and again.config.schedule.days == [1, 2, 3, 4, 5]

    ctx.apply_overrides(Overrides())  # nothing stored: the file's values
    assert ctx.config == ctx.file_config


def test_an_override_that_no_longer_validates_is_ignored(isolated_env: Path, caplog) -> None:
    ctx = _ctx(isolated_env / "db.json")
    ctx.apply_overrides(Overrides(schedule=ScheduleOverrides(time="25:99")))
    assert ctx.config == ctx.file_config
    assert any("ignoring stored /settings" in r.getMessage() for r in caplog.records)
