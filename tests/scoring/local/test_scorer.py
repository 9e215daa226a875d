"""The local scorer on hand-built postings: orderings, rules, learned weights (vetoes: the
hard filters' tests)."""

from __future__ import annotations

import random

from scoring.learning import MAX_NUDGE
from scoring.local.scorer import SAYS_WHY_FROM, TOP_SCORE, LocalScorer, summarise, tokens
from scoring.models import LearnedLine, LearnedWeights
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

    def lines(**weights: tuple[str, str, int, int, float]) -> LearnedWeights:
        return LearnedWeights(
            features={
                fid: LearnedLine(id=fid, words=w, group=g, ups=u, downs=d, weight=x)
                for fid, (w, g, u, d, x) in weights.items()
            }
        )

    liked = lines(**{"employer:streamly": ("Streamly", "employer", 3, 0, 10.0)})
    nudged = LocalScorer(PLAIN, liked).score(p)
    assert nudged.score == min(100, plain.score + 10)
    assert "you liked 3 roles at Streamly" in nudged.reason
    disliked = lines(**{"type:internship": ("internship", "type", 0, 2, -8.0)})
    worse = LocalScorer(PLAIN, disliked).score(p)
    assert worse.score == plain.score - 8
    assert "you passed on 2 internship roles" in worse.reason


def test_learned_nudge_is_capped():
    p = posting("a", "Data Intern", "python sql spark airflow", company="Streamly")
    plain = LocalScorer(PLAIN).score(p).score
    huge = LearnedWeights(
        features={
            fid: LearnedLine(id=fid, words=fid, group="field", ups=9, weight=40.0)
            for fid in ("employer:streamly", "type:internship")
        }
    )
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
    # A whole sentence, however long a line it makes (an export shows it all) …
    sentence = "As an intern you will " + "build and test " * 12 + "ranking models."
    assert summarise(posting("d", "Ranking Intern", sentence)) == sentence
    # … and only a run-on past 400 characters is cut.
    long = summarise(posting("c", "X", "word " * 100 + "."))
    assert len(long) <= 400 and long.endswith("…")


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
        "from scoring.local.scorer import LocalScorer\n"
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
    root = Path(__file__).resolve().parents[3]
    # Side by side: each process reads the gazetteer once, and none waits for another.
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={"PYTHONPATH": str(root), "PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        for seed in ("0", "1", "2")
    ]
    digests = set()
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        digests.add(out.strip())
    assert len(digests) == 1


# -- understanding a profile (issue 10): a seeker is only their own words -----------------------
def card(title: str, company: str = "Acme", location: str = "Austin, TX", desc: str = ""):
    """A posting as a search card shows it: title, company, place (no description)."""
    return posting(title, title, desc, company=company, location=location, employment_type=None)


FRONTEND = Profile(
    about="Looking for a frontend or full-stack web internship (TypeScript, React). Prefers "
    "Seattle or the Pacific Northwest; remote in the US is fine. Not interested in embedded, "
    "hardware or finance roles.",
    filters=Filters(employment_types=["internship"]),
)
QUANT = Profile(
    about="Master's student looking for a quantitative trading or quantitative research "
    "internship at a trading firm, hedge fund or bank. Prefers New York or Chicago. Not "
    "interested in accounting or audit.",
    filters=Filters(employment_types=["internship"]),
)


def test_meaning_not_only_words():
    fe = LocalScorer(FRONTEND)
    assert fe.score(card("React Developer Intern")).score > fe.score(card("Marketing Intern")).score
    q = LocalScorer(QUANT)
    trader = q.score(card("Trader Intern", location="Chicago, IL"))
    generic = q.score(card("Software Engineer Intern", location="Chicago, IL"))
    assert trader.score > generic.score + 20
    ml = LocalScorer(Profile(about="Interested in recommender systems."))
    assert ml.score(card("Personalization Intern")).score > ml.score(card("Payroll Intern")).score


def test_less_interested_in_counts_against_never_for():
    scorer = LocalScorer(Profile(about="Backend internships. Less interested in firmware."))
    unsaid = LocalScorer(Profile(about="Backend internships."))
    fw = scorer.score(card("Firmware Intern"))
    assert fw.score < unsaid.score(card("Firmware Intern")).score - 5
    assert fw.score < scorer.score(card("Backend Intern")).score - 30
    assert "Firmware in the title" in fw.reason and "Against" in fw.reason


