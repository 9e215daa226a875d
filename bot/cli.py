"""The `jobpicks` command. Heavy modules (telegram, litellm, aiohttp) load only in the
subcommand that needs them, so `jobpicks --help` stays instant."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from bot.errors import ConfigError
from scrapers.errors import JobpicksError
from scrapers.redact import redact, redact_logs

if TYPE_CHECKING:
    from bot.context import AppContext
    from bot.services.daily import Delivered
    from bot.services.run import RunOutcome

log = logging.getLogger("jobpicks")

EXIT_OK, EXIT_FAILED, EXIT_CONFIG, EXIT_NO_SOURCES = 0, 1, 2, 3


def _iso_date(value: str) -> str:
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date like 2026-03-02") from None


def _whole_count(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number, 0 or more")
    return number


def _days(value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number < float("inf"):  # NaN fails this too
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of days, 0 or more")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jobpicks",
        description="Daily job picks: scrape fresh postings, score them against your profile, "
        "push the best to Telegram (or print them as a markdown digest).",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging on stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser(
        "run",
        help="one morning: collect, score, pick, store, deliver (for everyone due, or --chat)",
    )
    p.add_argument(
        "--dry-run", action="store_true", help="store nothing and send nothing; print the digest"
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="run again even if today's run already happened (and on a day not in [schedule])",
    )
    p.add_argument(
        "--chat", type=int, help="only this chat's person (default: everyone whose day it is)"
    )
    p.set_defaults(func=cmd_run)

    p = sub.add_parser(
        "demo", help="the whole pipeline on bundled sample postings (no keys, no network)"
    )
    p.add_argument(
        "--llm", action="store_true", help="score with LLM_MODEL instead of the local scorer"
    )
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("digest", help="write the markdown digest of a day's picks")
    p.add_argument(
        "--date", type=_iso_date, help="YYYY-MM-DD (default: today in the configured timezone)"
    )
    p.add_argument("--out", type=Path, help="write to this file instead of stdout")
    p.add_argument("--chat", type=int, help="this chat's picks (default: the owner's)")
    p.set_defaults(func=cmd_digest)

    p = sub.add_parser(
        "export", help="write every pick with its score, votes and saved/applied marks"
    )
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="default: csv")
    p.add_argument("--out", type=Path, help="write to this file instead of stdout")
    p.add_argument(
        "--chat", type=int, help="this chat's picks, votes and marks (default: the owner's)"
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("bot", help="run the Telegram bot (long polling, daily schedule)")
    p.set_defaults(func=cmd_bot)

    p = sub.add_parser("doctor", help="check settings, database, Telegram, LLM and sources")
    p.set_defaults(func=cmd_doctor)

    p = sub.add_parser(
        "invite", help="make an invite code for JOBPICKS_ACCESS=invite (or --list, --revoke)"
    )
    p.add_argument(
        "--uses", type=_whole_count, default=1, help="how many people it admits (0 = any; 1)"
    )
    p.add_argument(
        "--days", type=_days, default=14.0, help="days it stays valid (0 = until revoked; 14)"
    )
    p.add_argument("--note", default="", help="who it is for (shown by --list)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--list", action="store_true", help="every code made, with its state")
    which.add_argument("--revoke", metavar="CODE", help="withdraw a code (its people stay)")
    p.set_defaults(func=cmd_invite)

    p = sub.add_parser(
        "users", help="who the bot serves (last run, picks, LLM spend) and source health"
    )
    p.set_defaults(func=cmd_users)
    return parser


def setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # httpx logs request URLs at INFO, and Telegram URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


class TerminalProgress:
    """One self-rewriting status line on a terminal; silent when stderr is not a TTY."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False

    def __call__(self, message: str) -> None:
        if self.enabled:
            sys.stderr.write(f"\r\033[K{message}")
            sys.stderr.flush()
            self.shown = True

    def done(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def check_db_folder(path: Path) -> None:
    """Raise `ConfigError` now if the database's folder cannot take a new file.

    The store saves by writing a temp file next to the database and renaming it over it, so
    this is what every save needs; finding out at the first save costs a whole run of
    scraping first. A real file is created and removed: permission bits alone would say yes
    to root on a read-only mount, and no to nothing that matters.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Named like the store's own temp files, which it sweeps away if this one is left.
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise ConfigError(
            f"JOBPICKS_DB: cannot write in {folder} ({exc.strerror or exc}); "
            "point JOBPICKS_DB at a file in a folder you can write"
        ) from None
    os.close(fd)
    Path(probe).unlink(missing_ok=True)  # a writer opening the database may have swept it


def make_context(
    db_path: Path | None = None,
    *,
    use_example_config: bool = False,
    writable: bool = True,
    person: int | None = None,
) -> AppContext:
    """Settings + config + store, or `ConfigError` naming what is wrong: the context of
    `person`, by default the owner's (the first of TELEGRAM_CHAT_IDS), or the local
    person's (`LOCAL_PERSON`, 0) when no chat is configured — whose a database of an older,
    single-profile jobpicks becomes.

    `writable`: the command will save to the database, so its folder is checked first;
    otherwise the Store is opened read-only (it never writes, moves or locks a file, so it
    costs a live bot nothing)."""
    from bot.config import default_config, load_config
    from bot.context import AppContext, owner_of
    from bot.settings import load_settings
    from bot.store import Store, StoreError

    settings = load_settings()
    if use_example_config:
        config = default_config()
    else:
        # A path the user named must exist; only the default ./jobpicks.toml may be absent.
        named = "jobpicks_config" in settings.model_fields_set
        config = load_config(settings.jobpicks_config, required=named)
    path = db_path or settings.jobpicks_db
    if writable and not path.is_dir():  # a directory is named as such just below
        check_db_folder(path)
    try:
        store = Store(path, read_only=not writable, owner=owner_of(settings))
    except IsADirectoryError:
        raise ConfigError(f"JOBPICKS_DB: {path} is a directory, not a file") from None
    except StoreError as exc:
        raise ConfigError(f"JOBPICKS_DB: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"JOBPICKS_DB: cannot use {path}: {exc.strerror or exc}") from None
    ctx = AppContext(settings=settings, config=config, store=store, person=person)
    for secret in ctx.secrets:  # issue 22: from the first log line on, whoever logs it
        redact_logs(secret)
    return ctx


def _scorer_name(ctx: AppContext) -> str:
    llm = ctx.llm()
    return f"LLM {llm.model}" if llm else "local scorer"


def _print_outcome(
    ctx: AppContext, outcome: RunOutcome, *, digest: bool, who: int | None = None
) -> int:
    from bot.services.digest import render_digest
    from bot.services.summary import render_summary

    if digest and not outcome.all_sources_failed:
        sys.stdout.write(render_digest(outcome.record.day, outcome.picks, ctx.config.schedule.tz))
        sys.stdout.flush()
    summary = render_summary(
        outcome.record,
        scorer=_scorer_name(ctx),
        timezone=ctx.config.schedule.timezone,
        already_ran=outcome.already_ran,
    )
    if who is not None:
        summary = f"[{who}] " + summary
    print("\n" + ctx.redact(summary), file=sys.stderr)
    return EXIT_NO_SOURCES if outcome.all_sources_failed else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    from bot.store import AlreadyServing

    ctx = make_context(writable=not args.dry_run)
    progress = TerminalProgress()
    telegram = bool(ctx.settings.token) and not args.dry_run
    with contextlib.ExitStack() as held:
        if telegram:
            # One deliverer per database: beside a live bot, both would send the same picks.
            try:
                held.enter_context(ctx.db.claim("bot"))
            except AlreadyServing:
                telegram = False
                print(
                    "jobpicks: a jobpicks bot serves this database: it delivers these picks",
                    file=sys.stderr,
                )
        try:
            delivered = asyncio.run(_run_and_deliver(ctx, args, progress, telegram=telegram))
        finally:
            progress.done()
            ctx.store.close()
    code = EXIT_OK
    for person, outcome in delivered.outcomes.items():
        pctx = ctx.for_person(person)
        printed = _print_outcome(
            pctx,
            outcome,
            # A dry run prints it; a run prints it when no bot (here or beside) sends it.
            digest=args.dry_run or (not ctx.settings.token and not outcome.already_ran),
            who=person if len(delivered.outcomes) > 1 else None,
        )
        code = max(code, printed)
    for person, why in delivered.failed.items():
        print(f"jobpicks: the run of {person} failed: {why}", file=sys.stderr)
        code = EXIT_FAILED
    if not delivered.outcomes and not delivered.failed:
        print("jobpicks run: nobody is due today (see [schedule] days, /pause)", file=sys.stderr)
    report = delivered.report
    if report is not None:
        print(ctx.redact(str(report)), file=sys.stderr)  # issue 22: errors echo what they like
        if not report.ok:
            return EXIT_FAILED
    return code


async def _run_and_deliver(
    ctx: AppContext, args: argparse.Namespace, progress: TerminalProgress, *, telegram: bool
) -> Delivered:
    """Today's runs of everyone due (or `--chat`'s person), in one collection round; with a
    bot token, then each person's picks to their chat (resuming a delivery that stopped),
    through the same path as the bot's morning."""
    from bot.services import people
    from bot.services.daily import Daily
    from bot.services.schedule import run_day

    if not args.dry_run:
        await people.ensure_configured(ctx)
    if args.chat is not None:
        who = [args.chat]
    else:
        # Whose day it is (`--force`: any day), and not paused.
        who = [
            p
            for p in people.served(ctx)
            if (args.force or run_day(ctx.for_person(p))) and not people.schedule_of(ctx, p).paused
        ]
    if not telegram:
        daily = Daily(ctx, None)
        return await daily.run_then_deliver(
            who, dry_run=args.dry_run, force=args.force, progress=progress
        )
    from bot.telegram.delivery import one_off_courier

    async with one_off_courier(ctx.settings) as courier:
        daily = Daily(ctx, courier)
        return await daily.run_then_deliver(who, force=args.force, progress=progress)


