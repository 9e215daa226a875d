"""Who may start (each JOBPICKS_ACCESS mode), invite codes (valid, expired, used up, revoked,
unknown, in a group), who may act (TELEGRAM_USER_IDS with the modes), and the limits each
admitted person has — through the services, no sockets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.context import AppContext
from bot.services import access, people, profile, searches, settings
from bot.services.schedule import Mornings, slot_of
from bot.services.searches import SearchesError
from bot.services.settings import SettingsError
from bot.services.spend import new_ledger, own_budget_named
from scoring.models import Ledger
from tests.bot.services.test_collect import ANA, make_ctx

STRANGER, FRIEND, GROUP = 501, 502, -100777


def _ctx(tmp_path: Path, mode: str, users: list[int] | None = None, **limits: int) -> AppContext:
    ctx = make_ctx(tmp_path, [ANA])
    ctx.settings = ctx.settings.model_copy(
        update={"jobpicks_access": mode, "telegram_user_ids": users or [], **limits}
    )
    return ctx


async def _start(ctx: AppContext, chat: int, code: str = "", **kw: object) -> access.Admission:
    kw.setdefault("group", chat < 0)
    return await access.admit(ctx, chat, kw.pop("user", chat), starting=True, code=code, **kw)  # type: ignore[arg-type]


async def test_chats_mode_admits_nobody_else(tmp_path):
    ctx = _ctx(tmp_path, "chats")
    admission = await _start(ctx, STRANGER)
    assert not admission.admitted and admission.reply == ""
    assert "TELEGRAM_CHAT_IDS" in access.refusal(ctx, STRANGER, STRANGER, group=False)
    assert people.get(ctx, STRANGER) is None


async def test_allowlist_admits_the_private_chats_of_listed_users_on_start(tmp_path):
    ctx = _ctx(tmp_path, "allowlist", users=[FRIEND])
    assert not (await access.admit(ctx, FRIEND, FRIEND, group=False, starting=False)).admitted
    admitted = await _start(ctx, FRIEND, name="Fay")
    assert admitted.admitted and admitted.person.via == "allowlist"
    assert people.is_served(ctx, FRIEND) and people.get(ctx, FRIEND).name == "Fay"
    assert not (await _start(ctx, STRANGER)).admitted
    line = access.refusal(ctx, STRANGER, STRANGER, group=False)
    assert "TELEGRAM_USER_IDS" in line and str(STRANGER) in line
    # A group is admitted only through TELEGRAM_CHAT_IDS (or an invite), even by a listed user.
    assert not (await _start(ctx, GROUP, user=FRIEND, user_is_admin=True)).admitted


async def test_open_admits_anyone_who_starts_and_a_group_by_its_admin(tmp_path):
    ctx = _ctx(tmp_path, "open")
    assert (await _start(ctx, STRANGER)).person.via == "open"
    member = await _start(ctx, GROUP, user=FRIEND, user_is_admin=False)
    assert not member.admitted and "admin" in member.reply
    assert (await _start(ctx, GROUP, user=FRIEND, user_is_admin=True)).admitted
    assert people.is_served(ctx, STRANGER) and people.is_served(ctx, GROUP)


async def test_an_admitted_persons_mornings_wait_for_a_profile_of_their_own(tmp_path):
    ctx = _ctx(tmp_path, "open")
    await _start(ctx, STRANGER)
    slot = slot_of(ctx, STRANGER)
    past_their_time = datetime.combine(ctx.now().date(), slot.at, tzinfo=slot.tz) + timedelta(
        minutes=5
    )
    # Mid-onboarding: the guard serves them, but no morning of the built-in example.
    assert people.is_served(ctx, STRANGER) and people.awaits_setup(ctx, STRANGER)
    assert people.served(ctx) == [ANA]
    assert Mornings(ctx).due(past_their_time) == [ANA]

    await profile.set_about(ctx.for_person(STRANGER), "Backend work in Go, Berlin or remote.")
    assert not people.awaits_setup(ctx, STRANGER)
    assert people.served(ctx) == [ANA, STRANGER]
    assert Mornings(ctx).due(past_their_time) == [ANA, STRANGER]


async def test_a_valid_invite_admits_and_books_one_use(tmp_path):
    ctx = _ctx(tmp_path, "invite")
    invite = await access.make_invite(ctx, uses=2, days=7, note="  the  bootcamp ")
    assert invite.note == "the bootcamp" and len(invite.code) >= 12
    assert not (await _start(ctx, STRANGER)).admitted  # /start with no code
    admitted = await _start(ctx, STRANGER, invite.code)
    assert admitted.person.via == f"invite:{invite.code}"
    again = await _start(ctx, STRANGER, invite.code)  # already a person: no second use
    assert again.admitted and ctx.db.invite(invite.code).used == 1
    assert (await _start(ctx, FRIEND, invite.code)).admitted
    assert access.invite_state(ctx.db.invite(invite.code)) == "used up"
    third = await _start(ctx, 503, invite.code)
    assert not third.admitted and third.reply.startswith("That invite code has been used up")
    assert people.get(ctx, 503) is None


async def test_an_expired_revoked_or_unknown_code_gets_one_line_and_admits_no_one(tmp_path):
    ctx = _ctx(tmp_path, "invite")
    expired = await access.make_invite(ctx, days=1)
    async with ctx.db.transaction():
        past = datetime.now(UTC) - timedelta(seconds=1)
        ctx.db.save_invite(expired.model_copy(update={"expires_at": past}))
    revoked = await access.make_invite(ctx, uses=0, days=0)
    assert access.invite_state(revoked) == "active" and revoked.expires_at is None
    await access.revoke(ctx, revoked.code)
    replies = [
        (await _start(ctx, STRANGER, code)).reply
        for code in (expired.code, revoked.code, "NoSuchCode123", "<script>")
    ]
    assert replies[0].startswith("That invite code has expired")
    assert replies[1].startswith("That invite code was withdrawn")
    assert replies[2].startswith("That invite code is not valid") and replies[3] == replies[2]
    assert all("\n" not in r for r in replies)
    assert people.get(ctx, STRANGER) is None
    assert [i.used for i in access.invites(ctx)] == [0, 0]
    with pytest.raises(access.InviteError, match="no invite code"):
        await access.revoke(ctx, "nope")


async def test_in_a_group_only_an_admin_may_use_a_code(tmp_path):
    ctx = _ctx(tmp_path, "invite")
    invite = await access.make_invite(ctx)
    member = await _start(ctx, GROUP, invite.code, user=FRIEND, user_is_admin=False)
    assert not member.admitted and ctx.db.invite(invite.code).used == 0
    admin = await _start(ctx, GROUP, invite.code, user=FRIEND, user_is_admin=True, name="Club")
    assert admin.person.kind == "group" and admin.person.name == "Club"


async def test_telegram_user_ids_decides_in_the_operators_chats_not_in_invited_ones(tmp_path):
    ctx = _ctx(tmp_path, "invite", users=[ANA])
    invite = await access.make_invite(ctx)
    await _start(ctx, STRANGER, invite.code)
    assert access.may_act(ctx, ANA, ANA) and not access.may_act(ctx, ANA, FRIEND)
    assert access.may_act(ctx, STRANGER, STRANGER)  # invited: their own chat
    ctx.settings = ctx.settings.model_copy(update={"telegram_user_ids": []})
    assert access.may_act(ctx, ANA, FRIEND)  # no list: anyone in a served chat


async def test_limits_bind_admitted_people_not_the_operators_chats(tmp_path):
    ctx = _ctx(
        tmp_path,
        "open",
        jobpicks_max_searches=2,
        jobpicks_max_picks_per_day=3,
        jobpicks_llm_tokens_per_day=5000,
    )
    await _start(ctx, STRANGER)
    them, owner = ctx.for_person(STRANGER), ctx.for_person(ANA)
    assert them.config.selection.max_picks == 3 and owner.config.selection.max_picks == 10
    assert them.budget.tokens == 5000 and owner.budget.tokens == 0
    assert new_ledger(them).token_limit == 5000

    await searches.add(them, "data analyst @ Austin")  # the file's one + this one = 2
    with pytest.raises(SearchesError, match=r"the most this bot allows a person \(2\)"):
        await searches.add(them, "ml engineer")
    await searches.add(owner, "ml engineer")  # the operator's chat: no limit of ours
    await searches.add(owner, "data engineer")

    with pytest.raises(SettingsError, match="At most 3 picks a day"):
        await settings.change(them, "picks", "5")
    await settings.change(them, "picks", "2")
    assert them.config.selection.max_picks == 2
    await settings.change(owner, "picks", "50")
    assert owner.config.selection.max_picks == 50


def test_the_run_says_once_that_the_persons_own_allowance_ran_out(tmp_path):
    ctx = _ctx(tmp_path, "open", jobpicks_llm_tokens_per_day=5000)
    note = (
        "daily LLM budget reached ($0.00 or 5,000 tokens): 7 postings got the local score instead"
    )
    other = "LLM x: 3 scored now"
    ctx.budget = type(ctx.budget)(tokens=5000)
    named = own_budget_named(ctx, Ledger(token_limit=5000), [other, note])
    assert named == [
        other,
        "your daily LLM allowance (5,000 tokens) is used up: 7 postings got the local score "
        "instead",
    ]
    # The operator's total was the tighter: the note stays the operator's.
    assert own_budget_named(ctx, Ledger(token_limit=1000), [note]) == [note]


async def test_an_invite_code_never_starts_with_a_dash(tmp_path, monkeypatch):
    # `jobpicks invite --revoke -AbC…` reads a leading "-" as an option (argparse: exit 2), so
    # the one code in 64 that token_urlsafe starts with "-" could not be revoked.
    drawn = iter(["-AbCdEfGhIjKl", "AbCdEfGhIjKl"])
    monkeypatch.setattr(access.secrets, "token_urlsafe", lambda _n: next(drawn))
    invite = await access.make_invite(_ctx(tmp_path, "invite"))
    assert invite.code == "AbCdEfGhIjKl"
