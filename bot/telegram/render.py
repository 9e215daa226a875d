"""Telegram HTML for every message the bot sends.

Every scraped or model-written string goes through `esc` (html.escape) and is clipped
before escaping, so a message stays well under Telegram's 4096 visible characters and one
stray `<` in a job title can never make Telegram reject the whole message.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime

from bot.services.marks import Tracked
from bot.services.preferences import Preferences
from bot.services.records import Pick, ProfileVersion, RunRecord
from bot.services.rescore import Rescored
from bot.services.settings import SETTINGS, SettingChange, SettingsView
from bot.services.stats import Stats
from bot.services.summary import funnel, looked_at, picks_left_out, spend_line, why_no_picks
from bot.telegram.callbacks import pick_id
from scoring.features import roles_phrase
from scoring.models import LearnedLine
from scoring.profile import Profile
from scrapers.options import SearchConfig
from scrapers.postings.text import cut
from scrapers.still_open import Verdict

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


def _link(title: str, url: str, limit: int = 200) -> str:
    if url.startswith(("http://", "https://")) and len(url) <= 2000:
        return f'<a href="{html.escape(url, quote=True)}">{esc(title, limit)}</a>'
    return f"<b>{esc(title, limit)}</b>"


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
    if pick.explore:
        lines.append(f"🔍 something different: {esc(pick.explore, 200)}")
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
    """The morning header: date, postings looked at (and where the rest went), picks; with
    none, why and what to change; sources that failed and why."""
    lines = [f"<b>Job picks for {esc(day, 20)}</b>"]
    if record.status == "all-sources-failed":
        lines.append("⚠️ Every source failed this morning, so there are no picks today.")
    else:
        lines.append(
            f"Looked at {looked_at(record)} postings ({esc(funnel(record), 300)}) · "
            f"{picks} pick{'s' if picks != 1 else ''}"
        )
        if picks == 0:
            why = why_no_picks(record) or picks_left_out(record)
            lines += [esc(line, 400) for line in why]
    failed = [s for s in record.sources if s.state not in ("ok",)]
    if failed:
        lines.append("")
        lines.append("<b>Sources with problems:</b>")
        for s in failed[:12]:
            why = f": {esc(s.reason, 200)}" if s.reason else ""
            lines.append(f"• {esc(s.source, 60)} — {esc(s.state, 20)}{why}")
    return fit(lines)


LIST_HEAD_ROOM = 600  # the list's head and foot, in visible characters


def picks_list_message(day: str, record: RunRecord, picks: list[Pick]) -> str:
    """The compact view: the header's first line and each pick as one numbered line (score,
    linked title, company, place); every pick fits, each line shortened to share the room.
    With no picks it is the header, with why."""
    if record.status == "all-sources-failed" or not picks:
        return header_message(day, record, len(picks))
    n = len(picks)
    lines = [
        f"<b>Job picks for {esc(day, 20)}</b> · {n} pick{'s' if n != 1 else ''} "
        f"(looked at {looked_at(record)} postings)"
    ]
    failed = [s.source for s in record.sources if s.state != "ok"]
    if failed:
        lines.append(f"⚠️ {len(failed)} source(s) had problems: {esc(', '.join(failed), 200)}")
    # Each line gets its share of Telegram's 4096 characters: a long list shortens titles.
    room = max(40, (LIMIT - LIST_HEAD_ROOM) // n)
    for i, p in enumerate(picks, 1):
        company = clip(p.company, max(12, room // 4))
        place = clip(p.location, max(10, room // 5)) if p.location and room >= 80 else ""
        title_room = max(15, room - len(company) - len(place) - 16)
        tail = f" · {esc(company, 120)}" + (f" · {esc(place, 80)}" if place else "")
        lines.append(f"{i}. <b>{p.score}</b> · {_link(p.title, p.url, title_room)}{tail}")
    lines += ["", "Tap a number for the pick in full, with 👍/👎 and 🔖."]
    return fit(lines)


def header_elsewhere_message(day: str) -> str:
    """/picks' "working…" message when the morning's delivery got there first: the day's
    header is not sent twice, this says where the picks are."""
    return f"📬 Today's picks ({esc(day, 20)}) came with the morning's delivery, under its header."


COMMANDS: list[tuple[str, str]] = [
    ("start", "What this bot does and when it runs"),
    ("help", "Every command"),
    ("picks", "Today's picks (/picks N for the top N, /picks list as one message)"),
    ("saved", "Picks you saved: apply, unsave, a note"),
    ("applied", "Your applications: interviewing, offer, rejected"),
    ("profile", "Your profile and what your votes taught; change, forget, undo, restore"),
    ("searches", "What is searched; add or remove a search"),
    ("settings", "Time, timezone, days, picks per day, min score, weekly digest, view"),
    ("stats", "A chart of your week, picks, votes, LLM spend"),
    ("export", "Your picks, votes and marks as a CSV file"),
    ("pause", "Pause the morning push (/pause 2 weeks: until a date)"),
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


def start_message(
    next_run: datetime | None, scorer: str, paused: bool, until: date | None = None
) -> str:
    when = next_run.strftime("%A %d %B at %H:%M (%Z)") if next_run else "not scheduled"
    if paused and until is not None:
        paused_note = f" (paused until {until.strftime('%a %d %b')}: /resume)"
    else:
        paused_note = " (paused: /resume)" if paused else ""
    lines = [
        "<b>jobpicks</b> finds fresh job postings every morning, scores each against your "
        "profile and sends you the best, one message each.",
        "Tap 👍 or 👎 on a pick: your votes tune tomorrow's picks. 🔖 Save the ones to come "
        "back to, ✅ mark the ones you applied to.",
        "",
        f"<b>Next run:</b> {esc(when, 80)}" + paused_note,
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
        "block &lt;company&gt; · unblock &lt;company&gt; · forget &lt;N&gt; · relearn · "
        "versions · undo · restore &lt;N&gt;",
        "<b>/searches</b> add &lt;keywords&gt; @ &lt;place&gt; · remove &lt;N&gt;",
        "<b>/settings</b> (tap the buttons) or time 7:30am · timezone Berlin (or PST, "
        "Europe/Berlin) · days mon wed fri (or weekdays, every day but sunday) · picks 5 · "
        "min_score 60 · weekly friday (or on, off) · view compact (or full)",
        "<b>/pause</b> alone, or until 2027-01-05 · 2 weeks · next monday; /resume",
        "<b>/picks list</b> today's picks as one message (or /settings view compact)",
        "<b>/saved</b> · <b>/applied</b> your applications, each with its card: 🗣 "
        "interviewing · 🎉 offer · ✖️ rejected · 📝 a note (reply to the card)",
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


def learned_line(n: int, line: LearnedLine) -> str:
    """One learned line in words with its evidence, numbered as /profile forget takes it:
    "1. ➕ data analysis roles — 👍 6 (+14)", "2. ➖ software engineering roles — 👎 9 · 👍 1
    (−22)"."""
    words = roles_phrase(line.group, line.words)
    up, down = f"👍 {line.ups}", f"👎 {line.downs}"
    if line.weight > 0:
        mark, votes = "➕", up + (f" · {down}" if line.downs else "")
    else:
        mark, votes = "➖", down + (f" · {up}" if line.ups else "")
    points = f"{line.weight:+.0f}".replace("-", "−")
    return f"{n}. {mark} {esc(words, 120)} — {votes} ({points})"


