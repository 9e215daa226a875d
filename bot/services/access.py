"""Who may start using the bot beyond TELEGRAM_CHAT_IDS, and what each person so admitted
may use: the access mode (JOBPICKS_ACCESS), invite codes, admission, the per-person limits.
No Telegram types here (`bot.telegram.access` asks Telegram what it must and calls this).

The chats of TELEGRAM_CHAT_IDS are always served (the first is the owner). Beyond them:

- ``chats`` (the default): nobody else;
- ``allowlist``: the private chat of a user in TELEGRAM_USER_IDS, on their /start;
- ``invite``: ``/start <code>`` with a valid invite code (`jobpicks invite`); in a group the
  code must be used by one of its admins;
- ``open``: anyone's /start (in a group, an admin's).

Admission makes the chat a person (`people.add`, ``via`` saying how: ``allowlist``,
``invite:<code>``, ``open``); they stay served until they are forgotten, whatever the mode
later says. TELEGRAM_USER_IDS also keeps its older meaning: when set, only those users act
in the chats of TELEGRAM_CHAT_IDS and in chats the allow-list admitted; people admitted by an
invite or an open bot act in their own chats (a group's admins change things, as always).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.context import AppContext
from bot.errors import InputError
from bot.services import people
from bot.store.records import Invite, Person

__all__ = [
    "Admission",
    "InviteError",
    "admit",
    "invite_link",
    "invite_state",
    "invites",
    "limited",
    "make_invite",
    "max_searches",
    "may_act",
    "refusal",
    "user_list_decides",
    "revoke",
]

CHATS, ALLOWLIST, INVITE, OPEN = "chats", "allowlist", "invite", "open"
INVITE_VIA = "invite:"
# Telegram's deep-link payload alphabet and length (t.me/<bot>?start=<payload>).
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CODE_BYTES = 9  # 12 characters, 72 random bits: not guessable by trying
MAX_NOTE = 200

ASK_AGAIN = "ask whoever sent it for a new one."


class InviteError(InputError):
    """An invite code that admits no one (unknown, expired, used up, withdrawn), or a bad
    argument to `jobpicks invite`; the message is one line for the person or operator."""


@dataclass(frozen=True)
class Admission:
    """What the guard does with a chat that is not served yet: let it in (`person` is its
    new record), or say `reply` (plain text; empty: say the mode's refusal)."""

    person: Person | None = None
    reply: str = ""

    @property
    def admitted(self) -> bool:
        return self.person is not None


# -- who acts -----------------------------------------------------------------------------------
def user_list_decides(ctx: AppContext, chat: int) -> bool:
    """Whether TELEGRAM_USER_IDS decides who acts in this chat: the operator's chats and the
    chats the allow-list admitted (not people admitted by an invite or an open bot)."""
    if chat in ctx.settings.telegram_chat_ids:
        return True
    record = people.get(ctx, chat)
    return record is None or record.via in ("config", "migrated", ALLOWLIST)


def may_act(ctx: AppContext, chat: int, user: int | None) -> bool:
    """Whether `user` may act in `chat`, a served chat (see the module docstring)."""
    listed = ctx.settings.telegram_user_ids
    if not listed or not user_list_decides(ctx, chat):
        return True
    return user is not None and user in listed


# -- admitting ----------------------------------------------------------------------------------
def refusal(ctx: AppContext, chat: int, user: int | None, *, group: bool) -> str:
    """The one polite line a chat that is not admitted gets, naming what the operator (or
    the person) must do under the current mode. Plain text."""
    mode = ctx.settings.jobpicks_access
    add_chat = f"add this chat's id, {chat}, to TELEGRAM_CHAT_IDS and restart it"
    if mode == ALLOWLIST and not group and user is not None:
        return (
            "Sorry, this bot is only for the people its operator lists.\n"
            f"If you run it: add your user id, {user}, to TELEGRAM_USER_IDS (or {add_chat[4:]}) "
            "and restart it."
        )
    if mode == INVITE:
        return (
            "This bot is by invitation: open the invite link you were given, or send "
            "/start <code>.\n"
            "If you run it: make a code with `jobpicks invite`, or " + add_chat + "."
        )
    if mode == OPEN:
        if group:
            return "An admin of this group can tap /start to begin here."
        return "Tap /start to begin."
    return f"Sorry, this is a private bot.\nIf you run it: {add_chat}."


async def admit(
    ctx: AppContext,
    chat: int,
    user: int | None,
    *,
    group: bool,
    starting: bool,
    code: str = "",
    user_is_admin: bool = False,
    name: str = "",
) -> Admission:
    """Decide about a chat that is not served: on its /start (`starting`, with the payload
    `code`), admit it as the mode allows — made a person in the same step as an invite's use
    is booked — or say why not. Anything else from it is refused (`reply` empty)."""
    mode = ctx.settings.jobpicks_access
    if not starting or mode == CHATS:
        return Admission()
    if mode == ALLOWLIST:
        if group or user is None or user not in ctx.settings.telegram_user_ids:
            return Admission()
        return Admission(await people.add(ctx, chat, via=ALLOWLIST, name=name))
    if group and not user_is_admin:
        return Admission(reply="Only an admin of this group can start the bot here.")
    if mode == OPEN:
        return Admission(await people.add(ctx, chat, via=OPEN, name=name))
    code = code.strip()
    if not code:
        return Admission()
    if not _CODE.match(code):
        return Admission(reply=_unknown_code())
    try:
        record = await people.add(
            ctx, chat, via=INVITE_VIA + code, name=name, on_create=lambda: _use(ctx, code)
        )
    except InviteError as exc:
        return Admission(reply=str(exc))
    return Admission(record)


def _unknown_code() -> str:
    return "That invite code is not valid: check it, or " + ASK_AGAIN


def _use(ctx: AppContext, code: str) -> None:
    """Book one use of `code` (inside the step that adds the person), or raise why not."""
    invite = ctx.db.invite(code)
    if invite is None:
        raise InviteError(_unknown_code())
    state = invite_state(invite)
    if state != "active":
        raise InviteError(f"That invite code {_STATE_WORDS[state]}: " + ASK_AGAIN)
    ctx.db.save_invite(invite.model_copy(update={"used": invite.used + 1}))


_STATE_WORDS = {
    "expired": "has expired",
    "used up": "has been used up",
    "revoked": "was withdrawn",
}


# -- invite codes (the operator's) ----------------------------------------------------------------
def invite_state(invite: Invite, now: datetime | None = None) -> str:
    """``active``, ``revoked``, ``used up`` or ``expired``."""
    now = now or datetime.now(UTC)
    if invite.revoked:
        return "revoked"
    if invite.uses and invite.used >= invite.uses:
        return "used up"
    if invite.expires_at is not None and invite.expires_at <= now:
        return "expired"
    return "active"


def _new_code() -> str:
    """A random code that does not start with "-": `jobpicks invite --revoke -Xy…` reads
    such a code as an option and fails (1 code in 64 did)."""
    while (code := secrets.token_urlsafe(CODE_BYTES)).startswith("-"):
        pass
    return code


async def make_invite(
    ctx: AppContext, *, uses: int = 1, days: float = 14.0, note: str = ""
) -> Invite:
    """A new invite code admitting up to `uses` people (0 = any number) for `days` days
    (0 = until revoked)."""
    if uses < 0:
        raise InviteError("--uses takes a whole number of people, 0 for any number")
    if days < 0:
        raise InviteError("--days takes a number of days, 0 for no expiry")
    now = datetime.now(UTC)
    invite = Invite(
        code=_new_code(),
        note=" ".join(note.split())[:MAX_NOTE],
        made_at=now,
        expires_at=now + timedelta(days=days) if days else None,
        uses=uses,
    )
    async with ctx.db.transaction():
        ctx.db.save_invite(invite)
    return invite


def invites(ctx: AppContext) -> list[Invite]:
    """Every invite code made, oldest first."""
    return ctx.db.invites()


async def revoke(ctx: AppContext, code: str) -> Invite:
    """Withdraw a code: it admits no one more (people it admitted stay)."""
    async with ctx.db.transaction():
        invite = ctx.db.invite(code.strip())
        if invite is None:
            raise InviteError(
                f"no invite code {code.strip()!r}: `jobpicks invite --list` shows them"
            )
        invite = invite.model_copy(update={"revoked": True})
        ctx.db.save_invite(invite)
    return invite


def invite_link(bot_username: str, code: str) -> str:
    """The link that opens the bot with `/start <code>` (Telegram's deep link)."""
    return f"https://t.me/{bot_username}?start={code}"


# -- limits -------------------------------------------------------------------------------------
def limited(ctx: AppContext) -> bool:
    """Whether the per-person limits bind this person: everyone admitted by the mode; not
    the operator's chats (TELEGRAM_CHAT_IDS) or the local person, who keep the file's."""
    return not ctx.seeded_from_file()


def max_searches(ctx: AppContext) -> int:
    """How many searches this person may have (0 = no limit of ours)."""
    return ctx.settings.jobpicks_max_searches if limited(ctx) else 0