def test_a_learned_company_line_is_about_that_company_only():
    base = Profile(about="Backend engineering internships.")
    learned = base.model_copy(update={"learned": ["avoids companies like Ravelin Systems"]})
    before, after = LocalScorer(base), LocalScorer(learned)
    other = card("Distributed Systems Intern", company="Acme Systems")
    ravelin = card("Backend Intern", company="Ravelin Systems")
    assert after.score(other).score == before.score(other).score
    assert after.score(ravelin).score < before.score(ravelin).score - 10
    assert "Ravelin Systems (you avoid it)" in after.score(ravelin).reason


def test_the_employer_counts_when_the_seeker_names_its_kind():
    q = LocalScorer(QUANT)
    at_firm = q.score(card("Software Developer Intern", company="Jane Street", location="NYC"))
    at_shop = q.score(card("Software Developer Intern", company="Acme Retail", location="NYC"))
    assert at_firm.score > at_shop.score + 15
    assert "Jane Street is a trading firm" in at_firm.reason
    unknown = card("Software Developer Intern", company="Zyxw Labs", location="NYC")
    assert q.score(unknown).score == at_shop.score  # unknown employers are neutral
    no_defense = LocalScorer(Profile(about="Backend internships. Avoid defense contractors."))
    assert (
        no_defense.score(card("Backend Intern", company="Lockheed Martin")).score
        < no_defense.score(card("Backend Intern", company="Acme")).score - 20
    )


def test_places_regions_countries_and_remote():
    fe = LocalScorer(FRONTEND)
    pnw = fe.score(card("Frontend Intern", location="Portland, OR"))
    elsewhere = fe.score(card("Frontend Intern", location="Austin, TX"))
    remote_us = fe.score(card("Frontend Intern", location="Remote in USA"))
    abroad = fe.score(card("Frontend Intern", location="London, UK"))
    assert pnw.score > remote_us.score > elsewhere.score > abroad.score
    assert "Pacific Northwest" in pnw.reason and "outside the US" in abroad.reason


def test_eligibility_sponsorship_clearance_and_level():
    visa = LocalScorer(
        Profile(about="International student who needs visa sponsorship. Data analyst internships.")
    )
    plain = card("Data Analyst Intern", desc="Sponsorship: Other")
    refused = card("Data Analyst Intern ", desc="Sponsorship: Does Not Offer Sponsorship")
    assert visa.score(refused).score < visa.score(plain).score - 20
    assert "no visa sponsorship" in visa.score(refused).reason
    cleared = LocalScorer(
        Profile(about="Security internships. US citizen, can obtain a clearance.")
    )
    assert (
        cleared.score(card("Security Intern - Clearance Required")).score
        >= cleared.score(card("Security Intern")).score
    )
    undergrad = LocalScorer(
        Profile(about="Undergraduate looking for machine learning internships.")
    )
    phd = undergrad.score(card("Machine Learning Intern (PhD)"))
    assert phd.score < undergrad.score(card("Machine Learning Intern")).score
    assert "level phd" in phd.reason


def test_intern_sre_is_an_internship():
    scorer = LocalScorer(
        Profile(about="Cloud infrastructure.", filters=Filters(employment_types=["internship"]))
    )
    s = scorer.score(card("Software Engineer Intern-SRE"))
    assert "internship" in s.reason and "cloud" in s.reason.lower()


def test_spread_makes_min_score_mean_something():
    ml = LocalScorer(
        Profile(
            about="Looking for a machine learning internship, ideally recommender systems. "
            "Prefers the Bay Area. Not interested in hardware roles.",
            filters=Filters(employment_types=["internship"]),
        )
    )
    great = ml.score(card("Machine Learning Intern, Recommendations", location="Palo Alto, CA"))
    generic = ml.score(card("Software Engineer Intern", location="Austin, TX"))
    off = ml.score(card("Accounting Intern", location="Austin, TX"))
    unwanted = ml.score(card("Hardware Engineering Intern", location="Austin, TX"))
    assert great.score >= 85
    assert 45 <= generic.score <= 65
    assert off.score < 30 and unwanted.score < 30
    assert "Matches machine learning" in great.reason and "in the Bay Area" in great.reason
    assert "Against: Hardware in the title" in unwanted.reason