def profile_message(
    profile: Profile, learned: Sequence[LearnedLine] = (), forgotten: Sequence[str] = ()
) -> str:
    """The profile as the scorer sees it, with what votes taught the local scorer (`learned`,
    strongest first, each with its votes) and the lines the person removed. Nothing is cut
    silently: a long About says how much is not shown."""
    f = profile.filters
    rest = ["", "<b>Rules</b> (/profile remove N drops one)"]
    rest += _items(profile.directives, 20, 300, numbered=True) or ["<i>(none)</i>"]
    if profile.learned:
        rest += ["", "<b>Learned section</b> (from applied proposals)"]
        rest += _items(profile.learned, 12, 200)
    rest += ["", "<b>Learned from your votes</b> (strongest first; ✖️ or /profile forget N)"]
    rest += [learned_line(n, line) for n, line in enumerate(learned, 1)] or [
        "<i>(nothing yet: your 👍 and 👎 on picks teach it)</i>"
    ]
    if forgotten:
        rest.append(
            f"Removed: {esc(', '.join(forgotten), 300)} — /profile relearn brings them back"
        )
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
    if f.blocked_companies:
        rest.append("(🔓 below, or /profile unblock &lt;name&gt;, even part of it)")
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
    lines.append(
        "\n/profile undo goes back one step; /profile restore N makes version N the one in "
        "use again (as a new version)."
    )
    return fit(lines)


