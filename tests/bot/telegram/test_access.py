"""Who may start, through the real python-telegram-bot against the fake Bot API: each access
mode admitted and refused, invite codes (wrong, used up, a group's member and admin), /forget
(cancel, then confirm: the person is new, another person untouched), /admin for the owner
only and `jobpicks users` beside the running bot."""

from __future__ import annotations

import pickle
from pathlib import Path

from bot.context import AppContext
from bot.services import access, people, profile
from bot.telegram.admin import PAGE_CHARS, page_view
from bot.telegram.schedule import MORNING_JOB, schedule_mornings
from tests.bot.telegram_support import (
    CHAT,
    CHAT2,
    command,
    eventually,
    make_ctx,
    not_today,
    running_bot,
    settled,
)
from tests.cli_support import run_jobpicks

NEWCOMER, OTHER, THIRD = 8101, 8102, 8103
GROUP, ADMIN, MEMBER = -100555, 8201, 8202


def _mode(ctx: AppContext, mode: str, **more: object) -> AppContext:
    ctx.settings = ctx.settings.model_copy(update={"jobpicks_access": mode, **more})
    return ctx


def _kept_of(folder: Path, chat: int) -> list[str]:
    """What the saved onboarding conversations hold of `chat` (its chat data, its state)."""
    kept = pickle.loads((folder / "db.json.conversations").read_bytes())
    found = ["chat_data"] if kept.get("chat_data", {}).get(chat) else []
    for states in (kept.get("conversations") or {}).values():
        found += ["conversation" for key in states if key and key[0] == chat]
    return found


def _morning_jobs(app) -> set[int]:  # type: ignore[no-untyped-def]
    """The chats that have a morning job on the bot's JobQueue."""
    return {j.chat_id for j in app.job_queue.get_jobs_by_name(MORNING_JOB) if not j.removed}


def _texts(fake, chat: int) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.params["text"] for c in fake.calls_of("sendMessage", chat_id=chat)]


async def test_invite_codes_through_telegram(fake, tmp_path):
    ctx = _mode(make_ctx(tmp_path, fake, **not_today()), "invite")
    one = await access.make_invite(ctx, uses=1)
    for_group = await access.make_invite(ctx, uses=1)
    fake.add_group(GROUP, "Job club", {ADMIN: "administrator", MEMBER: "member"})
    async with running_bot(ctx):
        (wrong,) = await command(fake, "/start NotACode99", NEWCOMER)
        assert wrong.params["text"].startswith("That invite code is not valid")
        (welcome,) = await command(fake, f"/start {one.code}", NEWCOMER)
        assert "six short questions" in welcome.params["text"]  # admitted: onboarding begins
        assert people.get(ctx, NEWCOMER).via == f"invite:{one.code}"

        (used_up,) = await command(fake, f"/start {one.code}", OTHER)
        assert used_up.params["text"].startswith("That invite code has been used up")
        # Anything but /start <code> from a chat not admitted: one refusal per process.
        await fake.user_says(THIRD, "hello")
        await fake.user_says(THIRD, "/picks")
        (refusal,) = await fake.wait_for("sendMessage", chat_id=THIRD)
        assert "by invitation" in refusal.params["text"]

        (member,) = await command(fake, f"/start {for_group.code}", GROUP)
        assert "admin" in member.params["text"] and people.get(ctx, GROUP) is None
        await fake.user_says(GROUP, f"/start {for_group.code}", user_id=ADMIN)
        await fake.wait_for("sendMessage", count=2, chat_id=GROUP)
        assert people.get(ctx, GROUP).kind == "group"
        await command(fake, "/help", CHAT)  # handled after everything above
    assert len(_texts(fake, THIRD)) == 1
    assert people.get(ctx, OTHER) is None and people.get(ctx, THIRD) is None
    assert ctx.db.invite(for_group.code).used == 1


