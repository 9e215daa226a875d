"""/searches: the LinkedIn / Indeed searches, listed, added and removed from the chat.

The first change copies the config file's `[[searches]]` into the stored /settings
overrides; from then on the stored list wins over the file (as the other /settings values
do) and the next run asks exactly it. A search added here takes the file's first search as
its template for everything but keywords and place (sources, types, levels, age), so it
asks the boards the same way. No Telegram types here.
"""

from __future__ import annotations

from pydantic import ValidationError

from bot.context import AppContext
from bot.errors import InputError
from bot.services import access
from scrapers.options import SearchConfig

MAX_SEARCHES = 20
MAX_KEYWORDS = 120
MAX_PLACE = 80


class SearchesError(InputError):
    """A bad /searches request; the message is for the user."""


def current(ctx: AppContext) -> list[SearchConfig]:
    """The searches the next run asks (stored list, else the config file's)."""
    return list(ctx.config.searches)


def stored_here(ctx: AppContext) -> bool:
    """Whether the list was changed from the chat (so it no longer follows the file)."""
    return ctx.store.overrides().searches is not None


def parse_add(text: str) -> tuple[str, str]:
    """``"data engineer intern @ Boston, MA"`` → ``("data engineer intern", "Boston, MA")``."""
    keywords, _, place = text.partition("@")
    keywords, place = " ".join(keywords.split()), " ".join(place.split())
    if not keywords:
        raise SearchesError("Say what to search: /searches add <keywords> @ <place>")
    if len(keywords) > MAX_KEYWORDS or len(place) > MAX_PLACE:
        raise SearchesError(
            f"Keep keywords under {MAX_KEYWORDS} characters and the place under {MAX_PLACE}."
        )
    return keywords, place


async def _store(ctx: AppContext, searches: list[SearchConfig]) -> None:
    async with ctx.store.transaction():
        overrides = ctx.store.overrides().model_copy(update={"searches": list(searches)})
        ctx.store.set_overrides(overrides)
    ctx.apply_overrides(overrides)


async def add(ctx: AppContext, text: str) -> SearchConfig:
    """Add ``<keywords> @ <place>`` (the place is optional); returns the new search."""
    keywords, place = parse_add(text)
    searches = current(ctx)
    if len(searches) >= MAX_SEARCHES:
        raise SearchesError(f"That makes more than {MAX_SEARCHES} searches; remove one first.")
    cap = access.max_searches(ctx)
    if cap and len(searches) >= cap:
        raise SearchesError(
            f"You have {len(searches)} searches, the most this bot allows a person ({cap}); "
            "remove one first (/searches remove N)."
        )
    for s in searches:
        if s.keywords.lower() == keywords.lower() and s.location.lower() == place.lower():
            raise SearchesError("That search is already on the list.")
    template = (ctx.file_config or ctx.config).searches[:1]
    base = template[0].model_dump() if template else {}
    try:
        new = SearchConfig.model_validate(base | {"keywords": keywords, "location": place})
    except ValidationError as exc:  # pragma: no cover - keywords and place are plain strings
        raise SearchesError(exc.errors()[0]["msg"]) from None
    await _store(ctx, [*searches, new])
    return new


async def remove(ctx: AppContext, number: str) -> SearchConfig:
    """Remove search number `number` (1-based, as /searches lists them)."""
    searches = current(ctx)
    if not number.strip():
        raise SearchesError("Which one? /searches remove N, with N from the list /searches shows.")
    try:
        index = int(number.strip()) - 1
    except ValueError:
        raise SearchesError(
            f"{number.strip()!r} is not a search number: /searches remove N"
        ) from None
    if not 0 <= index < len(searches):
        raise SearchesError(f"There is no search {index + 1}; /searches lists them.")
    if len(searches) == 1:
        raise SearchesError("That is the last search; add another before removing it.")
    gone = searches.pop(index)
    await _store(ctx, searches)
    return gone
