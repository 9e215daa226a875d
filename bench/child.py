"""`jobpicks` as bench/faults.py runs it when a fault must land at an exact moment.

`python bench/child.py ARGS…` is `jobpicks ARGS…` from this tree, with the faults named in
the environment put in place first; without them it is the plain CLI.

- JOBPICKS_BENCH_CLOCK=<seconds>: the process's wall clock (time.time, datetime.now — what
  the schedule reads) jumps that far forward when the process gets SIGUSR1, as after a
  laptop's sleep, a restored VM or an NTP step; the monotonic clock (asyncio's timers) does
  not move, as it does not on a real machine. time-machine does the travelling.
- JOBPICKS_BENCH_COMPACT_KILL=<n>:<step>: the database compacts at every commit (its
  thresholds set to 0), and the process SIGKILLs itself in its n-th compaction at `step`:
  `mid-write` (half the new snapshot written), `before-rename` (the snapshot written and
  synced, not yet in place), `after-rename` (the new snapshot in place, its journal not yet
  started) or `journal` (the new journal written, not yet in place). A kill at a random
  moment almost never lands inside a compaction; this one always does.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

STEPS = ("mid-write", "before-rename", "after-rename", "journal")


def _travelling_clock(jump: float) -> None:
    import datetime as dt

    import time_machine

    clock = time_machine.travel(dt.datetime.now(dt.UTC), tick=True).start()
    signal.signal(signal.SIGUSR1, lambda *_: clock.shift(dt.timedelta(seconds=jump)))


def _kill_in_compaction(plan: str) -> None:
    import tempfile

    from bot.store import journal

    nth, _, step = plan.partition(":")
    if step not in STEPS:
        raise SystemExit(f"JOBPICKS_BENCH_COMPACT_KILL: step must be one of {', '.join(STEPS)}")
    target = int(nth)
    real_init, real_write = journal.JournalStorage.__init__, journal.atomic_write
    seen = {"compactions": 0}

    def init(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.update(compact_ratio=0.0, compact_min_bytes=0)
        real_init(self, *args, **kwargs)

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def atomic_write(path: Path, payload: bytes) -> None:
        snapshot = not path.name.endswith(".journal")
        if snapshot:
            seen["compactions"] += 1
        planned = seen["compactions"] == target and (step == "journal") != snapshot
        if not planned or step == "after-rename":
            real_write(path, payload)
            if planned:
                die()
            return
        # The store's own steps (bot.store.lines.atomic_write), with the kill where planned.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            if step == "mid-write":
                fh.write(payload[: len(payload) // 2])
                fh.flush()
                die()
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        if step in ("before-rename", "journal"):
            die()
        os.replace(tmp, path)

    journal.JournalStorage.__init__ = init  # type: ignore[method-assign]
    journal.atomic_write = atomic_write  # type: ignore[assignment]


def main() -> int:
    if jump := os.environ.get("JOBPICKS_BENCH_CLOCK"):
        _travelling_clock(float(jump))
    if plan := os.environ.get("JOBPICKS_BENCH_COMPACT_KILL"):
        _kill_in_compaction(plan)
    from bot.cli import main as jobpicks

    return jobpicks(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
