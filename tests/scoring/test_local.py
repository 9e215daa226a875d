"""The local scorer on hand-built postings: orderings, vetoes, rules, learned weights."""

from __future__ import annotations

import random

from scoring.learning import MAX_NUDGE
from scoring.local import LocalScorer, summarise, tokens
from scoring.models import LearnedWeights
from scoring.profile import Filters, Profile
from tests.scoring.corpus import (
    FIRMWARE_COOP,
    ML_INTERN,
    SWE_INTERN,
    example_profile,
    generated,
    posting,
)

PLAIN = Profile(
    about="Interested in machine learning and recommender systems. Skills: Python, SQL.",
    filters=Filters(employment_types=["internship", "full-time"]),
)


def test_example_profile_orders_ml_then_software_then_firmware():
    scorer = LocalScorer(example_profile())
    ml, swe, fw = (scorer.score(p) for p in (ML_INTERN, SWE_INTERN, FIRMWARE_COOP))
    assert ml.score > swe.score > fw.score
    assert ml.score >= 70 and fw.score < 30
    assert "machine learning" in ml.reason and "recommender systems" in ml.reason
    assert "Against" in fw.reason and "firmware" in fw.reason
    assert "Against" not in ml.reason


def test_abbreviation_ml_counts_as_machine_learning():
    scorer = LocalScorer(PLAIN)
    ml = scorer.score(posting("a", "ML Engineer Intern", "Ship models."))
    other = scorer.score(posting("b", "Marketing Intern", "Ship campaigns."))
    assert ml.score > other.score
    assert "machine learning" in ml.reason


def test_title_match_beats_a_mention_in_the_description():
    scorer = LocalScorer(PLAIN)
    titled = scorer.score(posting("a", "Recommender Systems Intern", "Work on the product."))
    mentioned = scorer.score(
        posting("b", "Product Intern", "Work near the recommender systems team.")
    )
    assert titled.score > mentioned.score


def test_more_matching_skills_rank_higher_but_saturate():
    scorer = LocalScorer(PLAIN)
    base = "Build features for the machine learning platform."
    one = scorer.score(posting("a", "Intern", base))
    more = scorer.score(posting("b", "Intern", base + " Python and SQL daily."))
    spam = scorer.score(posting("c", "Intern", base + " Python SQL" * 200))
    assert more.score > one.score
    assert spam.score - more.score < 10  # keyword stuffing does not pay much


def test_unwanted_field_counts_against():
    scorer = LocalScorer(example_profile())
    clean = scorer.score(posting("a", "Backend Intern", "Build Python services on Postgres."))
    qa = scorer.score(posting("b", "Backend QA Intern", "Build Python services on Postgres."))
    assert qa.score < clean.score
    assert "QA in the title" in qa.reason


def test_vetoes_give_zero_whatever_matched():
    profile = example_profile()
    profile.filters.blocked_companies = ["Streamly"]
    scorer = LocalScorer(profile)
    blocked = scorer.score(ML_INTERN)
    senior = scorer.score(posting("s", "Senior Machine Learning Engineer", "Recommender systems."))
    far = scorer.score(
        posting("f", "Machine Learning Intern", "Ranking.", location="Berlin, Germany")
    )
    for s, why in ((blocked, "blocked company"), (senior, "title word"), (far, "location")):
        assert s.score == 0
        assert why in s.reason


def test_employment_type_and_seniority_rules():
    profile = Profile(
        about="Interested in machine learning.",
        filters=Filters(
            employment_types=["internship", "full-time"], levels=["internship", "entry"]
        ),
    )
    scorer = LocalScorer(profile)
    intern = scorer.score(posting("a", "Machine Learning Intern", "Models.", employment_type=None))
    full = scorer.score(
        posting("b", "Machine Learning Engineer", "Models.", employment_type="full-time")
    )
    lead = scorer.score(
        posting("c", "Lead Machine Learning Engineer", "Models.", employment_type="full-time")
    )
    assert intern.score > full.score > lead.score
    assert "internship" in intern.reason  # inferred from the title
    assert "lead level" in lead.reason


