"""`jobpicks doctor`: check a real setup in one screen, ✓, ⚠ or ✗ with the fix for each.

Settings and config, the database, the bot token (getMe), each chat id (the bot can
message it), the LLM (one tiny call, or "local scorer") and each configured source (one
request each, to the configured base URLs).

The exit code says whether the bot can work, because `ExecStartPre=jobpicks doctor` decides
with it whether systemd starts the bot: only what stops the bot fails it (✗, exit 1: the
token and chat ids unset, the database, a token Telegram refuses); what the bot lives with
(⚠, exit 0: a source down today, an LLM that does not answer, a chat that has not pressed
Start) is shown with its fix. Settings or config that cannot be read are exit 2 (`bot.cli`).
Every line goes through the one redaction (`AppContext.redact`): a server or proxy that
echoes the request path or the key never puts the token or the key on the screen.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from bot.context import AppContext

if TYPE_CHECKING:
    from telegram import Bot

    from scrapers.options import SourceUrls

TIMEOUT = 10.0

EXIT_OK, EXIT_STOPS_BOT = 0, 1


@dataclass
class Check:
    """One line of the doctor. A failed check `stops_bot` (✗, exit 1) or is a warning (⚠)."""

    ok: bool
    name: str
    detail: str
    fix: str = ""
    stops_bot: bool = False

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "✗" if self.stops_bot else "⚠"

    def line(self) -> str:
        text = f"{self.mark} {self.name}: {self.detail}"
        return text if self.ok or not self.fix else f"{text}\n    fix: {self.fix}"


def board_target(board: str) -> tuple[str, str] | None:
    """(kind, token) from ``greenhouse:x`` / ``lever:x`` / ``ashby:x`` or a careers URL."""
    from scrapers.sources.boards_spec import parse_board

    try:
        ref = parse_board(board)
    except ValueError:
        return None
    return ref.kind, ref.token


def board_probe(board: str, urls: SourceUrls) -> tuple[str, str, str, Any] | None:
    """(name, method, url, JSON body) of the request that checks one board, or None."""
    from scrapers.registry import SOURCES
    from scrapers.sources.boards_spec import parse_board

    try:
        ref = parse_board(board)
    except ValueError:
        return None
    method, url, body = SOURCES[ref.kind].probe(ref, urls)  # type: ignore[attr-defined]
    return f"{ref.kind} {ref.label.partition(':')[2]}", method, url, body


def check_settings(ctx: AppContext) -> list[Check]:
    s = ctx.settings
    checks = []
    path = s.jobpicks_config
    if path.exists():
        checks.append(Check(True, "config", f"{path} loaded"))
    else:
        checks.append(Check(True, "config", f"{path} not found: using the built-in example config"))
    checks.append(
        Check(
            bool(s.token),
            "TELEGRAM_BOT_TOKEN",
            "set" if s.token else "not set",
            "create a bot with @BotFather and put its token in .env",
            stops_bot=True,
        )
    )
    checks.append(
        Check(
            bool(s.telegram_chat_ids),
            "TELEGRAM_CHAT_IDS",
            ", ".join(map(str, s.telegram_chat_ids)) or "not set",
            "send your bot a message, then put your chat id (e.g. from @userinfobot) in .env",
            stops_bot=True,
        )
    )
    return checks


async def check_db(ctx: AppContext) -> Check:
    """Whether the database could be written, found without writing it (beside a live bot
    the doctor costs it nothing)."""
    try:
        await ctx.store.check_writable()
        return Check(True, "database", f"{ctx.store.path} is writable")
    except OSError as exc:
        return Check(
            False,
            "database",
            f"cannot write {ctx.store.path}: {exc.strerror or exc}",
            "point JOBPICKS_DB at a file in a folder you can write",
            stops_bot=True,
        )


async def check_telegram(ctx: AppContext) -> list[Check]:
    from bot.telegram.client import make_bot  # the one Bot factory (token kept out of logs)

    if not ctx.settings.token:
        return []
    bot = make_bot(ctx.settings)
    try:
        return await _telegram_checks(ctx, bot)
    finally:
        await bot.shutdown()  # close its HTTP connections whatever failed


async def _telegram_checks(ctx: AppContext, bot: Bot) -> list[Check]:
    from telegram.error import Forbidden, TelegramError

    try:
        me = await asyncio.wait_for(bot.get_me(), TIMEOUT)
    except (TelegramError, TimeoutError, OSError) as exc:
        why = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
        return [
            Check(
                False,
                "Telegram token",
                f"getMe failed: {why}",
                "check TELEGRAM_BOT_TOKEN (from @BotFather) and TELEGRAM_API_BASE",
                stops_bot=True,
            )
        ]
    checks = [Check(True, "Telegram token", f"bot @{me.username}")]
    for chat_id in ctx.settings.telegram_chat_ids:
        try:
            await asyncio.wait_for(bot.send_chat_action(chat_id, "typing"), TIMEOUT)
            checks.append(Check(True, f"chat {chat_id}", "the bot can message it"))
        except Forbidden as exc:
            checks.append(
                Check(
                    False,
                    f"chat {chat_id}",
                    exc.message,
                    "open the bot in Telegram and press Start (or unblock it)",
                )
            )
        except (TelegramError, TimeoutError, OSError) as exc:
            checks.append(
                Check(
                    False,
                    f"chat {chat_id}",
                    str(exc) or type(exc).__name__,
                    "send the bot a message from that chat first, and check the id",
                )
            )
    return checks


async def check_llm(ctx: AppContext) -> Check:
    client = ctx.llm_client()
    if client is None:
        return Check(True, "scoring", "local scorer (no LLM_MODEL set; no key, no cost)")
    from scoring.llm.failures import LLMFailure
    from scrapers.redact import redact

    model = client.settings.model
    fix = "check LLM_MODEL, LLM_API_BASE and LLM_API_KEY (or unset LLM_MODEL for the local scorer)"
    try:
        await client.probe(TIMEOUT)
    except LLMFailure as failure:  # one line, already redacted of the key
        return Check(False, "LLM", f"{model}: {failure}", failure.hint or fix)
    except Exception as exc:  # litellm did not load, or a surprise: its words, redacted
        why = redact(" ".join(str(exc).split()), client.secrets)[:200] or type(exc).__name__
        return Check(False, "LLM", f"{model}: {why}", fix)
    return Check(True, "LLM", f"{model} answered")


async def check_llm_price(ctx: AppContext) -> list[Check]:
    """A line when litellm has no price for the model: its cost shows as $0 and only the
    daily token budget can stop it (a configured price fixes that)."""
    client = ctx.llm_client()
    if client is None:
        return []
    try:
        note = await client.price_note()
    except Exception:  # noqa: BLE001 — litellm did not load: check_llm has said so
        return []
    return [Check(True, "LLM price", note)] if note else []


async def _probe(session, name: str, method: str, url: str, **kwargs) -> Check:  # type: ignore[no-untyped-def]
    import aiohttp

    try:
        async with session.request(method, url, **kwargs) as resp:
            await resp.read()
            if resp.status < 400:
                return Check(True, name, f"HTTP {resp.status}")
            fix = {
                404: "the board or company name is probably wrong",
                403: "the site refuses this machine (blocked); try later or another network",
                429: "rate-limited right now; wait a minute",
            }.get(resp.status, "the site answered with an error; try again later")
            return Check(False, name, f"HTTP {resp.status} from {url}", fix)
    except (aiohttp.ClientError, TimeoutError) as exc:
        why = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
        return Check(
            False, name, f"{why} ({url})", "check the network and the JOBPICKS_*_URL setting"
        )


async def check_sources(ctx: AppContext) -> list[Check]:
    import aiohttp

    from scrapers.sources.boards_spec import USAGE as BOARD_USAGE
    from scrapers.sources.indeed import US, country_for
    from scrapers.sources.indeed import request_headers as indeed_headers

    urls = ctx.source_urls()
    cfg = ctx.config
    probes: list[Awaitable[Check]] = []
    timeout = aiohttp.ClientTimeout(total=TIMEOUT)
    headers = {"User-Agent": cfg.http.user_agent}
    async with aiohttp.ClientSession(timeout=timeout, headers=headers) as session:
        wanted = {src for search in cfg.searches for src in search.sources}
        first = cfg.searches[0] if cfg.searches else None
        if "linkedin" in wanted and first:
            probes.append(
                _probe(
                    session,
                    "LinkedIn",
                    "GET",
                    f"{urls.linkedin}/jobs-guest/jobs/api/seeMoreJobPostings/search",
                    params={"keywords": first.keywords, "location": first.location, "start": "0"},
                )
            )
        if "indeed" in wanted and first:
            query = "query { jobSearch(what: %s, limit: 1) { results { job { key } } } }"
            probes.append(
                _probe(
                    session,
                    "Indeed",
                    "POST",
                    urls.indeed,
                    json={"query": query % _gql_string(first.keywords)},
                    headers=indeed_headers(
                        cfg.http.indeed_headers, _country(country_for, first, US)
                    ),
                )
            )
        checks: list[Check] = []
        for board in cfg.boards:
            target = board_probe(board.board, urls)
            if target is None:
                checks.append(
                    Check(False, f"board {board.board}", "not a board I know", BOARD_USAGE)
                )
                continue
            name, method, url, body = target
            probes.append(_probe(session, name, method, url, json=body))
        for entry in cfg.lists:
            probes.append(_probe(session, f"list {entry.url}", "GET", entry.url))
        checks += await asyncio.gather(*probes)
    if not cfg.searches and not cfg.boards:
        checks.append(
            Check(
                False,
                "sources",
                "no [[searches]] or [[boards]] configured",
                "add some to jobpicks.toml",
            )
        )
    return checks


def _country(country_for: Any, search: Any, default: Any) -> Any:
    try:
        return country_for(search)
    except ValueError:
        return default  # the run reports the unknown country; the probe still checks Indeed


def _gql_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


async def run_doctor(ctx: AppContext, out: TextIO | None = None) -> int:
    """Print every check (redacted); exit code 1 when one stops the bot (✗), else 0 (any
    warnings ⚠ shown)."""
    out = out or sys.stdout
    checks: list[Check] = []

    def show(new: list[Check]) -> None:
        for check in new:
            print(ctx.redact(check.line()), file=out, flush=True)
        checks.extend(new)

    show(check_settings(ctx))
    show([await check_db(ctx)])
    show(await check_telegram(ctx))
    show([await check_llm(ctx)])
    show(await check_llm_price(ctx))
    show(await check_sources(ctx))
    print("\n" + summary(checks), file=out)
    return EXIT_STOPS_BOT if any(c.stops_bot and not c.ok for c in checks) else EXIT_OK


def summary(checks: list[Check]) -> str:
    """The doctor's last line: how many checks passed, and whether the bot can start."""
    fatal = sum(1 for c in checks if not c.ok and c.stops_bot)
    warnings = sum(1 for c in checks if not c.ok and not c.stops_bot)
    if not fatal and not warnings:
        return f"all {len(checks)} checks ok"
    parts = [f"{len(checks) - fatal - warnings} ok"]
    if warnings:
        parts.append(f"{warnings} warning{'s' * (warnings != 1)}")
    if fatal:
        parts.append(f"{fatal} to fix")
    verdict = "the bot cannot work until ✗ is fixed" if fatal else "the bot can start"
    return f"{', '.join(parts)}: {verdict}"
