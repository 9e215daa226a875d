"""`jobpicks doctor` against the fake Bot API and a fake job-board server."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from pathlib import Path

import pytest
from aiohttp import web

from bot.doctor import board_target, run_doctor
from tests.bot.telegram_support import CHAT, CHAT2, make_ctx

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
async def boards():
    app = web.Application()
    seen: list[str] = []

    async def greenhouse(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({"jobs": []})

    async def missing(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.json_response({"ok": False}, status=404)

    async def linkedin(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(text="<li><div class='base-search-card'></div></li>")

    async def indeed(request: web.Request) -> web.Response:
        seen.append(request.path)
        return web.Response(status=403, text="blocked")

    app.router.add_get("/v1/boards/acme/jobs", greenhouse)
    app.router.add_get("/v0/postings/{co}", missing)
    app.router.add_get("/jobs-guest/jobs/api/seeMoreJobPostings/search", linkedin)
    app.router.add_post("/graphql", indeed)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


def test_board_target():
    assert board_target("greenhouse:airbnb") == ("greenhouse", "airbnb")
    assert board_target("https://jobs.lever.co/palantir") == ("lever", "palantir")
    assert board_target("https://job-boards.greenhouse.io/acme/jobs/1") == ("greenhouse", "acme")
    assert board_target("jobs.ashbyhq.com/openai") == ("ashby", "openai")
    assert board_target("workday:acme") is None


async def test_doctor_reports_each_check_with_a_fix(fake, boards, tmp_path):
    base, seen = boards
    fake.block(CHAT2)
    ctx = make_ctx(tmp_path, fake, chats=[CHAT, CHAT2, 31337])
    ctx.settings = ctx.settings.model_copy(
        update={
            "jobpicks_greenhouse_url": base,
            "jobpicks_lever_url": base,
            "jobpicks_linkedin_url": base,
            "jobpicks_indeed_url": f"{base}/graphql",
        }
    )
    data = ctx.config.model_dump()
    data["searches"] = [{"keywords": "ml intern", "sources": ["linkedin", "indeed"]}]
    data["boards"] = [{"board": "greenhouse:acme"}, {"board": "lever:nope"}]
    ctx.config = type(ctx.config).model_validate(data)
    out = io.StringIO()
    code = await run_doctor(ctx, out)
    text = out.getvalue()
    # A blocked chat and a board or search down are warnings: the bot works, so systemd's
    # `ExecStartPre=jobpicks doctor` must let it start.
    assert code == 0
    assert "✓ database" in text
    assert "✓ Telegram token: bot @jobpicks_test_bot" in text
    assert f"✓ chat {CHAT}: the bot can message it" in text
    assert f"⚠ chat {CHAT2}" in text and "unblock" in text
    assert "⚠ chat 31337" in text and "chat not found" in text.lower()
    assert "✓ scoring: local scorer" in text
    assert "✓ LinkedIn" in text and "✓ greenhouse acme" in text
    assert "⚠ Indeed: HTTP 403" in text and "⚠ lever nope: HTTP 404" in text
    assert text.rstrip().endswith("9 ok, 4 warnings: the bot can start")
    assert fake.token not in text
    assert sorted(seen) == sorted(
        [
            "/v1/boards/acme/jobs",
            "/v0/postings/nope",
            "/jobs-guest/jobs/api/seeMoreJobPostings/search",
            "/graphql",
        ]
    )


async def test_doctor_cli_with_a_wrong_token(fake, tmp_path):
    config = tmp_path / "jobpicks.toml"
    config.write_text('[[boards]]\nboard = "greenhouse:acme"\n')
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO),
        "JOBPICKS_DB": str(tmp_path / "db.json"),
        "JOBPICKS_CONFIG": str(config),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_CHAT_IDS": str(CHAT),
        "TELEGRAM_API_BASE": fake.base_url,
        "LLM_MODEL": "",
        "JOBPICKS_GREENHOUSE_URL": fake.base_url.removesuffix("/bot"),
    }

    async def doctor(**over: str) -> tuple[int, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "doctor",
            cwd=tmp_path, env=env | over,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
        return proc.returncode, out.decode()

    code, out = await doctor(TELEGRAM_BOT_TOKEN="999:wrong")
    assert code == 1 and "✗ Telegram token" in out and "999:wrong" not in out
    # the fake answers 404 for the board path: the board check fails with a fix
    assert "greenhouse acme: HTTP 404" in out and "fix:" in out


async def test_doctor_llm_check_makes_one_tiny_call(tmp_path):
    from pydantic import SecretStr

    from bot.config import Config
    from bot.context import AppContext
    from bot.doctor import check_llm
    from bot.settings import Settings
    from bot.store import Store
    from tests.fakes.llm import FakeLLM, Reply, status

    async with FakeLLM() as llm:
        settings = Settings(
            llm_model="openai/fake", llm_api_base=llm.base, llm_api_key=SecretStr("k")
        )
        ctx = AppContext(settings=settings, config=Config(), store=Store(tmp_path / "db.json"))
        llm.queue(Reply(kind="text", content="OK"))
        ok = await check_llm(ctx)
        assert ok.ok and ok.line() == "✓ LLM: openai/fake answered" and llm.calls == 1
        llm.queue(status(500))
        bad = await check_llm(ctx)
        assert not bad.ok and "LLM_MODEL" in bad.fix and "k" not in bad.detail.split()
        assert bad.line().startswith("⚠ LLM") and not bad.stops_bot  # the bot still starts

        ctx.settings = Settings(llm_model="")
        local = await check_llm(ctx)
        assert local.ok and "local scorer" in local.detail and llm.calls == 2


async def test_doctor_never_shows_a_key_the_llm_server_echoes(tmp_path):
    from pydantic import SecretStr

    from bot.config import Config
    from bot.context import AppContext
    from bot.doctor import check_llm
    from bot.settings import Settings
    from bot.store import Store
    from tests.fakes.llm import FakeLLM, status

    key = "sk-proj-Zq8xR2mN5vL0tY7wK3pH6jD9fB1cS4gA"
    async with FakeLLM() as llm:
        settings = Settings(
            llm_model="openai/fake", llm_api_base=llm.base, llm_api_key=SecretStr(key)
        )
        ctx = AppContext(settings=settings, config=Config(), store=Store(tmp_path / "db.json"))
        llm.queue(status(401, echo_key=True))
        bad = await check_llm(ctx)
    line = bad.line()
    assert not bad.ok and "key refused (HTTP 401): Incorrect API key provided" in line
    assert "LLM_API_KEY" in bad.fix and key not in line and "<redacted>" in line


async def test_doctor_checks_the_new_boards_and_lists(fake, tmp_path):
    """Every board kind in the registry has its one probe request; a list is fetched once."""
    from tests.fakes.boards import BoardsFake, Job

    ctx = make_ctx(tmp_path, fake, chats=[CHAT])
    async with BoardsFake() as boards_fake:
        job = Job(id="1", title="Data Intern", company="Acme")
        boards_fake.workday["acme/Careers"] = [job]
        boards_fake.smartrecruiters["Acme"] = [job]
        boards_fake.workable["acme"] = [job]
        boards_fake.recruitee["acme"] = [job]
        boards_fake.lists["o/r"] = []
        u = boards_fake.urls
        assert u is not None
        ctx.settings = ctx.settings.model_copy(
            update={f"jobpicks_{k}_url": getattr(u, k) for k in type(u).model_fields}
        )
        data = ctx.config.model_dump()
        data["searches"] = []
        data["boards"] = [{"board": b} for b in ("workday:acme.wd5/Careers", "smartrecruiters:Acme",
                                                   "workable:acme", "recruitee:acme", "workable:ghost")]  # fmt: skip
        data["lists"] = [{"url": boards_fake.list_url("o/r")}]
        ctx.config = type(ctx.config).model_validate(data)
        out = io.StringIO()
        await run_doctor(ctx, out)
    text = out.getvalue()
    for name in ("workday acme/Careers", "smartrecruiters Acme", "workable acme", "recruitee acme"):
        assert f"✓ {name}" in text, text
    assert "⚠ workable ghost: HTTP 404" in text
    assert f"✓ list {boards_fake.list_url('o/r')}" in text


async def test_doctor_names_a_model_litellm_has_no_price_for(tmp_path):
    from bot.config import Config
    from bot.context import AppContext
    from bot.doctor import check_llm_price
    from bot.settings import Settings
    from bot.store import Store

    def ctx_for(model: str, config: Config | None = None) -> AppContext:
        settings = Settings(llm_model=model, llm_api_base="https://proxy.example/v1")
        return AppContext(
            settings=settings, config=config or Config(), store=Store(tmp_path / "d.json")
        )

    (line,) = await check_llm_price(ctx_for("anthropic/claude-3-5-haiku-20241022"))
    assert "no price for anthropic/claude-3-5-haiku-20241022" in line.detail
    assert "input_cost_per_million" in line.detail and "token budget" in line.detail
    assert await check_llm_price(ctx_for("openai/gpt-4o-mini")) == []
    priced = Config.model_validate(
        {"scoring": {"input_cost_per_million": 0.8, "output_cost_per_million": 4}}
    )
    assert await check_llm_price(ctx_for("anthropic/claude-3-5-haiku-20241022", priced)) == []


async def test_doctor_never_shows_the_token_whatever_telegram_or_a_proxy_echoes(tmp_path):
    """A proxy in front of the Bot API puts the request path, token included, in its errors:
    "getMe failed: Not Found: /bot<token>/getMe". The token is not shaped like a real one
    here, so only the redaction of the configured secret can catch it."""
    from tests.fakes.telegram import FakeTelegram

    token = "42:jobpicks-doctor-token"
    fake = FakeTelegram(token=token, echo_path=True)
    await fake.start()
    try:
        fake.add_chat(CHAT)
        fake.add_chat(CHAT2)
        ctx = make_ctx(tmp_path, fake, chats=[CHAT, CHAT2, 31337])
        ctx.config = type(ctx.config).model_validate({**ctx.config.model_dump(), "searches": []})
        fake.fail_next("getMe", code=404, retry_after=None, description="Not Found")
        first = io.StringIO()
        assert await run_doctor(ctx, first) == 1  # a token Telegram refuses stops the bot
        fake.block(CHAT2)  # 403, echoed
        fake.fail_next("sendChatAction", code=502, retry_after=None, description="Bad Gateway",
                       chat_id=CHAT, html_page=True)  # a proxy's HTML page, echoed  # fmt: skip
        second = io.StringIO()
        await run_doctor(ctx, second)
    finally:
        await fake.stop()
    text = first.getvalue() + second.getvalue()
    assert "✗ Telegram token: getMe failed: Not Found: /bot<redacted>/getMe" in text
    assert f"⚠ chat {CHAT2}: Forbidden: bot was blocked by the user: /bot<redacted>/" in text
    assert f"⚠ chat {CHAT}:" in text and "Bad Gateway" in text
    assert token not in text and token.split(":")[1] not in text
    assert "jobpicks-doctor" not in text  # not even a part of it
