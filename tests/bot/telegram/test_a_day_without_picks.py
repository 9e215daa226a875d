"""A morning with no picks says why and what to change, in the chat (issue 22, defect 3)."""

from __future__ import annotations

from datetime import timedelta

from scrapers.source import SourceResult
from tests.bot.telegram_support import (
    CHAT,
    make_ctx,
    make_postings,
    not_today,
    running_bot,
)
from tests.fakes.telegram import visible_text


async def old_postings(_ctx, _on_source=None):  # type: ignore[no-untyped-def]
    postings = make_postings()
    for p in postings:
        p.posted_at = p.posted_at - timedelta(days=20)
    return [SourceResult(source="fakeboard", postings=postings)]


async def test_all_filtered_for_age_says_so_and_names_the_filter_to_change(fake, tmp_path):
    ctx = make_ctx(tmp_path, fake, **not_today())
    ctx.config.profile.filters.max_age_days = 14  # the profile the first run stores
    async with running_bot(ctx, collector=old_postings):
        await fake.user_says(CHAT, "/picks")
        await fake.wait_for("editMessageText", chat_id=CHAT, within=30)  # "working…" → header
    header = visible_text(fake.calls_of("editMessageText")[-1].params["text"], "HTML")
    assert "Looked at 6 postings (6 collected, 6 filtered out, 0 scored) · 0 picks" in header
    assert "All 6 filtered out: older than 14 days." in header
    assert "→ to see more: /filters age 28" in header
    assert "Nothing scored high enough" not in header
