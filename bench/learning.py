"""Does feedback make the picks better? A 14-day simulation with a user who half says what
they want.

The user's `about` says "software engineering: backend and infrastructure, Python,
Kubernetes"; what they really want is ML-infrastructure roles, not senior ones, and never
at a defense company. Each simulated day brings a fresh batch from a generated pool of a few
thousand postings; the 10 picks shown (the last may explore) are voted on by the simulated user (👎 with the reason a
person would tap). Printed: precision@5 per day for

  (a) no learning — the stated profile only,
  (b) local learning — `scoring.learning.learn` weights fed to the local scorer,
  (c) local learning + the LLM loop against an OpenAI-compatible fake on 127.0.0.1
      (through real litellm): proposals after every 10 votes, the user taps Apply; then
      one Undo, shown end to end.

Run: PYTHONPATH=. python bench/learning.py
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from bot.config import default_config  # noqa: E402
from bot.context import AppContext  # noqa: E402
from bot.services import feedback  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.store import Store  # noqa: E402
from bot.store.records import Pick  # noqa: E402
from bot.telegram.proposals import render_proposal  # noqa: E402
from scoring.learning import LearningConfig, learn  # noqa: E402
from scoring.local.scorer import LocalScorer  # noqa: E402
from scoring.models import LearnedWeights  # noqa: E402
from scoring.profile import Filters, Profile  # noqa: E402
from scoring.select import select_picks  # noqa: E402
from scrapers.postings.posting import Posting  # noqa: E402
from tests.fakes.llm import FakeLLM  # noqa: E402

DAYS = 14
PER_DAY = 220
PICKS = 10  # shown a day (the last ones may explore); precision is over the top TOP
TOP = 5
SEED = 7
START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

ABOUT = (
    "Software engineer looking for software engineering roles: backend and infrastructure "
    "work. Python, Go, Kubernetes, distributed systems, cloud."
)

# field -> (title stems, first sentences, vocabulary)
FIELDS: dict[str, tuple[list[str], list[str], list[str]]] = {
    "mlinfra": (
        [
            "ML Infrastructure Engineer",
            "ML Platform Engineer",
            "MLOps Engineer",
            "Machine Learning Infrastructure Engineer",
            "Software Engineer, ML Platform",
        ],
        [
            "Build the GPU training clusters and model serving platform our researchers use.",
            "Own the ML platform: feature store, training pipelines and model deployment.",
            "Scale distributed training and inference for large models on Kubernetes.",
            "Design infrastructure for model training, evaluation and serving.",
        ],
        "gpu training inference model serving feature store pytorch kubeflow ray triton "
        "distributed kubernetes python go cuda pipelines".split(),
    ),
    "backend": (
        ["Backend Engineer", "Software Engineer, Backend", "Server Engineer", "API Engineer"],
        [
            "Build the APIs and services behind our checkout and payments product.",
            "Design backend services in Python and Go for millions of users.",
            "Own microservices, databases and APIs for our core product.",
        ],
        "api microservices postgres python go rest grpc payments checkout services "
        "databases kubernetes cloud".split(),
    ),
    "devops": (
        [
            "Site Reliability Engineer",
            "DevOps Engineer",
            "Infrastructure Engineer",
            "Cloud Infrastructure Engineer",
        ],
        [
            "Keep our cloud infrastructure reliable: Kubernetes, Terraform and on-call.",
            "Automate deployments and observability across our cloud infrastructure.",
            "Run the Kubernetes clusters and CI/CD systems every team depends on.",
        ],
        "terraform kubernetes aws monitoring on-call ci cd observability linux python go "
        "reliability infrastructure cloud".split(),
    ),
    "frontend": (
        ["Frontend Engineer", "Software Engineer, Web", "UI Engineer"],
        [
            "Build delightful web experiences in React and TypeScript.",
            "Own our design system and the customer-facing web app.",
        ],
        "react typescript javascript css design accessibility web browser ui".split(),
    ),
    "mobile": (
        ["iOS Engineer", "Android Engineer", "Mobile Engineer"],
        [
            "Ship features in our iOS and Android apps used by millions.",
            "Build native mobile experiences in Swift and Kotlin.",
        ],
        "ios android swift kotlin mobile app store ui".split(),
    ),
    "data": (
        ["Data Engineer", "Analytics Engineer", "Data Platform Engineer"],
        [
            "Build batch and streaming data pipelines with Spark and Airflow.",
            "Own our data warehouse, dbt models and analytics pipelines.",
        ],
        "spark airflow dbt sql warehouse etl pipelines python kafka analytics".split(),
    ),
    "mlresearch": (
        ["Machine Learning Engineer", "Applied Scientist", "Research Engineer"],
        [
            "Train models for ranking and recommendations on our product.",
            "Research and prototype new models for search relevance.",
        ],
        "models ranking recommendations research pytorch experiments python nlp".split(),
    ),
    "embedded": (
        ["Embedded Software Engineer", "Firmware Engineer"],
        [
            "Write firmware in C for our sensor hardware.",
            "Develop embedded Linux software for our devices.",
        ],
        "firmware c embedded rtos hardware microcontroller linux drivers".split(),
    ),
    "qa": (
        ["QA Engineer", "Software Engineer in Test", "Test Automation Engineer"],
        [
            "Automate tests for our web and backend services.",
            "Own test plans and quality for product releases.",
        ],
        "testing automation selenium quality python ci regression".split(),
    ),
    "security": (
        ["Security Engineer", "Application Security Engineer"],
        [
            "Protect our cloud infrastructure and applications from attacks.",
            "Run threat modelling, code review and incident response.",
        ],
        "security threat incident cloud vulnerabilities python go compliance".split(),
    ),
}
FIELD_SHARE = {
    "mlinfra": 0.12,
    "backend": 0.16,
    "devops": 0.12,
    "frontend": 0.1,
    "mobile": 0.07,
    "data": 0.1,
    "mlresearch": 0.09,
    "embedded": 0.06,
    "qa": 0.08,
    "security": 0.07,
}
LEVELS = [
    ("", "entry", 0.5),
    ("Senior ", "mid-senior", 0.25),
    ("Staff ", "mid-senior", 0.08),
    ("", "internship", 0.15),
]
CIVIL = [
    "Stripe",
    "Datadog",
    "Airbnb",
    "Tensorly",
    "Modelworks",
    "Shopify",
    "Figma",
    "Notion",
    "Snowflake",
    "Databricks",
    "Cloudflare",
    "Pinterest",
    "Lyft",
    "Dropbox",
    "Asana",
    "Plaid",
    "Ramp",
    "Scale",
    "Vercel",
    "Anyscale",
    "Weights Lab",
    "Brex",
    "Gusto",
    "Toast",
    "Instacart",
    "DoorDash",
    "Reddit",
    "Duolingo",
    "Samsara",
    "Rippling",
]
DEFENSE = [  # invented names: the simulation needs defense employers, not real ones
    "Halberd Aerospace",
    "Ravelin Systems",
    "Palisade Tactical",
    "Bulwark Dynamics",
    "Corvane Industries",
    "Trebuchet Labs",
    "Stormwall Avionics",
    "Aegiline",
]
DEFENSE_LINES = [
    "Support mission-critical defense programs for our government customers.",
    "Active security clearance required; work on defense and aerospace systems.",
]
PLACES = [
    "Seattle, WA",
    "San Francisco, CA",
    "New York, NY",
    "Austin, TX",
    "Boston, MA",
    "Remote",
    "Denver, CO",
    "Arlington, VA",
    "Chicago, IL",
    "Los Angeles, CA",
]


@dataclass
class Job:
    posting: Posting
    field: str
    level: str
    defense: bool


def generate(n: int, rng: random.Random) -> list[Job]:
    jobs: list[Job] = []
    fields = list(FIELD_SHARE)
    weights = list(FIELD_SHARE.values())
    for i in range(n):
        field = rng.choices(fields, weights)[0]
        titles, firsts, vocab = FIELDS[field]
        prefix, level, _ = rng.choices(LEVELS, [w for *_, w in LEVELS])[0]
        defense = rng.random() < 0.15
        company = rng.choice(DEFENSE if defense else CIVIL)
        title = prefix + rng.choice(titles) + (" Intern" if level == "internship" else "")
        body = [rng.choice(firsts)]
        body.append("You will work with " + ", ".join(rng.sample(vocab, 4)) + ".")
        if defense:
            body.append(rng.choice(DEFENSE_LINES))
        body.append("We value ownership, curiosity and clear writing.")
        posting = Posting(
            source="sim",
            source_id=str(i),
            url=f"https://jobs.example/{i}",
            title=title,
            company=company,
            location=rng.choice(PLACES),
            description=" ".join(body),
            employment_type="internship" if level == "internship" else "full-time",
            seniority=level,
        )
        jobs.append(Job(posting, field, level, defense))
    return jobs


def likes(job: Job) -> bool:
    """The hidden truth: ML infrastructure, not senior, never defense."""
    senior = job.posting.title.startswith(("Senior", "Staff"))
    return job.field == "mlinfra" and not job.defense and not senior


def reaction(job: Job, rng: random.Random) -> tuple[str, str | None]:
    """What the simulated user taps: 👍, or 👎 with the reason a person would give."""
    if likes(job):
        return "up", None
    if job.defense:
        return "down", rng.choice(["company", "company", None])
    if job.posting.title.startswith(("Senior", "Staff")) and job.field == "mlinfra":
        return "down", "senior"
    return "down", rng.choice(["field", "field", None])


@dataclass
class SimVote:
    vote: str
    reason: str | None
    title: str
    company: str
    location: str
    summary: str
    at: datetime


def day_picks(
    jobs: list[Job], profile: Profile, learned: LearnedWeights | None, day: int = 0
) -> list[Job]:
    scorer = LocalScorer(profile, learned)
    by_key = {j.posting.key: j for j in jobs}
    scored = [(j.posting, scorer.score(j.posting)) for j in jobs]
    cfg = LearningConfig()
    chosen = select_picks(
        scored,
        min_score=0,
        max_picks=PICKS,
        per_company=2,
        learned=learned,
        explore_share=cfg.explore_share if learned is not None else 0.0,
        explore_half_votes=cfg.explore_half_votes,
        seed=str(day),
    )
    return [by_key[p.key] for p, _ in chosen]


def simulate(
    batches: list[list[Job]], *, learning: bool, seed: int, fields: Counter[str] | None = None
) -> list[float]:
    rng = random.Random(seed)
    profile = Profile(about=ABOUT)
    votes: list[SimVote] = []
    precision = []
    for day, batch in enumerate(batches):
        now = START + timedelta(days=day)
        learned = learn(votes, profile, now=now) if learning else None
        picks = day_picks(batch, profile, learned, day)
        precision.append(sum(likes(j) for j in picks[:TOP]) / TOP)
        if fields is not None and day >= 9:
            fields.update(j.field + (" (defense)" if j.defense else "") for j in picks)
        for j in picks:
            vote, reason = reaction(j, rng)
            s = LocalScorer(profile).score(j.posting)
            votes.append(
                SimVote(
                    vote,
                    reason,
                    j.posting.title,
                    j.posting.company,
                    j.posting.location,
                    s.summary,
                    now,
                )
            )
    return precision


# -- (c) the LLM loop -------------------------------------------------------------------------
def toy_model(body: dict[str, Any]) -> str:
    """A stand-in LLM that only summarises what it is shown: the most liked kinds of role,
    the companies passed on for being the company, and a word disliked postings share."""
    prompt = body["messages"][1]["content"]
    block = prompt[prompt.rindex("<<<POSTINGS-") :]
    liked_part, disliked_part = block.split("DISLIKED", 1)
    liked_titles = Counter(
        re.sub(r"^(Senior|Staff) ", "", t).replace(" Intern", "")
        for t in re.findall(r"title: ([^|]+?) \|", liked_part)
    )
    avoided = Counter(re.findall(r"company: ([^|]+?) \|[^\n]*reason: company", disliked_part))
    lines = [f"prefers {t} roles" for t, n in liked_titles.most_common(3) if n >= 2]
    if avoided:
        lines.append("avoids companies like " + ", ".join(c for c, _ in avoided.most_common(3)))
    if disliked_part.lower().count("defense") >= 2:
        lines.append("avoids defense work")
    return json.dumps({"proposal": lines})


async def simulate_llm(batches: list[list[Job]], seed: int) -> tuple[list[float], list[str]]:
    rng = random.Random(seed)
    log: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeLLM(responder=toy_model) as fake:
            settings = Settings(  # type: ignore[call-arg]
                _env_file=None,
                jobpicks_db=Path(tmp) / "db.json",
                llm_model="openai/fake",
                llm_api_base=fake.base,
                llm_api_key="dummy",
            )
            base = default_config()
            config = base.model_copy(
                update={
                    "profile": base.profile.model_copy(
                        update={"about": ABOUT, "directives": [], "filters": Filters()}
                    )
                }
            )
            ctx = AppContext(settings=settings, config=config, store=Store(settings.jobpicks_db))
            await ctx.store.ensure_profile(config.profile.to_profile())
            precision = []
            for day, batch in enumerate(batches):
                profile = ctx.store.current_profile()
                picks = day_picks(batch, profile, feedback.learned_weights(ctx, profile), day)
                precision.append(sum(likes(j) for j in picks[:TOP]) / TOP)
                for rank, j in enumerate(picks, 1):
                    s = LocalScorer(profile).score(j.posting)
                    pick = Pick.from_scored(f"day{day + 1}", rank, j.posting, s)
                    vote, reason = reaction(j, rng)
                    await feedback.record_vote(ctx, ctx.person, pick, vote, reason)
                    proposal = await feedback.after_vote(ctx)
                    if proposal is None:
                        continue
                    text, _buttons = render_proposal(proposal)
                    new = await feedback.apply_proposal(ctx, proposal.id)
                    log.append(
                        f"day {day + 1}: proposal #{proposal.id} after {proposal.votes} votes "
                        f"→ applied as profile v{new.version} ({len(text)} chars message)"
                    )
                    if proposal.id == 1:
                        log.append("  first proposal as sent:\n    " + text.replace("\n", "\n    "))
            final = ctx.store.current_profile()
            log.append(f"learned section of v{final.version}: {final.learned}")
            async with ctx.store.transaction():
                back = ctx.store.undo_profile()
            assert back is not None
            log.append(f"undo → profile v{back.version}, learned lines: {len(back.learned)}")
            log.append(f"LLM requests made: {len(fake.requests)}")
    return precision, log


def fmt(xs: list[float]) -> str:
    return " ".join(f"{x:.1f}" for x in xs)


def lift(xs: list[float]) -> tuple[float, float, float]:
    early, late = statistics.mean(xs[:3]), statistics.mean(xs[9:14])
    return early, late, late - early


def main() -> None:
    rng = random.Random(SEED)
    pool = generate(DAYS * PER_DAY, rng)
    batches = [pool[d * PER_DAY : (d + 1) * PER_DAY] for d in range(DAYS)]
    share = sum(likes(j) for j in pool) / len(pool)
    print(
        f"pool: {len(pool)} postings, {PER_DAY}/day for {DAYS} days; "
        f"share the user would like: {share:.1%}"
    )
    print(f"stated profile: {ABOUT!r}")
    print("hidden truth: ML-infrastructure roles only, not senior/staff, never a defense company")
    seen_a: Counter[str] = Counter()
    seen_b: Counter[str] = Counter()
    runs = {
        "(a) no learning": [
            simulate(batches, learning=False, seed=s, fields=seen_a) for s in range(5)
        ],
        "(b) local learning": [
            simulate(batches, learning=True, seed=s, fields=seen_b) for s in range(5)
        ],
    }
    print("\nprecision@5 per day (mean over 5 simulated users' reason choices)")
    print(f"{'':24} " + " ".join(f"d{d + 1:<2}" for d in range(DAYS)))
    summary = {}
    for name, sims in runs.items():
        mean = [statistics.mean(day) for day in zip(*sims, strict=True)]
        summary[name] = lift(mean)
        print(f"{name:24} {fmt(mean).replace(' ', '  ')}")
    llm_precision, log = asyncio.run(simulate_llm(batches, seed=0))
    summary["(c) local + LLM loop"] = lift(llm_precision)
    print(f"{'(c) local + LLM loop':24} {fmt(llm_precision).replace(' ', '  ')}")
    print("\nmean precision@5   days 1-3   days 10-14   lift")
    for name, (early, late, delta) in summary.items():
        print(f"{name:24} {early:6.2f}   {late:8.2f}   {delta:+.2f}")
    ok_b = summary["(b) local learning"][2] >= 0.2
    ok_a = abs(summary["(a) no learning"][2]) < 0.1
    print(
        f"\ntarget: local lift ≥ +0.20 → {'met' if ok_b else 'NOT met'}; "
        f"no-learning flat (|lift| < 0.10) → {'yes' if ok_a else 'no'}"
    )
    for name, seen in (("(a)", seen_a), ("(b)", seen_b)):
        total = sum(seen.values())
        top = ", ".join(f"{f} {n / total:.0%}" for f, n in seen.most_common(4))
        print(f"{name} picks on days 10-14 by field: {top}")
    print("\nLLM path (fake OpenAI-compatible server through litellm):")
    for line in log:
        print("  " + line)


if __name__ == "__main__":
    main()