def cmd_demo(args: argparse.Namespace) -> int:
    from bot.services.run import run_daily
    from scrapers.sources.sample import collect_samples

    with tempfile.TemporaryDirectory(prefix="jobpicks-demo-") as tmp:
        ctx = make_context(Path(tmp) / "demo.json", use_example_config=True)
        if not args.llm:
            ctx.settings = ctx.settings.model_copy(update={"llm_model": ""})

        async def samples(_ctx: AppContext, _on_source: object = None) -> list:
            return await collect_samples()

        progress = TerminalProgress()
        try:
            outcome = asyncio.run(run_daily(ctx, collector=samples, progress=progress))
        finally:
            progress.done()
            ctx.store.close()
        return _print_outcome(ctx, outcome, digest=True)


def cmd_digest(args: argparse.Namespace) -> int:
    from bot.services.digest import render_digest

    ctx = make_context(writable=False, person=args.chat)
    day = args.date or ctx.today()
    picks = ctx.store.picks_for(day)
    if not picks and not ctx.store.runs_for(day):
        # An empty digest would read as "a quiet day": there was no day at all.
        print(f"jobpicks: no run on {day} (`jobpicks run` makes one)", file=sys.stderr)
        return EXIT_FAILED
    return _emit(render_digest(day, picks, ctx.config.schedule.tz), args.out)


