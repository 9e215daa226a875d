"""The TOML config file (`JOBPICKS_CONFIG`): searches, boards, filters, schedule, profile."""

from __future__ import annotations

import tomllib
from datetime import time
from importlib.resources import files
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import ConfigError, not_utf8
from scoring.learning import LearningConfig
from scoring.options import ScoringConfig
from scoring.profile import Filters, Profile
from scrapers.options import BoardConfig, HttpConfig, ListConfig, SearchConfig


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ProfileConfig(_Strict):
    """The starting profile (version 1); later versions live in the database."""

    about: str = ""
    directives: list[str] = Field(default_factory=list)
    filters: Filters = Field(default_factory=Filters)

    def to_profile(self) -> Profile:
        return Profile(
            about=self.about, directives=self.directives, filters=self.filters, version=1
        )


class ScheduleConfig(_Strict):
    time: str = "08:00"
    timezone: str = "America/Los_Angeles"
    # 0 = Sunday … 6 = Saturday, as python-telegram-bot's run_daily counts.
    days: list[int] = Field(default_factory=lambda: [0, 1, 2, 3, 4, 5, 6])
    # A search (board, list) that brought postings back this recently is not fetched again
    # for the next person due: everyone who has it shares that fetch (0 = fetch every time;
    # at most 30 days).
    refetch_hours: float = Field(default=20.0, ge=0, le=24 * 30)

    @field_validator("time")
    @classmethod
    def _hhmm(cls, value: str) -> str:
        parse_hhmm(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        parse_timezone(value)
        return value

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[int]) -> list[int]:
        if not value or any(d < 0 or d > 6 for d in value):
            raise ValueError("days must be a non-empty list of 0 (Sunday) … 6 (Saturday)")
        return sorted(set(value))

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def at(self) -> time:
        return parse_hhmm(self.time)


class SelectionConfig(_Strict):
    min_score: int = Field(default=60, ge=0, le=100)
    max_picks: int = Field(default=10, ge=1, le=100)
    per_company: int = Field(default=2, ge=1, le=100)


class Config(_Strict):
    """The whole config file."""

    profile: ProfileConfig = Field(default_factory=ProfileConfig)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    selection: SelectionConfig = Field(default_factory=SelectionConfig)
    searches: list[SearchConfig] = Field(default_factory=list)
    boards: list[BoardConfig] = Field(default_factory=list)
    lists: list[ListConfig] = Field(default_factory=list)
    http: HttpConfig = Field(default_factory=HttpConfig)
    scoring: ScoringConfig = Field(default_factory=ScoringConfig)
    learning: LearningConfig = Field(default_factory=LearningConfig)


def parse_hhmm(value: str) -> time:
    """Parse ``HH:MM`` (24 h); raise ValueError with a readable message otherwise."""
    try:
        hh, mm = value.strip().split(":")
        return time(int(hh), int(mm))
    except (ValueError, AttributeError):
        raise ValueError(f"{value!r} is not a time of day like 08:00") from None


def parse_timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not a known IANA timezone like Europe/Berlin") from None


def example_config_toml() -> str:
    """The example config shipped inside the package, so a bare install has working defaults."""
    return files("bot").joinpath("data/jobpicks.example.toml").read_text("utf-8")


def default_config() -> Config:
    """The built-in config used when no config file exists: the example student profile."""
    return Config.model_validate(tomllib.loads(example_config_toml()))


def load_config(path: Path, *, required: bool = False) -> Config:
    """Load the config file; built-in defaults when absent (unless `required`).

    Any problem raises `ConfigError` naming the file and the key.
    """
    if not path.exists():
        if required:
            raise ConfigError(
                f"JOBPICKS_CONFIG: {path} does not exist (unset it to use the built-in example)"
            )
        return default_config()
    try:
        # utf-8-sig: Windows editors start UTF-8 files with a BOM, which TOML calls a bad statement.
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"JOBPICKS_CONFIG: {path} is not valid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses once per nesting level
        raise ConfigError(f"JOBPICKS_CONFIG: {path} is nested too deeply to be a config") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"JOBPICKS_CONFIG: {path} {not_utf8(exc)}") from None
    except OSError as exc:
        raise ConfigError(f"JOBPICKS_CONFIG: cannot read {path}: {exc.strerror}") from None
    try:
        return Config.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"JOBPICKS_CONFIG: {path}: {where}: {msg}") from None
