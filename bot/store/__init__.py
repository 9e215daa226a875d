"""Everything jobpicks remembers: one TinyDB file, written atomically, read through `Store`."""

from bot.store.database import Store, StoreError

__all__ = ["Store", "StoreError"]
