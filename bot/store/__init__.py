"""Everything jobpicks remembers: one TinyDB file and its journal, read and written through
`Store` as typed records (`bot.store.records`)."""

from bot.store.database import Store, StoreError

__all__ = ["Store", "StoreError"]
