import subprocess

import pytest

from bot.config import load_config
from bot.errors import ConfigError
from bot.settings import load_settings
from tests.cli_support import cli_env, jobpicks_cmd


def test_chat_ids_are_split_and_token_is_secret(monkeypatch):
    monkeypatch.setenv("TELEGRAM_CHAT_IDS", " 11, -1002 ,")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:SECRET")
    s = load_settings()
    assert s.telegram_chat_ids == [11, -1002]
    assert s.token == "123:SECRET"
    assert "SECRET" not in repr(s)


def test_env_file_is_read(isolated_env):
    (isolated_env / ".env").write_text("LLM_MODEL=openai/gpt-4o-mini\nTELEGRAM_CHAT_IDS=5\n")
    s = load_settings()
    assert s.llm_model == "openai/gpt-4o-mini"
    assert s.telegram_chat_ids == [5]


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TELEGRAM_CHAT_IDS", "12,abc", "TELEGRAM_CHAT_IDS: 'abc' is not a chat id"),
        (
            "JOBPICKS_LEVER_URL",
            "api.lever.co",
            "JOBPICKS_LEVER_URL: 'api.lever.co' is not an http(s) URL",
        ),
        ("TELEGRAM_API_BASE", "telegram", "TELEGRAM_API_BASE:"),
    ],
)
def test_bad_setting_names_the_variable(monkeypatch, name, value, expected):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value).startswith(expected)


def test_missing_config_file_means_builtin_defaults(isolated_env):
    config = load_config(isolated_env / "nope.toml")
    assert config.searches and config.profile.about
    assert config.schedule.timezone == "America/Los_Angeles"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[schedule]\ntime = '25:99'\n", "schedule.time: '25:99' is not a time of day"),
        (
            "[schedule]\ntimezone = 'Mars/Olympus'\n",
            "schedule.timezone: 'Mars/Olympus' is not a known IANA timezone",
        ),
        ("[selection]\nmin_score = 140\n", "selection.min_score:"),
        ("[[searches]]\nlocation = 'US'\n", "searches.0.keywords: Field required"),
        ("[surprise]\nx = 1\n", "surprise: Extra inputs are not permitted"),
        ("[schedule\n", "is not valid TOML"),
        ("a = " + "[" * 3000 + "]" * 3000 + "\n", "is nested too deeply"),
    ],
)
def test_bad_config_file_names_the_key(isolated_env, text, expected):
    path = isolated_env / "jobpicks.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert expected in str(err.value)
    assert str(err.value).startswith("JOBPICKS_CONFIG:")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"TELEGRAM_CHAT_IDS": "x"}, "jobpicks: TELEGRAM_CHAT_IDS: 'x' is not a chat id"),
        ({"JOBPICKS_INDEED_URL": "nope"}, "jobpicks: JOBPICKS_INDEED_URL:"),
    ],
)
def test_cli_stops_with_one_line_and_exit_2(env, expected):
    proc = subprocess.run(
        jobpicks_cmd("run", "--dry-run"),
        env=cli_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]  # exactly one line
    assert proc.stderr.startswith(expected)
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_cli_bad_config_file_exit_2(isolated_env):
    (isolated_env / "jobpicks.toml").write_text("[selection]\nmax_picks = 'ten'\n")
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "selection.max_picks" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_bot_without_token_is_a_config_error():
    proc = subprocess.run(
        jobpicks_cmd("bot"), env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("jobpicks: TELEGRAM_BOT_TOKEN: not set")


@pytest.mark.slow
def test_env_example_copied_verbatim_gives_defaults(isolated_env, monkeypatch):
    from tests.cli_support import REPO

    monkeypatch.delenv("JOBPICKS_DB")
    monkeypatch.delenv("JOBPICKS_CONFIG", raising=False)
    (isolated_env / ".env").write_text((REPO / ".env.example").read_text())
    s = load_settings()
    assert s.jobpicks_db.name == "jobpicks.json" and s.jobpicks_db.is_absolute()
    assert str(s.jobpicks_config) == "jobpicks.toml"
    # Its empty `JOBPICKS_CONFIG=` line means "unset": the default ./jobpicks.toml may be absent.
    assert "jobpicks_config" not in s.model_fields_set
    assert s.token is None and s.telegram_chat_ids == [] and s.llm_model == ""
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(JOBPICKS_DB=str(isolated_env / "db.json")),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "does not exist" not in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.slow
def test_a_named_config_file_that_is_missing_stops_with_exit_2(isolated_env):
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(JOBPICKS_CONFIG=str(isolated_env / "typo.toml")),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith(
        f"jobpicks: JOBPICKS_CONFIG: {isolated_env / 'typo.toml'} does not exist"
    )


@pytest.mark.slow
def test_a_database_path_that_cannot_be_created_stops_with_exit_2(isolated_env):
    (isolated_env / "afile").write_text("x")
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(JOBPICKS_DB=str(isolated_env / "afile" / "db.json")),
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("jobpicks: JOBPICKS_DB: cannot use")
    assert len(proc.stderr.strip().splitlines()) == 1


def test_env_file_that_is_not_utf8_names_the_file(isolated_env):
    (isolated_env / ".env").write_bytes("LLM_MODEL=caf\u00e9\n".encode("latin-1"))
    with pytest.raises(ConfigError) as err:
        load_settings()
    assert str(err.value) == (
        f"{isolated_env / '.env'} is not UTF-8 text (byte 0xe9 at offset 13); save it as UTF-8"
    )


def test_config_file_that_is_not_utf8_names_the_file(isolated_env):
    path = isolated_env / "jobpicks.toml"
    path.write_bytes(b"[profile]\nabout = 'Z\xfcrich'\n")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value).startswith(f"JOBPICKS_CONFIG: {path} is not UTF-8 text (byte 0xfc")


@pytest.mark.slow
def test_cli_env_file_that_is_not_utf8_exit_2(isolated_env):
    (isolated_env / ".env").write_bytes(b"\xff\xfeT\x00")  # saved as UTF-16 by an editor
    proc = subprocess.run(
        jobpicks_cmd("digest"), env=cli_env(), capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert (
        proc.stderr
        == f"jobpicks: {isolated_env / '.env'} is not UTF-8 text (byte 0xff at offset 0); save it as UTF-8\n"
    )


def test_config_file_saved_with_a_bom_is_read(isolated_env):
    path = isolated_env / "jobpicks.toml"
    path.write_bytes(b"\xef\xbb\xbf[selection]\nmax_picks = 3\n")  # Notepad's "UTF-8"
    assert load_config(path).selection.max_picks == 3


def test_an_empty_value_in_the_environment_is_unset(monkeypatch):
    monkeypatch.setenv("JOBPICKS_DB", "")
    monkeypatch.setenv("JOBPICKS_CONFIG", "")
    monkeypatch.setenv("LLM_API_BASE", " ")
    s = load_settings()
    assert "jobpicks_config" not in s.model_fields_set  # the default may be absent
    assert "jobpicks_db" not in s.model_fields_set and s.jobpicks_db.name == "jobpicks.json"
    assert s.llm_api_base is None
