"""One rule for a blocked company (`blocks_company`): the veto and the bot's block / unblock
both use it, so a name blocked from the chat vetoes the postings the filter would."""

from __future__ import annotations

from scoring.filters import blocks_company, veto
from scoring.profile import Filters
from scrapers.postings.posting import Posting


def post(company: str, real_employer: str | None = None) -> Posting:
    return Posting(source="s", source_id="1", url="https://a.example/1", title="Data Intern",
                   company=company, real_employer=real_employer)  # fmt: skip


def test_a_blocked_name_matches_however_it_is_written() -> None:
    f = Filters(blocked_companies=["Acme, Inc."])
    assert blocks_company(f, "ACME") and blocks_company(f, "The Acme Company LLC")
    assert not blocks_company(f, "Acme Robotics") and not blocks_company(Filters(), "Acme")
    assert veto(post("acme inc"), f) == "blocked company"


def test_an_agencys_posting_is_blocked_by_its_real_employer_or_by_the_agency() -> None:
    assert blocks_company(Filters(blocked_companies=["Acme"]), "Jobs via Dice", "Acme Inc.")
    assert blocks_company(Filters(blocked_companies=["Dice"]), "Dice", "Acme")
    assert veto(post("Jobs via Dice", "Acme"), Filters(blocked_companies=["acme"])) == (
        "blocked company"
    )
    assert veto(post("Jobs via Dice", "Acme"), Filters(blocked_companies=["Initech"])) is None
