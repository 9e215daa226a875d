"""Hard filters on the fields sources now carry: minimum pay and workplace."""

from __future__ import annotations

from scoring.filters import veto, yearly_pay
from scoring.profile import Filters
from scrapers.postings.posting import Pay, Posting


def post(**kw: object) -> Posting:
    return Posting(source="s", source_id="1", url="https://a.example/1", title="Data Intern",
                   company="Acme", **kw)  # type: ignore[arg-type]  # fmt: skip


def test_min_salary_counts_hourly_pay_as_a_year_and_passes_unknown_pay() -> None:
    f = Filters(min_salary=50_000)
    assert (
        veto(post(pay=Pay(min=20, max=22, interval="hour", currency="USD")), f)
        == "pay below minimum"
    )
    assert veto(post(pay=Pay(min=30, max=40, interval="hour", currency="USD")), f) is None  # 83k/yr
    assert veto(post(pay=Pay(min=None, max=45_000, interval="year")), f) == "pay below minimum"
    assert veto(post(pay=Pay(min=60_000, interval="year")), f) is None
    assert veto(post(), f) is None  # no pay stated: not a reason to drop the job
    assert veto(post(pay=Pay(min=10)), f) is None  # no interval: cannot compare
    assert yearly_pay(post(pay=Pay(min=4000, max=5000, interval="month"))) == 60_000


def test_workplace_filter_vetoes_only_a_stated_other_workplace() -> None:
    f = Filters(workplace=["remote", "on-site"])
    assert veto(post(workplace="hybrid"), f) == "workplace hybrid"
    assert veto(post(workplace="onsite"), f) is None
    assert veto(post(workplace="remote"), f) is None
    assert veto(post(), f) is None
    assert veto(post(workplace="hybrid"), Filters()) is None


def test_bi_weekly_pay_counts_26_times_a_year_not_52() -> None:
    # Lever's `bi-week-salary`: €3,800–4,600 every two weeks is €119.6k a year, not €239k.
    biweekly = post(pay=Pay(min=3800, max=4600, interval="biweek", currency="EUR"))
    assert yearly_pay(biweekly) == 4600 * 26
    assert veto(biweekly, Filters(min_salary=150_000)) == "pay below minimum"
