"""Do votes change the picks? A person with a hidden taste, through the real bot, for 8 days.

Each simulated morning a seeded generator of ours makes ~60 new internships (realistic
variety: fields, employers of several kinds, places in every US region, remote / hybrid /
on-site, stated pay or none) and serves them from the fake Lever boards (`tests/fakes/boards.py`,
one board per employer). The real bot (python-telegram-bot against the fake Bot API,
`tests/fakes/telegram.py`) collects, scores with the local scorer and sends the day's picks
when the person asks `/picks`; the person then taps 👍 on every shown pick they like and 👎 on
the rest — only on what they were shown — optionally with one tap in ten the wrong way round.

Printed per scenario: precision@5 (the share of the day's top 5 picks the person likes) per
day for three people with the same taste: one who never votes, one who votes, one who votes
with 10% mistaken taps; and the lift on days 4–7 (votes minus no votes). A fourth line (not
in the lift): a person who votes, then taps the offered "🔄 Rescore today's postings" — the
precision@5 of that day's picks as they stand after the rescore, the same day.

Scenarios: the issue's ("software or data" profile, the person wants data only, 8 data roles
of 60 a day), and others where the profile allows more than the person wants: an employer
type, a region, remote work, pay, another field. No rule of the learner is tuned to one.

Run: PYTHONPATH=. python bench/learning_sim.py [--scenario NAME] [--days 8]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Config  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.services.delivery import picks_for_chat  # noqa: E402
from bot.services.run import collect_configured  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.telegram.keyboards import RESCORE_LABEL as RESCORE  # noqa: E402
from tests.bot.telegram_support import bot_settings, eventually, running_bot  # noqa: E402
from tests.fakes.boards import BoardsFake, Job  # noqa: E402
from tests.fakes.telegram import FakeTelegram  # noqa: E402

CHAT = 4242
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday; the bot's "now" each morning
PER_DAY = 60
TOP = 5

# -- the world the generator draws from ---------------------------------------------------------
# kind -> title templates (the kind is what a hidden taste may be about)
TITLES: dict[str, tuple[str, ...]] = {
    "software": (
        "Software Engineer Intern", "Software Engineering Intern", "Software Developer Intern",
        "SWE Intern", "Backend Engineer Intern", "Full Stack Engineer Intern",
        "Frontend Engineer Intern", "Platform Engineer Intern", "Mobile Engineer Intern (iOS)",
        "Site Reliability Engineering Intern", "Software Engineer Intern, Payments",
        "Software Engineer Intern - Developer Tools", "Cloud Infrastructure Intern",
    ),
    "data": (
        "Data Analyst Intern", "Data Science Intern", "Business Intelligence Intern",
        "Analytics Intern", "Data Scientist Intern", "Product Analyst Intern",
        "Data Analytics Intern", "Marketing Data Analyst Intern",
    ),
    "ml": (
        "Machine Learning Engineer Intern", "ML Engineer Intern", "AI Research Intern",
        "Machine Learning Intern, Recommendations", "Computer Vision Intern",
    ),
    "security": (
        "Security Engineer Intern", "Application Security Intern", "Cybersecurity Intern",
        "Security Operations Intern",
    ),
}  # fmt: skip
DUTIES: dict[str, tuple[str, ...]] = {
    "software": (
        "You will build services and product features with the engineering team.",
        "You will ship code in Python, Go or TypeScript, with code review and tests.",
        "As an intern you will own a feature from design to launch.",
    ),
    "data": (
        "You will analyse product and business data in SQL and Python and build dashboards.",
        "As an intern you will turn data into insights for product and operations teams.",
        "You will build reports in Tableau and run experiments with the analytics team.",
    ),
    "ml": (
        "You will train and evaluate models with PyTorch on real product data.",
        "As an intern you will build machine learning features end to end.",
    ),
    "security": (
        "You will help detect threats and respond to incidents with the security team.",
        "As an intern you will review code for vulnerabilities and harden our cloud.",
    ),
}
# Employers: (name, the kind a taste may be about). Invented names; the kinds come from the
# words their names carry, as the scorer reads them (`scoring.local.employers`).
EMPLOYERS: tuple[tuple[str, str], ...] = (
    ("Brightloop", "tech"), ("Quillstack", "tech"), ("Nimbusly", "tech"), ("Tidewater Labs", "tech"),
    ("Orbitforge", "tech"), ("Pinecrest Software", "tech"), ("Lumenfield", "tech"),
    ("Cobalt Circuit", "tech"), ("Harvestly", "tech"), ("Juniper Row", "tech"),
    ("Kestrel Apps", "tech"), ("Mosaic Grid", "tech"), ("Northwind Digital", "tech"),
    ("Paperlane", "tech"), ("Redwood Logic", "tech"), ("Saltmarsh", "tech"),
    ("Vantage Point Media", "tech"), ("Wavecrest", "tech"), ("Yellowtail", "tech"),
    ("Zephyr Works", "tech"), ("Amberline Retail", "tech"), ("Copperleaf Foods", "tech"),
    ("Harbor National Bank", "finance"), ("Granite Trust Bank", "finance"),
    ("Northgate Securities", "finance"), ("Bluewater Capital Management", "finance"),
    ("Summit Federal Credit Union", "finance"), ("Keystone Investments", "finance"),
    ("Riverside Hospital", "health"), ("Cedar Valley Health System", "health"),
    ("Eastbrook University", "education"), ("Lakeshore College", "education"),
)  # fmt: skip
# (location as a board writes it, region)
PLACES: tuple[tuple[str, str], ...] = (
    ("San Francisco, CA", "west"), ("Seattle, WA", "west"), ("Portland, OR", "west"),
    ("Los Angeles, CA", "west"), ("San Jose, CA", "west"), ("New York, NY", "northeast"),
    ("Boston, MA", "northeast"), ("Philadelphia, PA", "northeast"), ("Chicago, IL", "midwest"),
    ("Columbus, OH", "midwest"), ("Minneapolis, MN", "midwest"), ("Austin, TX", "south"),
    ("Atlanta, GA", "south"), ("Raleigh, NC", "south"), ("Dallas, TX", "south"),
    ("Denver, CO", "mountain"), ("Salt Lake City, UT", "mountain"),
)  # fmt: skip
STATE_NAMES = {"CA": "California", "WA": "Washington", "NY": "New York", "TX": "Texas"}


@dataclass
class SimJob:
    """A generated posting and the facts a hidden taste may be about."""

    job: Job
    kind: str  # software / data / ml / security
    employer_kind: str  # tech / finance / health / education
    region: str  # west / northeast / midwest / south / mountain / remote
    workplace: str  # remote / hybrid / onsite
    hourly: float | None  # the pay's top, per hour; None when not stated


def _employer_token(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum())


def make_day(
    rng: random.Random, day: int, kinds: dict[str, int], *, remote_share: float = 0.15
) -> list[SimJob]:
    """One day's new internships: `kinds` says how many of each kind (the rest is variety)."""
    out: list[SimJob] = []
    n = 0
    for kind, count in kinds.items():
        for _ in range(count):
            n += 1
            title = rng.choice(TITLES[kind])
            employer, employer_kind = rng.choice(EMPLOYERS)
            roll = rng.random()
            if roll < remote_share:
                workplace, (place, region) = "remote", ("Remote, United States", "remote")
            else:
                workplace = "hybrid" if roll < remote_share + 0.25 else "onsite"
                place, region = rng.choice(PLACES)
                if rng.random() < 0.15:  # some boards spell the state out
                    city, state = place.split(", ")
                    place = f"{city}, {STATE_NAMES.get(state, state)}, United States"
            hourly: float | None = None
            lines = [rng.choice(DUTIES[kind])]
            if rng.random() < 0.8:
                low = rng.choice([18, 20, 22, 25, 28, 30, 32, 35, 38, 40, 45, 50, 55])
                high = low + rng.choice([5, 8, 10, 12])
                hourly = float(high)
                lines.append(f"The pay for this internship is ${low}–${high}/hr.")
            if workplace == "hybrid":
                lines.append("This is a hybrid role: three days a week in our office.")
            elif workplace == "onsite":
                lines.append("This role is on-site.")
            lines.append(
                f"{employer} is an equal opportunity employer. Summer 2026, 12 weeks, "
                "open to students graduating in 2027 or 2028."
            )
            job = Job(
                id=f"d{day}n{n}",
                title=title,
                company=employer,
                location=place,
                description="\n".join(lines),
                employment="internship",
                seniority="Internship",
                remote=workplace == "remote",
                workplace=workplace,
                posted=START + timedelta(days=day) - timedelta(hours=rng.randint(1, 20)),
            )
            out.append(SimJob(job, kind, employer_kind, region, workplace, hourly))
    rng.shuffle(out)
    return out


