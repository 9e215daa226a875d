"""Forgetting a person takes their records out of the files themselves (the snapshot, the
journal whose earlier lines held them, the append-only logs), not only out of what a read
returns; another person's records stay. And a limit on picks per day caps an admitted
person's run."""

from __future__ import annotations

import re
from pathlib import Path

from bot.services import access, feedback, marks, people, profile
from bot.services.daily import Daily
from tests.bot.services.test_collect import ANA, BEN, Boards, make_ctx

SECRET = "Zanzibar lighthouse keeper"


def _mentions(files: list[Path], person: int) -> list[str]:
    """Where the database files name `person` as a record's owner, or hold their words."""
    owner = re.compile(rf'"(person|chat|id)":\s*{person}\b|person:{person}\b'.encode())
    found = []
    for f in files:
        data = f.read_bytes()
        if owner.search(data) or SECRET.encode() in data:
            found.append(f.name)
    return found


async def test_forgotten_persons_records_are_gone_from_every_database_file(tmp_path):
    ctx = make_ctx(tmp_path, [ANA, BEN])
    done = await Daily(ctx, None, collector=Boards()).run_then_deliver()
    ben = ctx.for_person(BEN)
    await profile.set_about(ben, f"{SECRET}, looking for Python work.")
    pick = done.outcomes[BEN].picks[0]
    await feedback.record_vote(ben, BEN, pick, "up")
    await marks.toggle(ben, BEN, pick, marks.SAVED)
    await marks.set_note(ben, BEN, pick, f"the {SECRET} called back")
    await profile.set_about(ctx.for_person(ANA), "Ana keeps her words.")
    files = ctx.db.files()
    assert {f.name for f in files} >= {"db.json", "db.json.journal", "db.json.seen"}
    assert _mentions(files, BEN)  # in the journal's lines, at least

    await people.forget(ctx, BEN)

    assert _mentions(ctx.db.files(), BEN) == []
    data = b"".join(f.read_bytes() for f in ctx.db.files())
    assert b"Ana keeps her words." in data  # the other person's records stay
    assert ctx.for_person(ANA).store.current_profile().about == "Ana keeps her words."


async def test_picks_per_day_caps_an_admitted_persons_run(tmp_path):
    ctx = make_ctx(tmp_path, [ANA])
    ctx.settings = ctx.settings.model_copy(
        update={"jobpicks_access": "open", "jobpicks_max_picks_per_day": 2}
    )
    newcomer = 777
    assert (await access.admit(ctx, newcomer, newcomer, group=False, starting=True)).admitted
    done = await Daily(ctx, None, collector=Boards()).run_then_deliver([ANA, newcomer])
    assert len(done.outcomes[newcomer].picks) == 2
    assert len(done.outcomes[ANA].picks) > 2  # the operator's chat keeps the file's 10
