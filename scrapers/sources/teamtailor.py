"""Teamtailor career sites: the public RSS feed at `<company>.teamtailor.com/jobs.rss`.

One request a board, descriptions included. Read per `<item>`: `title`, `link` (the job's
page), `guid`, `pubDate` (RFC 822), `description` (HTML), and Teamtailor's own elements:
`tt:locations/tt:location` (`tt:name`, `tt:city`, `tt:country`), `tt:remoteStatus` (none,
hybrid, fully, temporary) and `tt:department`. The channel's `title` is the company. The
feed states no employment type or pay field: the title and the description say them.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from lxml import etree

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceProblem, SourceRun
from scrapers.sources.xmlfeed import FeedError, descendants, parse_xml, text_of

# "Temporarily remote" says nothing lasting: left to the text.
_REMOTE_STATUS = {"fully": "remote", "hybrid": "hybrid", "none": "onsite"}
_JOB_ID = re.compile(r"/jobs/(\d+)")


def _when(value: str) -> datetime | None:
    """`pubDate` (RFC 822); a zone of "-0000" (unknown) is read as UTC."""
    try:
        when = parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=UTC) if when is not None and when.tzinfo is None else when


class Teamtailor(Board):
    kind = "teamtailor"
    title = "Teamtailor"
    HEADERS = {"Accept": "application/rss+xml, application/xml;q=0.9, text/xml;q=0.8"}

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind, company=ref.token)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{cls.base_url(urls, ref)}/jobs.rss", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        text = await self.get_text(client, f"{self.base}/jobs.rss", run)
        try:
            root = parse_xml(text)
        except FeedError as exc:
            raise SourceProblem(f"{self.what}: {exc}") from None
        channels = descendants(root, "channel")
        if not channels:
            raise SourceProblem(f"{self.what}: no RSS channel in the feed (format changed?)")
        company = text_of(channels[0], "title")
        max_chars = politeness.description_max_chars
        return self.read_all(
            descendants(channels[0], "item"),
            run,
            lambda item: self.posting(item, company, max_chars),
            shape=etree._Element,
        )

    def posting(self, item: etree._Element, company: str, max_chars: int) -> Posting | None:
        title, link = text_of(item, "title"), http_url(text_of(item, "link"))
        if not title or link is None:
            return None
        m = _JOB_ID.search(link)
        job_id = m.group(1) if m else (text_of(item, "guid") or link)
        places = []
        for loc in descendants(item, "location"):
            name = text_of(loc, "name") or ", ".join(
                p for p in (text_of(loc, "city"), text_of(loc, "country")) if p
            )
            if name:
                places.append(name)
        location = "; ".join(dict.fromkeys(places))
        text = html_to_text(text_of(item, "description"))
        status = _REMOTE_STATUS.get(text_of(item, "remoteStatus").lower())
        return Posting(
            source="teamtailor",
            source_id=f"{self.ref.token}:{job_id}",
            url=link,
            title=title,
            company=self.employer(company),
            location=location,
            posted_at=_when(text_of(item, "pubDate")),
            employment_type=employment_from_title(title),
            workplace=status or workplace_from_text(title, location, description=text),  # type: ignore[arg-type]
            pay=pay_in_text(text),
            apply_url=link,  # the form is on the job's page
            description=cut(text, max_chars),
        )