def cmd_export(args: argparse.Namespace) -> int:
    from bot.services.export import export

    ctx = make_context(writable=False, person=args.chat)
    try:
        text = export(ctx, args.format)
    finally:
        ctx.store.close()
    return _emit(text, args.out, newline="")


def _emit(text: str, out: Path | None, newline: str | None = None) -> int:
    """`text` to the `--out` file (exit 1 with one line if it cannot be written), else stdout.
    `newline=""` keeps the text's own line ends (CSV wants CRLF as written)."""
    if out is None:
        sys.stdout.write(text)
        return EXIT_OK
    try:
        out.write_text(text, encoding="utf-8", newline=newline)
    except OSError as exc:
        print(f"jobpicks: cannot write {out}: {exc.strerror}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _require_telegram(ctx: AppContext) -> None:
    if not ctx.settings.token:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: not set (create a bot with @BotFather and put its token in .env)"
        )
    if not ctx.settings.telegram_chat_ids:
        raise ConfigError(
            "TELEGRAM_CHAT_IDS: not set (the chat ids the bot serves, comma-separated)"
        )


def cmd_bot(args: argparse.Namespace) -> int:
    ctx = make_context()
    _require_telegram(ctx)
    with ctx.store.claim("bot"):  # one bot per database: a second one stops here, one line
        return _serve(ctx)


