"""Scoring knobs from the config file's [scoring] section, and where the LLM is."""

from __future__ import annotations

from urllib.parse import urlparse

from pydantic import BaseModel, ConfigDict, Field

REMOTE_CONCURRENCY = 8
# A local server (Ollama) computes one request at a time by default: more in flight only
# queue on the server, where a client timeout still counts them.
LOCAL_CONCURRENCY = 1
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "host.docker.internal")


class _Strict(BaseModel):
    # No inf or nan, and a sensible maximum for each number (issue 22): a budget of inf or a
    # timeout of 1e300 passes `ge=0` and then breaks the call that reads it.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class ScoringConfig(_Strict):
    # How many postings get a full LLM scoring; triage (or, without it, the local score) chooses.
    top_k: int = Field(default=20, ge=0, le=10_000)
    # LLM calls in flight; unset = 8 for a hosted model, 1 for a local one (Ollama, localhost).
    concurrency: int | None = Field(default=None, ge=1, le=256)
    requests_per_minute: int = Field(default=120, ge=1, le=1_000_000)
    # Per attempt, from when the request is sent (time waiting for our own limits not counted).
    timeout_seconds: float = Field(default=60.0, gt=0, le=3600)
    daily_budget_usd: float = Field(default=0.0, ge=0, le=1_000_000)  # 0 = no budget in dollars
    # Tokens (in + out) a day across runs and proposals, whatever the price; 0 = no limit.
    daily_token_budget: int = Field(default=1_000_000, ge=0, le=10**12)
    # A price for a model litellm does not know (dollars per million tokens); both or neither.
    input_cost_per_million: float | None = Field(default=None, ge=0, le=1_000_000)
    output_cost_per_million: float | None = Field(default=None, ge=0, le=1_000_000)
    # Postings per full-scoring call: the rubric is paid once per batch.
    batch_size: int = Field(default=5, ge=1, le=20)
    # The LLM's quick first look at every new posting before the top K are chosen.
    triage: bool = True
    triage_batch_size: int = Field(default=50, ge=5, le=100)
    # The profile's share of every prompt (about, rules, learned lines), in the model's tokens:
    # a longer profile is cut (the run notes say where) instead of paid for in every call.
    profile_max_tokens: int = Field(default=2000, ge=200, le=50_000)

    def concurrency_for(self, llm: LLMSettings) -> int:
        if self.concurrency is not None:
            return self.concurrency
        return LOCAL_CONCURRENCY if llm.is_local else REMOTE_CONCURRENCY


class LLMSettings(BaseModel):
    """Which model scores (settings `LLM_MODEL`, `LLM_API_BASE`, `LLM_API_KEY`)."""

    model: str
    api_base: str | None = None
    api_key: str | None = None

    @property
    def is_ollama(self) -> bool:
        return self.model.startswith(("ollama/", "ollama_chat/"))

    @property
    def is_local(self) -> bool:
        """An Ollama model, or any server on this machine: one request at a time."""
        if self.is_ollama:
            return True
        host = urlparse(self.api_base or "").hostname or ""
        return host in LOCAL_HOSTS

    @property
    def is_free(self) -> bool:
        """A model served on this machine (Ollama, or an OpenAI-compatible local server such
        as llama.cpp or LM Studio): it costs nothing, so it needs no price."""
        local_kinds = ("openai/", "hosted_vllm/", "lm_studio/", "llamafile/")
        return self.is_ollama or (self.is_local and self.model.startswith(local_kinds))

    @property
    def marks_cache(self) -> bool:
        """Whether the provider caches only blocks marked `cache_control` (Anthropic's Claude,
        directly or through Bedrock / Vertex / OpenRouter); the others cache a long identical
        prefix by themselves."""
        name = self.model.lower()
        return name.startswith("anthropic/") or "claude" in name

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
        elif self.api_base and (
            self.model.startswith("openai/")
            or (self.is_local and self.model.startswith("anthropic/"))
        ):
            kwargs["api_key"] = "none"
        return kwargs

    def __repr__(self) -> str:  # never show the key
        return f"LLMSettings(model={self.model!r}, api_base={self.api_base!r})"

    __str__ = __repr__
