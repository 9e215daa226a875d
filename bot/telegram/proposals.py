"""The learning proposal as a Telegram message: HTML text and Apply/Reject buttons.

Pure functions, no Telegram types: a handler sends ``text`` with parse mode HTML and turns
``buttons`` (rows of (label, callback_data)) into an inline keyboard. The button data is
made in `bot.telegram.callbacks`, like every button's.
"""

from __future__ import annotations

import html

from bot.telegram.callbacks import parse_proposal as parse_proposal_callback
from bot.telegram.callbacks import proposal as proposal_callback
from scoring.llm.proposals import Proposal

__all__ = ["parse_proposal_callback", "render_outcome", "render_proposal"]

MAX_MESSAGE = 4096
_MARK = {"+": "➕", "-": "➖", " ": "▫️"}


def render_proposal(proposal: Proposal) -> tuple[str, list[list[tuple[str, str]]]]:
    """The message text (HTML, escaped, ≤ 4096 characters) and its button rows."""
    diff = proposal.diff()
    added = sum(1 for op, _ in diff if op == "+")
    removed = sum(1 for op, _ in diff if op == "-")
    head = (
        f"<b>🧠 What I learned from your last votes</b> (proposal #{proposal.id})\n"
        f"A new <i>learned</i> section for your profile: {added} added, {removed} removed. "
        "Your own description and rules stay as they are.\n"
    )
    foot = "\nApply makes a new profile version (undo with /profile undo); Reject keeps it as is."
    body: list[str] = []
    budget = MAX_MESSAGE - len(head) - len(foot) - 40
    for op, line in diff:
        row = f"{_MARK[op]} {html.escape(line)}"
        if op == "-":
            row = f"{_MARK[op]} <s>{html.escape(line)}</s>"
        if len(row) + 1 > budget:
            body.append("…")
            break
        body.append(row)
        budget -= len(row) + 1
    if not diff:
        body.append("(the learned section would become empty)")
    text = head + "\n" + "\n".join(body) + "\n" + foot
    buttons = [
        [
            ("✅ Apply", proposal_callback("apply", proposal.id)),
            ("✖️ Reject", proposal_callback("reject", proposal.id)),
        ]
    ]
    return text, buttons


def render_outcome(action: str, proposal: Proposal, version: int | None = None) -> str:
    """The short confirmation after a tap (HTML)."""
    if action == "apply":
        return f"✅ Applied proposal #{proposal.id}: profile version {version}. /profile undo reverts it."
    return f"✖️ Rejected proposal #{proposal.id}: your profile is unchanged."
