"""LinkedIn through its guest (logged-out) endpoints: search cards, then one detail page per new job.

Paging advances by the cards each page returned (`start` += cards, as public clients do: a
page often holds fewer than 10 cards and is not the last) and stops at `max_results`, at the
end page (`<!DOCTYPE html>\\n\\n<!---->`), or when a page brings no card not seen before
(LinkedIn sometimes serves the same cards again instead of ending). A redirect away from the
requested path is the login wall, and HTTP 999 LinkedIn's refusal: "blocked", not "no results".

Requests carry a desktop browser's headers (`HEADERS`, overridable under
`[http.headers.linkedin]`): the guest pages are the ones a browser reads. The posted-within
window (`f_TPR=r<seconds>`) reaches back to the last successful run after missed mornings,
up to 30 days. A card's time is kept to the hour when it says "3 hours ago".

Descriptions are one request each and LinkedIn answers 429 once a client asks too quickly:
the first 429 opens a circuit breaker (no more detail requests), and once
`linkedin_cooldown_seconds` have passed every description still missing is asked for once
more; a second 429 closes the door for the run (postings kept without descriptions).

The CSS selectors (`SELECTORS`) use only type, class, id and attribute selectors with
descendant and "," combinators: soupsieve has read those since 1.x, so an old system
soupsieve (Debian 12 ships 2.3.2) cannot refuse them.
"""

from __future__ import annotations

import asyncio
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from bs4 import BeautifulSoup, Comment, Tag

from scrapers.http import FetchError, HttpClient, Response, source_headers
from scrapers.options import HttpConfig, SearchConfig
from scrapers.postings.kinds import workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text
from scrapers.postings.posting import Pay, Posting, http_url
from scrapers.postings.text import cut, element_text, inline_text
from scrapers.source import IsSeen, Setup, SourceResult, lookback_hours, search_label
from scrapers.sources.outcome import SourceProblem, SourceRun, refusal

SEARCH_PATH = "/jobs-guest/jobs/api/seeMoreJobPostings/search"
CANONICAL = "https://www.linkedin.com/jobs/view/{id}"
LAYOUT_CHANGED = "layout changed: 200 with content but 0 cards parsed"
# The longest posted-within window LinkedIn's own filter offers ("Past month").
MAX_HOURS = 30 * 24

# What a desktop browser sends for the guest pages (public clients that keep working send the
# same); `[http.headers.linkedin]` replaces any of them.
HEADERS: dict[str, str] = {
    "User-Agent": (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36"
    ),
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "en-US,en;q=0.9",
}

# Every selector the parser uses, in one place so a test can hold them to the old syntax.
SELECTORS = {
    "card": ".base-search-card, [data-entity-urn*='jobPosting']",
    "urn": "[data-entity-urn]",
    "link": "a.base-card__full-link, a[href*='/jobs/view/']",
    "title": ".base-search-card__title",
    "time": "time[datetime]",
    "salary": ".job-search-card__salary-info",
    "company": ".base-search-card__subtitle",
    "location": ".job-search-card__location",
    "markup": ".show-more-less-html__markup",
    "text": ".description__text",
    "buttons": "button, .show-more-less-html__button",
    "criteria": ".description__job-criteria-item",
    "criteria_head": ".description__job-criteria-subheader",
    "criteria_text": ".description__job-criteria-text",
    "apply": "code#applyUrl",
}

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


def search_params(search: SearchConfig, start: int, hours: int | None = None) -> dict[str, str]:
    """The search's query for the page at `start`; `hours` is the posted-within window
    (default the search's own `posted_within_hours`)."""
    params = {
        "keywords": search.keywords,
        "f_TPR": f"r{(hours or search.posted_within_hours) * 3600}",
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
    for node in soup.select(SELECTORS["card"]):
        card = _card(node)
        if card is not None and card.job_id not in seen:
            seen.add(card.job_id)
            cards.append(card)
    return cards


def _card(node: Tag) -> Card | None:
    job_id = None
    # The urn sits on the card, on a wrapping div, or (in some responses) on an inner element.
    for el in (node, *node.parents, *node.select(SELECTORS["urn"])):
        if not isinstance(el, Tag):
            continue
        urn = el.get("data-entity-urn")
        m = _URN_ID.search(urn) if isinstance(urn, str) else None
        if m:
            job_id = m.group(1)
            break
    link = node if node.name == "a" else node.select_one(SELECTORS["link"])
    href = str(link.get("href", "")) if link is not None else ""
    if job_id is None:
        m = _HREF_ID.search(href)
        job_id = m.group(1) if m else None
    title = inline_text(node.select_one(SELECTORS["title"]))
    if not job_id or not title:
        return None
    time_el = node.select_one(SELECTORS["time"])
    salary = inline_text(node.select_one(SELECTORS["salary"])) or None
    return Card(
        job_id=job_id,
        title=title,
        company=inline_text(node.select_one(SELECTORS["company"])),
        location=inline_text(node.select_one(SELECTORS["location"])),
        posted_at=card_date(str(time_el.get("datetime", "")), inline_text(time_el))
        if time_el
        else None,
        salary=salary,
        href=href,
    )


_AGO = re.compile(r"(\d+)\s+(second|minute|hour)s?\s+ago", re.I)
_UNITS = {"second": 1, "minute": 60, "hour": 3600}


def card_date(value: str, shown: str = "", now: datetime | None = None) -> datetime | None:
    """When a card was posted: its `datetime` attribute is only a day, so "3 hours ago" or
    "Just now" beside it gives the hour; "2 days ago" leaves the day at midnight UTC."""
    now = now or datetime.now(UTC)
    try:
        day: datetime | None = datetime.strptime(value.strip()[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        day = None
    m = _AGO.search(shown)
    when = now if "just now" in shown.lower() else None
    if m:
        when = now - timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2).lower()])
    # The words count only when they agree with the day (a cached page says "1 hour ago" for
    # ever); the day is in LinkedIn's time zone, hence a day's slack either way.
    if when is not None and (day is None or abs((when - day).total_seconds()) <= 2 * 86400):
        return when
    return day


