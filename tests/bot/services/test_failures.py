"""A run and a delivery that the disk fails, and failures whose text echoes a secret (issue
22): the database is checked before anything is collected, scored or sent, the failure is one
line, nothing is sent twice, and no secret reaches a person or the log."""

from __future__ import annotations

import asyncio
import logging
import resource
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.cli import make_context
from bot.services import failures
from bot.services.daily import Daily
from bot.services.delivery import Delivery
from bot.store.errors import StoreWriteFailed
from scrapers.postings.posting import Posting
from scrapers.redact import REDACTED
from scrapers.source import SourceResult
from tests.bot.services.support import CHAT, CHAT2, RecordingMessenger, each, make_ctx
from tests.bot.telegram_support import (
    collect_fake,
    eventually,
    fake,  # noqa: F401 (the fixture)
    running_bot,
)
from tests.bot.telegram_support import make_ctx as make_bot_ctx
from tests.conftest import cli_env, jobpicks_cmd
from tests.fakes.boards import BoardsFake, make_jobs

TOKEN = "7:jobpicks-test-token"
KEY = "key-jobpicks-test-0123456789"


class Disk:
    """The database's folder, which can be unplugged: its path turns into a plain file, so
    every new file, write and rename in it fails with a real OS error (ENOTDIR), whoever the
    process runs as — a disk gone from under a running bot, without needing root to make one.
    `plug` puts it back as it was."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.aside = folder.with_name(folder.name + ".unplugged")

    def unplug(self) -> None:
        self.folder.rename(self.aside)
        self.folder.write_text("the disk is gone")

    def plug(self) -> None:
        self.folder.unlink()
        self.aside.rename(self.folder)


def postings(n: int = 4) -> list[Posting]:
    now = datetime.now(UTC)
    return [
        Posting(
            source="board",
            source_id=str(i),
            url=f"https://jobs.example.com/{i}",
            title=f"Python Backend Intern {i}",
            company=f"Company {i}",
            location="Austin, TX",
            posted_at=now - timedelta(hours=1),
            employment_type="internship",
            description="Python, Postgres, backend services.",
        )
        for i in range(n)
    ]


def collector(on_collect=lambda: None, reason: str = ""):  # type: ignore[no-untyped-def]
    """A board of four postings (and a failed one giving `reason`); `on_collect` happens while
    it collects."""
    calls: list[int] = []

    async def collect(_ctx: object, _on_source: object = None) -> list[SourceResult]:
        calls.append(1)
        on_collect()
        failed = [SourceResult(source="broken", state="failed", reason=reason)] if reason else []
        return [SourceResult(source="board", postings=postings()), *failed]

    collect.calls = calls  # type: ignore[attr-defined]
    return collect


def sent_picks(m: RecordingMessenger, chat: int) -> list[str]:
    return [key for key, _quiet in m.of("pick", chat)]  # type: ignore[misc]


async def test_a_disk_that_fails_while_collecting_stops_the_run_before_it_scores(tmp_path, caplog):
    ctx = make_ctx(tmp_path / "data")
    disk = Disk(ctx.store.path.parent)
    steps: list[str] = []
    m = RecordingMessenger()
    with pytest.raises(StoreWriteFailed) as err:
        await Daily(ctx, m, collector=collector(disk.unplug)).run_then_deliver(
            progress=steps.append
        )
    line = str(err.value)
    assert line.startswith(f"cannot write the database {ctx.store.path} (Not a directory)")
    assert "stopped before scoring" in line and "\n" not in line
    assert not any(step.startswith("scoring") for step in steps)  # nothing was paid for
    assert m.sent == []

    # The bot's morning: the owner is told in that one line, the log has no traceback.
    caplog.set_level(logging.INFO)
    assert await Daily(ctx, m, collector=collector()).morning() is None
    assert m.sent == [("run_failed", CHAT, line.replace("scoring", "collecting"))]
    failed = [r for r in caplog.records if "morning run" in r.getMessage()]
    assert failed and not any(r.exc_info for r in failed)

    disk.plug()  # the next morning finds the disk back: the day runs and goes out once
    m.sent.clear()
    report = await Daily(ctx, m, collector=collector()).morning()
    assert report is not None and report.ok
    for chat in (CHAT, CHAT2):
        keys = sent_picks(m, chat)
        assert len(keys) == 3 and len(set(keys)) == 3


async def test_a_disk_that_fails_before_delivery_sends_nothing_and_the_rerun_sends_each_once(
    tmp_path,
):
    ctx = make_ctx(tmp_path / "data")
    disk = Disk(ctx.store.path.parent)
    outcome = (await Daily(ctx, None, collector=collector()).run_then_deliver()).outcome
    m = RecordingMessenger()
    ready = m.ready

    async def unplug_then_ready() -> None:  # the disk fills between the run and its delivery
        if not disk.folder.is_file():
            disk.unplug()
        await ready()

    m.ready = unplug_then_ready  # type: ignore[method-assign]
    report = await Delivery(ctx, m).to_chats(each(ctx, outcome.record))
    assert m.sent == []  # not even the header: it could not have been recorded
    assert set(report.failed) == {CHAT, CHAT2}
    # One line each: the first chat's check finds the disk gone, the second cannot even take
    # the chat's delivery lock.
    assert "stopped before sending" in report.failed[CHAT]
    assert all(why.startswith("cannot ") and "\n" not in why for why in report.failed.values())

    disk.plug()
    m.ready = ready  # type: ignore[method-assign]
    report = await Delivery(ctx, m).to_chats(each(ctx, outcome.record))
    assert report.ok
    for chat in (CHAT, CHAT2):
        assert len(m.of("header", chat)) == 1
        keys = sent_picks(m, chat)
        assert len(keys) == 3 and len(set(keys)) == 3


async def test_picks_again_on_a_failed_disk_sends_nothing_it_could_not_record(tmp_path):
    ctx = make_ctx(tmp_path / "data")
    disk = Disk(ctx.store.path.parent)
    m = RecordingMessenger()
    delivered = await Daily(ctx, m, collector=collector()).run_then_deliver()
    before = len(m.sent)
    disk.unplug()
    try:
        with pytest.raises(StoreWriteFailed, match="stopped before sending"):
            await Delivery(ctx, m).again(CHAT, delivered.outcome.record)
    finally:
        disk.plug()
    assert len(m.sent) == before


async def test_a_full_disk_is_found_by_writing_not_by_permissions(tmp_path, monkeypatch):
    """A full disk still lets a process make an empty file; the check writes as much as the
    run needs, so it is the disk that answers."""
    ctx = make_ctx(tmp_path / "data")
    await failures.ensure_writable(ctx, before="collecting")  # a healthy disk: no error
    real = failures.os.write

    def full(fd: int, data: bytes) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(failures.os, "write", full)
    with pytest.raises(StoreWriteFailed, match=r"\(No space left on device\); stopped before"):
        await failures.ensure_writable(ctx, before="collecting")
    monkeypatch.setattr(failures.os, "write", real)
    assert sorted(p.name for p in ctx.store.path.parent.iterdir()) == []  # nothing left behind


def _with_secrets(ctx):  # type: ignore[no-untyped-def]
    ctx.settings = ctx.settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TOKEN),
            "llm_api_key": SecretStr(KEY),
        }
    )
    return ctx


async def test_no_secret_a_failure_echoes_reaches_the_owner_the_summary_or_the_log(
    isolated_env, monkeypatch, caplog
):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_CHAT_IDS", str(CHAT))
    monkeypatch.setenv("LLM_API_KEY", KEY)
    ctx = make_context()  # as the bot and every command make it
    echo = f"gateway said: key {KEY} refused on /bot{TOKEN}/getMe (Bearer {KEY[:14]}…)"

    async def broken(_ctx: object, _on_source: object = None) -> list[SourceResult]:
        raise RuntimeError(echo)

    m = RecordingMessenger()
    assert await Daily(ctx, m, collector=broken).morning() is None
    ((kind, chat, cause),) = m.sent
    assert (kind, chat) == ("run_failed", CHAT)
    assert cause.startswith("RuntimeError: gateway said: key ") and REDACTED in cause
    # A source's reason is kept in the run record, shown in the summary and the header.
    outcome = (await Daily(ctx, None, collector=collector(reason=echo)).run_then_deliver()).outcome
    (broken_source,) = [s for s in outcome.record.sources if s.source == "broken"]
    shown = [cause, broken_source.reason, caplog.text]
    for text in shown:
        assert TOKEN not in text and KEY not in text and KEY[:12] not in text
        assert TOKEN.split(":")[1] not in text


def test_one_line_keeps_our_errors_words_and_names_a_surprise(tmp_path):
    ctx = _with_secrets(make_ctx(tmp_path))
    assert failures.one_line(ctx, StoreWriteFailed("cannot write\nthe database")) == (
        "cannot write the database"
    )
    assert failures.one_line(ctx, KeyError(TOKEN)) == f"KeyError: '{REDACTED}'"
    assert failures.unforeseen(KeyError("x")) and not failures.unforeseen(StoreWriteFailed("x"))


# -- through the CLI and the bot --------------------------------------------------------------
@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs a file-size limit")
async def test_a_full_disk_stops_jobpicks_run_before_any_request_in_one_line(isolated_env):
    """The OS refuses every write past 256 KiB (a file-size limit: a full disk, as far as the
    process can tell): `jobpicks run` says so in one line before it asks any board."""
    (isolated_env / "jobpicks.toml").write_text('[[boards]]\nboard = "greenhouse:acme"\n')
    limit = failures.RUN_ROOM // 4

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    async with BoardsFake() as boards:
        boards.greenhouse["acme"] = make_jobs("g", 2)
        assert boards.urls is not None
        proc = await asyncio.create_subprocess_exec(
            *jobpicks_cmd("run"),
            env=cli_env(JOBPICKS_GREENHOUSE_URL=boards.urls.greenhouse),
            preexec_fn=full_disk,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert boards.requests == []  # nothing collected, so nothing scored or sent
    lines = err.decode().strip().splitlines()
    assert proc.returncode == 1 and out == b""
    assert len(lines) == 1 and lines[0].startswith("jobpicks: cannot write the database ")
    assert "(File too large); stopped before collecting" in lines[0]


async def test_the_bot_tells_its_owner_in_one_line_and_sends_the_day_once_when_the_disk_is_back(
    fake,  # noqa: F811
    tmp_path,
    caplog,
):
    (tmp_path / "data").mkdir()
    ctx = make_bot_ctx(tmp_path / "data", fake)  # today is due: the bot catches up at start
    disk = Disk(ctx.store.path.parent)

    runs: list[int] = []

    async def collect_then_unplug(c, on_source=None):  # type: ignore[no-untyped-def]
        runs.append(1)
        if len(runs) == 1:  # the disk goes while the morning collects
            disk.unplug()
        return await collect_fake(c, on_source)

    async with running_bot(ctx, collector=collect_then_unplug):
        (notice,) = await fake.wait_for("sendMessage", chat_id=CHAT)
        text = notice.params["text"]
        assert "This morning's run failed" in text and "stopped before scoring" in text
        assert "Traceback" not in text and "Error" not in text  # our one line, not a type
        disk.plug()
        await fake.user_says(CHAT, "/picks")
        await fake.wait_for("sendMessage", count=5, chat_id=CHAT, within=15)  # header + 3
        await eventually(lambda: all(str(CHAT) in p.sent for p in ctx.store.picks_for(ctx.today())))
    picks = [m.text for m in fake.sent_to(CHAT)[1:]]
    assert len(picks) == 4 and len(set(picks)) == 4  # the header and three picks, once each
    assert "Traceback" not in caplog.text  # the conversations file failed too: one line
