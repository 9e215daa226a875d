"""The fields a job seeker looks at first, read the same way for every board: employment type
from a title, workplace, pay, and links that can only be http(s)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, structured_pay
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import html_to_text


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Software Engineer Intern-SRE", "internship"),
        ("Co-Op, Data Platform (Fall 2026)", "internship"),
        ("Engineering Coop", "internship"),
        ("Machine Learning Intern (MS/PhD)", "internship"),
        ("Research Scientist (MS/PhD)", None),
        ("Summer 2026 Internships - Backend", "internship"),
        ("Internal Tools Engineer", None),
        ("International Sales Lead", None),
        ("Contract Manager", None),
        ("Data Analyst (Contract)", "contract"),
        ("Backend Engineer - Contract", "contract"),
        ("Part-Time Tutor", "part-time"),
        ("Seasonal Warehouse Associate", "temporary"),
        ("Intern (Full-time, 12 weeks)", "internship"),
        ("Software Engineer", None),
    ],
)
def test_employment_type_from_a_title_reads_like_a_reader(title: str, kind: str | None) -> None:
    assert employment_from_title(title) == kind


@pytest.mark.parametrize(
    ("short", "description", "workplace"),
    [
        (("Hybrid - London",), "", "hybrid"),
        (("Remote - US",), "", "remote"),
        (("Backend Engineer (WFH)",), "", "remote"),
        (("On-site, Austin, TX",), "", "onsite"),
        (("Austin, TX",), "This is a fully remote role.", "remote"),
        (("Austin, TX",), "This is not a remote role; we are fully on-site.", "onsite"),
        (("Austin, TX",), "Hybrid schedule: 3 days a week in the office.", "hybrid"),
        (("Austin, TX",), "We build remote sensing software.", None),
        (("Austin, TX",), "", None),
    ],
)
def test_workplace_from_board_title_or_text(
    short: tuple[str, ...], description: str, workplace: str | None
) -> None:
    assert workplace_from_text(*short, description=description) == workplace


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("$40.00/hr - $50.00/hr", "$40–50/hr"),
        ("The salary range is $120,000 - $150,000 per year.", "$120k–150k/yr"),
        ("from £30k a year", "from £30k/yr"),
        ("up to €5.000/month", "up to €5,000/mo"),
        ("The base pay is $45 per hour.", "$45/hr"),
        ("$80-100k", "$80k–100k/yr"),
        ("USD 90,000–110,000 annually", "$90k–110k/yr"),
        ("starting at $25/hour", "from $25/hr"),
    ],
)
def test_pay_is_read_from_text(text: str, label: str) -> None:
    pay = parse_pay(text)
    assert pay is not None and pay.label() == label


@pytest.mark.parametrize("text", ["401(k) match and 5+ years", "a team of 30", "", "$5 - $1"])
def test_no_pay_where_the_text_states_none(text: str) -> None:
    assert parse_pay(text) is None


def test_structured_pay_normalises_board_fields() -> None:
    assert structured_pay(40, 50, "HOUR", "usd") == Pay(
        min=40, max=50, interval="hour", currency="USD"
    )
    assert structured_pay("4000", "5000", "month", "EUR").label() == "€4,000–5,000/mo"  # type: ignore[union-attr]
    assert structured_pay(None, 90000, "per-year-salary", "USD").label() == "up to $90k/yr"  # type: ignore[union-attr]
    assert structured_pay(None, None, "year", "USD") is None
    assert structured_pay(0, True, "year", "USD") is None


@pytest.mark.parametrize(
    "link",
    ["javascript:alert(1)", " JavaScript:alert(document.cookie)", "data:text/html,<b>x</b>",
     "vbscript:msgbox", "java\tscript:alert(1)", "file:///etc/passwd"],
)  # fmt: skip
def test_a_link_that_is_not_http_never_makes_a_posting(link: str) -> None:
    assert http_url(link) is None
    with pytest.raises(ValidationError):
        Posting(source="greenhouse", source_id="1", url=link, title="T", company="C")
    # an apply link of another scheme is dropped, the posting kept
    p = Posting(source="s", source_id="1", url="https://a.example/1", title="T", company="C",
                apply_url=link)  # fmt: skip
    assert p.apply_url is None


def test_workplace_and_remote_always_agree() -> None:
    def post(**kw: object) -> Posting:
        return Posting(
            source="s", source_id="1", url="https://a.example", title="T", company="C", **kw
        )  # type: ignore[arg-type]

    assert post(workplace="hybrid").remote is False
    assert post(workplace="remote").remote is True
    assert post(remote=True).workplace == "remote"
    assert post().remote is None and post().workplace is None


def test_a_list_item_wrapping_a_paragraph_stays_on_one_line() -> None:
    html = "<ul><li><p>Python &amp; SQL</p></li><li><p><b>Go</b> services</p><p>more</p></li></ul>"
    assert html_to_text(html) == "- Python & SQL\n- Go services\nmore"
