"""LinkedIn through its guest (logged-out) endpoints: search cards, then one detail page per new job.

Paging stops at `max_results`, at the end page (`<!DOCTYPE html>\\n\\n<!---->`), or when a page
repeats the previous one (LinkedIn sometimes serves the same cards again instead of ending).
A redirect away from the requested path is the login wall: "blocked", not "no results".
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

from scrapers.common import SourceProblem, SourceRun, refusal
from scrapers.http import FetchError, HttpClient, Response
from scrapers.models import Posting
from scrapers.options import SearchConfig
from scrapers.text import html_to_text, inline_text

SEARCH_PATH = "/jobs-guest/jobs/api/seeMoreJobPostings/search"
PAGE_SIZE = 10
CANONICAL = "https://www.linkedin.com/jobs/view/{id}"
LAYOUT_CHANGED = "layout changed: 200 with content but 0 cards parsed"

JOB_TYPES = {
    "full-time": "F",
    "part-time": "P",
    "contract": "C",
    "temporary": "T",
    "internship": "I",
}
LEVELS = {"internship": "1", "entry": "2", "associate": "3", "mid-senior": "4", "director": "5", "executive": "6"}  # fmt: skip
WORKPLACES = {"on-site": "1", "remote": "2", "hybrid": "3"}

_SENIORITY = {
    "internship": "internship",
    "entry level": "entry",
    "associate": "associate",
    "mid-senior level": "mid-senior",
    "director": "director",
    "executive": "executive",
}
_EMPLOYMENT = {
    "full-time": "full-time",
    "part-time": "part-time",
    "contract": "contract",
    "temporary": "temporary",
    "internship": "internship",
}
_URN_ID = re.compile(r"jobPosting:(\d+)")
_HREF_ID = re.compile(r"/jobs/view/(?:[^/?#]*?-)?(\d{5,})(?:[/?#]|$)")
_END_MARKERS = ("", "<!DOCTYPE html>\n\n<!---->", "<!DOCTYPE html><!---->")

IsSeen = Callable[[str], bool]


def is_end_page(body: str) -> bool:
    """LinkedIn's empty page past the last result (an empty body counts too)."""
    stripped = body.strip()
    return (
        stripped in _END_MARKERS or re.fullmatch(r"<!DOCTYPE html>\s*<!---->", stripped) is not None
    )


def search_params(search: SearchConfig, start: int) -> dict[str, str]:
    params = {
        "keywords": search.keywords,
        "f_TPR": f"r{search.posted_within_hours * 3600}",
        "sortBy": "DD",
        "start": str(start),
    }
    if search.location:
        params["location"] = search.location
    if search.employment_types:
        params["f_JT"] = ",".join(JOB_TYPES[t] for t in search.employment_types)
    if search.levels:
        params["f_E"] = ",".join(LEVELS[v] for v in search.levels)
    if search.workplace:
        params["f_WT"] = ",".join(WORKPLACES[w] for w in search.workplace)
    return params


@dataclass
class Card:
    job_id: str
    title: str
    company: str
    location: str
    posted_at: datetime | None
    salary: str | None
    href: str


def parse_cards(html: str) -> list[Card]:
    """Every job card on a search page; cards missing an id or a title are skipped."""
    soup = BeautifulSoup(html, "lxml")
    cards: list[Card] = []
    seen: set[str] = set()
    for node in soup.select(".base-search-card, [data-entity-urn*='jobPosting']"):
        card = _card(node)
        if card is not None and card.job_id not in seen:
            seen.add(card.job_id)
            cards.append(card)
    return cards


def _card(node: Tag) -> Card | None:
    job_id = None
    # The urn sits on the card, on a wrapping div, or (in some responses) on an inner element.
    for el in (node, *node.parents, *node.select("[data-entity-urn]")):
        if not isinstance(el, Tag):
            continue
        urn = el.get("data-entity-urn")
        m = _URN_ID.search(urn) if isinstance(urn, str) else None
        if m:
            job_id = m.group(1)
            break
    link = (
        node
        if node.name == "a"
        else node.select_one("a.base-card__full-link, a[href*='/jobs/view/']")
    )
    href = str(link.get("href", "")) if link is not None else ""
    if job_id is None:
        m = _HREF_ID.search(href)
        job_id = m.group(1) if m else None
    title = inline_text(node.select_one(".base-search-card__title"))
    if not job_id or not title:
        return None
    time_el = node.select_one("time[datetime]")
    salary = inline_text(node.select_one(".job-search-card__salary-info")) or None
    return Card(
        job_id=job_id,
        title=title,
        company=inline_text(node.select_one(".base-search-card__subtitle")),
        location=inline_text(node.select_one(".job-search-card__location")),
        posted_at=_card_date(str(time_el.get("datetime", ""))) if time_el else None,
        salary=salary,
        href=href,
    )


def _card_date(value: str) -> datetime | None:
    try:
        day = datetime.strptime(value.strip()[:10], "%Y-%m-%d")
    except ValueError:
        return None
    return day.replace(tzinfo=UTC)


@dataclass
class Detail:
    description: str = ""
    seniority: str | None = None
    employment_type: str | None = None


