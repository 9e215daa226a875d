from pathlib import Path

from bot.services.digest import escape_md, render_digest
from bot.store.records import Pick

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
        ),
    ]
    assert render_digest("2026-03-02", picks) == GOLDEN.read_text(encoding="utf-8")


def test_best_score_first_and_empty_day():
    text = render_digest("2026-03-03", [_pick(1, 60, title="A"), _pick(2, 90, title="B")])
    assert text.index("[B]") < text.index("[A]")
    assert render_digest("2026-03-03", []) == "# Daily Job Picks - 2026-03-03\n\nNo picks today.\n"


def test_a_bracket_cannot_break_the_link():
    assert escape_md("a]b[c") == r"a\]b\[c"
    assert escape_md("x\n  y") == "x y"
