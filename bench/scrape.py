"""Scraping benchmark: every source against local fakes with real latency and politeness gaps.

About 1,300 postings across LinkedIn, Indeed, Arbeitnow and Hacker News' "Who is hiring?"
(searches), Greenhouse, Lever, Ashby, Workable, Recruitee, Teamtailor and Personio (one
request a board), Workday, SmartRecruiters, Rippling, BambooHR and Oracle Recruiting (a list,
then one request per wanted job) and two community lists; half of LinkedIn's jobs are "seen
before". Prints wall time, requests made per host, the politeness floor (for each host: its
requests spaced by its gap, plus one latency; hosts run in parallel, so the slowest host is
the floor), the ratio wall / floor (target ≤ 1.3), detail fetches for seen jobs (target 0),
and per source kind its postings and requests.

    python bench/scrape.py [--latency 0.05] [--linkedin-gap 0.1] [--gap 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scrapers.collect import collect_all  # noqa: E402
from scrapers.dedup import dedup  # noqa: E402
from scrapers.http import HttpClient, gaps_for, new_session  # noqa: E402
from scrapers.options import BoardConfig, HttpConfig, ListConfig, SearchConfig  # noqa: E402
from tests.fakes.ats import listing  # noqa: E402
from tests.fakes.boards import BoardsFake, make_jobs  # noqa: E402
from tests.fakes.job_feeds import HNThread, hn_post  # noqa: E402

NOW = datetime.now(UTC)
LINKEDIN, INDEED, PER_BOARD, BOARDS_EACH = 150, 200, 10, 5
# Boards that cost a request per job (Workday, SmartRecruiters, Rippling, BambooHR, Oracle)
# get fewer companies.
PER_DETAIL_BOARD, DETAIL_BOARDS_EACH, LIST_ENTRIES = 20, 2, 100
ARBEITNOW, HN_POSTS = 150, 100


def populate(fake: BoardsFake) -> list[BoardConfig]:
    fake.linkedin = make_jobs("", LINKEDIN, start_id=5_000_000_000, company="Hooli")
    fake.indeed = make_jobs("in", INDEED, company="Pied Piper", location="Seattle, WA")
    boards = []
    for kind in ("greenhouse", "lever", "ashby"):
        for b in range(BOARDS_EACH):
            token = f"{kind[:2]}co{b}"
            getattr(fake, kind)[token] = make_jobs(
                f"{token}-", PER_BOARD, company=f"{kind.title()} Co {b}", location="Austin, TX"
            )
            boards.append(BoardConfig(board=f"{kind}:{token}"))
    for b in range(DETAIL_BOARDS_EACH):
        jobs = make_jobs(f"{b}", PER_DETAIL_BOARD, company=f"Workday Co {b}", location="Austin, TX")
        fake.workday[f"wdco{b}/External"] = jobs
        boards.append(BoardConfig(board=f"workday:wdco{b}.wd5/External"))
        fake.smartrecruiters[f"srco{b}"] = make_jobs(
            "",
            PER_DETAIL_BOARD,
            start_id=10_000 * (b + 1),
            company=f"SR Co {b}",
            location="Austin, TX",
        )
        boards.append(BoardConfig(board=f"smartrecruiters:srco{b}"))
    for kind in ("workable", "recruitee"):
        for b in range(BOARDS_EACH):
            token = f"{kind[:2]}co{b}"
            start = 50_000 + 1000 * b + (500 if kind == "recruitee" else 0)
            getattr(fake, kind)[token] = make_jobs(
                "" if kind == "recruitee" else f"{token}-", PER_BOARD, start_id=start,
                company=f"{kind.title()} Co {b}", location="Austin, TX",
            )  # fmt: skip
            boards.append(BoardConfig(board=f"{kind}:{token}"))
    for b in range(DETAIL_BOARDS_EACH):
        kw = {"company": f"HR Co {b}", "location": "Austin, TX"}
        fake.rippling[f"ri{b}"] = make_jobs(f"ri{b}-", PER_DETAIL_BOARD, **kw)  # type: ignore[arg-type]
        fake.bamboohr[f"ba{b}"] = make_jobs("", PER_DETAIL_BOARD, start_id=70_000 + 100 * b, **kw)  # type: ignore[arg-type]
        fake.oracle[f"or{b}.fa.us2.oraclecloud.com/CX_1"] = make_jobs(
            "",
            PER_DETAIL_BOARD,
            start_id=80_000 + 100 * b,
            **kw,  # type: ignore[arg-type]
        )
        boards += [
            BoardConfig(board=f"rippling:ri{b}"),
            BoardConfig(board=f"bamboohr:ba{b}"),
            BoardConfig(board=f"oracle:or{b}.fa.us2.oraclecloud.com/CX_1", company=f"HR Co {b}"),
        ]
    for kind in ("teamtailor", "personio"):
        for b in range(BOARDS_EACH):
            token = f"{kind[:2]}co{b}"
            getattr(fake, kind)[token] = make_jobs(
                "", PER_BOARD, start_id=90_000 + 1000 * b + (500 if kind == "personio" else 0),
                company=f"{kind.title()} Co {b}", location="Austin, TX",
            )  # fmt: skip
            boards.append(BoardConfig(board=f"{kind}:{token}"))
    fake.arbeitnow = make_jobs("an", ARBEITNOW, company="Feed Co", location="Austin, TX")
    thread = HNThread(47_000_000, "Ask HN: Who is hiring? (March 2027)", NOW - timedelta(days=1))
    posts = make_jobs("hn", HN_POSTS, company="HN Co", location="Austin, TX")
    thread.comments = [hn_post(thread, 47_000_100 + i, job) for i, job in enumerate(posts)]
    fake.hn_threads = [thread]
    for name in ("SimplifyJobs/Summer2026-Internships", "SimplifyJobs/New-Grad-Positions"):
        entries = make_jobs(
            name[-9:], LIST_ENTRIES, company=name.split("/")[1], location="Austin, TX"
        )
        fake.lists[name] = [listing(j) for j in entries]
    return boards


def lists_for(fake: BoardsFake) -> list[ListConfig]:
    return [ListConfig(url=fake.list_url(name)) for name in fake.lists]


async def main(latency: float, linkedin_gap: float, gap: float) -> None:
    fake = BoardsFake(latency=latency)
    boards = populate(fake)
    search = SearchConfig(
        keywords="software engineer intern", location="United States", max_results=200
    )
    feeds = SearchConfig(
        keywords="software engineer intern", sources=["arbeitnow", "hackernews"], max_results=200
    )
    http = HttpConfig(
        linkedin_gap_seconds=linkedin_gap,
        default_gap_seconds=gap,
        per_host_concurrency=2,
        timeout_seconds=5,
        backoff_base_seconds=0.05,
    )
    seen = {f"linkedin:{5_000_000_000 + i}" for i in range(0, LINKEDIN, 2)}
    async with fake:
        assert fake.urls is not None
        async with new_session(http) as session:
            client = HttpClient(session, http, gaps_for(http, fake.urls.linkedin))
            t0 = time.perf_counter()
            results = await collect_all(
                [search, feeds], boards, http, fake.urls, lists=lists_for(fake),
                is_seen=seen.__contains__, client=client,
            )  # fmt: skip
            wall = time.perf_counter() - t0
    postings = [p for r in results for p in r.postings]
    unique, _ = dedup(postings)
    per_host = Counter(r.board for r in fake.requests)
    host_gap = {name: (linkedin_gap if name == "linkedin" else gap) for name in per_host}
    floors = {h: max(n - 1, 0) * host_gap[h] + latency for h, n in per_host.items() if n}
    floor = max(floors.values())
    seen_details = sum(
        n for job_id, n in fake.detail_fetches().items() if f"linkedin:{job_id}" in seen
    )
    bad = [r for r in results if r.state.value != "ok"]
    print(f"latency {latency * 1000:.0f} ms, gap linkedin {linkedin_gap:g} s / others {gap:g} s")
    print(f"postings collected   {len(postings)} ({len(unique)} unique), sources {len(results)}")
    print(
        f"requests made        {len(fake.requests)} "
        + ", ".join(f"{h} {n}" for h, n in per_host.items())
    )
    print(
        f"detail fetches       {sum(fake.detail_fetches().values())} (for seen postings: {seen_details}, target 0)"
    )
    print("politeness floor     " + ", ".join(f"{h} {s:.2f} s" for h, s in floors.items()))
    print(f"wall time            {wall:.2f} s")
    print(f"floor (slowest host) {floor:.2f} s")
    print(f"ratio wall/floor     {wall / floor:.3f} (target <= 1.3)")
    print("per source kind      postings / requests")
    kinds: dict[str, list[int]] = {}
    for r in results:
        kind = r.source.split(":")[0]
        kinds.setdefault(kind, [0, 0, 0])
        kinds[kind][0] += 1
        kinds[kind][1] += len(r.postings)
        kinds[kind][2] += r.requests
    for kind, (n, got, asked) in kinds.items():
        print(f"  {kind:<16} {n:>2} source(s) {got:>4} postings {asked:>4} requests")
    if bad:
        print("NOT OK:", [(r.source, r.state.value, r.reason) for r in bad])


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--latency", type=float, default=0.05)
    ap.add_argument("--linkedin-gap", type=float, default=0.1)
    ap.add_argument("--gap", type=float, default=0.1)
    a = ap.parse_args()
    asyncio.run(main(a.latency, a.linkedin_gap, a.gap))
