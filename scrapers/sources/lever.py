"""Lever postings: `GET /v0/postings/<company>?mode=json` (a JSON list).

Read: `text` (title), `categories.location` and `categories.allLocations` (a job open in
several cities lists them all), `categories.commitment`, `workplaceType`, `createdAt`,
`salaryRange` (its `interval` as Lever writes it: `per-year-salary`, `per-hour-wage`,
`bi-week-salary` — every two weeks, not weekly), `hostedUrl` (the job's page: the link),
`applyUrl` (the form), and the description in its pieces.

Boards at `jobs.eu.lever.co/<company>` live on Lever's EU host (`api.eu.lever.co`, the
`JOBPICKS_LEVER_EU_URL` setting); the US host answers 404 for them.
"""

from __future__ import annotations

from typing import Any

from scrapers.http import HttpClient
from scrapers.options import HttpConfig, SourceUrls
from scrapers.postings.kinds import employment_from_title, workplace_from_text
from scrapers.postings.pay import parse_pay, pay_in_text, structured_pay
from scrapers.postings.posting import Posting, http_url
from scrapers.postings.text import cut, html_to_text, normalise_space
from scrapers.sources.boards import Board
from scrapers.sources.boards_spec import BoardRef
from scrapers.sources.outcome import SourceRun, from_epoch_ms

_COMMITMENTS = {
    "intern": "internship",
    "internship": "internship",
    "co-op": "internship",
    "full-time": "full-time",
    "full time": "full-time",
    "permanent": "full-time",
    "part-time": "part-time",
    "part time": "part-time",
    "contract": "contract",
    "contractor": "contract",
    "temporary": "temporary",
}
_WORKPLACES = {"remote": "remote", "hybrid": "hybrid", "onsite": "onsite", "on-site": "onsite"}


class Lever(Board):
    kind = "lever"
    title = "Lever"

    @classmethod
    def base_url(cls, urls: SourceUrls, ref: BoardRef) -> str:
        return urls.base("lever_eu" if ref.dc == "eu" else cls.kind)

    @classmethod
    def probe(cls, ref: BoardRef, urls: SourceUrls) -> tuple[str, str, Any]:
        return "GET", f"{cls.base_url(urls, ref)}/v0/postings/{ref.token}?mode=json", None

    async def postings(
        self, client: HttpClient, politeness: HttpConfig, run: SourceRun
    ) -> list[Posting]:
        url = f"{self.base}/v0/postings/{self.ref.token}"
        data = await self.get_json(client, url, run, params={"mode": "json"})
        max_chars = politeness.description_max_chars
        return self.read_all(self.job_list(data, None), run, lambda j: self.posting(j, max_chars))

    def posting(self, job: dict, max_chars: int) -> Posting | None:
        token = self.ref.token
        job_id, title = job.get("id"), job.get("text")
        if not job_id or not isinstance(title, str) or not title.strip():
            return None
        cats = job.get("categories") if isinstance(job.get("categories"), dict) else {}
        first = str(cats.get("location") or "")
        others = [str(x) for x in cats.get("allLocations") or [] if isinstance(x, str) and x]
        location = "; ".join(dict.fromkeys([first, *others] if first else others))
        # The description comes in pieces: intro, titled lists (HTML), closing text.
        parts = [
            str(job.get("descriptionPlain") or "")
            or html_to_text(str(job.get("description") or ""))
        ]
        for block in job.get("lists") or []:
            if isinstance(block, dict):
                parts.append(str(block.get("text") or ""))
                parts.append(html_to_text(str(block.get("content") or "")))
        parts.append(
            str(job.get("additionalPlain") or "") or html_to_text(str(job.get("additional") or ""))
        )
        text = normalise_space("\n".join(p for p in parts if p))
        stated = _WORKPLACES.get(str(job.get("workplaceType") or "").lower())
        salary = job.get("salaryRange") if isinstance(job.get("salaryRange"), dict) else {}
        pay = structured_pay(
            salary.get("min"), salary.get("max"), salary.get("interval"), salary.get("currency")
        ) or (parse_pay(str(job.get("salaryDescriptionPlain") or "")) or pay_in_text(text))
        host = "jobs.eu.lever.co" if self.ref.dc == "eu" else "jobs.lever.co"
        page = http_url(job.get("hostedUrl")) or f"https://{host}/{token}/{job_id}"
        return Posting(
            source="lever",
            source_id=f"{token}:{job_id}",
            url=page,
            title=title.strip(),
            company=self.employer(),
            location=location,
            posted_at=from_epoch_ms(job.get("createdAt")),
            employment_type=_employment(str(cats.get("commitment") or ""), title),
            workplace=stated or workplace_from_text(title, location, description=text),  # type: ignore[arg-type]
            pay=pay,
            apply_url=http_url(job.get("applyUrl")) or page,
            description=cut(text, max_chars),
        )


def _employment(commitment: str, title: str) -> str | None:
    c = commitment.strip().lower()
    for word, kind in _COMMITMENTS.items():
        if word in c:
            return kind
    return employment_from_title(title)
