"""Everything jobpicks remembers: a TinyDB snapshot, its journal and two append-only logs,
read and written through `Store` as typed records (`bot.store.records`); no caller sees a dict
or a table name. Any number of jobpicks processes may open one database at once.

Reads are plain calls (each first catches up with what other processes wrote); writes happen
inside ``async with store.transaction():`` (all or nothing, one journal line, the OS writer
lock held for the step). The tables and their methods:

- seen postings `SeenPosting` (the ``<db>.seen`` log): `is_seen`, `seen_count`, `add_seen`
- candidate pool `PoolEntry`: `pool`, `set_pool`; the day's picked postings `PickedPosting`
  (for a rescore): `picked_postings`, `set_picked_postings`
- score cache `CachedScore` (the ``<db>.scores`` log): `cached_score`, `put_scores`
- picks `Pick`: `picks_for`, `pick`, `picked_keys`, `picks_sent_to`, `save_picks`, `mark_sent`
- runs `RunRecord`: `runs_for`, `finished_run`, `all_runs`, `save_run`
- profile versions `ProfileVersion`: `current_profile`, `ensure_profile`, `save_profile`,
  `profile_history`, `undo_profile`
- votes `Vote`: `record_vote`, `remove_vote`, `votes`, `vote_for`
- learning `Proposal`, `LearningState`: `proposals`, `save_proposal`, `learning_state`,
  `set_learning_state`
- chats `ChatState`, `HeaderSent`: `chat_state`, `chat_states`, `save_chat_state`,
  `header_sent`, `mark_header_sent`
- marks on picks `Mark` (saved / applied): `mark`, `unmark`, `marks`, `all_marks`, `marks_on`
- LLM spend of learning proposals `DaySpend`: `proposal_spend`, `save_proposal_spend`
- settings from the chat `Overrides` (schedule, selection, searches, delivery): `overrides`,
  `set_overrides` (`AppContext.apply_overrides` makes them the effective config)
- the files `StoreInfo`: `info`, `check_writable`, `files`, `moved_aside`; `claim` (one bot
  per database); `Store(path, read_only=True)` for commands that only read.

Errors (`bot.store.errors`), all `StoreError`: `StoreBusy` (another process held the writer
lock too long), `StoreWriteFailed` (the disk refused), `StoreReadOnly`, `AlreadyServing`.
"""

from bot.store.database import Store
from bot.store.errors import (
    AlreadyServing,
    StoreBusy,
    StoreError,
    StoreReadOnly,
    StoreWriteFailed,
)

__all__ = [
    "AlreadyServing",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreReadOnly",
    "StoreWriteFailed",
]
