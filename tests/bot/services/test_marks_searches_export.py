"""Saved / applied marks, searches from the chat, the export and the chart: the services
the bot's new commands call (no Telegram here)."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest

from bot.config import default_config
from bot.context import AppContext
from bot.services import export, marks, searches, stats
from bot.services.chart import render_png
from bot.services.feedback import learned_weights, record_vote
from bot.services.run import run_daily
from bot.settings import load_settings
from bot.store import Store
from scrapers.postings.posting import Pay
from scrapers.sources.sample import collect_samples
from tests.conftest import run_jobpicks
from tests.fakes.telegram import png_size

CHAT = 4242


@pytest.fixture
async def ctx(isolated_env) -> AppContext:
    settings = load_settings(telegram_chat_ids=[CHAT])
    c = AppContext(settings=settings, config=default_config(), store=Store(settings.jobpicks_db))

    async def samples(_ctx, _on_source=None):
        return await collect_samples()

    await run_daily(c, collector=samples)
    return c


async def test_marks_toggle_list_and_teach_like_strong_votes(ctx):
    first, second = ctx.store.picks_for(ctx.today())[:2]
    before = learned_weights(ctx)
    assert await marks.toggle(ctx, CHAT, first, marks.SAVED) is True
    assert await marks.toggle(ctx, CHAT, second, marks.APPLIED) is True
    assert marks.marks_of(ctx, CHAT, first.key) == {marks.SAVED}
    assert [p.key for p, _ in marks.listed(ctx, CHAT, marks.APPLIED)] == [second.key]
    assert marks.listed(ctx, CHAT + 1, marks.SAVED) == []  # per chat
    votes = marks.votes_from_marks(ctx)
    assert [v.key for v in votes] == [first.key, second.key, second.key]  # applied counts twice
    assert all(v.vote == "up" for v in votes)
    after = learned_weights(ctx)
    assert after.liked != before.liked and after.features != before.features
    assert await marks.toggle(ctx, CHAT, first, marks.SAVED) is False  # a second tap: unsaved
    assert marks.listed(ctx, CHAT, marks.SAVED) == []
    with pytest.raises(ValueError):
        await marks.toggle(ctx, CHAT, first, "liked")


async def test_searches_copy_the_file_then_win_over_it(ctx):
    file_searches = list(ctx.config.searches)
    new = await searches.add(ctx, "  data   engineer intern @ Boston,  MA ")
    assert (new.keywords, new.location) == ("data engineer intern", "Boston, MA")
    assert new.sources == file_searches[0].sources  # the file's first search is the template
    assert [s.keywords for s in ctx.config.searches] == [s.keywords for s in file_searches] + [
        "data engineer intern"
    ]
    assert searches.stored_here(ctx)
    gone = await searches.remove(ctx, "1")
    assert gone.keywords == file_searches[0].keywords
    again = AppContext(settings=ctx.settings, config=default_config(), store=Store(ctx.store.path))
    assert [s.keywords for s in again.config.searches] == [s.keywords for s in ctx.config.searches]
    for bad in ("", "@ Boston", "x" * 200):
        with pytest.raises(searches.SearchesError):
            await searches.add(ctx, bad)
    for bad in ("0", "99", "two"):
        with pytest.raises(searches.SearchesError):
            await searches.remove(ctx, bad)


async def test_export_has_every_pick_with_votes_and_marks_and_defuses_formulas(ctx):
    picks = ctx.store.picks_for(ctx.today())
    async with ctx.store.transaction():
        ctx.store.mark_sent(picks[0].day, picks[0].key, CHAT, 1)
    first = ctx.store.picks_for(ctx.today())[0]
    await record_vote(ctx, CHAT, first, "down", "senior")
    await marks.toggle(ctx, CHAT, first, marks.APPLIED)
    text = export.export(ctx, "csv")
    assert text.startswith("\ufeffday,rank,score,title")  # Excel reads it as UTF-8
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    assert len(rows) == len(picks)
    top = rows[0]
    assert (top["title"], top["vote"], top["vote_reason"]) == (first.title, "down", "senior")
    assert top["applied"] == ctx.today() and not top["saved"]  # a date, not a timestamp
    assert all(r["posted"] == "" or len(r["posted"]) == 10 for r in rows)
    assert any(r["posted"] for r in rows)
    assert not any("…" in r["summary"] for r in rows)  # every summary whole
    only_sent = json.loads(export.export(ctx, "json", CHAT))
    assert [r["title"] for r in only_sent] == [first.title]
    assert (
        export.to_csv([{"title": "=HYPERLINK(1)", "pay": "-5"}])
        .splitlines()[1]
        .startswith(",,,'=HYPERLINK(1)")
    )
    pick = first.model_copy(update={"pay": Pay(min=40, max=50, interval="hour", currency="USD")})
    assert pick.pay.label() in export.to_csv([{"pay": pick.pay.label()}])
    with pytest.raises(ValueError):
        export.export(ctx, "xml")


async def test_jobpicks_export_on_the_command_line(ctx, isolated_env):
    ctx.store.close()
    code, out, err = await run_jobpicks("export", "--format", "json", "--chat", str(CHAT))
    assert code == 0, err
    assert len(json.loads(out)) == len(ctx.store.picks_for(ctx.today()))
    code, out, err = await run_jobpicks("export", "--format", "json")  # the local person's
    assert code == 0 and json.loads(out) == [], err
    target = isolated_env / "picks.csv"
    code, out, err = await run_jobpicks("export", "--out", str(target), TELEGRAM_CHAT_IDS=str(CHAT))
    assert code == 0 and out == "", err
    assert target.read_bytes().startswith(b"\xef\xbb\xbfday,rank,score,title")


async def test_the_week_in_figures_and_as_a_png(ctx):
    picks = ctx.store.picks_for(ctx.today())
    async with ctx.store.transaction():
        for p in picks[:3]:
            ctx.store.mark_sent(p.day, p.key, CHAT, 1)
    await record_vote(ctx, CHAT, ctx.store.picks_for(ctx.today())[0], "up")
    s = stats.stats(ctx, CHAT)
    assert s.days[-1] == ctx.today() and len(s.days) == 7
    assert s.picks_per_day[-1] == 3 and s.up_per_day[-1] == 1 and s.down_per_day == [0] * 7
    assert len(s.pick_scores) == 3 and s.liked_scores == [picks[0].score]
    render_png(s)  # the first call imports matplotlib
    t0 = time.perf_counter()
    png = render_png(s)
    seconds = time.perf_counter() - t0
    assert png_size(png) == (990, 880) and len(png) < 10 * 1000 * 1000
    print(f"chart rendered in {seconds:.2f} s")  # the target (< 1 s) is in bench/bot.py
