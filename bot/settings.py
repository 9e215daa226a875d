"""Settings from the environment and `.env` (names are a contract; see `.env.example`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    Field,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError, not_utf8

ENV_FILE = ".env"


def default_db_path() -> Path:
    # platformdirs is cheap to import and knows XDG / macOS / Windows conventions.
    from platformdirs import user_data_path

    return user_data_path("jobpicks") / "jobpicks.json"


MAX_ID = 2**52


class Settings(BaseSettings):
    """Everything that differs between a user's machine and a test: paths, tokens, base URLs."""

    model_config = SettingsConfigDict(
        env_file=ENV_FILE, env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    jobpicks_db: Path = Field(default_factory=default_db_path)
    jobpicks_config: Path = Path("jobpicks.toml")

    telegram_bot_token: SecretStr | None = None
    telegram_chat_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # People (Telegram user ids) who may act; empty = anyone in a served chat (in a group,
    # only its admins may change the profile or settings).
    telegram_user_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    telegram_api_base: str = "https://api.telegram.org/bot"
    # Messages a second for the whole bot, across chats (Telegram's limit: about 30).
    telegram_max_rate: float = Field(default=30.0, gt=0, le=1000)

    # Who else may start, beyond TELEGRAM_CHAT_IDS (`bot.services.access`): nobody ("chats"),
    # the private chats of TELEGRAM_USER_IDS ("allowlist"), `/start <code>` with an invite
    # code ("invite"), or anyone ("open").
    jobpicks_access: Literal["chats", "allowlist", "invite", "open"] = "chats"
    # Limits for each person admitted that way (0 = none); TELEGRAM_CHAT_IDS are the
    # operator's chats and keep the file's values.
    jobpicks_max_searches: int = Field(default=10, ge=0)
    jobpicks_max_picks_per_day: int = Field(default=20, ge=0)
    jobpicks_llm_tokens_per_day: int = Field(default=200_000, ge=0)

    llm_model: str = ""
    llm_api_base: str | None = None
    llm_api_key: SecretStr | None = None

    jobpicks_linkedin_url: str = "https://www.linkedin.com"
    jobpicks_indeed_url: str = "https://apis.indeed.com/graphql"
    jobpicks_greenhouse_url: str = "https://boards-api.greenhouse.io"
    jobpicks_lever_url: str = "https://api.lever.co"
    jobpicks_lever_eu_url: str = "https://api.eu.lever.co"
    jobpicks_ashby_url: str = "https://api.ashbyhq.com"
    # Hosts named after the company are templates ({tenant}, {dc}, {company}); a fake's plain
    # URL is used as is.
    jobpicks_workday_url: str = "https://{tenant}.{dc}.myworkdayjobs.com"
    jobpicks_workday_site_url: str = "https://{dc}.myworkdaysite.com"
    jobpicks_smartrecruiters_url: str = "https://api.smartrecruiters.com"
    jobpicks_workable_url: str = "https://apply.workable.com"
    jobpicks_recruitee_url: str = "https://{company}.recruitee.com"
    jobpicks_rippling_url: str = "https://api.rippling.com"
    jobpicks_bamboohr_url: str = "https://{company}.bamboohr.com"
    jobpicks_teamtailor_url: str = "https://{company}.teamtailor.com"
    jobpicks_personio_url: str = "https://{company}.jobs.personio.de"
    jobpicks_oracle_url: str = "https://{host}"
    jobpicks_arbeitnow_url: str = "https://www.arbeitnow.com"
    jobpicks_hackernews_url: str = "https://hn.algolia.com"

    @field_validator("jobpicks_access", mode="before")
    @classmethod
    def _access_mode(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("telegram_chat_ids", "telegram_user_ids", mode="before")
    @classmethod
    def _split_chat_ids(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            ids = []
            for part in parts:
                try:
                    ids.append(int(part))
                    # Telegram's ids have at most 52 significant bits; a longer number is a
                    # typo that would only fail when the database stores it (issue 22).
                    if abs(ids[-1]) >= MAX_ID:
                        raise ValueError
                except ValueError:
                    raise ValueError(
                        f"{part!r} is not a {'chat' if info.field_name == 'telegram_chat_ids' else 'user'} id "
                        "(comma-separated integers expected)"
                    ) from None
            return ids
        return value

    @model_validator(mode="before")
    @classmethod
    def _empty_means_unset(cls, data: object) -> object:
        # `NAME=` copied verbatim from .env.example (or a systemd EnvironmentFile) means "not
        # set": the default applies and the setting does not count as given (a named
        # JOBPICKS_CONFIG must exist; the default ./jobpicks.toml may be absent).
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(v, str) and not v.strip())}
        return data

    @field_validator(
        "telegram_api_base",
        "jobpicks_linkedin_url",
        "jobpicks_indeed_url",
        "jobpicks_greenhouse_url",
        "jobpicks_lever_url",
        "jobpicks_ashby_url",
        "jobpicks_workday_url",
        "jobpicks_smartrecruiters_url",
        "jobpicks_workable_url",
        "jobpicks_recruitee_url",
    )
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"{value!r} is not an http(s) URL")
        return value.rstrip("/")

    @property
    def token(self) -> str | None:
        """The bot token in clear, for the one place that needs it (never log this)."""
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    @property
    def owner_chat_id(self) -> int | None:
        """The first configured chat: gets failure notices."""
        return self.telegram_chat_ids[0] if self.telegram_chat_ids else None


def load_settings(**overrides: object) -> Settings:
    """Read settings; a bad value raises `ConfigError` naming the variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except UnicodeDecodeError as exc:  # only files are decoded: the environment is already text
        raise ConfigError(f"{Path(ENV_FILE).resolve()} {not_utf8(exc)}") from None
    except ValidationError as exc:
        err = exc.errors()[0]
        name = str(err["loc"][0]).upper() if err["loc"] else "settings"
        msg = err["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {msg}") from None