def rescored_message(r: Rescored) -> str:
    """What a rescore of today's postings changed: the new picks (sent below it) and the
    picks that no longer make the cut."""
    lines = [
        f"🔄 <b>Today's postings rescored</b>: {r.looked_at} looked at again with profile "
        f"version {r.profile_version} and what your votes taught."
    ]
    n = len(r.added)
    if n:
        lines.append(
            f"{n} new pick{'s' if n != 1 else ''} now make{'s' if n == 1 else ''} the cut: below."
        )
    else:
        lines.append("No new picks: today's best were already sent.")
    if r.dropped:
        gone = "; ".join(clip(f"{p.title} ({p.company})", 80) for p in r.dropped[:5])
        more = f" and {len(r.dropped) - 5} more" if len(r.dropped) > 5 else ""
        lines.append(
            f"⬇️ {len(r.dropped)} of today's picks no longer make the cut: {esc(gone, 600)}{more}."
        )
    lines += [f"<i>{esc(note, 300)}</i>" for note in r.notes[:3]]
    return fit(lines)


def paused_label(prefs: Preferences) -> str:
    if not prefs.paused:
        return "on"
    if prefs.paused_until is not None:
        return f"paused until {prefs.paused_until.strftime('%a %d %b %Y')}"
    return "paused"


def settings_message(view: SettingsView, prefs: Preferences | None = None) -> str:
    lines = ["<b>Settings</b>"]
    for setting, value, changed in view.values:
        note = " (set here)" if changed else ""
        lines.append(f"{setting.label}: <b>{esc(value, 60)}</b>{note}")
    if prefs is not None:
        lines.append(f"Morning push: <b>{esc(paused_label(prefs), 60)}</b>")
    lines.append("")
    lines.append("Tap to change, or type /settings &lt;name&gt; &lt;value&gt;:")
    lines += [f"• {s.name} — {esc(s.help)}" for s in SETTINGS]
    lines.append("• /pause [until 2027-01-05 | 2 weeks] · /resume")
    return "\n".join(lines)


def unknown_setting_message(error: str) -> str:
    """A setting nobody knows: the error, then every setting and what it takes."""
    lines = [error_message(error), ""]
    lines += [f"• {s.name} — {esc(s.help)}" for s in SETTINGS]
    return "\n".join(lines)


def zone_question(said: str, choices: tuple[str, ...]) -> str:
    return (
        f"🌍 <b>{esc(said, 20)}</b> means different zones to different people: which one is "
        f"yours? ({esc(', '.join(choices), 200)})"
    )


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
    """The /stats caption (≤ 1024 characters: a photo's caption)."""
    days = f"{s.runs} run day{'s' if s.runs != 1 else ''}"
    scorer = "the local scorer" if s.scorer == "local" else f"LLM {clip(s.scorer, 60)}"
    lines = [
        "<b>Stats</b>",
        f"Postings looked at: {s.looked_at} over {days} (as each morning's header counts)",
        f"Picks sent here: {s.picks_sent}",
        f"Votes: 👍 {s.up} · 👎 {s.down}",
        f"Saved: {s.saved} · Applied: {s.applied}",
        f"Scores drawn: {esc(scorer, 80)}"
        + (f" ({s.other_scorer} picks by another scorer not drawn)" if s.other_scorer else ""),
    ]
    if s.shows_spend:
        lines.append(
            f"LLM spend: ${s.spend_week_usd:.4f} this week · ${s.spend_month_usd:.4f} this month "
            f"({s.llm_calls_month} calls)"
        )
        lines += [f"• {esc(spend_line(p, sp), 200)}" for p, sp in sorted(s.llm_month.items())]
    return "\n".join(lines)


