"""/profile's service: restoring any version, unblocking by a partial name, removing a
learned line by its number."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.services import feedback
from bot.services import profile as profile_service
from bot.services.profile import ProfileError, WhichCompany
from tests.bot.services.support import CHAT, make_ctx, pick


async def test_any_earlier_version_can_be_restored_as_a_new_one(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    first = await profile_service.current(ctx)
    await profile_service.set_about(ctx, "Data analyst internships.")
    await profile_service.add_directive(ctx, "No QA roles.")
    await profile_service.undo(ctx)
    await profile_service.undo(ctx)
    assert (await profile_service.current(ctx)).version == first.version
    back = await profile_service.restore(ctx, "3")  # the undone one comes back
    assert back.version == 4 and back.about == "Data analyst internships."
    assert back.directives == ["No QA roles."]
    versions = await profile_service.history(ctx)
    assert versions[-1].note == "restored version 3" and versions[-1].current
    with pytest.raises(ProfileError, match="is the one in use"):
        await profile_service.restore(ctx, "4")
    with pytest.raises(ProfileError, match="no version 9"):
        await profile_service.restore(ctx, "9")
    with pytest.raises(ProfileError, match="restore N"):
        await profile_service.restore(ctx, "latest")


async def test_unblock_finds_a_company_by_part_of_its_name_and_asks_when_several_fit(
    tmp_path: Path,
) -> None:
    ctx = make_ctx(tmp_path)
    for name in ("Hewlett Packard (HP)", "Hewlett Packard Enterprise", "Acme, Inc."):
        await profile_service.block(ctx, name)
    profile = await profile_service.unblock(ctx, "hewlett packard hp")
    assert profile.filters.blocked_companies == ["Hewlett Packard Enterprise", "Acme, Inc."]
    await profile_service.block(ctx, "Hewlett Packard (HP)")
    with pytest.raises(WhichCompany) as which:
        await profile_service.unblock(ctx, "Hewlett Packard")
    assert which.value.choices == ["Hewlett Packard Enterprise", "Hewlett Packard (HP)"]
    # Each choice, as the buttons send it, unblocks exactly that one.
    profile = await profile_service.unblock(ctx, which.value.choices[1])
    assert profile.filters.blocked_companies == ["Hewlett Packard Enterprise", "Acme, Inc."]
    assert (await profile_service.unblock(ctx, "ACME")).filters.blocked_companies == [
        "Hewlett Packard Enterprise"
    ]
    with pytest.raises(ProfileError, match="Initech is not blocked"):
        await profile_service.unblock(ctx, "Initech")


async def test_forget_n_removes_the_line_numbered_n(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path)
    for i in range(3):
        p = pick(i + 1, 70, company="Harbor National Bank").model_copy(
            update={"title": "Data Analyst Intern", "location": "Chicago, IL"}
        )
        await feedback.record_vote(ctx, CHAT, p, "up")  # the person's own votes teach them
    lines = profile_service.learned_lines(ctx)
    assert lines and all(abs(ln.weight) >= feedback.SHOWN_MIN_POINTS for ln in lines)
    assert [ln.weight for ln in lines] == sorted((ln.weight for ln in lines), key=lambda w: -abs(w))
    gone = await profile_service.forget(ctx, "1")
    assert gone == feedback.phrase(lines[0])
    assert [ln.id for ln in profile_service.learned_lines(ctx)] == [ln.id for ln in lines[1:]]
    with pytest.raises(ProfileError, match="no learned line 40"):
        await profile_service.forget(ctx, "40")
    assert await profile_service.forget_id(ctx, "field:nope") is None
    assert await profile_service.relearn(ctx) == [gone]
    with pytest.raises(ProfileError, match="No learned line was removed"):
        await profile_service.relearn(ctx)
