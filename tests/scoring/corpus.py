"""Hand-built postings and profiles for the scoring tests and `bench/score.py`."""

from __future__ import annotations

import random
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scoring.profile import Filters, Profile
from scrapers.postings.posting import Posting

EXAMPLE_CONFIG = Path(__file__).resolve().parents[2] / "bot" / "data" / "jobpicks.example.toml"
NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def example_profile(version: int = 1) -> Profile:
    """The profile of the bundled example config (the one a new user starts from)."""
    data = tomllib.loads(EXAMPLE_CONFIG.read_text())["profile"]
    return Profile(
        about=data["about"],
        directives=data.get("directives", []),
        filters=Filters(**data.get("filters", {})),
        version=version,
    )


def posting(
    source_id: str,
    title: str,
    description: str = "",
    *,
    company: str = "Acme",
    location: str = "Austin, TX, United States",
    employment_type: str | None = "internship",
    seniority: str | None = None,
    remote: bool | None = None,
    source: str = "test",
) -> Posting:
    return Posting(
        source=source,
        source_id=source_id,
        url=f"https://example.test/jobs/{source_id}",
        title=title,
        company=company,
        location=location,
        posted_at=datetime.now(UTC) - timedelta(hours=3),
        employment_type=employment_type,
        seniority=seniority,
        remote=remote,
        description=description,
        fetched_at=NOW,
    )


ML_INTERN = posting(
    "ml",
    "Machine Learning Intern, Recommendations",
    "Acme builds the feed millions of people scroll every day. As an intern on the "
    "recommendations team you will train ranking models in PyTorch, run offline experiments "
    "and ship a candidate-generation model to production. You know Python and SQL; ML "
    "coursework in deep learning or recommender systems is a plus.",
    company="Streamly",
    location="San Francisco, CA, United States",
)
SWE_INTERN = posting(
    "swe",
    "Software Engineering Intern",
    "Join our platform team for the summer. You will build backend services in Go and Python, "
    "design REST APIs on Postgres, and write tests for the code you ship. We value clean "
    "code and curiosity.",
    company="Ledgerly",
    location="New York, NY, United States",
)
FIRMWARE_COOP = posting(
    "fw",
    "Firmware / Hardware Test Co-op",
    "Our hardware validation lab needs a co-op to write test plans for embedded firmware, "
    "automate bench tests with Python, debug PCB bring-up with oscilloscopes and run "
    "environmental testing on prototype boards. Hardware test experience preferred.",
    company="VoltWorks",
    location="Boston, MA, United States",
)


_TOPICS = [
    ("Machine Learning Intern", "train models in PyTorch for ranking and recommendations"),
    ("Software Engineer Intern", "build backend services in Go and Postgres"),
    ("Data Science Intern", "analyse experiments with SQL and Python notebooks"),
    ("Firmware Engineering Co-op", "write embedded firmware and hardware test plans"),
    ("Frontend Engineer Intern", "build React and TypeScript interfaces"),
    ("ML Infrastructure Intern", "run Kubernetes training clusters and data pipelines"),
    ("QA Test Intern", "write manual test cases and validation reports"),
    ("Backend Engineer, New Grad", "scale distributed systems handling payments"),
    ("Research Intern, Recommender Systems", "publish on learning to rank and recsys"),
    ("Hardware Engineering Intern", "design PCB layouts and bring up boards"),
]
_FILLER = (
    "We are a fast-growing company with a strong culture of ownership. Our team ships weekly "
    "and cares about users. Benefits include housing support, mentorship, and a stipend. "
    "We welcome applicants from all backgrounds and provide accommodations on request. "
)


def generated(n: int, seed: int = 7, filler: int = 4) -> list[Posting]:
    """`n` varied, realistic-length postings (deterministic for a seed)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        title, duty = _TOPICS[i % len(_TOPICS)]
        company = f"Company {rng.randint(1, 200)}"
        desc = (
            f"{company} is hiring. As a {title.lower()} you will {duty}. "
            + _FILLER * rng.randint(1, filler)
            + f"Requirements: {duty}; strong communication. Posting #{i}."
        )
        out.append(
            posting(
                f"g{i}",
                title,
                desc,
                company=company,
                location=rng.choice(["Seattle, WA", "Austin, TX", "Remote", "New York, NY"]),
                employment_type="internship"
                if "Intern" in title or "Co-op" in title
                else "full-time",
                source="bench",
            )
        )
    return out
