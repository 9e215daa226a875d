"""Scoring knobs from the config file's [scoring] section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ScoringConfig(_Strict):
    top_k: int = Field(default=50, ge=0)  # how many locally-ranked postings go to the LLM
    concurrency: int = Field(default=8, ge=1)
    requests_per_minute: int = Field(default=120, ge=1)
    timeout_seconds: float = Field(default=60.0, gt=0)
    daily_budget_usd: float = Field(default=0.0, ge=0)  # 0 = no budget


class LLMSettings(BaseModel):
    """Which model scores (settings `LLM_MODEL`, `LLM_API_BASE`, `LLM_API_KEY`)."""

    model: str
    api_base: str | None = None
    api_key: str | None = None

    def connection(self) -> dict[str, str]:
        """litellm keyword arguments naming the model and where to reach it.

        With no key, litellm falls back to the provider's own variable (OPENAI_API_KEY, …);
        only a local OpenAI-compatible server (an `openai/` model with a base URL) is given a
        placeholder, because the OpenAI client refuses to send no key at all.
        """
        kwargs = {"model": self.model}
        if self.api_base:
            kwargs["api_base"] = self.api_base
        if self.api_key:
            kwargs["api_key"] = self.api_key
        elif self.api_base and self.model.startswith("openai/"):
            kwargs["api_key"] = "none"
        return kwargs

    def __repr__(self) -> str:  # never show the key
        return f"LLMSettings(model={self.model!r}, api_base={self.api_base!r})"

    __str__ = __repr__
