"""LinkedIn through its guest (logged-out) endpoints: search cards, then one detail page per new job.

Paging stops at `max_results`, at a short page (fewer than 10 cards: the last one), at the
end page (`<!DOCTYPE html>\\n\\n<!---->`), or when a page repeats the previous one (LinkedIn
sometimes serves the same cards again instead of ending). A redirect away from the requested
path is the login wall, and HTTP 999 LinkedIn's refusal: "blocked", not "no results".

Descriptions are one request each and LinkedIn answers 429 once a client asks too quickly:
the first 429 opens a circuit breaker (no more detail requests), and once
`linkedin_cooldown_seconds` have passed every description still missing is asked for once
more; a second 429 closes the door for the run (postings kept without descriptions).
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from scrapers.http import FetchError, HttpClient, Response
from scrapers.options import HttpConfig, SearchConfig
from scrapers.postings.kinds import workplace_from_text
from scrapers.postings.pay import parse_pay
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import element_text, inline_text
from scrapers.source import IsSeen, Setup, SourceResult, search_label
from scrapers.sources.outcome import SourceProblem, SourceRun, refusal

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
# What a search's own workplace filter (f_WT) guarantees about every result.
_SEARCH_WORKPLACE = {"remote": "remote", "hybrid": "hybrid", "on-site": "onsite"}


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
    apply_url: str | None = None


def parse_detail(html: str, max_chars: int) -> Detail | None:
    """The description and criteria of a job page; None if the page has neither."""
    soup = BeautifulSoup(html, "lxml")
    # The inner markup first: the outer `.description__text` also holds the
    # "Show more / Show less" buttons. (A comma selector returns document order, not this.)
    markup = soup.select_one(".show-more-less-html__markup") or soup.select_one(
        ".description__text"
    )
    if markup is not None:
        for button in markup.select("button, .show-more-less-html__button"):
            button.decompose()
    criteria: dict[str, str] = {}
    for item in soup.select(".description__job-criteria-item"):
        head = inline_text(item.select_one(".description__job-criteria-subheader")).lower()
        value = inline_text(item.select_one(".description__job-criteria-text")).lower()
        if head:
            criteria[head] = value
    if markup is None and not criteria:
        return None
    return Detail(
        description=element_text(markup, max_chars) if markup else "",
        seniority=_SENIORITY.get(criteria.get("seniority level", "")),
        employment_type=_EMPLOYMENT.get(criteria.get("employment type", "")),
        apply_url=_apply_url(soup),
    )


def _apply_url(soup: BeautifulSoup) -> str | None:
    """The employer's own application page: LinkedIn hides it in `<code id="applyUrl">` as a
    comment holding its redirect link, whose `url` parameter is the target."""
    code = soup.select_one("code#applyUrl")
    if code is None:
        return None
    texts = [str(c) for c in code.contents if isinstance(c, Comment)] or [code.get_text()]
    raw = texts[0].strip().strip('"')
    target = parse_qs(urlsplit(raw).query).get("url", [raw])[0]
    return http_url(target)


@dataclass
class LinkedIn:
    """One run's LinkedIn work, shared by every search so a job is never fetched twice."""

    client: HttpClient
    base_url: str
    max_chars: int
    max_pages: int = 100
    is_seen: IsSeen = lambda _key: False
    cooldown: float = 60.0  # seconds the breaker stays open after a 429 on a description
    _details: dict[str, asyncio.Task[Detail | None]] = field(default_factory=dict)
    _wall: str | None = None  # set once a detail page hits the login wall: stop asking
    _slots: asyncio.Semaphore | None = None
    _tripped_at: float | None = None  # the breaker: when a description last got 429
    _second_round: bool = False  # the one retry after the cooldown has begun
    _closed: str | None = None  # 429 again after the cooldown: no more descriptions this run

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
            if len(page_cards) < PAGE_SIZE:
                break  # a short page is the last one: asking for the next costs a request
        await self._attach(cards, search, run)
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
        for round_ in (1, 2):
            # Queue here (not inside the client) so a login wall or a 429 seen meanwhile
            # stops the rest before they ask.
            async with self._slots:
                if self._wall or self._closed:
                    return None
                if self._tripped_at is None:
                    detail, limited = await self._fetch_detail(job_id, run)
                    if not limited:
                        return detail
                    self._trip(run)
                elif round_ == 2 and self._second_round:
                    detail, limited = await self._fetch_detail(job_id, run)
                    if not limited:
                        return detail
                    self._closed = (
                        "descriptions rate-limited (429) again after the cooldown; "
                        "postings kept without them"
                    )
                    run.problems.append(self._closed)
                    return None
            if round_ == 1:
                await self._cooled_down()
        return None

    def _trip(self, run: SourceRun) -> None:
        if self._tripped_at is None:
            self._tripped_at = time.monotonic()
            run.problems.append(
                f"descriptions rate-limited (429): paused {self.cooldown:g} s, then asked once more"
            )

    async def _cooled_down(self) -> None:
        """Wait until the breaker's cooldown is over; the first waiter opens the second round."""
        if self._tripped_at is None:
            return
        left = self._tripped_at + self.cooldown - time.monotonic()
        if left > 0:
            await asyncio.sleep(left)
        self._second_round = True

    async def _fetch_detail(self, job_id: str, run: SourceRun) -> tuple[Detail | None, bool]:
        """(detail or None, rate-limited?) — a 429 is not retried here: the breaker decides."""
        path = f"/jobs/view/{job_id}"
        try:
            resp = await self.client.request(
                "GET", self.base_url + path, tally=run.tally, kind="detail", no_retry=(429,)
            )
        except FetchError as exc:
            if exc.status == 429:
                return None, True
            run.problems.append(f"job {job_id} description: {exc.reason}")
            return None, False
        if _left_path(resp, "/jobs/view/"):
            self._wall = "descriptions hit the login wall; postings kept without them"
            run.problems.append(self._wall)
            return None, False
        if not resp.ok:
            run.problems.append(f"job {job_id} description: HTTP {resp.status}")
            return None, False
        detail = parse_detail(resp.text, self.max_chars)
        if detail is None:
            run.problems.append(f"job {job_id} description: {LAYOUT_CHANGED}")
        return detail, False

    async def _attach(self, cards: dict[str, Card], search: SearchConfig, run: SourceRun) -> None:
        tasks = {i: self._details[i] for i in cards if i in self._details}
        if tasks:
            await asyncio.gather(*tasks.values())
        missing = sum(1 for t in tasks.values() if t.result() is None)
        if missing and (self._tripped_at is not None):
            run.problems.append(f"{missing} description(s) missing after LinkedIn's rate limit")
        stated = _SEARCH_WORKPLACE.get(search.workplace[0]) if len(search.workplace) == 1 else None
        for job_id, card in cards.items():
            detail = tasks[job_id].result() if job_id in tasks else None
            run.postings.append(_posting(card, detail, stated))

    async def close(self) -> None:
        """Cancel detail fetches nobody waits for any more (a search that crashed)."""
        pending = [t for t in self._details.values() if not t.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)


