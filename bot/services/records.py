"""The records services hand out, as plain values: what a caller above the services (the
Telegram side) may hold and render without importing the Store's package.

They are the Store's own pydantic models (`bot.store.records`), re-exported here, with the
Store's one error as `NotSaved`: a change the database did not keep (busy, read-only, full), so
the caller must not say "noted".
"""

from bot.store.errors import StoreError as NotSaved
from bot.store.records import Pick, ProfileVersion, RunRecord, SourceReport, Vote

__all__ = ["NotSaved", "Pick", "ProfileVersion", "RunRecord", "SourceReport", "Vote"]
