from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.services.digest import escape_md, render_digest
from bot.store.records import Pick
from scrapers.postings.posting import Pay

GOLDEN = Path(__file__).parent / "golden" / "digest.md"


def _pick(rank: int, score: int, **kw) -> Pick:
    base = dict(
        day="2026-03-02",
        key=f"linkedin:{rank}",
        rank=rank,
        score=score,
        scorer="local",
        profile_version=1,
        source="linkedin",
        reason="r",
        summary="s",
        title="t",
        company="c",
        location="l",
        url=f"https://www.linkedin.com/jobs/view/{rank}",
    )
    return Pick(**(base | kw))


def test_digest_matches_golden_file():
    picks = [
        _pick(
            2,
            71,
            title="ML Intern [Summer 2027] *Remote* _urgent_",
            company="R&D <Labs>",
            location="Remote - US",
            url="https://jobs.lever.co/x/a b(1)",
            reason="Matches machine learning, pytorch | python.",
            summary="Forecasting `models` for\nlogistics.",
            workplace="remote",
            posted_at=datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
        ),
        _pick(
            1,
            88,
            title="Backend Engineer Intern",
            company="Acme Robotics",
            location="Austin, TX",
            url="https://www.linkedin.com/jobs/view/1234567890",
            reason="Backend internship using Python and Postgres, matches the stated stack and location.",
            summary="Summer internship building data services for a warehouse-robot fleet.",
            posted_at=datetime(2026, 2, 27, 15, 0, tzinfo=UTC),
            pay=Pay(min=40, max=50, interval="hour", currency="USD"),
            employment_type="internship",
            workplace="onsite",
            apply_url="https://careers.acme.example/apply?job=42",
        ),
    ]
    assert render_digest("2026-03-02", picks) == GOLDEN.read_text(encoding="utf-8")


def test_best_score_first_and_empty_day():
    text = render_digest("2026-03-03", [_pick(1, 60, title="A"), _pick(2, 90, title="B")])
    assert text.index("[B]") < text.index("[A]")
    assert render_digest("2026-03-03", []) == "# Daily Job Picks - 2026-03-03\n\nNo picks today.\n"


def test_a_pick_a_rescore_dropped_leaves_the_digest():
    dropped = _pick(2, 90, title="B").model_copy(update={"dropped": "no longer among the best"})
    text = render_digest("2026-03-03", [_pick(1, 60, title="A"), dropped])
    assert "[A]" in text and "[B]" not in text


def test_a_bracket_cannot_break_the_link():
    assert escape_md("a]b[c") == r"a\]b\[c"
    assert escape_md("x\n  y") == "x y"


def test_a_posting_with_no_employer_name_has_no_empty_company_field():
    """It rendered "**Company:**  |"."""
    text = render_digest("2026-03-03", [_pick(1, 70, company="  ")])
    assert "**Company:**" not in text
    assert "**Location:** l | **Score:** 70/100" in text


def test_only_http_links_are_links_and_the_apply_link_only_when_it_differs():
    text = render_digest(
        "2026-03-03",
        [
            _pick(1, 70, title="Bad", url="javascript:alert(1)", apply_url="javascript:alert(2)"),
            _pick(2, 60, title="Same", apply_url="https://www.linkedin.com/jobs/view/2"),
        ],
    )
    assert "javascript:" not in text
    assert "## Bad\n" in text
    assert "[Apply]" not in text


def test_posted_age_counts_from_the_digest_day():
    def age(posted: datetime) -> str:
        return render_digest("2026-03-03", [_pick(1, 70, posted_at=posted)])

    assert "**Posted:** today" in age(datetime(2026, 3, 3, 7, tzinfo=UTC))
    assert "**Posted:** 1 day ago" in age(datetime(2026, 3, 2, 23, tzinfo=UTC))
    assert "**Posted:** 12 days ago" in age(datetime(2026, 2, 19, tzinfo=UTC))


def test_posted_age_reads_the_posting_date_in_the_persons_timezone():
    # 18:45 UTC on 2 March is 00:15 on 3 March in Kolkata: on the 3rd there, that posting is
    # today's, not "1 day ago" (its UTC date is the day before).
    posted = datetime(2026, 3, 2, 18, 45, tzinfo=UTC)
    kolkata = ZoneInfo("Asia/Kolkata")
    assert "**Posted:** today" in render_digest(
        "2026-03-03", [_pick(1, 70, posted_at=posted)], kolkata
    )
    # West of UTC the other way: 01:00 UTC on 2 March is 17:00 on 1 March in Los Angeles, so on
    # the 2nd there the posting is a day old, not today's.
    la = ZoneInfo("America/Los_Angeles")
    older = datetime(2026, 3, 2, 1, tzinfo=UTC)
    assert "**Posted:** 1 day ago" in render_digest(
        "2026-03-02", [_pick(1, 70, posted_at=older)], la
    )