def test_remote_in_the_us_is_not_remote_anywhere():
    us = LocalScorer(Profile(about="Backend internships. Remote in the US is fine."))
    assert (
        us.score(card("Backend Intern", location="Remote - US")).score
        > us.score(card("Backend Intern", location="Remote - Canada")).score
    )
    assert "outside the US" in us.score(card("Backend Intern", location="Remote - Canada")).reason
    anywhere = LocalScorer(Profile(about="Backend internships, fully remote is fine."))
    assert (
        anywhere.score(card("Backend Intern", location="Remote - Canada")).score
        == anywhere.score(card("Backend Intern", location="Remote - US")).score
    )


def test_a_country_is_not_a_city():
    de = LocalScorer(Profile(about="Looking for backend internships in Germany."))
    berlin = de.score(card("Backend Intern", location="Berlin, Germany"))
    munich = de.score(card("Backend Intern", location="Munich, Germany"))
    boston = de.score(card("Backend Intern", location="Boston, MA"))
    assert berlin.score == munich.score > boston.score
    city = LocalScorer(Profile(about="Looking for backend internships in Berlin."))
    assert (
        city.score(card("Backend Intern", location="Berlin, Germany")).score
        > city.score(card("Backend Intern", location="Munich, Germany")).score
    )


def test_senior_abbreviations_are_read_as_senior():
    scorer = LocalScorer(
        Profile(
            about="Data engineering.",
            filters=Filters(levels=["internship", "entry"]),
        )
    )
    sr = scorer.score(card("Sr. Data Engineer"))
    assert "senior level" in sr.reason
    assert sr.score < scorer.score(card("Data Engineer")).score - 20


def test_interests_the_field_map_does_not_know_still_count():
    scorer = LocalScorer(
        Profile(about="Looking for a wildlife conservation internship; strong in data analysis.")
    )
    wildlife = scorer.score(card("Wildlife Conservation Intern"))
    analyst = scorer.score(card("Data Analyst Intern"))
    assert wildlife.score > scorer.score(card("Software Engineer Intern")).score + 10
    assert wildlife.score > scorer.score(card("Marketing Intern")).score + 5
    assert analyst.score - wildlife.score < 10  # a skills list does not outrank the interest
    assert "wildlife" in wildlife.reason


BACKEND_SG = Profile(
    about="Backend engineer with four years' experience (Java, Kafka, PostgreSQL). Singapore "
    "citizen looking for a mid-level or senior backend role in Singapore. Not interested in "
    "front-end-only, QA or pure data-science roles."
)


def full_time(title: str, location: str = "Singapore", desc: str = "", **kw):
    kw.setdefault("employment_type", "full-time")
    return posting(title, title, desc, location=location, **kw)


def test_an_off_field_job_stays_off_field_wherever_it_is():
    s = LocalScorer(BACKEND_SG)
    warehouse = s.score(full_time("Warehouse Operator"))
    abroad = s.score(full_time("Senior Backend Engineer", "Kuala Lumpur, Malaysia"))
    assert warehouse.score < 15  # in Singapore, but nothing like the job they want
    assert abroad.score > warehouse.score  # their job, in a country they did not ask for
    assert "needs Malaysia work rights" in abroad.reason


def test_ruling_out_front_end_only_or_pure_data_science_spares_the_neighbours():
    s = LocalScorer(BACKEND_SG)
    backend = s.score(full_time("Senior Backend Engineer")).score
    for title in ("Senior Full Stack Engineer", "Senior Software Engineer (AI Platform)"):
        assert s.score(full_time(title)).score >= backend - 20, title
        assert "Against" not in s.score(full_time(title)).reason, title
    front = s.score(full_time("Frontend Engineer"))
    tester = s.score(full_time("Software Tester"))
    assert front.score < backend - 30 and "Frontend in the title" in front.reason
    assert tester.score < backend - 30 and "Tester in the title" in tester.reason