@dataclass
class LinkedInSearch:
    """One `[[searches]]` entry asked of LinkedIn (the detail pages shared by all of them)."""

    kind: ClassVar[str] = "linkedin"
    config: SearchConfig
    setup: Setup

    @classmethod
    def from_config(cls, config: SearchConfig, setup: Setup) -> LinkedInSearch:
        return cls(config, setup)

    @property
    def name(self) -> str:
        return search_label(self.kind, self.config)

    def _shared(self, session: HttpClient, politeness: HttpConfig) -> LinkedIn:
        runner = self.setup.shared.get(self.kind)
        if runner is None:
            runner = LinkedIn(
                session,
                self.setup.urls.base("linkedin"),
                max_chars=politeness.description_max_chars,
                max_pages=politeness.max_pages,
                is_seen=self.setup.is_seen,
                cooldown=politeness.linkedin_cooldown_seconds,
            )
            self.setup.shared[self.kind] = runner
            self.setup.closers.append(runner.close)
        return runner

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        run = await self._shared(session, politeness).search(self.config, self.name)
        return run.result()


def _left_path(resp: Response, expected_prefix: str) -> bool:
    """True when a redirect took us somewhere other than the page asked for (login wall)."""
    return resp.redirected and not urlsplit(resp.url).path.startswith(expected_prefix)


def _posting(card: Card, detail: Detail | None, stated: str | None = None) -> Posting:
    location = card.location
    description = detail.description if detail else ""
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
        workplace=stated or workplace_from_text(card.title, location, description=description),  # type: ignore[arg-type]
        salary=card.salary,
        pay=parse_pay(card.salary) or parse_pay(description),
        apply_url=detail.apply_url if detail else None,
        description=description,
    )