def test_learned_weights_nudge_and_are_cited():
    p = posting("a", "Data Intern", "Recommender systems work at Streamly.", company="Streamly")
    plain = LocalScorer(PLAIN).score(p)
    learned = LearnedWeights(
        terms={"recommender systems": 6.0},
        companies={"Streamly Inc.": 4.0},
        liked={"recommender systems": 3},
    )
    nudged = LocalScorer(PLAIN, learned).score(p)
    assert nudged.score == min(100, plain.score + 10)
    assert "you liked 3 recommender systems roles" in nudged.reason
    disliked = LocalScorer(PLAIN, LearnedWeights(terms={"data": -8.0}, disliked={"data": 2}))
    worse = disliked.score(p)
    assert worse.score == plain.score - 8
    assert "you passed on 2 data roles" in worse.reason


def test_learned_nudge_is_capped():
    p = posting("a", "Data Intern", "python sql spark airflow")
    plain = LocalScorer(PLAIN).score(p).score
    huge = LearnedWeights(terms={w: 20.0 for w in ("python", "sql", "spark", "airflow")})
    assert LocalScorer(PLAIN, huge).score(p).score == min(100, plain + MAX_NUDGE)


def test_deterministic_across_instances_and_order():
    profile = example_profile()
    postings = generated(60)
    first = [LocalScorer(profile).score(p).model_dump() for p in postings]
    shuffled = postings[:]
    random.Random(3).shuffle(shuffled)
    scorer = LocalScorer(profile)
    again = {p.key: scorer.score(p).model_dump() for p in shuffled}
    assert first == [again[p.key] for p in postings]


def test_summary_prefers_a_sentence_about_the_role():
    p = posting(
        "a",
        "Ranking Intern",
        "Acme was founded in 1999 and has offices worldwide. "
        "As an intern you will build ranking models for search. Apply now!",
    )
    assert summarise(p) == "As an intern you will build ranking models for search."
    assert (
        summarise(posting("b", "Ranking Intern", "", company="Acme")) == "Ranking Intern at Acme."
    )
    long = summarise(posting("c", "X", "word " * 100 + "."))
    assert len(long) <= 160 and long.endswith("…")


def test_tokens_split_slashes_and_stem_plurals():
    assert tokens("AI/ML Systems, C++ and node.js") == [
        "ai",
        "ml",
        "system",
        "c++",
        "and",
        "node.js",
    ]


def test_same_scores_and_reasons_in_every_process():
    """No set or dict order leaks into a score or a reason: string hashing differs per
    process (PYTHONHASHSEED), so the same postings are scored under several seeds."""
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import hashlib\n"
        "from datetime import UTC, datetime\n"
        "from types import SimpleNamespace as V\n"
        "from scoring.learning import learn\n"
        "from scoring.local import LocalScorer\n"
        "from tests.scoring.corpus import example_profile, generated\n"
        "now = datetime(2026, 3, 2, tzinfo=UTC)\n"
        "posts = generated(300)\n"
        "votes = [V(vote='up' if i % 3 else 'down', reason=[None, 'location', 'senior', 'field'][i % 4],\n"
        "           title=p.title, company=p.company, location=p.location,\n"
        "           summary=p.description[:200], at=now) for i, p in enumerate(posts[:40])]\n"
        "profile = example_profile()\n"
        "scorer = LocalScorer(profile, learn(votes, profile, now=now))\n"
        "out = '\\n'.join(f'{p.key} {s.score} {s.reason}' for p in posts for s in [scorer.score(p)])\n"
        "print(hashlib.sha256(out.encode()).hexdigest())\n"
    )
    root = Path(__file__).resolve().parents[2]
    digests = set()
    for seed in ("0", "1", "2"):
        out = subprocess.run(
            [sys.executable, "-c", code],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=60,
            env={"PYTHONPATH": str(root), "PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        assert out.returncode == 0, out.stderr
        digests.add(out.stdout.strip())
    assert len(digests) == 1
