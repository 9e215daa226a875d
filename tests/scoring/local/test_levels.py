"""Career stage for any profession: a posting's rung and how far it is from the person's."""

from __future__ import annotations

from scoring.local.levels import ASSOCIATE, ENTRY, EXECUTIVE, SENIOR, rung_of, stage_of


def test_a_posting_s_rung_from_its_title_years_and_board():
    assert rung_of("Implementation Specialists (Junior/Mid)", "entry", "") == ASSOCIATE
    assert rung_of("Business Partner and Product Configuration Specialist", None, "") != EXECUTIVE
    assert rung_of("Data Analyst", "associate", "You have 1+ years of experience in SQL.") == ENTRY
    assert rung_of("Data Analyst", "associate", "5+ years of experience in analytics.") == SENIOR
    assert rung_of("Data Analyst", "associate", "") == ASSOCIATE  # the board says, nothing else


def test_a_step_down_costs_more_than_a_step_up_and_each_step_a_band():
    text = "backend engineer with four years' experience, looking for a mid-level or senior role"
    stage = stage_of(text, text, student=False)
    right, _ = stage.fit(SENIOR)
    junior, why = stage.fit(ENTRY)
    staff, _ = stage.fit(SENIOR + 1)
    assert right > 0 > staff > junior
    assert right - junior >= 15 and "below you" in why


def test_someone_changing_careers_takes_a_step_down_without_a_penalty():
    text = (
        "support team lead with six years in support. I want to move into an implementation "
        "or customer success role"
    )
    stage = stage_of(text, text, student=False)
    assert stage.changing
    assert stage.fit(ASSOCIATE)[0] == 0.0  # one below their years' rung
    assert stage.fit(ENTRY)[0] < 0


def test_what_years_alone_suggest_is_a_near_miss_next_to_what_they_asked():
    text = "18 months as a junior data analyst; looking for an entry-level or junior role"
    stage = stage_of(text, text, student=False)
    asked, _ = stage.fit(ENTRY)
    near, why = stage.fit(ASSOCIATE)
    above, _ = stage.fit(SENIOR)
    assert asked > near > above
    assert "a step from what you asked" in why
