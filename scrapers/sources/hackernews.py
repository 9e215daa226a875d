"""Hacker News' monthly "Ask HN: Who is hiring?" thread, through the public Algolia HN API.

- the thread: `GET /api/v1/search_by_date?tags=story,author_whoishiring` → `hits[]` with
  `objectID`, `title` ("Ask HN: Who is hiring? (March 2026)"; the same account also posts
  "Who wants to be hired?" and "Freelancer?") and `created_at_i`;
- its posts: `GET /api/v1/search_by_date?tags=comment,story_<id>&numericFilters=created_at_i>=T
  &hitsPerPage=1000&page=N` → `hits[]` of `objectID`, `author`, `comment_text` (HTML),
  `created_at_i`, `parent_id`, `story_id`, and `nbPages`. A job is a top-level comment
  (`parent_id` is the thread); replies are conversation.

A job post opens with a line of fields between "|" as engineers write them — "Acme | Senior
Backend Engineer | Berlin, Germany | ONSITE, REMOTE (EU) | Full-time | €80k–95k |
https://acme.example/jobs" — in no fixed order past the company: `read_header` tells role,
place, workplace, type, pay and link apart. A post without such a line is not a job posting
we can read and is passed over. The posting's link is the comment on news.ycombinator.com;
the apply link is the first link the post gives.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapers.http import HttpClient
from scrapers.options import HttpConfig
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text
from scrapers.postings.places import where
from scrapers.postings.posting import Pay, Posting, Workplace, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.feed_search import FeedSearch
from scrapers.sources.outcome import SourceProblem, SourceRun, fetch_json, read_posting

SEARCH = "/api/v1/search_by_date"
COMMENT = "https://news.ycombinator.com/item?id={id}"
PER_PAGE = 1000  # Algolia's most hits a page
_THREAD = re.compile(r"\bwho\s+is\s+hiring\b", re.I)
_ROLE = re.compile(
    r"\b(?:engineers?|engineering|developers?|scientists?|designers?|managers?|architects?"
    r"|analysts?|researchers?|sre|devops|interns?|internships?|lead|head of|director|founding"
    r"|full[- ]?stack|back[- ]?end|front[- ]?end|swe|cto|vp|recruiters?|writer|mobile|ios"
    r"|android|security|qa|sdet|specialists?|consultants?|technicians?|administrators?"
    r"|product|marketing|sales|support|operations|data|ml|ai|roles?|positions?|hiring)\b",
    re.I,
)
_LINKISH = re.compile(
    r"https?://|www\.|\b[\w-]+\.(?:com|io|ai|co|dev|org|net|app|so|xyz|jobs)\b", re.I
)
_VISA = re.compile(r"\bvisa\b|\bsponsor", re.I)
_HREF = re.compile(r'href="([^"]+)"', re.I)


@dataclass
class Header:
    """What a post's first line says."""

    company: str
    role: str
    place: str = ""
    workplace: Workplace | None = None
    employment: str | None = None
    pay: Pay | None = None
    visa: str = ""


def read_header(line: str) -> Header | None:
    """The fields of a "Company | Role | Place | …" line; None when it is not one."""
    parts = [" ".join(p.split()) for p in re.split(r"\s+\|\s+|\s*\|\s*", line) if p.strip()]
    if len(parts) < 3:
        return None
    head = Header(company=_LINKISH.split(parts[0])[0].strip(" -–(:") or parts[0], role="")
    roles, places, workplaces = [], [], []
    for part in parts[1:]:
        short = len(part.split()) <= 6
        if _LINKISH.search(part) and not _ROLE.search(part):
            continue  # the company's site: the apply link comes from the post's own links
        if head.pay is None and (pay := parse_pay(part)) is not None:
            head.pay = pay
            continue
        if _VISA.search(part) and short:
            head.visa = part
            continue
        place = where(part)
        stated = workplace_from_text(part) if short else None
        if place.known and not _ROLE.search(part):
            places.append(part)
            workplaces.append(stated)
        elif stated and not _ROLE.search(part):
            workplaces.append(stated)
            if place.remote:
                places.append(part)
        elif short and not _ROLE.search(part) and (kind := employment_from_title(part)):
            head.employment = head.employment or kind
        elif _ROLE.search(part) or not roles:
            roles.append(part)
    if not roles:
        return None
    head.role = roles[0]
    head.place = "; ".join(places)
    head.workplace = next((w for w in workplaces if w), None)
    head.employment = employment_from_title(head.role) or head.employment
    return head


