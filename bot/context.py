"""What every service needs: settings, config and the store, plus "today" in the user's timezone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import Config
from bot.settings import Settings
from bot.storage import Store
from scoring.options import LLMSettings
from scrapers.options import SourceUrls


@dataclass
class AppContext:
    settings: Settings
    config: Config
    store: Store

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

    def source_urls(self) -> SourceUrls:
        s = self.settings
        return SourceUrls(
            linkedin=s.jobpicks_linkedin_url,
            indeed=s.jobpicks_indeed_url,
            greenhouse=s.jobpicks_greenhouse_url,
            lever=s.jobpicks_lever_url,
            ashby=s.jobpicks_ashby_url,
        )
