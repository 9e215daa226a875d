"""Workable's widget API against the fake: fields and its burst limit."""

from __future__ import annotations

from scrapers.http import HttpClient
from scrapers.source import SourceState
from tests.fakes.boards import BoardsFake, Job
from tests.scrapers.support import collect_board


async def test_workable_fields(fake: BoardsFake, client: HttpClient) -> None:
    assert fake.urls is not None
    fake.workable["huggingface"] = [
        Job(id="AB12CD", title="ML Engineer Intern", company="Hugging Face", location="Paris, IDF",
            remote=True, salary="€3,000 per month"),
        Job(id="EF34GH", title="Office Manager", company="Hugging Face", employment="full-time"),
    ]  # fmt: skip
    result = await collect_board(client, fake.urls, "https://apply.workable.com/huggingface/")
    assert result.state is SourceState.OK and fake.requests[0].query == "details=true"
    a, b = result.postings
    assert a.key == "workable:huggingface:AB12CD" and a.company == "Hugging Face"
    assert a.url == "https://apply.workable.com/j/AB12CD"
    assert a.apply_url == "https://apply.workable.com/j/AB12CD/apply"
    assert (a.workplace, a.employment_type) == ("remote", "internship")
    assert a.location.startswith("Paris, IDF") and a.posted_at is not None
    assert a.pay is not None and a.pay.label() == "€3,000/mo"
    assert b.employment_type == "full-time" and b.remote is False or b.remote is None


async def test_workable_burst_limit_is_waited_out_not_failed(
    fake: BoardsFake, client: HttpClient
) -> None:
    """Workable answers 429 after a couple of quick requests; Retry-After is honoured."""
    assert fake.urls is not None
    fake.workable_burst = 2
    for name in ("a", "b", "c"):
        fake.workable[name] = [Job(id=f"{name}1", title="Data Intern", company=name.upper())]
    results = [await collect_board(client, fake.urls, f"workable:{n}") for n in ("a", "b", "c")]
    assert [r.state for r in results] == [SourceState.OK] * 3
    assert [len(r.postings) for r in results] == [1, 1, 1]
    assert fake.count("workable:c") == 2  # one 429, then the answer after the asked wait