async def test_allowlist_and_open_modes_through_telegram(fake, tmp_path):
    ctx = _mode(make_ctx(tmp_path, fake, **not_today()), "allowlist", telegram_user_ids=[CHAT])
    ctx.settings = ctx.settings.model_copy(
        update={"telegram_user_ids": [CHAT, NEWCOMER], "telegram_chat_ids": [CHAT]}
    )
    async with running_bot(ctx):
        (welcome,) = await command(fake, "/start", NEWCOMER)
        assert "six short questions" in welcome.params["text"]
        assert people.get(ctx, NEWCOMER).via == "allowlist"
        (refused,) = await command(fake, "/start", OTHER)
        assert "TELEGRAM_USER_IDS" in refused.params["text"]
        assert str(OTHER) in refused.params["text"]

        _mode(ctx, "open")  # the operator opens the bot (read at every update)
        await fake.user_says(THIRD, "hello")  # not a /start: pointed to it, not admitted
        (pointer,) = await fake.wait_for("sendMessage", chat_id=THIRD)
        assert pointer.params["text"] == "Tap /start to begin."
        assert people.get(ctx, THIRD) is None
        (welcome,) = await command(fake, "/start", THIRD)
        assert "six short questions" in welcome.params["text"]
        assert people.get(ctx, THIRD).via == "open"


async def test_forget_asks_then_deletes_only_that_person(fake, tmp_path):
    ctx = _mode(make_ctx(tmp_path, fake, chats=[CHAT, CHAT2], **not_today()), "open")
    async with running_bot(ctx) as app:
        await command(fake, "/picks", CHAT, count=4)
        await command(fake, "/picks", CHAT2, count=4)
        await settled(app)
        await command(fake, "/start", NEWCOMER)  # admitted, mid-onboarding
        own = ctx.for_person(CHAT)
        before = (own.store.picks_for(ctx.today()), own.store.current_profile())

        (ask,) = await command(fake, "/forget", CHAT2)
        assert [t for t, _ in fake.buttons(CHAT2, ask.result["message_id"])] == [
            "Yes, delete everything",
            "Cancel",
        ]
        cancel = fake.buttons(CHAT2, ask.result["message_id"])[1][1]
        await fake.tap(CHAT2, ask.result["message_id"], cancel)
        (cancelled,) = await fake.wait_for(
            "editMessageText", chat_id=CHAT2, message_id=ask.result["message_id"]
        )
        assert cancelled.params["text"] == "Cancelled: nothing was deleted."
        assert ctx.for_person(CHAT2).store.picks_for(ctx.today())

        (ask,) = await command(fake, "/forget", CHAT2)
        yes = fake.buttons(CHAT2, ask.result["message_id"])[0][1]
        await fake.tap(CHAT2, ask.result["message_id"], yes)
        (done,) = await fake.wait_for(
            "editMessageText", chat_id=CHAT2, message_id=ask.result["message_id"]
        )
        assert "deleted" in done.params["text"] and "/start" in done.params["text"]
        assert ctx.for_person(CHAT2).store.picks_for(ctx.today()) == []
        assert ctx.for_person(CHAT2).store.profile_history() == []
        assert (own.store.picks_for(ctx.today()), own.store.current_profile()) == before
        assert {CHAT, CHAT2} <= _morning_jobs(app)  # a chat of the file: still served

        # Someone admitted with a profile of their own has a morning job; /forget takes it.
        await access.admit(ctx, OTHER, OTHER, group=False, starting=True)
        await profile.set_about(ctx.for_person(OTHER), "Backend work in Go, Berlin.")
        schedule_mornings(app)  # as onboarding does when it saves their profile
        assert OTHER in _morning_jobs(app)
        (ask,) = await command(fake, "/forget", OTHER)
        await fake.tap(OTHER, ask.result["message_id"], "fg:yes")
        # The confirmation is edited last, after the person and their job are gone (their
        # record goes first: checking the jobs then raced the rebuild).
        await fake.wait_for("editMessageText", chat_id=OTHER, message_id=ask.result["message_id"])
        assert people.get(ctx, OTHER) is None
        assert _morning_jobs(app) == {CHAT, CHAT2}

        # A person admitted by the open bot: gone from the people table and from the saved
        # onboarding conversation; their next /start onboards them again.
        await app.update_persistence()
        assert _kept_of(tmp_path, NEWCOMER)  # their first answers' state is on disk
        (ask,) = await command(fake, "/forget", NEWCOMER)
        await fake.tap(NEWCOMER, ask.result["message_id"], "fg:yes")
        await eventually(lambda: people.get(ctx, NEWCOMER) is None)
        await eventually(lambda: not _kept_of(tmp_path, NEWCOMER))
        (welcome,) = await command(fake, "/start", NEWCOMER)
        assert "six short questions" in welcome.params["text"]


