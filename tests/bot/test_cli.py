import os
import re
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.cli_support import cli_env, jobpicks_cmd, run_jobpicks
from tests.fakes.boards import BoardsFake, make_jobs

pytestmark = pytest.mark.slow  # every test here starts `jobpicks` as a process


def test_demo_prints_a_digest_with_no_keys_and_no_network(isolated_env):
    proc = subprocess.run(
        jobpicks_cmd("demo"), env=cli_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert re.match(r"# Daily Job Picks - \d{4}-\d{2}-\d{2}\n", out)
    scores = [int(s) for s in re.findall(r"\*\*Score:\*\* (\d+)/100", out)]
    assert 5 <= len(scores) <= 10 and scores == sorted(scores, reverse=True)
    assert out.count("## [") == len(scores) == out.count("\n---\n")
    # Every link is well formed: no unescaped bracket inside a title.
    for line in out.splitlines():
        if line.startswith("## "):
            assert re.fullmatch(r"## \[(?:[^\[\]\\]|\\.)+\]\(https://\S+\)", line), line
    assert (
        "jobpicks run" in proc.stderr
        and "53 collected" in proc.stderr
        and "sample/linkedin" in proc.stderr
    )
    # A throw-away DB: nothing is left at the configured path.
    assert not (isolated_env / "db").exists()
    # Hostile markup never reaches the digest raw.
    assert "<script" not in out and "<b>" not in out


def test_demo_ranks_ml_above_software_above_firmware():
    out = subprocess.run(
        jobpicks_cmd("demo"), env=cli_env(), capture_output=True, text=True, timeout=120
    ).stdout
    titles = re.findall(r"## \[(.+?)\]\(", out)
    assert titles, out
    assert any("machine learning" in t.lower() or "ml" in t.lower().split() for t in titles[:3])
    assert not any("firmware" in t.lower() or "hardware" in t.lower() for t in titles)


def test_help_is_fast_and_lists_commands():
    proc = subprocess.run(
        jobpicks_cmd("--help"), env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0
    for command in ("run", "demo", "digest", "bot", "doctor"):
        assert command in proc.stdout


def test_heavy_modules_are_not_imported_for_help():
    code = "import sys; sys.argv=['jobpicks','--help']\ntry:\n import bot.cli; bot.cli.main()\nexcept SystemExit: pass\nprint(sorted(m for m in sys.modules if m.split('.')[0] in ('litellm','telegram','aiohttp','tinydb')))"
    proc = subprocess.run(
        [jobpicks_cmd()[0], "-c", code], env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.stdout.strip().splitlines()[-1] == "[]"


def test_digest_for_a_day_without_a_run_says_so_and_fails(isolated_env):
    proc = subprocess.run(
        jobpicks_cmd("digest", "--date", "2025-01-01", "--out", str(isolated_env / "d.md")),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "jobpicks: no run on 2025-01-01 (`jobpicks run` makes one)"
    assert proc.stdout == "" and not (isolated_env / "d.md").exists()  # no "quiet day" digest


def test_digest_rejects_a_bad_date():
    proc = subprocess.run(
        jobpicks_cmd("digest", "--date", "2026-13-01"),
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2 and "is not a date like" in proc.stderr


def test_corrupt_database_is_reported_in_one_line_and_moved_aside_by_a_writer(isolated_env):
    from bot.store import Store

    db = isolated_env / "db" / "jobpicks.json"
    db.parent.mkdir()
    db.write_text("{not json")
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1 and "no run on" in proc.stderr  # the empty database's day
    notices = [line for line in proc.stderr.splitlines() if "corrupt" in line]
    assert len(notices) == 1 and str(db) in notices[0]
    # `digest` only reads: the file stays where it is, for the next writer to move aside.
    assert sorted(p.name for p in db.parent.iterdir()) == ["jobpicks.json"]
    aside = Store(db).moved_aside
    assert aside is not None and aside.read_text() == "{not json"


async def test_a_second_writer_beside_a_run_keeps_both_changes(isolated_env):
    """`jobpicks run` while another process (here: this test) writes the same database: each
    writer catches up with the other under the writer lock, so both changes are kept."""
    import asyncio

    from bot.store import Store
    from bot.store.records import ChatState
    from tests.cli_support import RUN_CONFIG, boards_env
    from tests.fakes.boards import BoardsFake, Job, slow
    from tests.waiting import eventually

    (isolated_env / "jobpicks.toml").write_text(RUN_CONFIG, encoding="utf-8")
    db = isolated_env / "db" / "jobpicks.json"
    async with BoardsFake() as fake:
        fake.lever["globex"] = [Job(id="g1", title="ML Intern", company="Globex")]
        fake.fail("lever:globex", slow(1))  # the run has opened the database and waits
        proc = await asyncio.create_subprocess_exec(
            *jobpicks_cmd("run"),
            env=cli_env(**boards_env(fake, isolated_env)),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        await eventually(lambda: any(r.board == "lever" for r in fake.requests), within=30)
        other = Store(db)
        async with other.transaction():
            other.save_chat_state(ChatState(chat=7, paused=True))
        out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    stderr = err.decode()
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    reopened = Store(db).person(0)  # no chat configured: the local person's run
    assert reopened.chat_state(7).paused and reopened.moved_aside is None
    [run] = reopened.all_runs()
    assert run.status == "done" and reopened.picks_for(run.day)


# -- start-up checks: one line and exit 2, before any network ---------------------------------
CONFIG_WITH_A_BOARD = '[[boards]]\nboard = "greenhouse:acme"\n'


def _unwritable_db_paths(tmp: Path) -> list[tuple[str, Path]]:
    """Database paths whose folder really refuses a new file, even to root."""
    (tmp / "plain-file").write_text("not a folder")
    paths = [("parent is a regular file", tmp / "plain-file" / "jobpicks.json")]
    # sysfs takes no new files, whoever asks: the root-proof stand-in for a folder without
    # write permission (the non-root case has its own test below).
    if _refuses_files(Path("/sys")):
        paths.append(("folder refuses new files", Path("/sys") / "jobpicks.json"))
    return paths


def _refuses_files(folder: Path) -> bool:
    try:
        fd, probe = tempfile.mkstemp(dir=folder)
    except OSError:
        return folder.is_dir()
    os.close(fd)
    os.unlink(probe)
    return False


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert "Traceback" not in stderr
    return lines[0]


async def test_unwritable_database_folder_stops_the_run_before_any_request(isolated_env):
    (isolated_env / "jobpicks.toml").write_text(CONFIG_WITH_A_BOARD, encoding="utf-8")
    cases = _unwritable_db_paths(isolated_env)
    async with BoardsFake() as fake:
        fake.greenhouse["acme"] = make_jobs("g", 2)
        assert fake.urls is not None
        for why, db in cases:
            code, _out, err = await run_jobpicks(
                "run", JOBPICKS_DB=str(db), JOBPICKS_GREENHOUSE_URL=fake.urls.greenhouse
            )
            assert code == 2, (why, err)
            line = _one_line(err)
            assert (
                line.startswith("jobpicks: JOBPICKS_DB: cannot write in ")
                and str(db.parent) in line
            )
            assert fake.requests == [], why  # found before the scraping, not after it


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes through permission bits"
)
def test_database_folder_without_write_permission_is_one_line(isolated_env):
    folder = isolated_env / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        proc = subprocess.run(
            jobpicks_cmd("bot"),
            env=cli_env(JOBPICKS_DB=str(folder / "jobpicks.json"), TELEGRAM_BOT_TOKEN="1:x"),
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        folder.chmod(0o755)
    assert proc.returncode == 2
    assert str(folder) in _one_line(proc.stderr)


@pytest.mark.skipif(not _refuses_files(Path("/sys")), reason="needs a folder refusing new files")
def test_reading_commands_do_not_need_a_writable_folder(isolated_env):
    # The digest and the doctor store nothing: a read-only database folder does not stop them
    # (the doctor reports it as one of its checks). No sources, so the doctor asks no host.
    (isolated_env / "jobpicks.toml").write_text('[profile]\nabout = "x"\n', encoding="utf-8")
    env = cli_env(JOBPICKS_DB="/sys/jobpicks.json")
    digest = subprocess.run(
        jobpicks_cmd("digest", "--date", "2026-01-05"),
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    # It got as far as reading the (empty) database: no run that day, nothing about the folder.
    assert digest.returncode == 1 and "no run on 2026-01-05" in digest.stderr, digest.stderr
    doctor = subprocess.run(
        jobpicks_cmd("doctor"), env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in doctor.stdout + doctor.stderr
    assert "settings/config" not in doctor.stdout  # it got past the start-up checks …
    assert "✗ database: cannot write /sys/jobpicks.json" in doctor.stdout  # … to its own check
    assert doctor.returncode == 1  # the bot could not work: systemd must not start it


def test_config_file_that_is_not_utf8_is_one_line(isolated_env):
    config = isolated_env / "latin1.toml"
    config.write_bytes(
        '[profile]\nabout = "Caf\u00e9 barista turned developer"\n'.encode("latin-1")
    )
    proc = subprocess.run(
        jobpicks_cmd("run", "--dry-run"),
        env=cli_env(JOBPICKS_CONFIG=str(config)),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    line = _one_line(proc.stderr)
    assert line.startswith("jobpicks: JOBPICKS_CONFIG: ") and str(config) in line
    assert "not UTF-8" in line and "0xe9" in line


@pytest.mark.parametrize(
    "args", [["--uses", "-1"], ["--uses", "two"], ["--days", "-3"], ["--days", "nan"]]
)
def test_a_bad_invite_count_is_a_usage_error_exit_2(args, capsys):
    # `jobpicks invite --uses -1` once got past the parser and ended with exit 1, as a
    # failure, where every other mistyped option is a usage error (exit 2).
    from bot.cli import build_parser

    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args(["invite", *args])
    assert stop.value.code == 2 and "0 or more" in capsys.readouterr().err
