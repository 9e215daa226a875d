"""The proposal message: escaped HTML under Telegram's limits, buttons that survive a restart."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest

from bot.telegram.proposals import (
    parse_proposal_callback,
    proposal_callback,
    render_outcome,
    render_proposal,
)
from scoring.llm.proposals import Proposal


def make(lines: list[str], base: list[str], pid: int = 7) -> Proposal:
    return Proposal(
        id=pid,
        lines=lines,
        base_learned=base,
        base_version=3,
        votes=20,
        created_at=datetime(2026, 3, 2, tzinfo=UTC),
    )


def test_diff_is_escaped_and_marked() -> None:
    text, buttons = render_proposal(make(["likes R&D <labs>", "prefers Go"], ["prefers Go", "old"]))
    assert "➕ likes R&amp;D &lt;labs&gt;" in text
    assert "➖ <s>old</s>" in text and "▫️ prefers Go" in text
    assert "2 added" not in text and "1 added, 1 removed" in text
    # Only Telegram's tags remain once the escaped text is taken out.
    assert set(re.findall(r"</?([a-z]+)", text)) <= {"b", "i", "s"}
    assert html.unescape(re.sub(r"<[^>]+>", "", text)).count("likes R&D <labs>") == 1
    assert buttons == [[("✅ Apply", "lp:a:7"), ("✖️ Reject", "lp:r:7")]]


def test_long_sections_stay_under_4096() -> None:
    big = [f"line {i} " + "x" * 300 for i in range(40)]
    text, _ = render_proposal(make(big, [f"old {i} " + "y" * 300 for i in range(40)]))
    assert len(text) <= 4096 and "…" in text


@pytest.mark.parametrize(
    ("data", "parsed"),
    [
        ("lp:a:7", ("apply", 7)),
        ("lp:r:123456789012", ("reject", 123456789012)),
        ("lp:x:7", None),
        ("v:up:1", None),
        ("lp:a:", None),
        ("lp:a:7:extra", None),
    ],
)
def test_callback_data_round_trip(data: str, parsed: tuple[str, int] | None) -> None:
    assert parse_proposal_callback(data) == parsed


def test_callback_data_fits_telegram() -> None:
    data = proposal_callback("reject", 10**12 - 1)
    assert len(data.encode()) <= 64 and parse_proposal_callback(data) == ("reject", 10**12 - 1)
    with pytest.raises(ValueError):
        proposal_callback("maybe", 1)


def test_outcome_messages() -> None:
    p = make(["a line"], [])
    assert "version 4" in render_outcome("apply", p, 4)
    assert "unchanged" in render_outcome("reject", p)