async def test_admin_is_the_owners_and_users_reads_beside_the_live_bot(fake, tmp_path):
    ctx = _mode(make_ctx(tmp_path, fake, chats=[CHAT, CHAT2], **not_today()), "open")
    async with running_bot(ctx) as app:
        await command(fake, "/picks", CHAT, count=4)
        await settled(app)
        await command(fake, "/start", NEWCOMER)
        (view,) = await command(fake, "/admin", CHAT)
        text = view.params["text"]
        assert "<b>People (3)</b>" in text and "via open" in text and "picks sent" in text
        # The newcomer has only pressed Start: no morning until onboarding ends, and said so.
        assert "via open · still setting up" in text
        assert "Sources (" in text
        (refused,) = await command(fake, "/admin", CHAT2)
        assert "owner only" in refused.params["text"]
        (refused,) = await command(fake, "/admin", NEWCOMER)
        assert "owner only" in refused.params["text"]

        code, out, err = await run_jobpicks(
            "users",
            JOBPICKS_DB=str(ctx.store.path),
            TELEGRAM_CHAT_IDS=f"{CHAT},{CHAT2}",
        )
        assert code == 0, err
        assert out.startswith("People (3)") and f"{NEWCOMER} (private) Ada" in out
        newcomer = next(line for line in out.splitlines() if line.startswith(f"{NEWCOMER} "))
        assert "still setting up" in newcomer
        assert f"{CHAT} (private)" in out and "via config" in out and "Sources (" in out
        (again,) = await command(fake, "/help", CHAT)  # the bot still answers
        assert again.params["text"]


def test_a_long_admin_view_is_paged_under_telegrams_limit():
    lines = ["People (300)"] + [f"{i} (private) Person <{i}> · joined" for i in range(300)]
    first, markup = page_view(lines, 0)
    assert first.startswith("<b>People (300)</b>") and "&lt;0&gt;" in first
    count = int([b.text for b in markup.inline_keyboard[0]][0].split("/")[1])
    assert count > 1 and [b.text for b in markup.inline_keyboard[0]][-1] == "▶"
    shown = [page_view(lines, n)[0] for n in range(count)]
    assert all(len(page) <= PAGE_CHARS for page in shown)
    assert "\n".join(shown).count("(private) Person") == 300  # each line once, none lost
    last, markup = page_view(lines, 99)  # clamped to the last page
    assert last == shown[-1] and [b.text for b in markup.inline_keyboard[0]] == [
        "◀",
        f"{count}/{count}",
    ]


async def test_jobpicks_invite_prints_the_code_and_its_link_then_lists_and_revokes(fake, tmp_path):
    env = {
        "JOBPICKS_DB": str(tmp_path / "db.json"),
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE": fake.base_url,
        "JOBPICKS_ACCESS": "invite",
    }
    code, out, err = await run_jobpicks("invite", "--uses", "2", "--note", "Job club", **env)
    assert code == 0, err
    made, link = out.splitlines()
    assert link == f"https://t.me/{fake.username}?start={made}" and err == ""
    code, out, _ = await run_jobpicks("invite", "--revoke", made, **env)
    assert code == 0 and "revoked" in out
    code, out, _ = await run_jobpicks("invite", "--list", **env)
    assert out.split()[:4] == [made, "revoked", "0/2", "used"] and "Job club" in out