@dataclass
class Detail:
    description: str = ""
    seniority: str | None = None
    employment_type: str | None = None
    apply_url: str | None = None
    pay: Pay | None = None  # read from the whole description, before it is cut


def parse_detail(html: str, max_chars: int) -> Detail | None:
    """The description and criteria of a job page; None if the page has neither."""
    soup = BeautifulSoup(html, "lxml")
    # The inner markup first: the outer `.description__text` also holds the
    # "Show more / Show less" buttons. (A comma selector returns document order, not this.)
    markup = soup.select_one(SELECTORS["markup"]) or soup.select_one(SELECTORS["text"])
    if markup is not None:
        for button in markup.select(SELECTORS["buttons"]):
            button.decompose()
    criteria: dict[str, str] = {}
    for item in soup.select(SELECTORS["criteria"]):
        head = inline_text(item.select_one(SELECTORS["criteria_head"])).lower()
        value = inline_text(item.select_one(SELECTORS["criteria_text"])).lower()
        if head:
            criteria[head] = value
    if markup is None and not criteria:
        return None
    text = element_text(markup) if markup else ""
    return Detail(
        description=cut(text, max_chars),
        pay=pay_in_text(text),
        seniority=_SENIORITY.get(criteria.get("seniority level", "")),
        employment_type=_EMPLOYMENT.get(criteria.get("employment type", "")),
        apply_url=_apply_url(soup),
    )


def _apply_url(soup: BeautifulSoup) -> str | None:
    """The employer's own application page: LinkedIn hides it in `<code id="applyUrl">` as a
    comment holding its redirect link, whose `url` parameter is the target."""
    code = soup.select_one(SELECTORS["apply"])
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
    headers: dict[str, str] = field(default_factory=lambda: dict(HEADERS))
    _details: dict[str, asyncio.Task[Detail | None]] = field(default_factory=dict)
    _wall: str | None = None  # set once a detail page hits the login wall: stop asking
    _slots: asyncio.Semaphore | None = None
    _tripped_at: float | None = None  # the breaker: when a description last got 429
    _second_round: bool = False  # the one retry after the cooldown has begun
    _closed: str | None = None  # 429 again after the cooldown: no more descriptions this run

    async def search(self, search: SearchConfig, label: str, hours: int | None = None) -> SourceRun:
        """Page through one search (posted within `hours`, default the search's own)."""
        run = SourceRun(label)
        cards: dict[str, Card] = {}
        start = 0
        for page in range(self.max_pages):
            if len(cards) >= search.max_results:
                break
            try:
                page_cards = await self._page(search, start, hours, run)
            except SourceProblem as exc:
                if cards:  # what earlier pages gave is kept: a partial result
                    run.problems.append(f"page {page + 1}: {exc.reason}")
                else:
                    run.fatal = exc
                break
            if page_cards is None:  # the end page
                break
            new = [c for c in page_cards if c.job_id not in cards]
            if not new:
                break  # a repeated page: LinkedIn has nothing new past this point
            for card in new[: search.max_results - len(cards)]:
                cards[card.job_id] = card
                self._want_detail(card.job_id, run)
            start += len(page_cards)  # the next page begins after the cards this one held
        await self._attach(cards, search, run)
        return run

    async def _page(
        self, search: SearchConfig, start: int, hours: int | None, run: SourceRun
    ) -> list[Card] | None:
        url = self.base_url + SEARCH_PATH
        try:
            resp = await self.client.request(
                "GET", url, params=search_params(search, start, hours), headers=self.headers,
                tally=run.tally, kind="search",
            )  # fmt: skip
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
                "GET", self.base_url + path, headers=self.headers, tally=run.tally,
                kind="detail", no_retry=(429,),
            )  # fmt: skip
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
                headers=source_headers(self.kind, HEADERS, politeness),
            )
            self.setup.shared[self.kind] = runner
            self.setup.closers.append(runner.close)
        return runner

    async def collect(self, session: HttpClient, politeness: HttpConfig) -> SourceResult:
        hours = lookback_hours(self.config, self.setup.since, MAX_HOURS)
        run = await self._shared(session, politeness).search(self.config, self.name, hours)
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
        pay=parse_pay(card.salary) or (detail.pay if detail else None),
        apply_url=detail.apply_url if detail else None,
        description=description,
    )