# -- scenarios ---------------------------------------------------------------------------------
SOFTWARE_OR_DATA = "CS student looking for a software or data internship in the United States."
SOFTWARE = "CS student looking for a software engineering internship in the United States."


@dataclass(frozen=True)
class Scenario:
    name: str
    about: str
    kinds: dict[str, int]  # postings of each kind a day
    likes: Callable[[SimJob], bool]  # the hidden taste
    says: str  # the taste in words, for the printout
    remote_share: float = 0.15


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "data", SOFTWARE_OR_DATA, {"software": 52, "data": 8}, lambda j: j.kind == "data",
        "the issue's: profile allows software or data; wants data roles only",
    ),
    Scenario(
        "finance", SOFTWARE, {"software": 60}, lambda j: j.employer_kind == "finance",
        "software roles, but only at banks and other financial firms",
    ),
    Scenario(
        "west", SOFTWARE, {"software": 60}, lambda j: j.region == "west",
        "software roles on the West Coast only (CA, WA, OR)",
    ),
    Scenario(
        "remote", SOFTWARE, {"software": 60}, lambda j: j.workplace == "remote",
        "remote software roles only",
    ),
    Scenario(
        "pay", SOFTWARE, {"software": 60}, lambda j: (j.hourly or 0) >= 45,
        "software roles paying at least $45/hr",
    ),
    Scenario(
        "ml", "CS student looking for a software or machine learning internship.",
        {"software": 52, "ml": 8}, lambda j: j.kind == "ml",
        "profile allows software or ML; wants ML only",
    ),
)  # fmt: skip


