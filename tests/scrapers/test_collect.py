"""collect_all against every fake at once: statuses, filtering, dedup across boards and days."""

from __future__ import annotations

import logging
import time

import pytest

from scrapers.collect import collect_all
from scrapers.dedup import dedup, fingerprint
from scrapers.options import BoardConfig, HttpConfig, ListConfig, SearchConfig, SourceUrls
from scrapers.registry import SOURCES
from scrapers.source import Setup, Source, SourceState, summarise
from tests.fakes.ats import listing
from tests.fakes.boards import BoardsFake, Job, make_jobs, slow, status

SEARCHES = [
    SearchConfig(keywords="software engineer intern", location="United States",
                 employment_types=["internship"], max_results=30),
    SearchConfig(keywords="machine learning intern", location="California", sources=["linkedin"],
                 max_results=30),
]  # fmt: skip
SHARED = Job(id="4000000001", title="Software Engineer Intern", company="Acme, Inc.",
             location="Austin, TX, United States",
             description="Join Acme to build robot fleet services in Python.")  # fmt: skip


def boards() -> list[BoardConfig]:
    return [
        BoardConfig(board="greenhouse:acme"),
        BoardConfig(board="https://jobs.lever.co/globex"),
        BoardConfig(board="ashby:initech", company="Initech"),
        BoardConfig(board="greenhouse:broken"),
    ]


def populate(fake: BoardsFake) -> None:
    fake.linkedin = [SHARED, *make_jobs("", 14, start_id=4000000100, company="Hooli")]
    fake.indeed = make_jobs("ind", 12, company="Pied Piper", location="Seattle, WA")
    fake.greenhouse["acme"] = [
        Job(id="77", title="Software Engineer Intern", company="ACME", location="Austin, Texas",
            description=SHARED.description),
        Job(id="78", title="Senior Accountant", company="ACME", employment="full-time"),
    ]  # fmt: skip
    fake.lever["globex"] = [
        Job(id="g1", title="Software Engineering Intern", company="Globex", location="New York, NY"),
        Job(id="g2", title="Software Engineer Intern", company="Globex", location="London, UK"),
    ]  # fmt: skip
    fake.ashby["initech"] = [
        Job(
            id="i1",
            title="Machine Learning Intern",
            company="Initech",
            location="San Francisco, CA",
        ),
    ]
    fake.fail("greenhouse:broken", *[status(500)] * 5)


async def test_every_source_at_once(fake: BoardsFake, http_cfg: HttpConfig) -> None:
    populate(fake)
    assert fake.urls is not None
    results = await collect_all(SEARCHES, boards(), http_cfg, fake.urls)
    by = {r.source: r for r in results}
    assert set(by) == {
        "linkedin: software engineer intern @ United States",
        "indeed: software engineer intern @ United States",
        "linkedin: machine learning intern @ California",
        "greenhouse:acme",
        "lever:globex",
        "ashby:initech",
        "greenhouse:broken",
    }
    assert by["greenhouse:broken"].state is SourceState.FAILED
    assert "HTTP 500" in by["greenhouse:broken"].reason
    for name, r in by.items():
        if name != "greenhouse:broken":
            assert r.state is SourceState.OK, (name, r.reason)
    assert len(by["linkedin: software engineer intern @ United States"].postings) == 15
    assert len(by["indeed: software engineer intern @ United States"].postings) == 12
    # boards filtered locally by the searches
    assert [p.title for p in by["greenhouse:acme"].postings] == ["Software Engineer Intern"]
    assert [p.location for p in by["lever:globex"].postings] == ["New York, NY"]
    assert [p.company for p in by["ashby:initech"].postings] == ["Initech"]
    # both LinkedIn searches found the same 15 jobs: each detail page fetched once
    assert sum(fake.detail_fetches().values()) == 15
    assert max(fake.detail_fetches().values()) == 1
    # the shared Acme job (LinkedIn + Greenhouse) and the repeated LinkedIn results collapse
    everything = [p for r in results for p in r.postings]
    unique, dropped = dedup(everything)
    assert len(unique) == 15 + 12 + 1 + 1  # LinkedIn, Indeed, Globex NY, Initech (Acme shared)
    assert dropped == len(everything) - len(unique)
    assert "greenhouse:broken: failed" in summarise(results)


