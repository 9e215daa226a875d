"""Personio career sites: the public XML feed at `<company>.jobs.personio.de/xml`.

Personio documents the feed ("Retrieving open positions", developer.personio.de) for
companies showing their jobs on their own site; no key, no paging, descriptions included. It
is asked in English (`?language=en`; a company may publish in German only). Read per
`<position>`: `id`, `subcompany`, `office` and `additionalOffices/office`, `department`,
`name` (the title), `jobDescriptions/jobDescription` (`name` and HTML `value`),
`employmentType` (permanent, intern, trainee, freelance, temporary, working_student),
`seniority` (entry-level, experienced, executive, student), `schedule` (full-time,
part-time) and `createdAt`. The job's page is `/job/<id>` on the same host.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import pay_in_text
from scrapers.postings.posting import Posting
from scrapers.postings.text import cut, html_to_text, normalise_space
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceProblem, SourceRun, from_iso
from scrapers.sources.xmlfeed import (
    FeedError,
    children,
    descendants,
    local_name,
    parse_xml,
    text_of,
)

_TYPES = {
    "intern": "internship", "trainee": "internship", "working_student": "internship",
    "freelance": "contract", "temporary": "temporary",
}  # fmt: skip
_LEVELS = {
    "student": "internship", "entry-level": "entry", "experienced": "mid-senior",
    "executive": "executive",
}  # fmt: skip


class Personio(Board):
    kind = "personio"
    title = "Personio"
    HEADERS = {"Accept": "application/xml, text/xml;q=0.9"}

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base(cls.kind, company=ref.token)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{cls.base_url(urls, ref)}/xml?language=en", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        text = await self.get_text(client, f"{self.base}/xml", run, params={"language": "en"})
        try:
            root = parse_xml(text)
        except FeedError as exc:
            raise SourceProblem(f"{self.what}: {exc}") from None
        if local_name(root) != "workzag-jobs":
            raise SourceProblem(f"{self.what}: no <workzag-jobs> feed (format changed?)")
        max_chars = politeness.description_max_chars
        return self.read_all(
            children(root, "position"),
            run,
            lambda position: self.posting(position, max_chars),
            shape=etree._Element,
        )

    def posting(self, position: etree._Element, max_chars: int) -> Posting | None:
        job_id, title = text_of(position, "id"), text_of(position, "name")
        if not job_id.isdigit() or not title:
            return None  # the job's page is /job/<id>: a non-numeric id makes no link
        offices = [text_of(position, "office")]
        for extra in children(position, "additionalOffices"):
            offices += ["".join(o.itertext()).strip() for o in children(extra, "office")]
        location = "; ".join(dict.fromkeys(o for o in offices if o))
        sections = []
        for block in descendants(position, "jobDescription"):
            heading, body = text_of(block, "name"), html_to_text(text_of(block, "value"))
            sections.append(f"{heading}\n{body}" if heading and body else heading or body)
        text = normalise_space("\n".join(sections))
        kind = text_of(position, "employmentType").lower()
        schedule = text_of(position, "schedule").lower()
        page = f"{self.base}/job/{job_id}"
        return Posting(
            source="personio",
            source_id=f"{self.ref.token}:{job_id}",
            url=page,
            title=title,
            company=self.employer(text_of(position, "subcompany")),
            location=location,
            posted_at=from_iso(text_of(position, "createdAt")),
            employment_type=employment_from_title(title) or _employment(kind, schedule),
            seniority=_LEVELS.get(text_of(position, "seniority").lower()),
            workplace=workplace_from_text(title, location, description=text),
            pay=pay_in_text(text),
            apply_url=page,  # the form is on the job's page
            description=cut(text, max_chars),
        )


def _employment(kind: str, schedule: str) -> str | None:
    if kind in _TYPES:
        return _TYPES[kind]
    if "part" in schedule:
        return "part-time"
    if kind == "permanent" or "full" in schedule:
        return "full-time"
    return None
