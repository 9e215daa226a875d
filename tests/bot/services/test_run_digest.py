"""`jobpicks run` then `jobpicks digest` on a tmp DB, against the board fakes; a second
same-day run adds nothing; the next day a job seen on another board is not new."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import Store
from bot.store.records import LOCAL_PERSON
from tests.cli_support import RUN_CONFIG, boards_env, run_jobpicks
from tests.fakes.boards import BoardsFake, Job, make_jobs

pytestmark = pytest.mark.slow  # every test here starts `jobpicks` as a process


async def test_run_then_digest_then_same_day_rerun(isolated_env: Path) -> None:
    (isolated_env / "jobpicks.toml").write_text(RUN_CONFIG, encoding="utf-8")
    db = isolated_env / "db" / "jobpicks.json"
    async with BoardsFake() as fake:
        fake.linkedin = make_jobs("", 8, start_id=4100000000, company="Hooli")
        fake.lever["globex"] = [
            Job(id="g1", title="Machine Learning Intern", company="Globex", location="Austin, TX")
        ]
        env = boards_env(fake, isolated_env)

        code, run_out, err = await run_jobpicks("run", **env)
        assert code == 0, err
        assert run_out.startswith("# Daily Job Picks - ") and run_out.count("## [") == 5

        code, digest_out, err = await run_jobpicks("digest", **env)
        assert code == 0, err
        assert digest_out == run_out  # the stored picks render exactly as the run printed them

        requests_before = len(fake.requests)
        journal = db.with_name(db.name + ".journal")
        files_before = (db.read_bytes(), journal.read_bytes())
        code, again_out, err = await run_jobpicks("run", **env)
        assert code == 0, err
        assert again_out == "" and "already happened" in err
        assert len(fake.requests) == requests_before  # nothing collected again
        assert (db.read_bytes(), journal.read_bytes()) == files_before  # nothing stored again
    store = Store(db).person(LOCAL_PERSON)  # no chat configured: the local person's
    [run] = store.all_runs()
    assert len(store.picks_for(run.day)) == 5


async def test_run_with_an_llm_scores_caches_and_reports_spend(isolated_env: Path) -> None:
    from tests.fakes.llm import FakeLLM, posting_ids

    (isolated_env / "jobpicks.toml").write_text(RUN_CONFIG, encoding="utf-8")
    async with BoardsFake() as fake, FakeLLM() as llm:
        fake.linkedin = make_jobs("", 6, start_id=4300000000, company="Hooli")
        fake.lever["globex"] = [
            Job(id="g1", title="Machine Learning Intern", company="Globex", location="Austin, TX")
        ]
        env = boards_env(fake, isolated_env) | {
            "LLM_MODEL": "openai/fake",
            "LLM_API_BASE": llm.base,
            "LLM_API_KEY": "dummy",
        }

        code, out, err = await run_jobpicks("run", **env)
        assert code == 0, err
        # Every candidate scored once by the model, five postings a call.
        assert llm.calls == 2 and sum(len(posting_ids(r)) for r in llm.requests) == 7
        assert f"LLM: {llm.calls} calls" in err and "(LLM openai/fake)" in err
        assert "scoring: 2 calls" in err  # the per-purpose line
        assert out.count("## [") == 5

        code, _out, err = await run_jobpicks("run", "--force", **env)
        assert code == 0, err
        assert llm.calls == 2  # same postings, same profile: every score comes from the cache
    assert "dummy" not in err


async def test_run_with_a_bot_token_delivers_to_telegram_once(isolated_env: Path) -> None:
    from tests.fakes.telegram import FakeTelegram

    (isolated_env / "jobpicks.toml").write_text(RUN_CONFIG, encoding="utf-8")
    telegram = FakeTelegram()
    await telegram.start()
    telegram.add_chat(77)
    try:
        async with BoardsFake() as fake:
            fake.linkedin = make_jobs("", 8, start_id=4400000000, company="Hooli")
            env = boards_env(fake, isolated_env) | {
                "TELEGRAM_BOT_TOKEN": telegram.token,
                "TELEGRAM_CHAT_IDS": "77",
                "TELEGRAM_API_BASE": telegram.base_url,
            }
            code, out, err = await run_jobpicks("run", **env)
            assert code == 0, err
            assert out == ""  # the picks went to Telegram, not stdout
            sent = telegram.sent_to(77)
            assert sent[0].text.startswith("Job picks for") and len(sent) == 1 + 5
            assert all(m.reply_markup is not None for m in sent[1:])
            assert "chat 77: 5 sent" in err
            assert telegram.token not in err

            code, out, err = await run_jobpicks("run", **env)
            assert code == 0, err
            assert len(telegram.sent_to(77)) == 6  # nothing sent twice
            assert "already happened" in err and "5 already sent earlier" in err
    finally:
        await telegram.stop()


async def test_telegram_unreachable_is_one_clear_line(isolated_env: Path) -> None:
    (isolated_env / "jobpicks.toml").write_text(RUN_CONFIG, encoding="utf-8")
    closed = {
        "TELEGRAM_BOT_TOKEN": "1:SECRETtoken",
        "TELEGRAM_CHAT_IDS": "5",
        "TELEGRAM_API_BASE": "http://127.0.0.1:1/bot",
    }
    async with BoardsFake() as fake:
        fake.linkedin = make_jobs("", 3, start_id=4500000000, company="Hooli")
        code, out, err = await run_jobpicks("run", **(boards_env(fake, isolated_env) | closed))
    assert code == 1 and "Traceback" not in err and "SECRETtoken" not in err
    assert "chat 5: 0 sent; stopped: cannot reach Telegram at TELEGRAM_API_BASE" in err
    code, out, _ = await run_jobpicks(
        "digest", "--chat", "5", JOBPICKS_CONFIG=str(isolated_env / "jobpicks.toml")
    )
    assert out.count("## [") == 3  # the run itself was stored; a later run resumes delivery

    (isolated_env / "empty.toml").write_text("[selection]\nmin_score = 0\n", encoding="utf-8")
    code, _, err = await run_jobpicks(
        "bot", JOBPICKS_CONFIG=str(isolated_env / "empty.toml"), **closed
    )
    assert code == 1 and "Traceback" not in err and "SECRETtoken" not in err
    assert err.startswith("jobpicks bot: serving 1 person (access: chats); the owner's next run")
    assert err.strip().endswith(
        "jobpicks: cannot reach Telegram at TELEGRAM_API_BASE (NetworkError); check the address and the network"
    )