def test_a_citizen_who_only_prefers_a_place_is_not_barred_abroad():
    s = LocalScorer(
        Profile(
            about="Cybersecurity student looking for a security internship. Prefers the "
            "Washington DC area; US citizen.",
            filters=Filters(employment_types=["internship"]),
        )
    )
    home = s.score(card("Security Engineering Intern", location="Arlington, VA"))
    abroad = s.score(card("Cybersecurity Intern", location="Toronto, ON, Canada"))
    assert home.score > abroad.score > 50
    assert "outside the US" in abroad.reason and "work rights" not in abroad.reason


def test_a_contract_is_a_small_mismatch_unless_the_person_asks_for_one():
    s = LocalScorer(BACKEND_SG)
    open_ended = s.score(full_time("Senior Backend Engineer")).score
    contract = s.score(full_time("Senior Backend Engineer", employment_type="contract"))
    assert 0 < open_ended - contract.score <= 8 and "contract" in contract.reason
    happy = LocalScorer(BACKEND_SG.model_copy(update={"directives": ["Contract roles are fine."]}))
    assert happy.score(full_time("Senior Backend Engineer", employment_type="contract")).score >= (
        happy.score(full_time("Senior Backend Engineer")).score
    )


def test_a_level_off_job_stays_off_however_many_words_it_shares():
    s = LocalScorer(BACKEND_SG)
    words = "Backend services in Java and Kafka on PostgreSQL, microservices, REST APIs. " * 3
    right = s.score(full_time("Senior Backend Engineer", desc=words))
    head = s.score(full_time("Director of Backend Engineering", desc=words, seniority="director"))
    assert right.score - head.score >= 20 and "above you" in head.reason


def test_tools_a_person_uses_are_not_jobs_they_want():
    lead = LocalScorer(
        Profile(
            about="Technical support team lead (troubleshooting with SQL and APIs, Zendesk). I "
            "want to move into an implementation or customer success role in Brisbane."
        )
    )
    implementation = lead.score(full_time("Implementation Specialist", "Brisbane QLD")).score
    backend = lead.score(full_time("Backend API Developer", "Brisbane QLD")).score
    assert implementation > 75 > backend + 35


def test_a_technical_employer_lends_its_field_to_technical_jobs_more_than_others():
    s = LocalScorer(
        Profile(
            about="Looking for a security internship.",
            filters=Filters(employment_types=["internship"]),
        )
    )
    dev = s.score(card("Software Engineer Intern", company="CrowdStrike")).score
    marketing = s.score(card("Growth Marketing Intern", company="CrowdStrike")).score
    elsewhere = s.score(card("Growth Marketing Intern", company="Acme Foods")).score
    assert dev > marketing > elsewhere


def test_typography_and_accents_read_as_their_plain_letters():
    s = LocalScorer(BACKEND_SG)
    fancy = full_time(
        "Senior Backend Engineer – Zürich’s Café Team",
        desc="We’re hiring: “backend” services in Java™ and Kafka — 5+ years’ experience. £50k.",
    )
    plain = full_time(
        "Senior Backend Engineer - Zurich's Cafe Team",
        desc="We're hiring: \"backend\" services in JavaTM and Kafka - 5+ years' experience. 50k.",
    )
    a, b = s.score(fancy), s.score(plain)
    assert a.score == b.score and a.reason == b.reason


def test_a_score_worth_showing_says_why_and_100_is_kept_for_a_perfect_match():
    # Issue 22: "68/100 … Why: Little overlap with your profile", and two picks at 100/100.
    scorer = LocalScorer(example_profile())
    verdicts = [scorer.score(p) for p in generated(400, seed=11)]
    assert max(v.score for v in verdicts) <= TOP_SCORE < 100
    shown = [v for v in verdicts if v.score >= SAYS_WHY_FROM]
    assert shown and not [v.reason for v in shown if v.reason.startswith("Little overlap")]
    # No word of the profile in it, yet a field near what they want: the reason names it.
    near = posting("de1", "Data Engineering Intern", "Build pipelines.", location="Remote - US")
    verdict = scorer.score(near)
    assert verdict.score >= SAYS_WHY_FROM
    assert verdict.reason.startswith("A data engineering role"), verdict.reason
