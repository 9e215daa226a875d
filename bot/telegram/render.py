"""Telegram HTML for every message the bot sends.

Every scraped or model-written string goes through `esc` (html.escape) and is clipped
before escaping, so a message stays well under Telegram's 4096 visible characters and one
stray `<` in a job title can never make Telegram reject the whole message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from bot.services.preferences import Preferences
from bot.services.records import Pick, ProfileVersion, RunRecord
from bot.services.settings import SETTINGS, SettingChange, SettingsView
from bot.services.stats import Stats
from bot.services.summary import spend_line
from scoring.models import LearnedWeights
from scoring.profile import Profile
from scrapers.options import SearchConfig
from scrapers.postings.text import cut

LIMIT = 4096


_TAG = re.compile(r"<[^>]*>")


def visible_len(markup: str) -> int:
    """Length of our HTML as Telegram counts it (escaped content has no raw < or >)."""
    return len(html.unescape(_TAG.sub("", markup)))


def fit(lines: list[str], limit: int = LIMIT) -> str:
    """Join lines (each one balanced HTML); drop whole lines from the end until it fits."""
    while lines and visible_len("\n".join(lines)) > limit - 2:
        lines = lines[:-1]
        if lines and lines[-1] != "…":
            lines = [*lines, "…"]
            if visible_len("\n".join(lines)) <= limit - 2:
                break
            lines = lines[:-1]
    return "\n".join(lines)


def with_note(markup: str, note: str, limit: int = LIMIT) -> str:
    """`markup` (a message's HTML) with `note` below it; just the note when both would not
    fit (cutting HTML anywhere else could leave half a tag, which Telegram rejects)."""
    both = f"{markup}\n\n{note}" if markup else note
    return both if visible_len(both) <= limit else note


def clip(text: str, limit: int) -> str:
    """At most `limit` characters of `text` on one line, with … when cut."""
    return cut(str(text), limit, one_line=True)


def esc(text: str, limit: int = 500) -> str:
    return html.escape(clip(text, limit), quote=True)


def _apply_link(pick: Pick) -> str | None:
    """The employer's application page, when it is another page than the job's own."""
    apply = pick.apply_url or ""
    return apply if apply.startswith(("http://", "https://")) and apply != pick.url else None


def _link(title: str, url: str) -> str:
    if url.startswith(("http://", "https://")) and len(url) <= 2000:
        return f'<a href="{html.escape(url, quote=True)}">{esc(title, 200)}</a>'
    return f"<b>{esc(title, 200)}</b>"


WORKPLACE = {"remote": "🏠 remote", "hybrid": "🏙 hybrid", "onsite": "🏢 on-site"}


def age(posted_at: datetime | None, now: datetime | None = None) -> str:
    """ "posted 3 h ago", "posted 2 days ago"; "" when unknown."""
    if posted_at is None:
        return ""
    if posted_at.tzinfo is None:
        posted_at = posted_at.replace(tzinfo=UTC)
    hours = max(0.0, ((now or datetime.now(UTC)) - posted_at).total_seconds() / 3600)
    if hours < 1:
        return "posted just now"
    if hours < 24:
        return f"posted {int(hours)} h ago"
    days = int(hours // 24)
    return f"posted {days} day{'s' if days != 1 else ''} ago"


def facts(pick: Pick, now: datetime | None = None) -> list[str]:
    """The facts a job seeker scans first, each when known: age, pay, workplace, type."""
    out = []
    if when := age(pick.posted_at, now):
        out.append(f"🕒 {when}")
    if pick.pay is not None and (label := pick.pay.label()):
        out.append(f"💰 {label}")
    if pick.workplace in WORKPLACE:
        out.append(WORKPLACE[pick.workplace])
    if pick.employment_type:
        out.append(f"🧾 {pick.employment_type.replace('_', ' ').replace('-', ' ')}")
    return out


def pick_message(pick: Pick, now: datetime | None = None) -> str:
    """One pick: score, linked title, company and place, the facts, reason, summary, source."""
    place = f" · 📍 {esc(pick.location, 120)}" if pick.location else ""
    lines = [
        f"<b>{pick.score}/100</b> · #{pick.rank}",
        _link(pick.title, pick.url),  # the job's description; the form is its own line
        f"🏢 {esc(pick.company, 120)}{place}",
    ]
    if known := facts(pick, now):
        lines.append(esc(" · ".join(known), 300))
    if apply := _apply_link(pick):
        lines.append(_link("📝 Apply", apply))
    if pick.reason:
        lines.append(f"<b>Why:</b> {esc(pick.reason, 600)}")
    if pick.summary:
        lines.append(esc(pick.summary, 800))
    # The scorer is named only when it is an LLM: "local scorer" on every pick is noise.
    via = "" if pick.scorer == "local" else f" · {esc(pick.scorer, 80)}"
    lines.append(f"<i>{esc(pick.source, 60)}{via}</i>")
    return fit(lines)


PLAIN_LIMIT = 1500


def pick_plain(pick: Pick) -> str:
    """The repair for a pick Telegram refused as HTML: plain text, no markup, shortened."""
    lines = [
        f"{pick.score}/100 · #{pick.rank}",
        clip(pick.title, 200),
        clip(f"{pick.company} · {pick.location}" if pick.location else pick.company, 200),
        clip(" · ".join(facts(pick)), 200),
        clip(pick.reason, 400),
        clip(pick.url, 600),
        clip(f"Apply: {apply}", 600) if (apply := _apply_link(pick)) else "",
    ]
    return "\n".join(line for line in lines if line)[:PLAIN_LIMIT]


def header_message(day: str, record: RunRecord, picks: int) -> str:
    """The morning header: date, postings looked at, picks, sources that failed and why."""
    c = record.counts
    looked = c.new + c.retried
    lines = [f"<b>Job picks for {esc(day, 20)}</b>"]
    if record.status == "all-sources-failed":
        lines.append("⚠️ Every source failed this morning, so there are no picks today.")
    else:
        lines.append(
            f"Looked at {looked} postings ({c.collected} collected, {c.filtered} filtered out, "
            f"{c.scored} scored) · {picks} pick{'s' if picks != 1 else ''}"
        )
        if picks == 0:
            lines.append("Nothing scored high enough today.")
    failed = [s for s in record.sources if s.state not in ("ok",)]
    if failed:
        lines.append("")
        lines.append("<b>Sources with problems:</b>")
        for s in failed[:12]:
            why = f": {esc(s.reason, 200)}" if s.reason else ""
            lines.append(f"• {esc(s.source, 60)} — {esc(s.state, 20)}{why}")
    return fit(lines)


COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does and when it runs"),
    ("help", "Every command"),
    ("picks", "Today's picks again (/picks N for the top N)"),
    ("saved", "Picks you saved"),
    ("applied", "Picks you applied to"),
    ("profile", "Your profile; set, add, remove, block, unblock, history, undo"),
    ("searches", "What is searched; add or remove a search"),
    ("settings", "Time, timezone, picks per day, min score, days, digest"),
    ("stats", "A chart of your week, picks, votes, LLM spend"),
    ("export", "Your picks, votes and marks as a CSV file"),
    ("pause", "Pause the morning push"),
    ("resume", "Resume the morning push"),
    ("setup", "Set up your profile: a few questions or your CV"),  # issue 19
    ("filters", "Places, levels, types, workplace, age, pay"),  # issue 19
    ("forget", "Delete everything the bot keeps about you"),  # issue 19
]

# What Telegram shows before the first /start (setMyDescription, ≤ 512 characters) and on
# the bot's profile and in shares (setMyShortDescription, ≤ 120 characters).
DESCRIPTION = (
    "Every morning I collect fresh job postings from LinkedIn, Indeed and the company career "
    "boards you name, score each against your profile (0–100, with the reason) and send you "
    "the best few — quietly, one message each, with pay, workplace and age when known.\n\n"
    "Tap 👍 or 👎 and your picks get better; 🔖 save and ✅ mark applied to keep track. "
    "Press Start to see when your first picks arrive."
)
SHORT_DESCRIPTION = (
    "Your daily job picks: fresh postings scored against your profile, every morning."
)

REFUSAL = (
    "Sorry, this is a private bot.\n"
    "If you run it: add this chat's id, {chat_id}, to TELEGRAM_CHAT_IDS and restart it."
)


def refusal_message(chat_id: int) -> str:
    """The one reply a chat that is not served gets (plain text: it names its chat id)."""
    return REFUSAL.format(chat_id=chat_id)


def start_message(next_run: datetime | None, scorer: str, paused: bool) -> str:
    when = next_run.strftime("%A %d %B at %H:%M (%Z)") if next_run else "not scheduled"
    lines = [
        "<b>jobpicks</b> finds fresh job postings every morning, scores each against your "
        "profile and sends you the best, one message each.",
        "Tap 👍 or 👎 on a pick: your votes tune tomorrow's picks. 🔖 Save the ones to come "
        "back to, ✅ mark the ones you applied to.",
        "",
        f"<b>Next run:</b> {esc(when, 80)}" + (" (paused: /resume)" if paused else ""),
        f"<b>Scoring:</b> {esc(scorer, 100)}",
        "",
        "See your profile with /profile, what is searched with /searches, change the time or "
        "the number of picks with /settings, and every command with /help.",
    ]
    return "\n".join(lines)


def help_message() -> str:
    lines = ["<b>Commands</b>"]
    lines += [f"/{name} — {esc(desc)}" for name, desc in COMMANDS]
    lines += [
        "",
        "<b>/profile</b> set &lt;text&gt; · add &lt;rule&gt; · remove &lt;N&gt; · "
        "block &lt;company&gt; · unblock &lt;company&gt; · history · undo",
        "<b>/searches</b> add &lt;keywords&gt; @ &lt;place&gt; · remove &lt;N&gt;",
        "<b>/settings</b> (tap the buttons) or time 07:30 · timezone Europe/Berlin · picks 5 · "
        "min_score 60 · days weekdays · weekly on",
        "<b>/export</b> csv or json",
        # issue 19: onboarding and /filters
        "<b>/setup</b> asks six questions (or reads your CV) and drafts your profile; /cancel "
        "stops it",
        "<b>/filters</b> (tap the buttons) or places Berlin; remote · levels entry associate · "
        "types full-time · workplace remote · age 14 · pay 60k · reset",
    ]
    return "\n".join(lines)


POINTER = "I read commands only. /picks shows today's picks, /help lists everything."


def _items(values: Iterable[str], limit: int, each: int, numbered: bool = False) -> list[str]:
    values = list(values)
    shown = [
        f"{f'{i}.' if numbered else '•'} {esc(v, each)}" for i, v in enumerate(values[:limit], 1)
    ]
    if len(values) > limit:
        shown.append(f"… and {len(values) - limit} more")
    return shown


def _phrases(counts: dict[str, int], n: int = 6) -> str:
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
    return ", ".join(f"{phrase} ({count})" for phrase, count in top)


def profile_message(profile: Profile, learned: LearnedWeights | None = None) -> str:
    """The profile as the scorer sees it, with what votes taught the local scorer. Nothing
    is cut silently: a long About says how much is not shown."""
    f = profile.filters
    rest = ["", "<b>Rules</b> (/profile remove N drops one)"]
    rest += _items(profile.directives, 20, 300, numbered=True) or ["<i>(none)</i>"]
    rest += ["", "<b>Learned</b>"]
    rest += _items(profile.learned, 12, 200) or ["<i>(nothing yet)</i>"]
    if learned is not None and (learned.liked or learned.disliked):
        rest += ["", "<b>From your votes</b>"]
        if learned.liked:
            rest.append(f"you liked: {esc(_phrases(learned.liked), 300)}")
        if learned.disliked:
            rest.append(f"not for you: {esc(_phrases(learned.disliked), 300)}")
    rest += ["", "<b>Filters</b>"]
    for label, values, empty in (
        ("Blocked companies", f.blocked_companies, "none"),
        ("Excluded title words", f.excluded_title_words, "none"),
        ("Locations", f.locations, "any"),
        ("Levels", f.levels, "any"),
        ("Employment types", f.employment_types, "any"),
    ):
        lines_value = esc(", ".join(values), 300) if values else empty
        rest.append(f"{label}: {lines_value}")
    rest.append(f"Max age: {f.max_age_days} days" if f.max_age_days else "Max age: any")
    head = [f"<b>Profile</b> (version {profile.version})", "", "<b>About</b>"]
    about = " ".join(profile.about.split())
    if not about:
        head.append("<i>(empty)</i>")
    else:
        budget = LIMIT - 120 - visible_len("\n".join(head + rest))
        shown = clip(about, max(200, budget))
        head.append(html.escape(shown, quote=True))
        if len(shown) < len(about):
            hidden = len(about) - len(shown) + 1
            head.append(f"<i>({hidden} more characters not shown here; all are used)</i>")
    return fit(head + rest)


def history_message(versions: list[ProfileVersion]) -> str:
    """Versions newest first; those an undo left behind are marked, not shown as live."""
    by_version = {v.version: v for v in versions}
    current = next((v.version for v in versions if v.current), None)
    lineage: set[int] = set()
    step = current
    while step is not None and step not in lineage:
        lineage.add(step)
        found = by_version.get(step)
        step = found.parent if found else None
    lines = ["<b>Profile versions</b> (newest first)"]
    for v in list(reversed(versions))[:20]:
        if v.version == current:
            mark = " ← current"
        elif v.version not in lineage:
            mark = " (undone)"
        else:
            mark = ""
        when = v.created_at.strftime("%Y-%m-%d %H:%M") if v.created_at else ""
        lines.append(f"v{v.version} · {esc(when, 20)} · {esc(v.note, 120)}{mark}")
    if len(versions) > 20:
        lines.append(f"… {len(versions) - 20} older")
    lines.append("\n/profile undo goes back one step.")
    return fit(lines)


def settings_message(view: SettingsView, prefs: Preferences | None = None) -> str:
    lines = ["<b>Settings</b>"]
    for setting, value, changed in view.values:
        note = " (set here)" if changed else ""
        lines.append(f"{setting.label}: <b>{esc(value, 60)}</b>{note}")
    if prefs is not None:
        lines.append(f"Weekly digest: <b>{'on' if prefs.weekly else 'off'}</b>")
        lines.append(f"Morning push: <b>{'paused' if prefs.paused else 'on'}</b>")
    lines.append("")
    lines.append("Tap to change, or type /settings &lt;name&gt; &lt;value&gt;:")
    lines += [f"• {s.name} — {esc(s.help)}" for s in SETTINGS]
    lines.append("• weekly — on or off (one message a week instead of daily picks)")
    return "\n".join(lines)


def setting_changed(change: SettingChange, caught_up: bool) -> str:
    """The reply to a changed setting, saying when it takes effect."""
    s = change.setting
    if s.section == "selection":
        when = "Applies now: /picks shows today's picks with it, and every run from now on."
    else:
        when = "Applies from the next run."
        if caught_up:
            when = "Today's run time has passed and today has not run: running it now."
    return f"✓ {esc(s.label)} is now <b>{esc(change.value)}</b>. {when}"


def timezone_message() -> str:
    return (
        "<b>Timezone</b>\nTap one, or type /settings timezone Area/City for any other "
        "(e.g. America/Toronto)."
    )


def stats_message(s: Stats) -> str:
    return "\n".join(
        [
            "<b>Stats</b>",
            f"Postings seen: {s.postings_seen} over {s.runs} run day{'s' if s.runs != 1 else ''}",
            f"Picks sent here: {s.picks_sent}",
            f"Votes: 👍 {s.up} · 👎 {s.down}",
            f"Saved: {s.saved} · Applied: {s.applied}",
            f"LLM spend: ${s.spend_week_usd:.4f} this week · ${s.spend_month_usd:.4f} this month "
            f"({s.llm_calls_month} calls)",
            *(f"• {esc(spend_line(p, sp), 200)}" for p, sp in sorted(s.llm_month.items())),
        ]
    )


def marked_message(kind: str, items: list[tuple[Pick, datetime]], limit: int = 30) -> str:
    """/saved or /applied: the marked picks, newest first, with the date of the mark."""
    title = "🔖 Saved" if kind == "saved" else "✅ Applied"
    if not items:
        how = "🔖 Save" if kind == "saved" else "✅ Applied"
        return f"<b>{title}</b>\nNothing yet: tap {how} under a pick."
    lines = [f"<b>{title}</b> ({len(items)})"]
    for pick, at in items[:limit]:
        when = at.strftime("%d %b")
        lines.append(
            f"{esc(when, 10)} · {_link(pick.title, pick.url)} · "
            f"{esc(pick.company, 60)} · {pick.score}/100"
        )
    if len(items) > limit:
        lines.append(f"… and {len(items) - limit} older (/export has them all)")
    return fit(lines)


def searches_message(searches: list[SearchConfig], stored_here: bool) -> str:
    lines = ["<b>Searches</b> (asked of LinkedIn and Indeed every run)"]
    for i, s in enumerate(searches, 1):
        where = f" @ {esc(s.location, 80)}" if s.location else ""
        lines.append(f"{i}. {esc(s.keywords, 120)}{where}")
    if not searches:
        lines.append("<i>(none: only company boards are asked)</i>")
    lines.append("")
    if stored_here:
        lines.append("Changed here: this list wins over jobpicks.toml.")
    lines.append("/searches add &lt;keywords&gt; @ &lt;place&gt; · /searches remove N")
    return fit(lines)


def weekly_digest_message(day: str, picks: list[Pick], limit: int = 15) -> str:
    lines = [f"<b>🗞 Your week's best</b> (to {esc(day, 20)})"]
    if not picks:
        lines.append("Nothing scored high enough this week.")
    for pick in picks[:limit]:
        lines.append(
            f"<b>{pick.score}</b> · {_link(pick.title, pick.url)} · {esc(pick.company, 60)}"
        )
    lines.append("\n/picks shows today's with buttons · /settings turns daily picks back on")
    return fit(lines)


def progress_message(steps: list[str], elapsed: float) -> str:
    """The "working…" message of a fresh /picks: each step, the last one in progress."""
    lines = [f"⏳ <b>Working on today's picks</b> ({elapsed:.0f} s)"]
    for i, step in enumerate(steps[-6:]):
        mark = "…" if i == len(steps[-6:]) - 1 else "✓"
        lines.append(f"{mark} {esc(step, 200)}")
    return "\n".join(lines)


def error_message(text: str) -> str:
    return f"⚠️ {esc(text, 600)}"


def run_failed_message(day: str, cause: str) -> str:
    return (
        f"⚠️ <b>This morning's run failed</b> ({esc(day, 20)}).\n"
        f"Cause: {esc(cause, 800)}\n"
        "It will try again at the next scheduled time; /picks runs it now."
    )