def _first_line(comment_html: str) -> str:
    return html_to_text(re.split(r"<p>", comment_html, maxsplit=1, flags=re.I)[0])


def to_posting(hit: dict, max_chars: int) -> Posting | None:
    """One top-level comment as a Posting; None when its first line is no job header."""
    html = str(hit.get("comment_text") or "")
    comment_id = str(hit.get("objectID") or "").strip()
    if not html or not comment_id.isdigit():
        return None
    head = read_header(_first_line(html))
    if head is None:
        return None
    text = html_to_text(html)
    links = [http_url(htmllib.unescape(h)) for h in _HREF.findall(html)]
    when = hit.get("created_at_i")
    return Posting(
        source="hackernews",
        source_id=comment_id,
        url=COMMENT.format(id=comment_id),
        title=head.role,
        company=head.company,
        location=head.place,
        posted_at=datetime.fromtimestamp(when, UTC) if isinstance(when, int) else None,
        employment_type=head.employment,
        workplace=head.workplace or workplace_from_text(head.place, description=text),
        pay=head.pay or pay_in_text(text),
        apply_url=next((link for link in links if link), None),
        description=cut(text, max_chars),
    )


class HackerNewsSearch(FeedSearch):
    kind = "hackernews"
    title = "Hacker News"

    async def read(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun, oldest: datetime
    ) -> list[Posting]:
        url = self.setup.urls.base(self.kind) + SEARCH
        headers = self.headers(politeness)
        data = await fetch_json(
            client, url, run, "Hacker News threads", headers=headers,
            params={"tags": "story,author_whoishiring", "hitsPerPage": "20"},
        )  # fmt: skip
        hits = data.get("hits") if isinstance(data, dict) else None
        if not isinstance(hits, list):
            raise SourceProblem("Hacker News threads: JSON without a 'hits' list (API changed?)")
        threads = sorted(
            (h for h in hits if isinstance(h, dict) and _THREAD.search(str(h.get("title") or ""))),
            key=lambda h: h.get("created_at_i") or 0,
            reverse=True,
        )
        if not threads:
            raise SourceProblem('Hacker News: no "Who is hiring?" thread found')
        since = int(oldest.timestamp())
        # The month's thread, and last month's too while the window reaches back into it.
        wanted = threads[:1] + [
            t for t in threads[1:2] if (threads[0].get("created_at_i") or 0) > since
        ]
        out: list[Posting] = []
        for thread in wanted:
            out += await self._posts(client, politeness, run, url, headers, thread, since)
        return out

    async def _posts(
        self,
        client: HttpClient,
        politeness: HttpConfig,
        run: SourceRun,
        url: str,
        headers: dict[str, str],
        thread: dict,
        since: int,
    ) -> list[Posting]:
        story = str(thread.get("objectID") or "")
        title = str(thread.get("title") or story)
        out: list[Posting] = []
        for page in range(politeness.max_pages):
            params = {
                "tags": f"comment,story_{story}",
                "numericFilters": f"created_at_i>={since}",
                "hitsPerPage": str(PER_PAGE),
                "page": str(page),
            }
            try:
                data = await fetch_json(
                    client, url, run, f"{title}, page {page + 1}", headers=headers, params=params
                )
            except SourceProblem as exc:
                if not out:
                    raise
                run.problems.append(exc.reason)
                break
            hits = data.get("hits") if isinstance(data, dict) else None
            if not isinstance(hits, list):
                raise SourceProblem(f"{title}: JSON without a 'hits' list (API changed?)")
            for hit in hits:
                if isinstance(hit, dict) and str(hit.get("parent_id")) == story:
                    posting = read_posting(
                        lambda h: to_posting(h, politeness.description_max_chars), hit
                    )
                    if posting is not None:
                        out.append(posting)
            pages = data.get("nbPages")
            if not hits or not isinstance(pages, int) or page + 1 >= pages:
                break
        return out
