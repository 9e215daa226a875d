"""The root of every error jobpicks raises on purpose: `JobpicksError`.

It lives at the bottom layer so that every package can derive from it. Callers that show an
error to a person catch `JobpicksError` once; its message is one line that person can act on
(no traceback, no secret: text from outside goes through `scrapers.redact.redact`). Each
package adds the cases its users see:

- `scrapers`: `FetchError` (a request that gave nothing usable), `SourceProblem` (a source that
  cannot go on);
- `scoring`: `LLMFailure` (a model call that gave no answer), one class per case in
  `scoring/llm/failures.py` (`AuthFailed`, `ModelNotFound`, `RateLimited`, `LLMTimeout`,
  `Unreachable`, `ServerError`, `RequestRejected`, `BadAnswer` — and `ProposalError` under it —,
  `BudgetReached`, `TokenBudgetReached`);
- `bot`: `ConfigError`, `InputError` (what a person typed), `StoreError`, `ChatUnreachable`,
  `ProposalFailed`.
"""

from __future__ import annotations


class JobpicksError(Exception):
    """An error jobpicks raises on purpose; `str(error)` is one line for the person."""
