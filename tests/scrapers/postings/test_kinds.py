"""The fields a job seeker looks at first, read the same way for every board: employment type
from a title, workplace, pay, and links that can only be http(s)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text, structured_pay
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
        ("Data Engineer (12 month contract)", "contract"),
        ("QA Analyst - 6-month contract", "contract"),
        ("Legal Counsel (Contract Law)", None),
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
        # a LinkedIn card's salary line: both ends carry the period
        ("$5,800.00/mo - $6,000.00/mo", "$5,800–6,000/mo"),
        ("€3,800 - €4,600 bi-weekly", "€3,800–4,600/2 wks"),
    ],
)
def test_pay_is_read_from_text(text: str, label: str) -> None:
    pay = parse_pay(text)
    assert pay is not None and pay.label() == label


@pytest.mark.parametrize("text", ["401(k) match and 5+ years", "a team of 30", "", "$5 - $1"])
def test_no_pay_where_the_text_states_none(text: str) -> None:
    assert parse_pay(text) is None


# Sentences as real LinkedIn and Greenhouse descriptions write them (issue 21: 25 of 66 pays
# read from 439 real LinkedIn descriptions were figures like these).
@pytest.mark.parametrize(
    "text",
    [
        "We closed our Series C at a $1.5B valuation and are growing fast.",
        "Backed by $85 million from leading investors, we are hiring.",
        "The company raised $20M last year.",
        "We manage over $40 billion in assets for our clients.",
        "Our platform processes $2B+ in payments every year.",
        "Perks: a $500 learning budget and a $1,000 home office stipend.",
        "We have $10-20M in annual revenue.",
        "Our customers save $300 per month on average with our app.",
    ],
)
def test_company_figures_in_a_description_are_never_pay(text: str) -> None:
    assert pay_in_text(text) is None


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The base salary range for this role is $120,000 - $150,000.", "$120k–150k/yr"),
        ("Pay: $25/hour", "$25/hr"),
        ("Compensation: $90k", "$90k/yr"),
        ("$200K+ base salary plus equity", "$200k/yr"),
        ("The hourly rate for this internship is $30.", "$30/hr"),
        ("We raised $85 million. The pay range for this role is $40 - $50 per hour.", "$40–50/hr"),
        ("Backed by $20M, we pay $45/hr.", "$45/hr"),
    ],
)
def test_a_description_gives_pay_only_where_it_says_pay(text: str, label: str) -> None:
    pay = pay_in_text(text)
    assert pay is not None and pay.label() == label


def test_bi_weekly_pay_is_its_own_interval() -> None:
    pay = structured_pay(3800, 4600, "bi-week-salary", "EUR")  # Lever's salaryRange.interval
    assert pay is not None and pay.interval == "biweek" and pay.label() == "€3,800–4,600/2 wks"
    assert pay.yearly() == 4600 * 26
    weekly = structured_pay(900, 1000, "per-week-salary", "EUR")
    assert weekly is not None and weekly.interval == "week"


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
