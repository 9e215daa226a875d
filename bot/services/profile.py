"""/profile: show and edit the profile the scorers read. Every edit is a new, undoable version.

No Telegram types here.
"""

from __future__ import annotations

from bot.context import AppContext
from bot.errors import InputError
from bot.services.feedback import block_company, unblock_company
from bot.store.records import ProfileVersion
from scoring.profile import Profile

MAX_ABOUT = 3000
MAX_RULE = 300
MAX_COMPANY = 120


class ProfileError(InputError):
    """A bad /profile request; the message is for the user."""


async def current(ctx: AppContext) -> Profile:
    """The current profile (the config's profile seeds an empty database)."""
    return await ctx.store.ensure_profile(ctx.config.profile.to_profile())


async def set_about(ctx: AppContext, text: str) -> Profile:
    text = text.strip()
    if not text:
        raise ProfileError("Say who you are and what you look for: /profile set <text>")
    if len(text) > MAX_ABOUT:
        raise ProfileError(f"That is {len(text)} characters; keep it under {MAX_ABOUT}.")
    await current(ctx)
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        return ctx.store.save_profile(
            profile.model_copy(update={"about": text}), "about replaced from chat"
        )


async def add_directive(ctx: AppContext, rule: str) -> Profile:
    rule = " ".join(rule.split())
    if not rule:
        raise ProfileError("Give the rule: /profile add <rule>, e.g. /profile add No QA roles.")
    if len(rule) > MAX_RULE:
        raise ProfileError(f"Keep a rule under {MAX_RULE} characters.")
    await current(ctx)
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        if rule in profile.directives:
            return profile
        return ctx.store.save_profile(
            profile.model_copy(update={"directives": [*profile.directives, rule]}),
            f"directive added: {rule[:60]}",
        )


async def block(ctx: AppContext, company: str) -> Profile:
    company = " ".join(company.split())
    if not company:
        raise ProfileError("Name the company: /profile block <company>")
    if len(company) > MAX_COMPANY:
        raise ProfileError(f"Keep the company name under {MAX_COMPANY} characters.")
    return await block_company(ctx, company)


async def history(ctx: AppContext) -> list[ProfileVersion]:
    await current(ctx)
    return ctx.store.profile_history()


async def undo(ctx: AppContext) -> Profile:
    await current(ctx)
    async with ctx.store.transaction():
        profile = ctx.store.undo_profile()
    if profile is None:
        raise ProfileError("Nothing to undo: this is the first version of the profile.")
    return profile


async def remove_directive(ctx: AppContext, number: str) -> tuple[Profile, str]:
    """Remove directive number `number` (1-based, as /profile lists them)."""
    profile = await current(ctx)
    try:
        index = int(number.strip()) - 1
    except ValueError:
        raise ProfileError("Give the rule's number from /profile: /profile remove N") from None
    if not 0 <= index < len(profile.directives):
        raise ProfileError(f"There is no rule {index + 1}; /profile lists them with numbers.")
    async with ctx.store.transaction():
        profile = ctx.store.current_profile()
        gone = profile.directives[index]
        rules = [r for i, r in enumerate(profile.directives) if i != index]
        saved = ctx.store.save_profile(
            profile.model_copy(update={"directives": rules}), f"directive removed: {gone[:60]}"
        )
    return saved, gone


async def unblock(ctx: AppContext, company: str) -> Profile:
    """Take a company off the blocked list (matched as the hard filter matches it)."""
    company = " ".join(company.split())
    if not company:
        raise ProfileError("Name the company: /profile unblock <company>")
    profile = await unblock_company(ctx, company)
    if profile is None:
        raise ProfileError(f"{company} is not blocked.")
    return profile