def parse_detail(html: str, max_chars: int) -> Detail | None:
    """The description and criteria of a job page; None if the page has neither."""
    soup = BeautifulSoup(html, "lxml")
    markup = soup.select_one(".show-more-less-html__markup, .description__text")
    criteria: dict[str, str] = {}
    for item in soup.select(".description__job-criteria-item"):
        head = inline_text(item.select_one(".description__job-criteria-subheader")).lower()
        value = inline_text(item.select_one(".description__job-criteria-text")).lower()
        if head:
            criteria[head] = value
    if markup is None and not criteria:
        return None
    return Detail(
        description=html_to_text(markup.decode_contents(), max_chars) if markup else "",
        seniority=_SENIORITY.get(criteria.get("seniority level", "")),
        employment_type=_EMPLOYMENT.get(criteria.get("employment type", "")),
    )


@dataclass
class LinkedIn:
    """One run's LinkedIn work, shared by every search so a job is never fetched twice."""

    client: HttpClient
    base_url: str
    max_chars: int
    max_pages: int = 100
    is_seen: IsSeen = lambda _key: False
    _details: dict[str, asyncio.Task[Detail | None]] = field(default_factory=dict)
    _wall: str | None = None  # set once a detail page hits the login wall: stop asking
    _slots: asyncio.Semaphore | None = None

    async def search(self, search: SearchConfig, label: str) -> SourceRun:
        run = SourceRun(label)
        cards: dict[str, Card] = {}
        previous: list[str] | None = None
        for page in range(self.max_pages):
            if len(cards) >= search.max_results:
                break
            start = page * PAGE_SIZE
            try:
                page_cards = await self._page(search, start, run)
            except SourceProblem as exc:
                if cards:  # what earlier pages gave is kept: a partial result
                    run.problems.append(f"page {page + 1}: {exc.reason}")
                else:
                    run.fatal = exc
                break
            if page_cards is None:  # the end page
                break
            ids = [c.job_id for c in page_cards]
            if ids == previous or all(i in cards for i in ids):
                break  # a repeated page: LinkedIn has nothing new past this point
            previous = ids
            for card in page_cards:
                if card.job_id not in cards and len(cards) < search.max_results:
                    cards[card.job_id] = card
                    self._want_detail(card.job_id, run)
        await self._attach(cards, run)
        return run

    async def _page(self, search: SearchConfig, start: int, run: SourceRun) -> list[Card] | None:
        url = self.base_url + SEARCH_PATH
        try:
            resp = await self.client.request(
                "GET", url, params=search_params(search, start), tally=run.tally, kind="search"
            )
        except FetchError as exc:
            raise SourceProblem.from_fetch(f"search page start={start}", exc) from None
        if _left_path(resp, SEARCH_PATH):
            raise SourceProblem(
                f"login wall (redirected to {urlsplit(resp.url).path})", blocked=True
            )
        if not resp.ok:
            raise refusal(f"search page start={start}", resp)
        if is_end_page(resp.text):
            return None
        cards = parse_cards(resp.text)
        if not cards:
            raise SourceProblem(LAYOUT_CHANGED)
        return cards

    def _want_detail(self, job_id: str, run: SourceRun) -> None:
        if job_id in self._details or self.is_seen(f"linkedin:{job_id}"):
            return
        self._details[job_id] = asyncio.create_task(self._detail(job_id, run))

    async def _detail(self, job_id: str, run: SourceRun) -> Detail | None:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.client.config.per_host_concurrency)
        # Queue here (not inside the client) so a login wall seen meanwhile stops the rest.
        async with self._slots:
            if self._wall:
                return None
            return await self._fetch_detail(job_id, run)

    async def _fetch_detail(self, job_id: str, run: SourceRun) -> Detail | None:
        path = f"/jobs/view/{job_id}"
        try:
            resp = await self.client.request(
                "GET", self.base_url + path, tally=run.tally, kind="detail"
            )
        except FetchError as exc:
            run.problems.append(f"job {job_id} description: {exc.reason}")
            return None
        if _left_path(resp, "/jobs/view/"):
            self._wall = "descriptions hit the login wall; postings kept without them"
            run.problems.append(self._wall)
            return None
        if not resp.ok:
            run.problems.append(f"job {job_id} description: HTTP {resp.status}")
            return None
        detail = parse_detail(resp.text, self.max_chars)
        if detail is None:
            run.problems.append(f"job {job_id} description: {LAYOUT_CHANGED}")
        return detail

    async def _attach(self, cards: dict[str, Card], run: SourceRun) -> None:
        tasks = {i: self._details[i] for i in cards if i in self._details}
        if tasks:
            await asyncio.gather(*tasks.values())
        for job_id, card in cards.items():
            detail = tasks[job_id].result() if job_id in tasks else None
            run.postings.append(_posting(card, detail))

    async def close(self) -> None:
        """Cancel detail fetches nobody waits for any more (a search that crashed)."""
        pending = [t for t in self._details.values() if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


def _left_path(resp: Response, expected_prefix: str) -> bool:
    """True when a redirect took us somewhere other than the page asked for (login wall)."""
    return resp.redirected and not urlsplit(resp.url).path.startswith(expected_prefix)


def _posting(card: Card, detail: Detail | None) -> Posting:
    location = card.location
    return Posting(
        source="linkedin",
        source_id=card.job_id,
        url=CANONICAL.format(id=card.job_id),
        title=card.title,
        company=card.company,
        location=location,
        posted_at=card.posted_at,
        employment_type=detail.employment_type if detail else None,
        seniority=detail.seniority if detail else None,
        remote=True if "remote" in location.lower() else None,
        salary=card.salary,
        description=detail.description if detail else "",
    )
