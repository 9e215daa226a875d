"""The records services hand out, as plain values: what a caller above the services (the
Telegram side) may hold and render without importing the Store's package.

They are the Store's own pydantic models (`bot.store.records`), re-exported here.
"""

from bot.store.records import Pick, ProfileVersion, RunRecord, SourceReport, Vote

__all__ = ["Pick", "ProfileVersion", "RunRecord", "SourceReport", "Vote"]
