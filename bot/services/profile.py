"""/profile: show and edit the profile the scorers read. Every edit is a new, undoable version.

No Telegram types here.
"""

from __future__ import annotations

from bot.context import AppContext
from bot.errors import InputError
from bot.services import feedback
from bot.services.feedback import block_company, unblock_company
from bot.store.records import ProfileVersion
from scoring.models import LearnedLine
from scoring.profile import Profile

MAX_ABOUT = 3000
MAX_RULE = 300
MAX_COMPANY = 120


class ProfileError(InputError):
    """A bad /profile request; the message is for the user."""


class WhichCompany(ProfileError):
    """A partial name that fits several blocked companies: the caller asks which."""

    def __init__(self, name: str, choices: list[str]) -> None:
        super().__init__(f"“{name}” fits {len(choices)} blocked companies: which one?")
        self.choices = choices


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
    """Every stored version, oldest first (`current` marks the one in use)."""
    await current(ctx)
    return ctx.store.profile_history()


async def undo(ctx: AppContext) -> Profile:
    await current(ctx)
    async with ctx.store.transaction():
        profile = ctx.store.undo_profile()
    if profile is None:
        raise ProfileError("Nothing to undo: this is the first version of the profile.")
    return profile


async def restore(ctx: AppContext, number: str) -> Profile:
    """Make a new version equal to version `number` (its about, rules, learned section and
    filters): any earlier version can come back, an undone one included."""
    await current(ctx)
    try:
        version = int(number.strip().lstrip("vV"))
    except ValueError:
        raise ProfileError("Give the version's number: /profile restore N") from None
    async with ctx.store.transaction():
        found = next((v for v in ctx.store.profile_history() if v.version == version), None)
        if found is None:
            raise ProfileError(f"There is no version {version}; /profile versions lists them.")
        if found.current:
            raise ProfileError(f"Version {version} is the one in use.")
        return ctx.store.save_profile(found.profile, f"restored version {version}")


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
    """Take a company off the blocked list: matched as the hard filter matches it, or by a
    partial name, case aside ("hewlett packard" finds "Hewlett Packard (HP)"). A partial
    name that fits several raises `WhichCompany` with them."""
    company = " ".join(company.split())
    if not company:
        raise ProfileError("Name the company: /profile unblock <company>")
    profile = await current(ctx)
    if not feedback.is_blocked(profile, company):
        found = feedback.blocked_like(profile, company)
        if len(found) > 1:
            raise WhichCompany(company, found)
        if found:
            company = found[0]
    unblocked = await unblock_company(ctx, company)
    if unblocked is None:
        raise ProfileError(f"{company} is not blocked.")
    return unblocked


# -- learned lines ------------------------------------------------------------------------------
def learned_lines(ctx: AppContext, profile: Profile | None = None) -> list[LearnedLine]:
    """What the votes taught, as /profile numbers it (strongest first)."""
    return feedback.shown_lines(feedback.learned_weights(ctx, profile))


async def forget(ctx: AppContext, number: str) -> str:
    """Remove learned line number `number` (1-based, as /profile lists them); its words."""
    lines = learned_lines(ctx, await current(ctx))
    try:
        index = int(number.strip()) - 1
    except ValueError:
        raise ProfileError(
            "Give the learned line's number from /profile: /profile forget N"
        ) from None
    if not 0 <= index < len(lines):
        raise ProfileError(
            f"There is no learned line {index + 1}; /profile lists them with numbers."
        )
    return await feedback.forget_line(ctx, lines[index])


async def forget_id(ctx: AppContext, line_id: str) -> str | None:
    """Remove the learned line with this id (a /profile button); None when no line shown
    has it any more."""
    line = next((ln for ln in learned_lines(ctx) if ln.id == line_id), None)
    return None if line is None else await feedback.forget_line(ctx, line)


async def relearn(ctx: AppContext) -> list[str]:
    """Bring back every removed learned line; raises when none was removed."""
    back = await feedback.relearn(ctx)
    if not back:
        raise ProfileError("No learned line was removed.")
    return back
