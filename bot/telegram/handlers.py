"""Update handlers: parse the update, call a service, render, send. Nothing else lives here.

A guard in group -1 runs before every handler: chats not in TELEGRAM_CHAT_IDS get at most
one neutral refusal per process and nothing from them is stored or acted on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import AppContext
from bot.services import chat_state, feedback
from bot.services import profile as profile_service
from bot.services import settings as settings_service
from bot.services import stats as stats_service
from bot.services.profile import ProfileError
from bot.services.settings import SettingsError
from bot.store.records import VOTE_REASONS
from bot.telegram import render
from bot.telegram.app import Runtime, next_run, reschedule, runtime
from bot.telegram.delivery import ChatUnreachable
from bot.telegram.keyboards import BLOCK, REASON, VOTE, decode, pick_keyboard, resolve
from bot.telegram.proposals import CALLBACK_PREFIX as PROPOSAL_PREFIX
from bot.telegram.proposals import parse_proposal_callback, render_outcome, render_proposal
from scoring.learning import top_terms
from scoring.proposals import Proposal

log = logging.getLogger(__name__)

REFUSAL = "Sorry, this is a private bot."
MAX_PICKS_ARG = 100


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


async def reply(context: ContextTypes.DEFAULT_TYPE, update: Update, html: str) -> None:
    """Answer a command in its chat (paced like every other message to that chat)."""
    try:
        await runtime(context).courier.send(_chat_id(update), html)
    except ChatUnreachable:
        log.warning("chat %s refuses messages", _chat_id(update))


# -- the guard ---------------------------------------------------------------------------------
async def guard(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not isinstance(update, Update):
        return
    rt = runtime(context)
    chat = update.effective_chat
    if chat is not None and rt.allowed(chat.id):
        if chat_state.unreachable(rt.ctx, chat.id):
            # They talk to us again, so they unblocked the bot: deliver to them again.
            await chat_state.set_unreachable(rt.ctx, chat.id, None)
        return
    if update.callback_query is not None:
        with contextlib.suppress(Exception):
            await update.callback_query.answer()
    elif chat is not None and chat.id not in rt.refused:
        rt.refused.add(chat.id)
        with contextlib.suppress(Exception):
            await context.bot.send_message(chat.id, REFUSAL)
    log.info("ignored an update from a chat that is not configured")
    raise ApplicationHandlerStop


# -- commands ----------------------------------------------------------------------------------
async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    llm = rt.ctx.llm()
    scorer = f"LLM {llm.model}" if llm else "the local scorer (no LLM configured)"
    paused = chat_state.is_paused(rt.ctx, _chat_id(update))
    await reply(context, update, render.start_message(next_run(rt.ctx), scorer, paused))


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(context, update, render.help_message())


class ProgressMessage:
    """Edits one "working…" message with the latest progress, at most once a second.

    Progress is cosmetic: a failed edit is logged and never stops the run or the delivery."""

    def __init__(self, rt: Runtime, chat_id: int, message_id: int, interval: float = 1.0) -> None:
        self.rt, self.chat_id, self.message_id, self.interval = rt, chat_id, message_id, interval
        self.latest = ""
        self.shown = ""
        self._changed = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    def update(self, text: str) -> None:
        self.latest = text
        self._changed.set()

    async def _loop(self) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            if self.latest != self.shown:
                await self.edit(f"⏳ working… {render.esc(self.latest, 200)}")
                self.shown = self.latest
            await asyncio.sleep(self.interval)

    async def edit(self, html: str) -> bool:
        """Show `html` in the message; False when Telegram refused (logged)."""
        try:
            await self.rt.courier.bot.edit_message_text(
                html, chat_id=self.chat_id, message_id=self.message_id, parse_mode="HTML"
            )
        except BadRequest as exc:
            if "not modified" in exc.message:
                return True
            log.warning("progress edit failed: %s", exc.message)
            return False
        except TelegramError as exc:  # flood control, network: the next update tries again
            log.warning("progress edit failed: %s: %s", type(exc).__name__, exc)
            return False
        return True

    async def close(self) -> None:
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task


async def picks(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/picks [N]: today's picks again; if today has not run yet, run now and show progress."""
    rt = runtime(context)
    ctx, chat = rt.ctx, _chat_id(update)
    limit = ctx.config.selection.max_picks
    if context.args:
        try:
            limit = int(context.args[0])
            if not 1 <= limit <= MAX_PICKS_ARG:
                raise ValueError
        except ValueError:
            await reply(context, update, render.error_message("Use /picks or /picks N (1–100)."))
            return
    day = ctx.today()
    run = ctx.store.finished_run(day)
    if run is not None:
        chosen = ctx.store.picks_for(day)[:limit]
        if not chosen:
            await reply(context, update, render.header_message(day, run, 0))
            return
        await rt.courier.picks_again(chat, chosen)
        return
    working = await rt.courier.send(chat, "⏳ working…")
    progress = ProgressMessage(rt, chat, working.message_id)
    try:
        # Tracked like the morning job, so a stop cancels a long run instead of waiting for it.
        outcome = await rt.spawn(rt.run_today(progress=progress.update))
    except Exception as exc:
        await progress.close()
        await progress.edit(render.run_failed_message(day, f"{type(exc).__name__}: {exc}"))
        raise
    finally:
        await progress.close()
    header = render.header_message(day, outcome.record, len(outcome.picks))
    if not await progress.edit(header):
        await rt.courier.send(chat, header)
    await chat_state.mark_header_sent(ctx, day, chat)
    # Only what this chat has not got: a morning delivery may have run alongside.
    await rt.courier.unsent_to_chat(chat, day, limit)


