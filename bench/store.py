"""Storage benchmark: ingest 1,000 new postings into a DB that already holds 100,000 seen.

Prints ingest time, file size and peak RSS (targets: ≤ 2 s, ≤ 60 MB, ≤ 300 MB), and the
wall time of `jobpicks --help` (target ≤ 0.5 s). Each phase runs in a fresh process so peak
RSS is the ingest's own. Usage: python bench/store.py [--seen 100000] [--new 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

DESCRIPTION = (
    "We are looking for a software engineering intern to join our platform team. You will build "
    "backend services in Python and Go, work with Postgres and Kubernetes, and ship features used "
    "by millions. Qualifications: pursuing a BS/MS in CS, familiarity with distributed systems. "
) * 6


def _posting(i: int):
    from scrapers.models import Posting

    return Posting(
        source="linkedin",
        source_id=str(4_000_000_000 + i),
        url=f"https://www.linkedin.com/jobs/view/{4_000_000_000 + i}",
        title=f"Software Engineer Intern {i}",
        company=f"Company {i % 5000}",
        location="Austin, TX, United States",
        posted_at=datetime.now(UTC),
        employment_type="internship",
        description=DESCRIPTION,
    )


async def _create(path: Path, seen: int) -> None:
    from bot.store import Store

    store = Store(path)
    async with store.transaction():
        store.add_seen(
            (f"linkedin:{i}", f"company {i % 5000}|software engineer {i}|austin", "2026-01-01")
            for i in range(seen)
        )
    store.close()


async def _ingest(path: Path, new: int) -> dict[str, float]:
    """What a run's store step does with `new` fresh postings: dedup against the seen set,
    keep them in the candidate pool with descriptions, mark them seen — one flush."""
    from bot.store import Store
    from scrapers.dedup import fingerprint

    postings = [_posting(i) for i in range(new)]
    t0 = time.perf_counter()
    store = Store(path)
    t_open = time.perf_counter() - t0
    fresh = [p for p in postings if not store.is_seen(p.key, fingerprint(p))]
    async with store.transaction():
        store.add_seen((p.key, fingerprint(p), "2026-01-02") for p in fresh)
        store.set_pending((p, "2026-01-02") for p in fresh)
    total = time.perf_counter() - t0
    assert len(fresh) == new and store.seen_count() >= new
    return {"open_s": t_open, "ingest_s": total, "fresh": len(fresh)}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seen", type=int, default=100_000)
    parser.add_argument("--new", type=int, default=1_000)
    parser.add_argument("--phase", choices=["create", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.phase == "create":
        asyncio.run(_create(args.db, args.seen))
        return
    if args.phase == "ingest":
        r = asyncio.run(_ingest(args.db, args.new))
        print(f"{r['open_s']:.3f} {r['ingest_s']:.3f} {_peak_rss_mb():.1f}")
        return

    tmp = Path(tempfile.mkdtemp(prefix="jobpicks-bench-"))
    try:
        db = tmp / "jobpicks.json"
        me = [
            sys.executable,
            __file__,
            "--seen",
            str(args.seen),
            "--new",
            str(args.new),
            "--db",
            str(db),
        ]
        t0 = time.perf_counter()
        subprocess.run([*me, "--phase", "create"], check=True)
        create_s = time.perf_counter() - t0
        size_before = db.stat().st_size
        out = subprocess.run(
            [*me, "--phase", "ingest"], check=True, capture_output=True, text=True
        ).stdout
        open_s, ingest_s, rss = (float(x) for x in out.split())
        size_after = db.stat().st_size

        env = dict(os.environ, PYTHONPATH=str(REPO))
        help_times = []
        for _ in range(5):
            t0 = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "bot", "--help"], env=env, check=True, capture_output=True
            )
            help_times.append(time.perf_counter() - t0)
        help_s = sorted(help_times)[len(help_times) // 2]

        print(
            f"seen postings in DB      {args.seen:>10,}   (built in {create_s:.1f} s, {size_before / 1e6:.1f} MB)"
        )
        print(
            f"ingest {args.new:,} new postings {ingest_s:>8.3f} s    target ≤ 2 s   (open + index {open_s:.3f} s)"
        )
        print(f"file size after          {size_after / 1e6:>8.1f} MB   target ≤ 60 MB")
        print(f"peak RSS of the ingest   {rss:>8.1f} MB   target ≤ 300 MB")
        print(f"jobpicks --help (median) {help_s:>8.3f} s    target ≤ 0.5 s")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
