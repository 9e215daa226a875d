"""Button handlers: a pick's buttons (and the numbers under a compact list), a learning
proposal's Apply / Reject, the /settings keyboard, /start's button and "🔄 Rescore today's
postings". Each answers the tap first (the spinner stops at once), then calls a service, then
redraws the message through the chat's pacer. A change the database did not keep answers
`NOT_SAVED`, never "noted".

The rescore is offered with the reply to a profile change (/profile, a removed learned line,
an applied proposal) and, with the local scorer, after a run of votes; its tap is answered at
once and the rescore (`Daily.rescore`, which waits for a run under way) goes on in the
background: one message says what changed, and the new picks follow it, each once."""

from __future__ import annotations

import contextlib
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.error import BadRequest

from bot.context import AppContext
from bot.services import feedback, marks, preferences
from bot.services import rescore as rescore_service
from bot.services import settings as settings_service
from bot.services.delivery import ChatUnreachable, MessageRefused, pick_state, sent_pick
from bot.services.records import NotSaved, Pick
from bot.services.rescore import RESCORE_AFTER_VOTES, RescoreError
from bot.services.settings import SettingChange, SettingsError
from bot.telegram import callbacks as cb
from bot.telegram import render
from bot.telegram.access import NOT_ADMIN, may_change
from bot.telegram.keyboards import (
    applied_list_keyboard,
    card_keyboard,
    note_reply_markup,
    pick_keyboard,
    rescore_keyboard,
    rows_markup,
    saved_list_keyboard,
    settings_keyboard,
    timezone_keyboard,
)
from bot.telegram.proposals import render_outcome, render_proposal
from bot.telegram.runtime import BotContext
from bot.telegram.schedule import reschedule
from bot.telegram.today import todays_list, todays_picks
from scoring.learning import VOTE_REASONS
from scoring.llm.proposals import Proposal

log = logging.getLogger(__name__)

NOT_VALID = "This button is not valid here."
NOT_SAVED = "⚠️ Not saved: the database is busy or cannot be written. Please tap again."


async def answer(query: CallbackQuery, text: str | None = None, alert: bool = False) -> None:
    """Stop the button's spinner. A tap that waited in the queue while the bot was down is
    too old to answer: Telegram refuses, and the tap must still count."""
    try:
        await query.answer(text, show_alert=alert)
    except BadRequest as exc:
        log.info("could not answer a button tap: %s", exc.message)


def _where(update: Update) -> tuple[int, int | None]:
    assert update.effective_chat is not None
    query = update.callback_query
    message = query.message if query is not None else None
    return update.effective_chat.id, message.message_id if message is not None else None


def resolve(ctx: AppContext, chat: int, tap: cb.Tap) -> Pick | None:
    """The pick a tap refers to, if it was sent to this chat."""
    return sent_pick(ctx, chat, tap.day, lambda key: cb.pick_id(key) == tap.pick_id)


def _vote_answer(before: str | None, after: str) -> str:
    if before is None:
        return "👍 noted" if after == "up" else "👎 noted — why? (optional)"
    return "changed to 👍" if after == "up" else "changed to 👎 — why? (optional)"


async def _vote(ctx: AppContext, chat: int, pick: Pick, vote: str) -> tuple[str, bool]:
    """Record a 👍/👎, or withdraw it when it is the vote already given (the same button
    again); what to answer, and whether a vote now stands."""
    before = feedback.vote_of(ctx, chat, pick.key)
    if before == vote:
        await feedback.withdraw_vote(ctx, chat, pick)
        return ("👍" if vote == "up" else "👎") + " withdrawn", False
    await feedback.record_vote(ctx, chat, pick, vote)
    return _vote_answer(before, vote), True


