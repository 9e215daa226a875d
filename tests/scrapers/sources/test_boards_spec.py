"""Board specs: the `<kind>:<token>` forms and careers URLs every board kind is named by."""

from __future__ import annotations

import pytest

from scrapers.sources.boards_spec import BoardRef, parse_board


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("workday:nvidia/NVIDIAExternalCareerSite", BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd1")),
        ("workday:nvidia.wd5/NVIDIAExternalCareerSite", BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd5")),
        ("https://nvidia.wd5.myworkdayjobs.com/en-US/NVIDIAExternalCareerSite/job/US-CA/x_JR1",
         BoardRef("workday", "nvidia", "NVIDIAExternalCareerSite", "wd5")),
        ("adobe.wd5.myworkdayjobs.com/external_experienced", BoardRef("workday", "adobe", "external_experienced", "wd5")),
        ("smartrecruiters:Visa", BoardRef("smartrecruiters", "Visa")),
        ("https://jobs.smartrecruiters.com/Bosch/743999", BoardRef("smartrecruiters", "Bosch")),
        ("https://api.smartrecruiters.com/v1/companies/Visa/postings", BoardRef("smartrecruiters", "Visa")),
        ("workable:acme", BoardRef("workable", "acme")),
        ("https://apply.workable.com/huggingface/", BoardRef("workable", "huggingface")),
        ("recruitee:bunq", BoardRef("recruitee", "bunq")),
        ("https://bunq.recruitee.com/o/data-intern", BoardRef("recruitee", "bunq")),
    ],
)  # fmt: skip
def test_workday_smartrecruiters_workable_and_recruitee_specs(spec: str, ref: BoardRef) -> None:
    assert parse_board(spec) == ref


@pytest.mark.parametrize(
    "spec", ["workday:acme", "workday:acme.xx9/site", "https://acme.myworkdayjobs.com/"]
)
def test_bad_workday_specs_say_why(spec: str) -> None:
    with pytest.raises(ValueError, match="Workday"):
        parse_board(spec)


@pytest.mark.parametrize(
    ("spec", "ref"),
    [
        ("https://wd3.myworkdaysite.com/recruiting/hcahealthcare/hcacareers",
         BoardRef("workday", "hcahealthcare", "hcacareers", "wd3", shared_host=True)),
        ("https://wd1.myworkdaysite.com/en-US/recruiting/upenn/careers-at-penn/job/X/Y_JR2",
         BoardRef("workday", "upenn", "careers-at-penn", "wd1", shared_host=True)),
        ("https://jobs.eu.lever.co/dreamteam/", BoardRef("lever", "dreamteam", dc="eu")),
        ("lever:eu/dreamteam", BoardRef("lever", "dreamteam", dc="eu")),
        ("rippling:Acme-Co", BoardRef("rippling", "Acme-Co")),
        ("https://ats.rippling.com/en-GB/Acme-Co/jobs/1f2e", BoardRef("rippling", "Acme-Co")),
        ("https://acme.bamboohr.com/careers/64", BoardRef("bamboohr", "acme")),
        ("https://acme.teamtailor.com/jobs", BoardRef("teamtailor", "acme")),
        ("acme.na.teamtailor.com", BoardRef("teamtailor", "acme.na")),
        ("https://acme.jobs.personio.com/job/1834171", BoardRef("personio", "acme")),
        ("personio:acme", BoardRef("personio", "acme")),
        ("https://hcjy.fa.us2.oraclecloud.com/hcmUI/CandidateExperience/en/sites/CX_1/jobs",
         BoardRef("oracle", "hcjy.fa.us2.oraclecloud.com", "CX_1")),
        ("oracle:hcjy.fa.us2.oraclecloud.com/CX_1", BoardRef("oracle", "hcjy.fa.us2.oraclecloud.com", "CX_1")),
    ],
)  # fmt: skip
def test_shared_hosts_eu_hosts_and_hr_board_specs(spec: str, ref: BoardRef) -> None:
    assert parse_board(spec) == ref


def test_an_oracle_board_without_its_site_number_says_so() -> None:
    with pytest.raises(ValueError, match="site number"):
        parse_board("oracle:hcjy.fa.us2.oraclecloud.com")
