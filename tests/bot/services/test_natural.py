"""Settings in a person's words: times, zones, days and pause dates as people write them."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.services.natural import (
    AmbiguousZone,
    NotUnderstood,
    days_label,
    parse_days,
    parse_time,
    parse_until,
    parse_weekday,
    parse_zone,
)

MONDAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("7am", time(7, 0)),
        ("7 AM", time(7, 0)),
        ("7:30pm", time(19, 30)),
        ("7.30 p.m.", time(19, 30)),
        ("19:30", time(19, 30)),
        ("0730", time(7, 30)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("noon", time(12, 0)),
        ("at 8", time(8, 0)),
    ],
)
def test_a_time_of_day_in_the_usual_shapes(said, expected):
    assert parse_time(said) == expected


@pytest.mark.parametrize("said", ["25:00", "7:75", "soon", ""])
def test_a_time_that_is_no_time_says_what_would_be(said):
    with pytest.raises(NotUnderstood, match="time of day like 7am"):
        parse_time(said)


def test_am_pm_takes_hours_one_to_twelve():
    with pytest.raises(NotUnderstood, match="hour is 1–12"):
        parse_time("13pm")


@pytest.mark.parametrize(
    ("said", "zone"),
    [
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("São Paulo", "America/Sao_Paulo"),
        ("Munich", "Europe/Berlin"),  # a big city that names no zone
        ("PST", "America/Los_Angeles"),  # what people mean: DST follows
        ("est", "America/New_York"),  # not the fixed-offset IANA "EST"
        ("CET", "Europe/Berlin"),
        ("UTC+2", "Etc/GMT-2"),  # POSIX signs: UTC+2 is Etc/GMT-2
        ("gmt-5", "Etc/GMT+5"),
        ("europe/berlin", "Europe/Berlin"),
        ("America/Indiana/Indianapolis", "America/Indiana/Indianapolis"),
    ],
)
def test_a_timezone_from_a_city_an_abbreviation_an_offset_or_its_name(said, zone):
    assert parse_zone(said) == zone


def test_an_ambiguous_abbreviation_is_a_question_with_its_choices():
    with pytest.raises(AmbiguousZone) as asked:
        parse_zone("ist")
    assert asked.value.said == "IST"
    assert asked.value.choices == ("Asia/Kolkata", "Asia/Jerusalem", "Europe/Dublin")


def test_an_unknown_zone_names_what_works():
    with pytest.raises(NotUnderstood, match="not a known timezone.*Berlin"):
        parse_zone("Mars/Olympus")


@pytest.mark.parametrize(
    ("said", "days", "label"),
    [
        ("mon wed fri", [1, 3, 5], "Mon, Wed, Fri"),
        ("Mondays and Fridays", [1, 5], "Mon, Fri"),
        ("mon,wed", [1, 3], "Mon, Wed"),
        ("weekdays", [1, 2, 3, 4, 5], "weekdays"),
        ("mon-fri", [1, 2, 3, 4, 5], "weekdays"),
        ("monday to thursday", [1, 2, 3, 4], "Mon, Tue, Wed, Thu"),
        ("fri-mon", [0, 1, 5, 6], "Mon, Fri, Sat, Sun"),  # a range across the weekend
        ("every day", [0, 1, 2, 3, 4, 5, 6], "every day"),
        ("daily", [0, 1, 2, 3, 4, 5, 6], "every day"),
        ("every day but Sunday", [1, 2, 3, 4, 5, 6], "every day but Sunday"),
        ("every day except sat and sun", [1, 2, 3, 4, 5], "weekdays"),
        ("weekends", [0, 6], "weekends"),
    ],
)
def test_any_set_of_days(said, days, label):
    assert parse_days(said) == days
    assert days_label(days) == label


@pytest.mark.parametrize("said", ["sun but sun", "blah", "mon and blursday"])
def test_days_that_leave_none_or_are_no_days_are_refused(said):
    with pytest.raises(NotUnderstood):
        parse_days(said)


def test_one_weekday_by_name():
    assert parse_weekday("Friday") == parse_weekday("fri") == parse_weekday("fridays") == 5
    with pytest.raises(NotUnderstood):
        parse_weekday("someday")


@pytest.mark.parametrize(
    ("said", "until"),
    [
        ("2027-01-05", date(2027, 1, 5)),
        ("until 2027-01-05", date(2027, 1, 5)),
        ("2 weeks", date(2026, 3, 16)),
        ("for 3 weeks", date(2026, 3, 23)),
        ("in 10 days", date(2026, 3, 12)),
        ("until next monday", date(2026, 3, 9)),
        ("5 January", date(2027, 1, 5)),
    ],
)
def test_a_pause_ends_on_a_day_named_or_counted(said, until):
    assert parse_until(said, MONDAY) == until


@pytest.mark.parametrize(
    ("said", "why"),
    [
        ("yesterday", "not after today"),
        ("2030-01-01", "more than a year"),
        ("banana", "not a date"),
    ],
)
def test_a_pause_date_in_the_past_too_far_or_no_date_is_refused(said, why):
    with pytest.raises(NotUnderstood, match=why):
        parse_until(said, MONDAY)
