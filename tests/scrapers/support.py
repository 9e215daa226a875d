"""Running one configured source the way `collect_all` does, for tests of a single board."""

from __future__ import annotations

from collections.abc import Iterable

from scrapers.http import HttpClient
from scrapers.options import BoardConfig, SearchConfig, SourceUrls
from scrapers.registry import SOURCES
from scrapers.source import Setup, SourceResult
from scrapers.sources.boards_spec import parse_board


async def collect_board(
    client: HttpClient,
    urls: SourceUrls,
    spec: str,
    *,
    company: str | None = None,
    searches: Iterable[SearchConfig] = (),
    is_seen: object = None,
) -> SourceResult:
    """The board `spec` built through the registry and collected on `client`."""
    setup = Setup(urls=urls, http=client.config, searches=list(searches))
    if is_seen is not None:
        setup.is_seen = is_seen  # type: ignore[assignment]
    source = SOURCES[parse_board(spec).kind].from_config(
        BoardConfig(board=spec, company=company), setup
    )
    return await source.collect(client, client.config)
