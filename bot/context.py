"""What every service needs: settings, config and the store, the LLM client, plus "today" in
the user's timezone."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from bot.config import Config
from bot.settings import Settings
from bot.store import Store
from bot.store.records import Overrides
from scoring.llm.loader import LiteLLM
from scoring.options import LLMSettings
from scrapers.options import SourceUrls
from scrapers.redact import redact

if TYPE_CHECKING:
    from scoring.llm.client import LLMClient

log = logging.getLogger(__name__)

# `[schedule] days` for each delivery cadence (0 = Sunday, as python-telegram-bot counts).
CADENCE_DAYS = {"daily": [0, 1, 2, 3, 4, 5, 6], "weekdays": [1, 2, 3, 4, 5]}


@dataclass
class AppContext:
    settings: Settings
    config: Config
    store: Store
    # The config as read from the file; `config` is this plus the chat's /settings overrides.
    file_config: Config | None = field(default=None, repr=False)
    # How litellm is imported (once, off the event loop), for every client this context makes.
    litellm: LiteLLM = field(default_factory=LiteLLM, repr=False)
    # The process's one LLM client (made on first use): runs and proposals share its limits.
    _llm_client: Any = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.file_config is None:
            self.file_config = self.config
        self.apply_overrides(self.store.overrides())

    def apply_overrides(self, overrides: Overrides) -> None:
        """Make `config` the file's config with the chat's settings on top, so the schedule
        and the daily run read the effective values: schedule and selection values, the
        delivery cadence as `[schedule] days`, and the searches (which replace the file's).
        A stored override that no longer validates is ignored with a warning."""
        base = self.file_config or self.config
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
        """Today's date (ISO) in the configured timezone, not UTC."""
        return self.now().date().isoformat()

    def llm(self) -> LLMSettings | None:
        s = self.settings
        if not s.llm_model.strip():
            return None
        key = s.llm_api_key.get_secret_value() if s.llm_api_key else None
        return LLMSettings(model=s.llm_model.strip(), api_base=s.llm_api_base, api_key=key)

    def llm_client(self) -> LLMClient | None:
        """The process's LLM client, or None without LLM_MODEL: made once, and again only when
        the model settings or `[scoring]` change. Each run or proposal passes its own `Caller`
        (ledger, notice) with its calls."""
        llm = self.llm()
        if llm is None:
            return None
        from scoring.llm.client import LLMClient  # no litellm here: it loads on the first call

        client = self._llm_client
        if client is None or client.settings != llm or client.options != self.config.scoring:
            client = self._llm_client = LLMClient(llm, self.config.scoring, litellm=self.litellm)
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
        s = self.settings
        # Every source's base URL is the setting JOBPICKS_<KIND>_URL.
        return SourceUrls(
            **{kind: getattr(s, f"jobpicks_{kind}_url") for kind in SourceUrls.model_fields}
        )
