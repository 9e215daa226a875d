"""What every service needs: settings, one person's config and their view of the Store, the
LLM client, plus "today" in that person's timezone.

A context is one person's (`person`: a chat id, or `LOCAL_PERSON`): `store` reads and writes
only their records (`bot.store.PersonStore`), `config` is the file's config with their
settings and searches on top. `for_person(other)` gives another person's context over the
same database, settings and LLM client; the context a command builds is the owner's (the
first of TELEGRAM_CHAT_IDS), or the local person's when no chat is configured.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.config import Config, default_config
from bot.settings import Settings
from bot.store import PersonStore, Store
from bot.store.records import LOCAL_PERSON, Overrides
from scoring.llm.loader import LiteLLM
from scoring.options import LLMSettings
from scrapers.options import SourceUrls
from scrapers.redact import redact

if TYPE_CHECKING:
    from scoring.llm.client import LLMClient

log = logging.getLogger(__name__)

# `[schedule] days` for each delivery cadence (0 = Sunday, as python-telegram-bot counts).
CADENCE_DAYS = {"daily": [0, 1, 2, 3, 4, 5, 6], "weekdays": [1, 2, 3, 4, 5]}
# How a person who came through the file (or the local person) is seeded; anyone else starts
# from the built-in example profile, which /start turns into onboarding.
FILE_SEEDED = ("config", "migrated")


@dataclass(frozen=True)
class Budget:
    """A daily LLM limit (0 = none): a person's own, within the operator's `[scoring]` total."""

    usd: float = 0.0
    tokens: int = 0


@dataclass
class _Shared:
    """What every person's context of one process shares."""

    settings: Settings
    db: Store
    file_config: Config
    litellm: LiteLLM = field(default_factory=LiteLLM)
    llm_client: Any = None  # the process's one LLM client (made on first use)
    people: dict[int, AppContext] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _example_profile() -> Any:
    return default_config().profile


