"""The Posting model: what every source's output must be before anything stores or shows it."""

from __future__ import annotations

from bot.store import Store
from bot.store.records import PoolEntry
from scrapers.postings.posting import Posting


def _posting(**fields: str) -> Posting:
    base = {"source": "greenhouse", "source_id": "1", "url": "https://x.test/1"}
    return Posting(**{"title": "Intern", "company": "Acme", **base, **fields})


def test_a_lone_surrogate_from_a_board_is_replaced_not_kept():
    # JSON may carry "\ud800" alone; Python keeps it in a str, UTF-8 cannot encode it.
    posting = _posting(title="Intern \ud800 SRE", description="ok\udfffok", company="A\ud83dcme")
    assert posting.title == "Intern \ufffd SRE"
    assert posting.description == "ok\ufffdok"
    assert posting.company == "A\ufffdcme"
    posting.model_dump_json().encode("utf-8")  # what a write needs


def test_a_posting_with_a_lone_surrogate_can_be_stored_and_read_back(tmp_path):
    async def go() -> Store:
        store = Store(tmp_path / "db.json")
        async with store.transaction():
            store.set_pool(
                [PoolEntry(key="k", day="2026-01-05", posting=_posting(title="x\ud800"))]
            )
        return store

    import asyncio

    asyncio.run(go())
    again = Store(tmp_path / "db.json")
    assert [e.posting.title for e in again.pool()] == ["x\ufffd"]


def test_a_real_emoji_pair_is_kept():
    assert _posting(title="Intern 🚀").title == "Intern 🚀"


def test_nul_and_bidi_controls_never_reach_a_message():
    # U+202E turns "txt.exe" into what reads as "exe.txt"; NUL breaks Telegram and the digest.
    posting = _posting(
        title="Intern\x00 \u202eSRE\u202c",
        company="Ac\u2066me\u2069",
        description="a\x00b\r\nc\u2028d",
    )
    assert posting.title == "Intern SRE" and posting.company == "Acme"
    assert posting.description == "ab\nc\nd"


def test_a_one_line_field_gets_no_line_break():
    assert _posting(title="Backend\nEngineer\tIntern").title == "Backend Engineer Intern"


def test_a_link_hiding_a_bidi_control_is_refused():
    import pytest
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        _posting(url="https://x.test/\u202egpj.exe")
    assert _posting(apply_url="https://x.test/\u202eexe").apply_url is None
