"""A day with no picks says why and what to change (issue 22, defect 3); the header's funnel
counts duplicates, and /stats counts what the header counts (defect 9)."""

from __future__ import annotations

from bot.services.records import RunRecord, SourceReport
from bot.services.summary import funnel, looked_at, picks_left_out, why_no_picks
from bot.store.records import RunCounts
from tests.bot.services.support import run_record


def _run(**counts: int) -> RunRecord:
    record = run_record()
    record.counts = RunCounts(**counts)
    return record


def test_all_filtered_for_age_names_the_limit_and_the_command_that_widens_it():
    record = _run(collected=40, duplicates=20, new=20, filtered=20)
    record.filtered_reasons = {"older than 14 days": 20}
    assert why_no_picks(record) == [
        "All 20 filtered out: older than 14 days.",
        "→ to see more: /filters age 28",
    ]


def test_filtered_for_several_reasons_names_the_largest_first():
    record = _run(collected=12, new=10, retried=2, filtered=12)
    record.filtered_reasons = {"location": 7, "older than 30 days": 4, "blocked company": 1}
    why, fix = why_no_picks(record)
    assert why == (
        "All 12 filtered out: 7 outside your places, 4 older than 30 days, "
        "1 from a blocked company."
    )
    assert fix == "→ to see more: /filters places … (more places, or anywhere) · /filters age 60"


def test_nothing_new_and_nothing_collected_are_told_apart():
    assert why_no_picks(_run(collected=30, seen=25, duplicates=5))[0] == (
        "Nothing new: all 30 collected were seen before or twice today."
    )
    quiet = _run()
    assert why_no_picks(quiet) == [
        "No postings came in this morning.",
        "→ /searches add … asks for more",
    ]
    quiet.sources = [SourceReport(source="linkedin", state="blocked", reason="HTTP 429")]
    assert why_no_picks(quiet)[1] == "→ see the sources below"


def test_scored_but_under_the_minimum_points_at_min_score():
    why, fix = why_no_picks(_run(collected=9, new=9, filtered=2, scored=7))
    assert why == "None of the 7 scored reached your minimum score."
    assert fix.startswith("→ /settings min_score")


def test_unscored_says_they_come_again():
    record = _run(collected=5, new=5, unscored=5)
    record.unscored_reasons = {"timed out": 5}
    assert why_no_picks(record) == [
        "None of the 5 could be scored (timed out: 5); they are tried again next run."
    ]


def test_picks_the_chat_no_longer_gets_are_explained_apart():
    record = _run(collected=9, new=9, scored=9, picked=3)
    assert why_no_picks(record) == []
    assert "Today's 3 picks are below your minimum score" in picks_left_out(record)[0]


def test_the_funnel_counts_duplicates_and_the_header_number_is_looked_at():
    record = _run(collected=70, duplicates=21, new=49, filtered=10, scored=39, picked=5)
    assert looked_at(record) == 49
    assert funnel(record) == "70 collected, 21 duplicates, 10 filtered out, 39 scored"
    record.counts.seen, record.counts.retried = 3, 2
    assert funnel(record) == (
        "70 collected, 21 duplicates, 3 seen before, 2 carried over, 10 filtered out, 39 scored"
    )
