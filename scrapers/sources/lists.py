"""Community internship and new-grad lists: the JSON behind the widely used GitHub lists.

SimplifyJobs' lists (Summer internships, New-Grad positions) publish every row of their
README as `.github/scripts/listings.json`: a JSON list of entries with `id`, `company_name`,
`title`, `locations`, `terms` (or `season`), `sponsorship`, `url` (the posting itself),
`date_posted` (epoch seconds), `active` and `is_visible`. Only active, visible entries posted
within `max_age_days` are read. The list is already a search (students' roles, curated), so
its entries are not filtered by the searches' keywords; the profile's hard filters apply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import urlsplit

from scrapers.http import FetchError, HttpClient
from scrapers.options import HttpConfig, ListConfig
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.posting import Posting, http_url
from scrapers.source import Setup, SourceResult
from scrapers.sources.outcome import SourceProblem, SourceRun, read_posting, refusal


def list_label(url: str) -> str:
    """'list:SimplifyJobs/Summer2026-Internships' for a GitHub-hosted list, else the host."""
    parts = urlsplit(url)
    path = [p for p in parts.path.split("/") if p]
    # <owner>/<repo>/<branch>/.github/scripts/listings.json, wherever it is served from
    if ".github" in path and path.index(".github") >= 3:
        i = path.index(".github")
        return f"list:{path[i - 3]}/{path[i - 2]}"
    if parts.hostname == "github.com" and len(path) >= 2:
        return f"list:{path[0]}/{path[1]}"
    return f"list:{parts.hostname or url}" + (f"/{path[0]}" if path else "")


@dataclass
class CommunityList:
    """One `[[lists]]` entry."""

    kind: ClassVar[str] = "list"
    config: ListConfig

    @classmethod
    def from_config(cls, config: ListConfig, setup: Setup) -> CommunityList:
        return cls(config)

    @property
    def name(self) -> str:
        return list_label(self.config.url)

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        run = SourceRun(self.name)
        what = f"list {self.name.removeprefix('list:')}"
        try:
            data = await self._fetch(session, run, what)
        except SourceProblem as exc:
            run.fatal = exc
            return run.result()
        since = datetime.now(UTC) - timedelta(days=self.config.max_age_days)
        skipped = 0
        for entry in data:
            if not isinstance(entry, dict) or not _listed(entry):
                continue
            posting = read_posting(lambda e: to_posting(e, since), entry)
            if posting is None:
                if _recent(entry, since):
                    skipped += 1
                continue
            run.postings.append(posting)
        if skipped:
            run.problems.append(
                f"{what}: {skipped} unreadable entr(ies) skipped (no title or link?)"
            )
        return run.result()

    async def _fetch(self, client: HttpClient, run: SourceRun, what: str) -> list[object]:
        try:
            resp = await client.request("GET", self.config.url, tally=run.tally, kind="list")
        except FetchError as exc:
            raise SourceProblem.from_fetch(what, exc) from None
        if not resp.ok:
            raise refusal(what, resp)
        try:
            data = json.loads(resp.text)
        except ValueError:
            raise SourceProblem(
                f"{what}: not JSON (HTTP {resp.status}); is the URL the raw listings.json?"
            ) from None
        if not isinstance(data, list):
            raise SourceProblem(f"{what}: JSON is not a list of listings (format changed?)")
        return data


def _listed(entry: dict) -> bool:
    return entry.get("active") is True and entry.get("is_visible") is not False


def _posted(entry: dict) -> datetime | None:
    value = entry.get("date_posted")
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _recent(entry: dict, since: datetime) -> bool:
    posted = _posted(entry)
    return posted is not None and posted >= since


def to_posting(entry: dict, since: datetime) -> Posting | None:
    """An active, visible, recent entry as a Posting; None for anything else."""
    posted = _posted(entry)
    if posted is None or posted < since:
        return None
    title, company = entry.get("title"), entry.get("company_name")
    url = http_url(entry.get("url"))
    if not isinstance(title, str) or not title.strip() or url is None:
        return None
    locations = [str(x).strip() for x in entry.get("locations") or [] if str(x).strip()]
    terms = entry.get("terms") if isinstance(entry.get("terms"), list) else []
    season = entry.get("season")
    terms = [str(t) for t in terms] or ([str(season)] if season else [])
    # Entries with terms are internships (a season); the new-grad lists' are full-time roles.
    employment = employment_from_title(title) or ("internship" if terms else "full-time")
    sponsorship = str(entry.get("sponsorship") or "").strip()
    # What the entry says beyond its title, company and places (shown beside it already);
    # "Other" is the lists' "not stated".
    lines = []
    if terms:
        lines.append("Terms: " + ", ".join(terms))
    if sponsorship and sponsorship.lower() != "other":
        lines.append(f"Sponsorship: {sponsorship}")
    source_id = str(entry.get("id") or "").strip() or url
    return Posting(
        source="list",
        source_id=source_id,
        url=url,
        title=title.strip(),
        company=str(company or "").strip(),
        location="; ".join(locations),
        posted_at=posted,
        employment_type=employment,
        # The lists hold students' roles only: internships, else new-grad (entry level).
        seniority="internship" if employment == "internship" else "entry",
        workplace=workplace_from_text(title, *locations),
        apply_url=url,
        description="\n".join(lines),
    )
