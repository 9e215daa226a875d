"""Two real processes on one database: a running `jobpicks bot` (against the Telegram and board
fakes) and, beside it, the commands a person runs — `doctor`, `export`, `digest` and
`run --dry-run` write nothing and cost the bot no write; a `jobpicks run` writes beside it,
leaves the delivery to the bot, and both processes' changes are kept; a second `jobpicks bot`
stops with one line."""

from __future__ import annotations

import asyncio
import signal
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from tests.bot.telegram_support import CHAT, eventually
from tests.cli_support import RUN_CONFIG, boards_env, cli_env, jobpicks_cmd, run_jobpicks
from tests.fakes.boards import BoardsFake, Job, make_jobs
from tests.fakes.telegram import FakeTelegram

pytestmark = pytest.mark.slow


def _config() -> str:
    # A schedule that is never due today: the bot starts without a catch-up run.
    today = (datetime.now(UTC).weekday() + 1) % 7  # python-telegram-bot counts 0 = Sunday
    days = [d for d in range(7) if d != today]
    config = RUN_CONFIG.replace("max_picks = 5", "max_picks = 2")  # sends are paced 1 a second
    return config + f'\n[schedule]\ntime = "00:00"\ntimezone = "UTC"\ndays = {days}\n'


def _data(db: Path) -> dict[str, bytes]:
    """Every file of the database folder but the locks (a lock file holds no data) and the
    live bot's own onboarding conversations (python-telegram-bot writes them on its timer)."""
    skip = (".lock", ".conversations")
    return {f.name: f.read_bytes() for f in sorted(db.parent.iterdir()) if f.suffix not in skip}


async def _tap(fake: FakeTelegram, message_id: int, data: str) -> str:
    qid = await fake.tap(CHAT, message_id, data)
    (answer,) = await fake.wait_for("answerCallbackQuery", callback_query_id=qid, within=10)
    return answer.params["text"]


async def test_commands_and_a_run_beside_a_live_bot_cost_it_nothing(
    fake: FakeTelegram, isolated_env: Path
) -> None:
    (isolated_env / "jobpicks.toml").write_text(_config(), encoding="utf-8")
    db = isolated_env / "db" / "jobpicks.json"
    async with BoardsFake() as boards:
        boards.linkedin = make_jobs("", 8, start_id=4600000000, company="Hooli")
        boards.lever["globex"] = [Job(id="g1", title="Machine Learning Intern", company="Globex")]
        env = boards_env(boards, isolated_env)
        bot_env = env | {
            "TELEGRAM_BOT_TOKEN": fake.token,
            "TELEGRAM_CHAT_IDS": str(CHAT),
            "TELEGRAM_API_BASE": fake.base_url,
        }
        bot = await asyncio.create_subprocess_exec(
            *jobpicks_cmd("bot"),
            env=cli_env(**bot_env),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for("deleteWebhook", within=30)  # polling starts next
            await fake.user_says(CHAT, "/picks")
            await fake.wait_for("sendMessage", count=3, chat_id=CHAT, within=30)  # header + 2
            await eventually(
                lambda: [str(CHAT) in p.sent for p in _today(db)] == [True] * 2, within=10
            )
            picks = _today(db)

            # Readers beside the bot, all at once: each succeeds, the database stays byte
            # for byte.
            before = _data(db)
            readers = (("doctor",), ("export",), ("digest",), ("run", "--dry-run"))
            done = await asyncio.gather(*(run_jobpicks(*args, **bot_env) for args in readers))
            for args, (code, out, err) in zip(readers, done, strict=True):
                assert code == 0 and "Traceback" not in err, (args, out, err)
            assert _data(db) == before

            # …and the bot's next write is kept and shown.
            first = picks[0].sent[str(CHAT)]
            up = fake.buttons(CHAT, first)[0][1]
            assert await _tap(fake, first, up) == "👍 noted"
            await fake.wait_for("editMessageReplyMarkup", message_id=first)
            assert fake.buttons(CHAT, first)[0][0] == "👍 ✓"
            assert Store(db, read_only=True).vote_for(picks[0].key, CHAT).vote == "up"

            # A writer beside the bot: its run and the bot's next change both survive, and
            # the bot alone delivers (two senders would send the same picks twice).
            boards.linkedin = make_jobs("", 3, start_id=4700000000, company="Initech")
            sent = len(fake.calls_of("sendMessage"))
            code, out, err = await run_jobpicks("run", "--force", **bot_env)
            assert code == 0, err
            assert "a jobpicks bot serves this database: it delivers these picks" in err
            assert len(fake.calls_of("sendMessage")) == sent
            second = picks[1].sent[str(CHAT)]
            save = next(d for _, d in fake.buttons(CHAT, second) if d.startswith("s:"))
            assert (await _tap(fake, second, save)).startswith("🔖 saved")

            # One bot per database: the second says so in one line and stops.
            code, out, err = await run_jobpicks("bot", **bot_env)
            assert code == 1 and err.strip().count("\n") == 0, err
            assert "another jobpicks bot is already serving" in err
        finally:
            bot.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(bot.wait(), 20)
            assert bot.stderr is not None
            bot_err = (await bot.stderr.read()).decode()
    assert code == 0, bot_err
    assert "Traceback" not in bot_err and "not saved" not in bot_err

    store = Store(db, read_only=True).person(CHAT)
    assert [r.dry_run for r in store.all_runs()] == [False, False]  # the bot's and the cron's
    assert store.is_seen("linkedin:4700000000")  # what the second run collected
    assert store.vote_for(picks[0].key, CHAT).vote == "up"
    assert store.marks_on(CHAT, picks[1].key) == {"saved"}
    assert all(
        str(CHAT) in p.sent for p in picks if p.key in {q.key for q in store.picks_for(p.day)}
    )
    assert not list(db.parent.glob("*.corrupt-*"))


def _today(db: Path) -> list:
    store = Store(db, read_only=True).person(CHAT)
    runs = store.all_runs()
    return store.picks_for(runs[0].day) if runs else []