async def profile(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/profile [set <text> | add <rule> | block <company> | history | undo]."""
    ctx = runtime(context).ctx
    text = update.effective_message.text if update.effective_message else ""
    parts = (text or "").split(maxsplit=2)
    sub = parts[1].lower() if len(parts) > 1 else ""
    rest = parts[2] if len(parts) > 2 else ""
    try:
        if sub == "":
            shown = await profile_service.current(ctx)
            taught = top_terms(feedback.learned_weights(ctx, shown))
            await reply(context, update, render.profile_message(shown, taught))
        elif sub == "set":
            shown = await profile_service.set_about(ctx, rest)
            await reply(context, update, f"✓ About replaced (version {shown.version}).")
        elif sub == "add":
            shown = await profile_service.add_directive(ctx, rest)
            await reply(context, update, f"✓ Directive added (version {shown.version}).")
        elif sub == "block":
            shown = await profile_service.block(ctx, rest)
            await reply(
                context,
                update,
                f"✓ {render.esc(rest, 120)} is blocked (version {shown.version}).",
            )
        elif sub == "history":
            await reply(context, update, render.history_message(await profile_service.history(ctx)))
        elif sub == "undo":
            shown = await profile_service.undo(ctx)
            await reply(context, update, f"↩️ Back to version {shown.version}.")
        else:
            raise ProfileError("Use /profile, or /profile set | add | block | history | undo.")
    except ProfileError as exc:
        await reply(context, update, render.error_message(str(exc)))


async def settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/settings, or /settings <name> <value>."""
    ctx = runtime(context).ctx
    args = context.args or []
    if not args:
        await reply(context, update, render.settings_message(settings_service.view(ctx)))
        return
    try:
        change = await settings_service.change(ctx, args[0], " ".join(args[1:]))
    except SettingsError as exc:
        await reply(context, update, render.error_message(str(exc)))
        return
    caught_up = change.schedule_changed and reschedule(context.application)
    note = (
        " Today's run time has passed and today has not run: running it now." if caught_up else ""
    )
    await reply(
        context,
        update,
        f"✓ {render.esc(change.setting.label)} is now <b>{render.esc(change.value)}</b>.{note}",
    )


async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    rt = runtime(context)
    await reply(
        context, update, render.stats_message(stats_service.stats(rt.ctx, _chat_id(update)))
    )


async def pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await chat_state.set_paused(runtime(context).ctx, _chat_id(update), True)
    await reply(context, update, "⏸ Morning picks paused. /resume turns them back on.")


async def resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await chat_state.set_paused(runtime(context).ctx, _chat_id(update), False)
    await reply(context, update, "▶️ Morning picks are on again.")


async def unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await reply(context, update, "I don't know that command. /help lists them all.")


# -- buttons -----------------------------------------------------------------------------------
async def answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Stop the button's spinner. A tap that waited in the queue while the bot was down is
    too old to answer: Telegram refuses, and the tap must still count."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.info("could not answer a button tap: %s", exc.message)


async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎, a 👎 reason, or "never show this company"."""
    query = update.callback_query
    assert query is not None
    rt = runtime(context)
    ctx, chat = rt.ctx, _chat_id(update)
    parsed = decode(query.data or "")
    pick = resolve(ctx.store, parsed) if parsed else None
    if parsed is None or pick is None or str(chat) not in pick.sent:
        await answer(query, "This button is not valid here.")
        return
    # Answer first: the spinner on the user's button stops at once, whatever the write costs.
    if parsed.kind == VOTE:
        await answer(query, "👍 noted" if parsed.value == "up" else "👎 noted — why? (optional)")
        await feedback.record_vote(ctx, chat, pick, parsed.value)
    elif parsed.kind == REASON:
        await answer(query, f"👎 noted: {VOTE_REASONS[parsed.value]}")
        await feedback.record_vote(ctx, chat, pick, "down", parsed.value)
    else:
        assert parsed.kind == BLOCK
        await answer(query, f"🚫 {pick.company[:150]} will not be shown again")
        await feedback.block_company(ctx, pick.company)

    vote = ctx.store.vote_for(pick.key, chat) or {}
    blocked = feedback.is_blocked(ctx.store.current_profile(), pick.company)
    markup = pick_keyboard(pick, vote.get("vote"), vote.get("reason"), blocked=blocked)
    try:
        await query.edit_message_reply_markup(markup)
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
    if parsed.kind != BLOCK:
        # A proposal may cost an LLM call: do it off the update path so taps stay instant.
        context.application.create_task(_propose(context, chat), update=update)


async def _propose(context: ContextTypes.DEFAULT_TYPE, chat: int) -> None:
    """Every N votes (with an LLM), offer a new learned section with Apply / Reject."""
    try:
        proposal = await feedback.after_vote(runtime(context).ctx)
    except feedback.ProposalFailed as failed:  # one short line; the next vote tries again
        with contextlib.suppress(ChatUnreachable):
            await runtime(context).courier.send(chat, render.error_message(str(failed)), None)
        return
    if proposal is None:
        return
    text, rows = render_proposal(proposal)
    markup = InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )
    try:
        await runtime(context).courier.send(chat, text, markup)
    except ChatUnreachable:
        log.warning("chat %s refuses messages; proposal #%s stays pending", chat, proposal.id)


async def proposal_tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Apply or Reject on a learning proposal."""
    query = update.callback_query
    assert query is not None
    parsed = parse_proposal_callback(query.data or "")
    if parsed is None:
        await answer(query, "This button is not valid here.")
        return
    action, proposal_id = parsed
    ctx = runtime(context).ctx
    try:
        if action == "apply":
            profile = await feedback.apply_proposal(ctx, proposal_id)
            done = render_outcome(action, _proposal(ctx, proposal_id), profile.version)
        else:
            done = render_outcome(action, await feedback.reject_proposal(ctx, proposal_id))
    except feedback.FeedbackError as exc:
        await answer(query, str(exc)[:190], alert=True)
        return
    await answer(query, "✅ applied" if action == "apply" else "✖️ rejected")
    message = query.message
    shown = message.text_html if isinstance(message, Message) and message.text else ""
    with contextlib.suppress(BadRequest):  # the message may be too old to edit
        await query.edit_message_text(
            render.with_note(shown, done), parse_mode=ParseMode.HTML, reply_markup=None
        )


async def stale_button(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button no handler knows (an old keyboard, a forged tap): answer, do nothing."""
    assert update.callback_query is not None
    await update.callback_query.answer("This button is no longer active.")


def _proposal(ctx: AppContext, proposal_id: int) -> Proposal:
    return next(p for p in feedback.proposals(ctx) if p.id == proposal_id)


# -- errors ------------------------------------------------------------------------------------
def describe(update: object) -> str:
    """Where an error happened, for the log (never the token, never message contents)."""
    if not isinstance(update, Update):
        return "a job" if update is None else type(update).__name__
    parts = [f"update {update.update_id}"]
    if update.effective_chat:
        parts.append(f"chat {update.effective_chat.id}")
    if update.callback_query is not None:
        parts.append(f"button {update.callback_query.data!r}")
    elif update.effective_message and update.effective_message.text:
        parts.append(f"command {update.effective_message.text.split()[0][:40]!r}")
    return ", ".join(parts)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    log.error(
        "error while handling %s: %r", describe(update), context.error, exc_info=context.error
    )
    if isinstance(update, Update) and update.effective_chat is not None:
        rt = runtime(context)
        if rt.allowed(update.effective_chat.id):
            with contextlib.suppress(Exception):
                await rt.courier.send(
                    update.effective_chat.id,
                    render.error_message(
                        f"Something went wrong ({type(context.error).__name__}); it is logged."
                    ),
                )


def register(app: Application) -> None:
    """Every handler; another feature adds a button family with one more
    `CallbackQueryHandler(..., pattern=r"^<prefix>:")`."""
    app.add_handler(TypeHandler(Update, guard), group=-1)
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CommandHandler("help", help_command))
    # block=False: a run can take minutes, and taps must be answered meanwhile.
    app.add_handler(CommandHandler("picks", picks, block=False))
    app.add_handler(CommandHandler("profile", profile))
    app.add_handler(CommandHandler("settings", settings))
    app.add_handler(CommandHandler("stats", stats))
    app.add_handler(CommandHandler("pause", pause))
    app.add_handler(CommandHandler("resume", resume))
    app.add_handler(CallbackQueryHandler(tap, pattern=rf"^({VOTE}|{REASON}|{BLOCK}):"))
    app.add_handler(CallbackQueryHandler(proposal_tap, pattern=rf"^{PROPOSAL_PREFIX}:"))
    app.add_handler(CallbackQueryHandler(stale_button))  # anything else: stop the spinner
    app.add_handler(MessageHandler(filters.COMMAND, unknown))
    app.add_error_handler(on_error)