class AppContext:
    """One person's view of the app (see the module docstring)."""

    def __init__(
        self,
        settings: Settings,
        config: Config,
        store: Store,
        *,
        person: int | None = None,
        file_config: Config | None = None,
        shared: _Shared | None = None,
    ) -> None:
        if shared is None:
            shared = _Shared(settings=settings, db=store, file_config=file_config or config)
        self._shared = shared
        self.person = owner_of(shared.settings) if person is None else person
        self.store = PersonStore(shared.db, self.person)
        # A person's daily LLM limit; none unless set (the operator's `[scoring]` total
        # always holds). JOBPICKS_LLM_TOKENS_PER_DAY sets it (`_apply_limits`).
        self.budget = Budget()
        self.config = shared.file_config
        self._overrides: Overrides | None = None
        self.apply_overrides(self.store.overrides())
        shared.people.setdefault(self.person, self)

    def __repr__(self) -> str:
        return f"AppContext(person={self.person}, db={self.db.path})"

    # -- what every person shares -------------------------------------------------------------
    @property
    def settings(self) -> Settings:
        return self._shared.settings

    @settings.setter
    def settings(self, value: Settings) -> None:
        self._shared.settings = value

    @property
    def db(self) -> Store:
        """The shared database (everyone's records); services use `store`."""
        return self._shared.db

    @property
    def file_config(self) -> Config:
        """The config as read from the file; `config` is this plus the person's settings."""
        return self._shared.file_config

    @property
    def litellm(self) -> LiteLLM:
        """How litellm is imported (once, off the event loop), for every client made here."""
        return self._shared.litellm

    @litellm.setter
    def litellm(self, value: LiteLLM) -> None:
        self._shared.litellm = value

    def for_person(self, person: int) -> AppContext:
        """This person's context over the same database, settings and LLM client (made once
        per process, its settings read again when they changed)."""
        known = self._shared.people.get(person)
        if known is None:
            return AppContext(
                self.settings, self.file_config, self.db, person=person, shared=self._shared
            )
        known.refresh()
        return known

    @property
    def owner(self) -> int:
        return owner_of(self.settings)

    # -- this person's settings -------------------------------------------------------------
    def refresh(self, *, always: bool = False) -> None:
        """Read the person's stored settings again (another process may have changed them);
        `always`: make the config again even if they did not (the person's record changed)."""
        overrides = self.store.overrides()
        if always or overrides != self._overrides:
            self.apply_overrides(overrides)

    def forget_context(self, person: int) -> None:
        """Drop the person's context (they were forgotten; a new one starts from nothing)."""
        self._shared.people.pop(person, None)

    def seeded_from_file(self) -> bool:
        """Whether the person starts from the file's `[profile]` (a chat of TELEGRAM_CHAT_IDS,
        the local person, the owner of a migrated database) rather than the built-in example
        (someone who came another way, and sets their profile up in the chat)."""
        if self.person == LOCAL_PERSON or self.person in self.settings.telegram_chat_ids:
            return True
        record = self.db.person_record(self.person)
        return record is not None and record.via in FILE_SEEDED

    def apply_overrides(self, overrides: Overrides) -> None:
        """Make `config` the file's config with the person's settings on top, so the schedule
        and the run read the effective values: schedule and selection values, the delivery
        cadence as `[schedule] days`, and the searches (which replace the file's). Someone not
        seeded from the file starts from the built-in example profile. A stored override that
        no longer validates is ignored with a warning."""
        self._overrides = overrides
        self._apply(overrides)
        self._apply_limits()

    def _apply_limits(self) -> None:
        """Someone admitted by JOBPICKS_ACCESS (not seeded from the file) has the operator's
        per-person limits: picks a day (capping their own value) and LLM tokens a day."""
        self.budget = Budget()
        if self.seeded_from_file():
            return
        s = self.settings
        self.budget = Budget(tokens=s.jobpicks_llm_tokens_per_day)
        cap = s.jobpicks_max_picks_per_day
        if cap and self.config.selection.max_picks > cap:
            selection = self.config.selection.model_copy(update={"max_picks": cap})
            self.config = self.config.model_copy(update={"selection": selection})

    def _apply(self, overrides: Overrides) -> None:
        base = self.file_config
        if not self.seeded_from_file():
            base = base.model_copy(update={"profile": _example_profile()})
        if overrides == Overrides():
            self.config = base
            return
        data = base.model_dump()
        data["schedule"] |= overrides.schedule.model_dump(exclude_none=True)
        data["selection"] |= overrides.selection.model_dump(exclude_none=True)
        if overrides.delivery.cadence is not None:
            data["schedule"]["days"] = CADENCE_DAYS[overrides.delivery.cadence]
        if overrides.searches is not None:
            data["searches"] = [s.model_dump() for s in overrides.searches]
        try:
            self.config = Config.model_validate(data)
        except ValidationError as exc:
            log.warning("ignoring stored /settings overrides: %s", exc.errors()[0]["msg"])
            self.config = base

    def now(self) -> datetime:
        return datetime.now(self.config.schedule.tz)

    def today(self) -> str:
        """Today's date (ISO) in the person's timezone, not UTC."""
        return self.now().date().isoformat()

    # -- the LLM ------------------------------------------------------------------------------
    def llm(self) -> LLMSettings | None:
        s = self.settings
        if not s.llm_model.strip():
            return None
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
        return LLMSettings(model=s.llm_model.strip(), api_base=s.llm_api_base, api_key=key)

    def llm_client(self) -> LLMClient | None:
        """The process's LLM client, or None without LLM_MODEL: made once, and again only when
        the model settings or the file's `[scoring]` change. Each run or proposal passes its
        own `Caller` (ledger, notice) with its calls."""
        llm = self.llm()
        if llm is None:
            return None
        from scoring.llm.client import LLMClient  # no litellm here: it loads on the first call

        shared = self._shared
        client = shared.llm_client
        options = self.file_config.scoring
        if client is None or client.settings != llm or client.options != options:
            client = shared.llm_client = LLMClient(llm, options, litellm=shared.litellm)
        return client

    @property
    def secrets(self) -> tuple[str, ...]:
        """What no message shown or logged may carry: the bot token, the LLM key, a proxy's
        password (a server or proxy may echo any of them in an error)."""
        s = self.settings
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
        passwords = [urlsplit(p).password for p in self.config.http.proxies]
        return tuple(x for x in (s.token, key, *passwords) if x)

    def redact(self, text: str) -> str:
        """`text` as it may be shown or logged: `scrapers.redact.redact` with `secrets`."""
        return redact(text, self.secrets)

    def source_urls(self) -> SourceUrls:
        return source_urls(self.settings)


def source_urls(settings: Settings) -> SourceUrls:
    """Every source's base URL: the setting JOBPICKS_<KIND>_URL."""
    return SourceUrls(
        **{kind: getattr(settings, f"jobpicks_{kind}_url") for kind in SourceUrls.model_fields}
    )


def owner_of(settings: Settings) -> int:
    """The person commands act for by default: the first chat of TELEGRAM_CHAT_IDS, else the
    local person."""
    owner = settings.owner_chat_id
    return LOCAL_PERSON if owner is None else owner
