"""Everything jobpicks remembers: a TinyDB snapshot, its journal and two append-only logs,
read and written through `Store` as typed records (`bot.store.records`); no caller sees a dict
or a table name. Any number of jobpicks processes may open one database at once.

Reads are plain calls (each first catches up with what other processes wrote); writes happen
inside ``async with store.transaction():`` (all or nothing, one journal line, the OS writer
lock held for the step). Records are everyone's (shared) or one person's (a person is a chat
id; `LOCAL_PERSON` without Telegram): the Store's per-person methods take the person first,
and `store.person(p)` is that person's `PersonStore`, with the same method names less the
person — what services use. The tables and their methods:

Shared:
- seen postings `SeenPosting` (the ``<db>.seen`` log): `is_seen`, `seen_count`, `add_seen`
- candidate pool `PoolEntry` (with what found each): `pool`, `pool_entry`, `put_pool`,
  `drop_pool`, `set_pool`
- score cache `CachedScore` (the ``<db>.scores`` log): `cached_score`, `put_scores`
- the fetch log `FetchRecord` (per distinct search, board, list): `fetch_log`,
  `fetch_record`, `save_fetch`
- people `Person`: `people`, `person_record`, `save_person`, `forget_person`

Per person:
- picks `Pick`: `picks_for`, `pick`, `picked_keys`, `picks_sent_to`, `save_picks`, `mark_sent`
- runs `RunRecord`: `runs_for`, `finished_run`, `all_runs`, `save_run` (and everyone's
  `runs_on(day)`)
- profile versions `ProfileVersion`: `current_profile`, `ensure_profile`, `save_profile`,
  `profile_history`, `undo_profile`
- votes `Vote` (its chat is its person): `record_vote`, `remove_vote`, `votes`, `vote_for`
- the day's picked postings `PickedPosting` (full, for a rescore): `picked_postings`,
  `set_picked_postings`
- learning `Proposal`, `LearningState`: `proposals`, `save_proposal`, `learning_state`,
  `set_learning_state`
- chats `ChatState`, `HeaderSent` (the chat is the person): `chat_state`, `chat_states`,
  `save_chat_state`, `header_sent`, `mark_header_sent`
- marks on picks `Mark` (the application pipeline; the chat is the person): `mark`, `unmark`,
  `marks`, `all_marks`, `marks_on`, `remind_marked`
- notes on postings `Note` (the chat is the person): `note`, `notes`, `set_note`
- LLM spend outside runs `DaySpend`: `proposal_spend`, `save_proposal_spend` (and
  everyone's `spend_on(day)`)
- settings from the chat `Overrides` (schedule, selection, searches, delivery): `overrides`,
  `set_overrides` (`AppContext.apply_overrides` makes them the person's effective config)

The files `StoreInfo`: `info`, `check_writable`, `files`, `moved_aside`; `claim` (one bot
per database); `Store(path, read_only=True)` for commands that only read;
`Store(path, owner=…)`: whose a single-profile database (layout 3 or older) becomes;
`delivering(chat)`: one delivery to a chat at a time, across processes.

Errors (`bot.store.errors`), all `StoreError`: `StoreBusy` (another process held the writer
lock too long), `StoreWriteFailed` (the disk refused), `StoreReadOnly`, `AlreadyServing`.
"""

from bot.store.database import PersonStore, Store
from bot.store.errors import (
    AlreadyServing,
    StoreBusy,
    StoreError,
    StoreReadOnly,
    StoreWriteFailed,
)

__all__ = [
    "AlreadyServing",
    "PersonStore",
    "Store",
    "StoreBusy",
    "StoreError",
    "StoreReadOnly",
    "StoreWriteFailed",
]