async def pick_tap(update: Update, context: BotContext) -> None:
    """👍/👎, a 👎 reason, "never show this company", 🔖 save, ✅ applied."""
    query = update.callback_query
    assert query is not None
    rt = context.runtime
    chat, message_id = _where(update)
    ctx = rt.person(chat)
    tap = cb.decode(query.data or "")
    pick = resolve(ctx, chat, tap) if tap else None
    if tap is None or pick is None:
        await answer(query, NOT_VALID)
        return
    if tap.kind == cb.BLOCK and not await may_change(update, context):
        await answer(query, NOT_ADMIN, alert=True)
        return
    if tap.kind == cb.OPEN:  # a number under a compact list: the pick in full
        await answer(query)
        await _open(context, chat, pick)
        return
    # Write, then answer: "noted" means kept (a write takes milliseconds; a busy or full
    # database says so instead).
    voted = tap.kind in (cb.REASON, cb.SAVE, cb.APPLIED)
    try:
        if tap.kind == cb.VOTE:
            said, voted = await _vote(ctx, chat, pick, tap.value)
        elif tap.kind == cb.REASON:
            await feedback.record_vote(ctx, chat, pick, "down", tap.value)
            said = f"👎 noted: {VOTE_REASONS[tap.value]}"
        elif tap.kind == cb.BLOCK:
            await feedback.block_company(ctx, pick.company)
            said = f"🚫 {pick.company[:150]} will not be shown again"
        else:
            kind = marks.SAVED if tap.kind == cb.SAVE else marks.APPLIED
            on = await marks.toggle(ctx, chat, pick, kind)
            label = {marks.SAVED: ("🔖 saved: /saved lists them", "🔖 no longer saved"),
                     marks.APPLIED: ("✅ marked applied: /applied lists them", "✅ unmarked")}  # fmt: skip
            said = label[kind][0 if on else 1]
    except NotSaved as exc:
        log.warning("chat %s: a tap was not saved: %s", chat, exc)
        await answer(query, NOT_SAVED, alert=True)
        return
    await answer(query, said)
    if message_id is not None:
        rt.courier.edit_markup_soon(
            chat, message_id, pick_keyboard(pick, pick_state(ctx, chat, pick))
        )
    if voted:
        # A proposal may cost an LLM call: off the update path, so taps stay instant.
        rt.spawn(_after_vote(context, chat))


async def _after_vote(context: BotContext, chat: int) -> None:
    await _propose(context, chat)
    await _offer_rescore(context, chat)


async def _open(context: BotContext, chat: int, pick: Pick) -> None:
    """A listed pick as its own message with its buttons (its vote and marks as they are)."""
    rt = context.runtime
    try:
        await rt.courier.pick(chat, pick, pick_state(rt.person(chat), chat, pick), quiet=False)
    except (ChatUnreachable, MessageRefused) as exc:
        log.warning("chat %s: could not open pick %s: %s", chat, pick.key, exc)


async def _propose(context: BotContext, chat: int) -> None:
    """Every N votes (with an LLM), offer a new learned section with Apply / Reject."""
    rt = context.runtime
    ctx = rt.person(chat)
    if ctx.llm() is None:
        return  # proposals need an LLM
    try:
        proposal = await feedback.after_vote(ctx)
    except feedback.ProposalFailed as failed:  # said once; tried again after more votes
        with contextlib.suppress(ChatUnreachable):
            await rt.courier.send(chat, render.error_message(str(failed)))
        return
    if proposal is None:
        return
    text, rows = render_proposal(proposal)
    try:
        await rt.courier.send(chat, text, rows_markup(rows))
    except ChatUnreachable:
        log.warning("chat %s refuses messages; proposal #%s stays pending", chat, proposal.id)


def _proposal(ctx: AppContext, proposal_id: int) -> Proposal | None:
    return next((p for p in feedback.proposals(ctx) if p.id == proposal_id), None)


async def proposal_tap(update: Update, context: BotContext) -> None:
    """Apply or Reject on a learning proposal; the message is redrawn from the stored
    proposal (not from the message's own text) with the outcome below it."""
    query = update.callback_query
    assert query is not None
    parsed = cb.parse_proposal(query.data or "")
    if parsed is None:
        await answer(query, NOT_VALID)
        return
    if not await may_change(update, context):
        await answer(query, NOT_ADMIN, alert=True)
        return
    action, proposal_id = parsed
    rt = context.runtime
    ctx = rt.ctx_of(update)
    markup = None
    try:
        if action == "apply":
            profile = await feedback.apply_proposal(ctx, proposal_id)
            proposal = _proposal(ctx, proposal_id)
            assert proposal is not None
            done = render_outcome(action, proposal, profile.version)
            markup = offer_markup(ctx)  # the new version can apply today
        else:
            proposal = await feedback.reject_proposal(ctx, proposal_id)
            done = render_outcome(action, proposal)
    except feedback.FeedbackError as exc:
        await answer(query, str(exc)[:190], alert=True)
        return
    except NotSaved as exc:
        log.warning("a proposal tap was not saved: %s", exc)
        await answer(query, NOT_SAVED, alert=True)
        return
    await answer(query, "✅ applied" if action == "apply" else "✖️ rejected")
    chat, message_id = _where(update)
    if message_id is not None:
        text = render.with_note(render_proposal(proposal)[0], done)
        await rt.courier.edit_text(chat, message_id, text, markup)