# -- one person, through the bot -----------------------------------------------------------------
def make_config(scenario: Scenario, boards: list[str]) -> Config:
    today = (datetime.now(UTC).weekday() + 1) % 7  # no real-clock morning job while we run
    return Config.model_validate(
        {
            "profile": {"about": scenario.about, "directives": []},
            # The bot's clock says 07:00 each simulated morning: never due, /picks runs the day.
            "schedule": {
                "time": "23:59",
                "timezone": "UTC",
                "days": [d for d in range(7) if d != today],
            },
            "selection": {"min_score": 0, "max_picks": 10, "per_company": 2},
            "searches": [{"keywords": "intern", "location": "United States", "sources": []}],
            "boards": [{"board": f"lever:{_employer_token(n)}", "company": n} for n in boards],
            "http": {"default_gap_seconds": 0, "per_host_concurrency": 8},
        }
    )


async def person(
    scenario: Scenario,
    days: list[list[SimJob]],
    *,
    votes: bool,
    mistakes: float,
    seed: int,
    rescore: bool = False,
) -> list[float]:
    """precision@5 of each day for one person with the scenario's taste (with `rescore`: of
    the day's picks after voting and tapping the offered rescore)."""
    rng = random.Random(seed)
    boards = BoardsFake()
    telegram = FakeTelegram()
    await boards.start()
    await telegram.start()
    telegram.add_chat(CHAT)
    names = [n for n, _ in EMPLOYERS]
    precision: list[float] = []
    try:
        with tempfile.TemporaryDirectory(prefix="jobpicks-sim-") as tmp:
            db = Path(tmp) / "db.json"
            settings = bot_settings(db, telegram.token, telegram.base_url)
            urls = boards.urls
            assert urls is not None
            settings = settings.model_copy(update={"jobpicks_lever_url": urls.lever})
            ctx = AppContext(
                settings=settings, config=make_config(scenario, names), store=Store(db)
            )
            clock = {"now": START}
            ctx.now = lambda: clock["now"]  # type: ignore[method-assign]
            async with running_bot(ctx, collector=collect_configured):
                # Candidates not picked stay in the bot's pool for a few days: any day's job
                # may be picked later.
                by_id = {j.job.id: j for jobs in days for j in jobs}
                for day, jobs in enumerate(days):
                    clock["now"] = START + timedelta(days=day)
                    boards.lever = {_employer_token(n): [] for n in names}
                    for j in jobs:
                        boards.lever[_employer_token(j.job.company)].append(j.job)
                    boards.now = clock["now"]
                    sent_before = len(telegram.calls_of("sendMessage", chat_id=CHAT))
                    await telegram.user_says(CHAT, "/picks")
                    today = ctx.today()

                    def delivered(today: str = today) -> bool:
                        picks = ctx.store.picks_for(today)
                        return bool(picks) and all(str(CHAT) in p.sent for p in picks)

                    await eventually(delivered, within=60)
                    assert len(telegram.calls_of("sendMessage", chat_id=CHAT)) > sent_before
                    picks = ctx.store.picks_for(today)
                    shown = [by_id[p.key.rsplit(":", 1)[1]] for p in picks]
                    precision.append(sum(scenario.likes(j) for j in shown[:TOP]) / TOP)
                    if not votes:
                        continue
                    expected = len(ctx.store.votes()) + len(picks)
                    for pick, job in zip(picks, shown, strict=True):
                        like = scenario.likes(job)
                        if rng.random() < mistakes:
                            like = not like
                        buttons = dict(telegram.buttons(CHAT, pick.sent[str(CHAT)]))
                        await telegram.tap(
                            CHAT, pick.sent[str(CHAT)], buttons["👍" if like else "👎"]
                        )
                    await eventually(lambda n=expected: len(ctx.store.votes()) >= n, within=30)
                    if rescore:
                        now = await _rescored(telegram, ctx, sent_before)
                        precision[-1] = sum(scenario.likes(by_id[k]) for k in now[:TOP]) / TOP
    finally:
        await telegram.stop()
        await boards.stop()
    return precision


