"""Same job or not: board ids, URL variants, cross-board identity, cross-day fingerprints."""

from __future__ import annotations

from scrapers.dedup import (
    canonical_url,
    dedup,
    find_real_employer,
    fingerprint,
    is_aggregator,
    normalise_company,
    normalise_location,
)
from scrapers.postings.posting import Posting

DESC = "Build data services in Python and Postgres for a fleet of warehouse robots. " * 3


def post(source: str, sid: str, company: str = "Acme, Inc.", title: str = "Backend Engineer Intern",
         location: str = "Austin, TX", url: str | None = None, description: str = DESC, **kw: object) -> Posting:  # fmt: skip
    return Posting(
        source=source, source_id=sid, url=url or f"https://{source}.example/{sid}", title=title,
        company=company, location=location, description=description, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def test_company_names_normalise() -> None:
    assert normalise_company("Acme, Inc.") == normalise_company("ACME") == "acme"
    assert normalise_company("The Acme Company LLC") == "acme"
    assert normalise_company("Procter & Gamble") == normalise_company("Procter and Gamble")
    assert normalise_company("Société Générale") == "societe generale"


def test_locations_normalise_to_the_city() -> None:
    assert (
        normalise_location("Austin, TX, United States")
        == normalise_location("Austin, Texas")
        == "austin"
    )
    assert normalise_location("Greater Seattle Area") == "seattle"
    assert normalise_location("New York City Metropolitan Area") == normalise_location(
        "New York, NY"
    )
    assert (
        normalise_location("Remote - US")
        == normalise_location("United States (Remote)")
        == "remote"
    )


def test_linkedin_url_variants_are_one_listing() -> None:
    a = "https://www.linkedin.com/jobs/view/3912345678/?refId=x&trackingId=y"
    b = "https://uk.linkedin.com/jobs/view/backend-intern-at-acme-3912345678?position=3&pageNum=0"
    c = "https://www.linkedin.com/jobs/search/?currentJobId=3912345678&geoId=1"
    assert (
        canonical_url(a)
        == canonical_url(b)
        == canonical_url(c)
        == "https://www.linkedin.com/jobs/view/3912345678"
    )
    assert (
        canonical_url("https://www.indeed.com/viewjob?jk=abc&from=serp")
        == "https://www.indeed.com/viewjob?jk=abc"
    )
    # Postings stored under URL variants, from a source that kept the slug as id, collapse.
    p1 = post("linkedin", "3912345678", url=a, title="A")
    p2 = post(
        "linkedin", "backend-intern-at-acme-3912345678", url=b, title="B", location="Elsewhere"
    )
    unique, dropped = dedup([p1, p2])
    assert len(unique) == 1 and dropped == 1


def test_same_job_on_two_boards_is_one() -> None:
    li = post("linkedin", "1", company="ACME", description="")
    gh = post("greenhouse", "acme:9", company="Acme, Inc.", location="Austin, Texas, United States",
              employment_type="internship")  # fmt: skip
    unique, dropped = dedup([li, gh])
    assert dropped == 1 and len(unique) == 1
    kept = unique[0]
    assert kept.key == "linkedin:1"  # the first copy is the identity, stable from day to day
    assert kept.description == DESC and kept.employment_type == "internship"  # borrowed


def test_kept_copy_borrows_missing_fields() -> None:
    li = post("linkedin", "1", salary="$40/hr", seniority="internship")
    gh = post("greenhouse", "acme:9", description=DESC + " More.", employment_type="internship")
    (kept,), _ = dedup([li, gh])
    assert (kept.salary, kept.seniority, kept.employment_type) == (
        "$40/hr",
        "internship",
        "internship",
    )


def test_different_city_is_a_different_job() -> None:
    unique, dropped = dedup([post("linkedin", "1"), post("indeed", "k", location="Boston, MA")])
    assert dropped == 0 and len(unique) == 2
    assert fingerprint(unique[0]) != fingerprint(unique[1])


def test_relisted_with_new_id_is_not_new_across_days() -> None:
    yesterday = post("linkedin", "111", company="Acme Inc")
    today = post("linkedin", "222", company="ACME", description=DESC.replace("  ", " "))
    assert fingerprint(yesterday) == fingerprint(today)
    # Same company/title/city with a different description is a new opening.
    next_season = post(
        "linkedin", "333", description="Summer 2027 cohort: robotics perception in C++."
    )
    assert fingerprint(next_season) != fingerprint(yesterday)


def test_fingerprint_ignores_formatting_of_the_description() -> None:
    a = post("linkedin", "1", description="Build data services.\n- Python\n- Postgres")
    b = post("greenhouse", "g:1", description="Build data services. • Python • Postgres")
    assert fingerprint(a) == fingerprint(b)


def test_aggregators_keep_the_posting_and_name_the_employer() -> None:
    assert is_aggregator("Jobs via Dice") and is_aggregator("myGwork - LGBTQ+ Business Community")
    assert is_aggregator("ChatGPT Jobs") and not is_aggregator("Acme Robotics")
    mygwork = post("linkedin", "5", company="myGwork - LGBTQ+ Business Community",
                   description="This job is with Acme Robotics, an inclusive employer and a member of myGwork.")  # fmt: skip
    dice = post("linkedin", "6", company="Jobs via Dice", title="Data Intern",
                description="Dice is the leading career destination for tech experts. Our client, Initech, is hiring.")  # fmt: skip
    nameless = post(
        "linkedin", "7", company="ChatGPT Jobs", title="ML Intern", description="Great job for you."
    )
    unique, dropped = dedup([mygwork, dice, nameless])
    assert dropped == 0
    assert [p.real_employer for p in unique] == ["Acme Robotics", "Initech", None]
    assert (
        find_real_employer(post("x", "1", description="Company: Globex Corporation\nRole: intern"))
        == "Globex Corporation"
    )


def test_aggregator_copy_meets_the_employers_own_listing() -> None:
    own = post("greenhouse", "acme:1", company="Acme Robotics")
    via = post("linkedin", "9", company="myGwork",
               description="This job is with Acme Robotics, an inclusive employer. " + DESC)  # fmt: skip
    unique, dropped = dedup([own, via])
    assert dropped == 1 and len(unique) == 1


def test_same_board_id_twice_is_one() -> None:
    unique, dropped = dedup([post("indeed", "k1"), post("indeed", "k1", title="Other")])
    assert len(unique) == 1 and dropped == 1


def test_nameless_postings_do_not_swallow_each_other() -> None:
    a = post("sample", "1", company="", url="")
    b = post("sample", "2", company="", url="")
    assert len(dedup([a, b])[0]) == 2


def test_jobs_told_apart_only_by_a_query_parameter_stay_apart() -> None:
    """Greenhouse boards embedded in a careers site give every job the same page + `gh_jid`."""
    a = post("greenhouse", "acme:101", title="Data Engineer Intern",
             url="https://www.acme.com/careers/?gh_jid=101&gh_src=abc")  # fmt: skip
    b = post("greenhouse", "acme:102", title="Security Engineer Intern",
             url="https://www.acme.com/careers/?gh_jid=102")  # fmt: skip
    kept, dropped = dedup([a, b])
    assert dropped == 0 and [p.key for p in kept] == [a.key, b.key]
    # Tracking parameters alone still do not make a new listing.
    assert canonical_url("https://www.acme.com/careers/?gh_jid=101&utm_source=x&gh_src=y") == (
        canonical_url("https://acme.com/careers?gh_jid=101")
    )
    assert canonical_url("https://jobs.lever.co/acme/42?lever-source=LinkedIn") == (
        canonical_url("https://jobs.lever.co/acme/42/")
    )