# -- the pipeline: /saved and /applied lists, a posting's card, a reminder ---------------------
STAGE_SAID = {
    marks.SAVED: ("🔖 saved", "🔖 no longer saved"),
    marks.APPLIED: ("✅ marked applied: /applied lists them", "✅ applied taken back"),
    marks.INTERVIEWING: ("🗣 interviewing: good luck!", "🗣 interviewing taken back"),
    marks.OFFER: ("🎉 an offer: congratulations!", "🎉 offer taken back"),
    marks.REJECTED: ("✖️ rejected: on to the next one", "✖️ rejected taken back"),
}


def pipeline_screen(
    ctx: AppContext, chat: int, kind: str
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/saved or /applied as it stands now: the text and its buttons."""
    if kind == marks.SAVED:
        items = marks.saved_list(ctx, chat)
        return render.pipeline_message(kind, items), saved_list_keyboard(items)
    items = marks.applied_list(ctx, chat)
    return render.pipeline_message(kind, items), applied_list_keyboard(items)


async def send_card(context: BotContext, chat: int, pick: Pick) -> None:
    """A posting's card: its steps with dates, its note, a button per stage."""
    rt = context.runtime
    item = marks.one(rt.person(chat), chat, pick.key) or marks.Tracked(pick)
    with contextlib.suppress(ChatUnreachable):
        await rt.courier.send(chat, render.card_message(item), card_keyboard(item))


async def track_tap(update: Update, context: BotContext) -> None:
    """A pipeline button: open a card, ask for a note, unsave, or set / take back a stage;
    then the message it was on (a list, a card, a reminder) shows the change."""
    query = update.callback_query
    assert query is not None
    rt = context.runtime
    chat, message_id = _where(update)
    ctx = rt.person(chat)
    tap = cb.parse_track(query.data or "")
    pick = (
        sent_pick(ctx, chat, tap.day, lambda key: cb.pick_id(key) == tap.pick_id) if tap else None
    )
    if tap is None or pick is None:
        await answer(query, NOT_VALID)
        return
    if tap.action == "open":
        await answer(query)
        await send_card(context, chat, pick)
        return
    if tap.action == "note":
        await answer(query, "📝 reply with your note")
        prompt = render.note_prompt(pick, marks.note_of(ctx, chat, pick.key))
        with contextlib.suppress(ChatUnreachable):
            await rt.courier.send(chat, prompt, note_reply_markup())  # type: ignore[arg-type]
        return
    try:
        if tap.action == "unsave":
            await marks.unsave(ctx, chat, pick)
            said = STAGE_SAID[marks.SAVED][1]
        else:
            on = await marks.toggle(ctx, chat, pick, tap.action)
            said = STAGE_SAID[tap.action][0 if on else 1]
    except NotSaved as exc:
        log.warning("chat %s: a tap was not saved: %s", chat, exc)
        await answer(query, NOT_SAVED, alert=True)
        return
    await answer(query, said)
    if message_id is not None:
        await _redraw_tracked(context, chat, message_id, tap.where, pick, said)
    if tap.action in ("saved", "applied", "unsave"):
        rt.spawn(_propose(context, chat))  # saved and applied teach, as a 👍 does


async def _redraw_tracked(
    context: BotContext, chat: int, message_id: int, where: str, pick: Pick, said: str
) -> None:
    rt = context.runtime
    ctx = rt.person(chat)
    if where in (marks.SAVED, marks.APPLIED):
        text, markup = pipeline_screen(ctx, chat, where)
    elif where == "card":
        item = marks.one(ctx, chat, pick.key) or marks.Tracked(pick)
        text, markup = render.card_message(item), card_keyboard(item)
    else:  # a reminder: it keeps its question and says what was done
        item = marks.one(ctx, chat, pick.key) or marks.Tracked(pick)
        text, markup = render.card_message(item), card_keyboard(item)
        text = render.with_note(text, f"<b>{render.esc(said, 100)}</b>")
    await rt.courier.edit_text(chat, message_id, text, markup)


def _settings_screen(ctx: AppContext, chat: int) -> tuple[str, InlineKeyboardMarkup]:
    prefs = preferences.current(ctx, chat)
    return render.settings_message(settings_service.view(ctx), prefs), settings_keyboard(prefs)


async def settings_tap(update: Update, context: BotContext) -> None:
    """A /settings keyboard button: one step, then the same message shows the new values."""
    query = update.callback_query
    assert query is not None
    rt = context.runtime
    chat, message_id = _where(update)
    ctx = rt.person(chat)
    parsed = cb.parse_setting(query.data or "")
    if parsed is None or message_id is None:
        await answer(query, NOT_VALID)
        return
    action, arg = parsed
    if action in ("tzlist", "back"):
        await answer(query)
        if action == "tzlist":
            await rt.courier.edit_text(
                chat, message_id, render.timezone_message(), timezone_keyboard()
            )
        else:
            text, markup = _settings_screen(ctx, chat)
            await rt.courier.edit_text(chat, message_id, text, markup)
        return
    if not await may_change(update, context):
        await answer(query, NOT_ADMIN, alert=True)
        return
    try:
        result = await preferences.step(ctx, chat, action, arg)
    except SettingsError as exc:
        await answer(query, str(exc)[:190], alert=True)
        return
    except NotSaved as exc:
        log.warning("chat %s: a settings tap was not saved: %s", chat, exc)
        await answer(query, NOT_SAVED, alert=True)
        return
    if isinstance(result, SettingChange):
        caught_up = result.schedule_changed and reschedule(context.application, chat)
        note = f"{result.setting.label}: {result.value}"
        if caught_up:
            note += " — running today's picks now"
        await answer(query, note[:190])
    else:
        await answer(query, result)
    text, markup = _settings_screen(ctx, chat)
    await rt.courier.edit_text(chat, message_id, text, markup)


async def go_tap(update: Update, context: BotContext) -> None:
    """/start's "today's picks now"."""
    query = update.callback_query
    assert query is not None
    if cb.parse_go(query.data or "") != "picks":
        await answer(query, NOT_VALID)
        return
    await answer(query, "📬 on its way")
    chat, _ = _where(update)
    if settings_service.compact(context.runtime.person(chat)):
        context.runtime.spawn(todays_list(context, chat))
    else:
        context.runtime.spawn(todays_picks(context, chat))


# -- 🔄 rescore today's postings ---------------------------------------------------------------
VOTES_OFFER = (
    f"{RESCORE_AFTER_VOTES} new votes. Rescore today's postings with what your votes taught, "
    "instead of waiting for tomorrow?"
)


def offer_markup(ctx: AppContext) -> InlineKeyboardMarkup | None:
    """The rescore button, when today's picks were chosen (before that, a change simply
    applies to today's run)."""
    return rescore_keyboard(ctx.today()) if rescore_service.can_rescore(ctx) else None


async def _offer_rescore(context: BotContext, chat: int) -> None:
    """After a vote: offer the rescore once per run of votes."""
    rt = context.runtime
    ctx = rt.person(chat)
    try:
        if not await rescore_service.offer_after_votes(ctx):
            return
    except NotSaved as exc:  # an offer that could not be recorded is not made
        log.info("chat %s: rescore offer not recorded: %s", chat, exc)
        return
    with contextlib.suppress(ChatUnreachable):
        await rt.courier.send(chat, VOTES_OFFER, rescore_keyboard(ctx.today()))


async def rescore_tap(update: Update, context: BotContext) -> None:
    """🔄: rescore today's postings in the background (a button of another day says so)."""
    query = update.callback_query
    assert query is not None
    rt = context.runtime
    day = cb.parse_rescore(query.data or "")
    if day is None:
        await answer(query, NOT_VALID)
        return
    if not await may_change(update, context):
        await answer(query, NOT_ADMIN, alert=True)
        return
    chat, _ = _where(update)
    if day != rt.person(chat).today():
        await answer(query, f"That was for {day}'s postings; /picks shows today's.", alert=True)
        return
    await answer(query, "🔄 rescoring today's postings…")
    rt.spawn(rescore_and_send(context, chat))


async def rescore_and_send(context: BotContext, chat: int) -> None:
    """Rescore, say what changed, then send the new picks (each once)."""
    rt = context.runtime
    rescored = None
    try:
        rescored = await rt.daily.rescore(chat)
        text = render.rescored_message(rescored)
    except RescoreError as exc:
        text = render.error_message(str(exc))
    except NotSaved as exc:
        log.warning("chat %s: a rescore was not saved: %s", chat, exc)
        text = NOT_SAVED
    try:
        await rt.courier.send(chat, text)
        if rescored is not None:
            await rt.daily.send_more(chat, rescored.day)
    except ChatUnreachable:
        log.warning("chat %s refuses messages; its new picks wait for /picks", chat)


async def stale_button(update: Update, _context: BotContext) -> None:
    """A button no handler knows (an old keyboard, a forged tap): answer, do nothing."""
    assert update.callback_query is not None
    await answer(update.callback_query, "This button is no longer active.")