def serving_line(ctx: AppContext) -> str:
    """What `jobpicks bot` says as it starts: how many people it serves (everyone the access
    mode admitted, not just TELEGRAM_CHAT_IDS: a bot of 1,000 once said "serving 1 chat(s)"),
    the access mode, and when the owner's morning runs next."""
    from bot.services import people
    from bot.services.schedule import next_run

    when = next_run(ctx)
    if when is None:
        next_text = "never (no run days)"
    elif when <= ctx.now():
        next_text = "now (today's run is due)"
    else:
        next_text = when.strftime("%Y-%m-%d %H:%M %Z")
    served = len(people.served(ctx))
    return (
        f"jobpicks bot: serving {served} {'person' if served == 1 else 'people'} "
        f"(access: {ctx.settings.jobpicks_access}); the owner's next run {next_text}; "
        "Ctrl-C to stop"
    )


def _serve(ctx: AppContext) -> int:
    from telegram.error import NetworkError

    from bot.telegram.app import run_bot

    print(serving_line(ctx), file=sys.stderr)
    try:
        run_bot(ctx)
    except NetworkError as exc:
        # The message names no URL (it would carry the token), only what went wrong.
        print(
            f"jobpicks: cannot reach Telegram at TELEGRAM_API_BASE ({type(exc).__name__}); "
            "check the address and the network",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace) -> int:
    from bot.doctor import run_doctor

    try:
        ctx = make_context(writable=False)  # the doctor checks the database itself, with a fix
    except ConfigError as exc:
        print(f"✗ settings/config: {redact(str(exc))}", file=sys.stdout)
        return EXIT_CONFIG
    return asyncio.run(run_doctor(ctx))


def cmd_invite(args: argparse.Namespace) -> int:
    from bot.services import access

    if args.list:
        ctx = make_context(writable=False)
        for invite in access.invites(ctx):
            uses = f"{invite.used}/{invite.uses or '∞'} used"
            until = invite.expires_at.strftime("%Y-%m-%d %H:%M UTC") if invite.expires_at else "-"
            note = f"  {invite.note}" if invite.note else ""
            print(f"{invite.code}  {access.invite_state(invite):8}  {uses:10}  until {until}{note}")
        return EXIT_OK
    ctx = make_context()
    if args.revoke:
        invite = asyncio.run(access.revoke(ctx, args.revoke))
        print(f"{invite.code} is revoked: it admits no one more (people it admitted stay).")
        return EXIT_OK
    invite = asyncio.run(access.make_invite(ctx, uses=args.uses, days=args.days, note=args.note))
    username = asyncio.run(_bot_username(ctx)) if ctx.settings.token else None
    print(invite.code)
    print(access.invite_link(username or "<your bot>", invite.code))
    if username is None:
        print(
            "jobpicks: could not ask Telegram for the bot's username (TELEGRAM_BOT_TOKEN); "
            "put it in the link",
            file=sys.stderr,
        )
    if ctx.settings.jobpicks_access != access.INVITE:
        print(
            f"jobpicks: JOBPICKS_ACCESS is {ctx.settings.jobpicks_access}: the code admits "
            "no one until it is invite",
            file=sys.stderr,
        )
    return EXIT_OK


async def _bot_username(ctx: AppContext) -> str | None:
    """The bot's @username, for the invite link (None when Telegram cannot be asked)."""
    from telegram.error import TelegramError

    from bot.telegram.client import make_bot

    try:
        async with make_bot(ctx.settings) as bot:
            return bot.username
    except (TelegramError, OSError) as exc:
        log.debug("getMe failed: %s", type(exc).__name__)
        return None


def cmd_users(args: argparse.Namespace) -> int:
    from bot.services.users import overview

    ctx = make_context(writable=False)  # read-only: beside a live bot, it costs it nothing
    print("\n".join(overview(ctx)))
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `jobpicks` console script."""
    args = build_parser().parse_args(argv)
    setup_logging(args.verbose)
    try:
        return args.func(args)
    # A bad value may be a secret pasted in the wrong place: shapes of secrets are masked.
    except ConfigError as exc:
        print(f"jobpicks: {redact(str(exc))}", file=sys.stderr)
        return EXIT_CONFIG
    except KeyboardInterrupt:
        return 130
    except JobpicksError as exc:  # e.g. another process holds the database, or a full disk
        print(f"jobpicks: {redact(str(exc))}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    raise SystemExit(main())