STAGE_LABELS = {
    "saved": "🔖 saved",
    "applied": "✅ applied",
    "interviewing": "🗣 interviewing",
    "offer": "🎉 offer",
    "rejected": "✖️ rejected",
}
PIPELINE_SHOWN = 20  # postings a /saved or /applied list shows (each with its buttons)


def _when(at: datetime) -> str:
    return at.strftime("%d %b")


def _place_line(pick: Pick) -> str:
    place = f" · 📍 {esc(pick.location, 60)}" if pick.location else ""
    return f"{esc(pick.company, 60)}{place} · {pick.score}/100"


def _steps(item: Tracked) -> str:
    """ "🔖 saved 02 Mar → ✅ applied 05 Mar → 🗣 interviewing 12 Mar" (and closed)."""
    order = [k for k in STAGE_LABELS if k in item.stages]
    steps = " → ".join(f"{STAGE_LABELS[k]} {_when(item.stages[k])}" for k in order)
    if item.closed is not None:
        steps += f" · 🔒 closed (found {_when(item.closed)})"
    return steps


def pipeline_message(kind: str, items: list[Tracked]) -> str:
    """/saved (saved, not applied to yet) or /applied (applied, and every stage since): each
    posting numbered with its place, score, the date of each step, closed, and its note."""
    title = "🔖 Saved" if kind == "saved" else "✅ Applied"
    if not items:
        how = "🔖 Save" if kind == "saved" else "✅ Applied"
        return f"<b>{title}</b>\nNothing yet: tap {how} under a pick."
    lines = [f"<b>{title}</b> ({len(items)})"]
    for i, item in enumerate(items[:PIPELINE_SHOWN], 1):
        lines.append(f"{i}. {_link(item.pick.title, item.pick.url, 120)}")
        lines.append(f"    {_place_line(item.pick)}")
        lines.append(f"    {esc(_steps(item), 300)}")
        if item.note:
            lines.append(f"    📝 {esc(item.note, 200)}")
    if len(items) > PIPELINE_SHOWN:
        lines.append(f"… and {len(items) - PIPELINE_SHOWN} older (/export has them all)")
    hint = (
        "Tap ✅ when you applied, 🗑 to unsave, ⋯ for its card (stages, a note)."
        if kind == "saved"
        else "Tap a number for its card: the next stage, a note."
    )
    return fit([*lines, "", hint])


def card_ref(pick: Pick) -> str:
    """The line that ties a reply (a note) to its posting: ``ref <day>/<pick id>``."""
    return f"ref {pick.day}/{pick_id(pick.key)}"


NOTE_REF = re.compile(r"ref (\d{4}-\d{2}-\d{2})/([0-9a-f]{12})")


def card_message(item: Tracked) -> str:
    """One posting's place in the pipeline: the pick, each step with its date, the note."""
    pick = item.pick
    lines = [
        f"<b>{_link(pick.title, pick.url, 200)}</b>",
        _place_line(pick),
        esc(_steps(item), 400),
    ]
    if item.note:
        lines.append(f"📝 {esc(item.note, 1000)}")
    lines += ["", f"<i>Reply to this message to write a note · {card_ref(pick)}</i>"]
    return fit(lines)


def note_prompt(pick: Pick, current: str) -> str:
    now = f"\nNow: {esc(current, 500)}" if current else ""
    return (
        f"📝 Your note on <b>{esc(pick.title, 120)}</b> ({esc(pick.company, 60)}): reply to "
        f"this message with it (a - removes it).{now}\n<i>{card_ref(pick)}</i>"
    )


def reminder_message(item: Tracked, days: int, verdict: Verdict) -> str:
    """ "You saved X 5 days ago — applied?" (said when the board could not tell whether it
    is still open)."""
    pick = item.pick
    ago = "today" if days == 0 else f"{days} day{'s' if days != 1 else ''} ago"
    lines = [
        f"⏰ You saved {_link(pick.title, pick.url, 150)} at {esc(pick.company, 80)} {ago} — "
        "applied?",
    ]
    if verdict.state == "open":
        lines.append("It is still open.")
    else:
        lines.append(f"(Could not check that it is still open: {esc(verdict.why, 120)}.)")
    if item.note:
        lines.append(f"📝 {esc(item.note, 300)}")
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