async def test_each_finished_source_is_counted_for_the_progress_line(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    populate(fake)
    assert fake.urls is not None
    counts: list[tuple[int, int]] = []
    results = await collect_all(
        SEARCHES, boards(), http_cfg, fake.urls, on_source=lambda *c: counts.append(c)
    )
    # one call per source, the failing one too, counting up to the number of sources
    assert counts == [(n, len(results)) for n in range(1, len(results) + 1)]
    assert len(results) == 7


async def test_second_day_skips_seen_details_and_relisted_jobs(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    populate(fake)
    assert fake.urls is not None
    day1 = await collect_all(SEARCHES[:1], [], http_cfg, fake.urls)
    unique1, _ = dedup([p for r in day1 for p in r.postings])
    seen_keys = {p.key for p in unique1}
    seen_fps = {fingerprint(p) for p in unique1}

    # Day 2: the Acme job re-listed under a new id with the same words; one brand-new job.
    fake.requests.clear()
    relisted = Job(id="4000000999", title=SHARED.title, company="ACME", location="Austin, TX",
                   description=SHARED.description)  # fmt: skip
    fresh = Job(
        id="4000000777", title="Software Engineer Intern", company="Umbrella", location="Austin, TX"
    )
    fake.linkedin = [relisted, fresh, *fake.linkedin[1:]]
    day2 = await collect_all(SEARCHES[:1], [], http_cfg, fake.urls, is_seen=seen_keys.__contains__)
    assert set(fake.detail_fetches()) == {"4000000999", "4000000777"}  # nothing seen is re-fetched
    unique2, _ = dedup([p for r in day2 for p in r.postings])
    new = [p for p in unique2 if p.key not in seen_keys and fingerprint(p) not in seen_fps]
    assert [p.source_id for p in new] == ["4000000777"]


async def test_all_sources_failing_is_reported_per_source(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    assert fake.urls is not None
    fake.always["linkedin.search"] = status(403)
    fake.always["indeed"] = status(503)
    results = await collect_all(
        SEARCHES[:1], [BoardConfig(board="lever:ghost")], http_cfg, fake.urls
    )
    states = {r.source: (r.state, r.reason) for r in results}
    assert states["linkedin: software engineer intern @ United States"][0] is SourceState.BLOCKED
    assert states["indeed: software engineer intern @ United States"] == (
        SourceState.FAILED,
        "Indeed search: HTTP 503 (3 tries)",
    )
    assert states["lever:ghost"][0] is SourceState.FAILED and "404" in states["lever:ghost"][1]
    assert all(not r.postings for r in results)


async def test_each_source_reports_its_own_time(fake: BoardsFake, http_cfg: HttpConfig) -> None:
    fake.greenhouse["acme"] = [Job(id="1", title="Software Engineer Intern", company="ACME")]
    fake.lever["globex"] = [Job(id="g1", title="Software Engineering Intern", company="Globex")]
    fake.fail("lever:globex", slow(0.6))
    assert fake.urls is not None
    results = await collect_all(
        SEARCHES,
        [BoardConfig(board="greenhouse:acme"), BoardConfig(board="lever:globex")],
        http_cfg,
        fake.urls,
    )
    by = {r.source: r for r in results}
    assert by["lever:globex"].seconds >= 0.5
    assert by["greenhouse:acme"].seconds < 0.4  # not the time of the slowest source


async def test_ats_boards_and_a_list_beside_the_big_boards(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    """Workday, SmartRecruiters, Workable, Recruitee and a community list next to LinkedIn,
    Indeed, Greenhouse, Lever and Ashby: one result each, filtered like every board, and the
    same job on a list and on its company's board is one job."""
    populate(fake)
    fake.workday["nvidia/External"] = make_jobs(
        "7", 3, company="NVIDIA", location="Santa Clara, CA"
    )
    fake.smartrecruiters["Visa"] = make_jobs("", 2, start_id=5000, company="Visa")
    fake.workable["huggingface"] = make_jobs(
        "W", 2, company="Hugging Face", location="New York, NY"
    )
    fake.recruitee["bunq"] = make_jobs("", 2, start_id=9000, company="bunq", location="Boston, MA")
    fake.lists["SimplifyJobs/Summer2026-Internships"] = [listing(SHARED), listing(
        Job(id="77", title="Quant Intern", company="Jane Street", location="New York, NY"))]  # fmt: skip
    assert fake.urls is not None
    more = [BoardConfig(board="workday:nvidia.wd5/External"), BoardConfig(board="smartrecruiters:Visa"),
            BoardConfig(board="https://apply.workable.com/huggingface/"), BoardConfig(board="recruitee:bunq")]  # fmt: skip
    lists = [ListConfig(url=fake.list_url("SimplifyJobs/Summer2026-Internships"))]
    results = await collect_all(SEARCHES, boards() + more, http_cfg, fake.urls, lists=lists)
    by = {r.source: r for r in results}
    for name in ("workday:nvidia/External", "smartrecruiters:Visa", "workable:huggingface",
                 "recruitee:bunq", "list:SimplifyJobs/Summer2026-Internships"):  # fmt: skip
        assert by[name].state is SourceState.OK, (name, by[name].reason)
    assert [len(by[n].postings) for n in ("workday:nvidia/External", "smartrecruiters:Visa",
            "workable:huggingface", "recruitee:bunq")] == [3, 2, 2, 2]  # fmt: skip
    assert len(by["list:SimplifyJobs/Summer2026-Internships"].postings) == 2  # lists: unfiltered
    unique, _ = dedup([p for r in results for p in r.postings])
    acme = [p for p in unique if p.title == SHARED.title and "acme" in p.company.lower()]
    assert len(acme) == 1  # LinkedIn + Greenhouse + the list: one job


async def test_no_network_is_not_retried_and_said_once(
    http_cfg: HttpConfig, caplog: pytest.LogCaptureFixture
) -> None:
    """No network made each source retry DNS failures with backoff (~15 s a run, ~100 s with
    default settings). `.invalid` never resolves (RFC 6761) and makes no traffic."""
    cfg = http_cfg.model_copy(update={"max_retries": 3, "backoff_base_seconds": 1.0})
    urls = SourceUrls(**{k: "http://jobs.invalid" for k in SourceUrls.model_fields})
    lists = [ListConfig(url="http://lists.invalid/listings.json")]
    boards = [BoardConfig(board="greenhouse:acme"), BoardConfig(board="workday:acme/Careers"),
              BoardConfig(board="recruitee:bunq"), BoardConfig(board="lever:globex")]  # fmt: skip
    caplog.set_level(logging.WARNING)
    t0 = time.perf_counter()
    results = await collect_all(SEARCHES, boards, cfg, urls, lists=lists)
    assert time.perf_counter() - t0 < 2.5  # one failed lookup per host, no backoff
    assert {r.state for r in results} == {SourceState.FAILED}
    assert {r.reason for r in results} == {"no network"}
    assert all(r.requests <= 1 for r in results)
    said = [
        rec
        for rec in caplog.records
        if rec.name == "scrapers.collect" and "no network" in rec.getMessage()
    ]
    assert len(said) == 1


async def test_one_unresolvable_board_is_its_own_failure(
    fake: BoardsFake, http_cfg: HttpConfig
) -> None:
    """A mistyped host fails that board at once with the reason; the others are fine."""
    populate(fake)
    assert fake.urls is not None
    urls = fake.urls.model_copy(update={"recruitee": "http://{company}.jobs.invalid"})
    results = await collect_all([], [BoardConfig(board="greenhouse:acme"),
                                     BoardConfig(board="recruitee:bunq")], http_cfg, urls)  # fmt: skip
    by = {r.source: r for r in results}
    assert by["greenhouse:acme"].state is SourceState.OK
    assert by["recruitee:bunq"].state is SourceState.FAILED
    assert "cannot resolve" in by["recruitee:bunq"].reason and by["recruitee:bunq"].requests == 1


def test_every_registered_kind_builds_a_source_from_its_config() -> None:
    """One protocol for all: each registry entry makes an object with a name, its config and
    `collect(session, politeness)`."""
    setup = Setup(urls=SourceUrls(), http=HttpConfig(), searches=SEARCHES[:1])
    configs = {
        "linkedin": SEARCHES[0],
        "indeed": SEARCHES[0],
        "list": ListConfig(
            url="https://raw.githubusercontent.com/o/r/dev/.github/scripts/listings.json"
        ),
        "workday": BoardConfig(board="workday:acme.wd5/Careers"),
        "arbeitnow": SEARCHES[0],
        "hackernews": SEARCHES[0],
        "oracle": BoardConfig(board="oracle:acme.fa.us2.oraclecloud.com/CX_1", company="Acme"),
    }
    for kind, cls in SOURCES.items():
        config = configs.get(kind) or BoardConfig(board=f"{kind}:acme")
        source = cls.from_config(config, setup)
        assert isinstance(source, Source), kind
        assert source.config is config and source.name and source.kind == kind
    wd = SOURCES["workday"].from_config(configs["workday"], setup)
    assert wd.base == "https://acme.wd5.myworkdayjobs.com"  # type: ignore[attr-defined]
    rc = SOURCES["recruitee"].from_config(BoardConfig(board="recruitee:bunq"), setup)
    assert rc.base == "https://bunq.recruitee.com"  # type: ignore[attr-defined]
    oc = SOURCES["oracle"].from_config(configs["oracle"], setup)
    assert oc.base == "https://acme.fa.us2.oraclecloud.com"  # type: ignore[attr-defined]
    eu = SOURCES["lever"].from_config(BoardConfig(board="jobs.eu.lever.co/acme"), setup)
    assert eu.base == "https://api.eu.lever.co"  # type: ignore[attr-defined]