async def _rescored(telegram: FakeTelegram, ctx: AppContext, since: int) -> list[str]:
    """Tap the rescore the bot offered after the day's votes; the job ids of the day's picks
    as they stand once the rescore is done and its new picks are sent."""

    today = f"rs:{ctx.today()}"  # an offer of an earlier day is not the one

    def offer() -> int | None:
        for m in reversed(telegram.sent_to(CHAT)[since:]):
            if any(d == today for _, d in telegram.buttons(CHAT, m.message_id)):
                return m.message_id
        return None

    await eventually(lambda: offer() is not None, within=30)
    message_id = offer()
    assert message_id is not None
    before = len(telegram.sent_to(CHAT))
    await telegram.tap(CHAT, message_id, dict(telegram.buttons(CHAT, message_id))[RESCORE])
    await eventually(
        lambda: any("rescored" in m.text for m in telegram.sent_to(CHAT)[before:]), within=60
    )
    day = ctx.today()
    await eventually(lambda: all(str(CHAT) in p.sent for p in picks_for_chat(ctx, CHAT, day)))
    return [p.key.rsplit(":", 1)[1] for p in picks_for_chat(ctx, CHAT, day)]


def fmt(xs: list[float]) -> str:
    return " ".join(f"{x:4.2f}" for x in xs)


def late(xs: list[float]) -> float:
    return statistics.mean(xs[3:7])  # days 4-7


async def run(scenarios: list[Scenario], n_days: int, seed: int, people: int) -> None:
    print(
        f"{n_days} days, {PER_DAY} new internships a day, 10 picks a day; precision@{TOP}, "
        f"the mean of {people} people per line (each their own postings and slips)"
    )
    for scenario in scenarios:
        t0 = time.perf_counter()
        runs: dict[str, list[list[float]]] = {
            "no votes": [],
            "votes": [],
            "votes, 10% mistaken": [],
            "votes, then 🔄 today": [],
        }
        shares = []
        for person_seed in range(seed, seed + people):
            rng = random.Random(f"{person_seed}:{scenario.name}")
            days = [
                make_day(rng, d, scenario.kinds, remote_share=scenario.remote_share)
                for d in range(n_days)
            ]
            shares.append(statistics.mean(scenario.likes(j) for d in days for j in d))
            for name, votes, mistakes, rescore in (
                ("no votes", False, 0.0, False),
                ("votes", True, 0.0, False),
                ("votes, 10% mistaken", True, 0.1, False),
                ("votes, then 🔄 today", True, 0.0, True),
            ):
                runs[name].append(
                    await person(
                        scenario,
                        days,
                        votes=votes,
                        mistakes=mistakes,
                        seed=person_seed,
                        rescore=rescore,
                    )
                )
        mean = {
            name: [statistics.mean(d) for d in zip(*xs, strict=True)] for name, xs in runs.items()
        }
        print(
            f"\n[{scenario.name}] {scenario.says} "
            f"(liked share of postings {statistics.mean(shares):.0%})"
        )
        print(f"  profile: {scenario.about!r}")
        print(f"  {'day':22} " + " ".join(f"{d + 1:>4}" for d in range(n_days)))
        for name, xs in mean.items():
            print(f"  {name:22} {fmt(xs)}")
        base = late(mean["no votes"])
        lift = late(mean["votes"]) - base
        lift_noisy = late(mean["votes, 10% mistaken"]) - base
        print(
            f"  lift on days 4-7: {lift:+.2f} (goal ≥ +0.50); with mistaken taps "
            f"{lift_noisy:+.2f} (goal ≥ +0.40)   [{time.perf_counter() - t0:.0f} s]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", action="append", choices=[s.name for s in SCENARIOS])
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=3, help="people per line (their mean)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    chosen = [s for s in SCENARIOS if not args.scenario or s.name in args.scenario]
    asyncio.run(run(chosen, args.days, args.seed, args.people))


if __name__ == "__main__":
    main()
