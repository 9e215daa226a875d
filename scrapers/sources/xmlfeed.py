"""Reading a board's XML feed (Teamtailor's RSS, Personio's positions) safely.

A feed is data: no DTD is read, no entity expanded, nothing fetched from the network while
parsing. A feed that declares a DTD is refused outright (real feeds have none; one that does
is trying entity expansion). Elements are found by their local name, whatever namespace
prefix a feed gives them (`tt:location` and `location` alike).
"""

from __future__ import annotations

import re

from lxml import etree

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
)
# lxml refuses a str that carries its own encoding declaration: the text is already decoded.
_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


class FeedError(ValueError):
    """Not a feed we can read: not XML, or XML that declares a DTD."""


def parse_xml(text: str) -> etree._Element:
    """The root element of a feed's text; FeedError when it is not a plain XML document."""
    body = _DECLARATION.sub("", text, count=1)
    if "<!DOCTYPE" in body[:2000].upper():
        raise FeedError("the feed declares a DTD (refused: entities are not expanded)")
    try:
        return etree.fromstring(body, _PARSER)
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise FeedError(f"not XML ({str(exc).splitlines()[0][:80]})") from None


def local_name(element: etree._Element) -> str:
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def children(element: etree._Element, name: str) -> list[etree._Element]:
    """Direct children with this local name."""
    return [c for c in element if local_name(c) == name]


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    """Every element below with this local name, in document order."""
    return [c for c in element.iterdescendants() if local_name(c) == name]


def text_of(element: etree._Element, name: str) -> str:
    """The trimmed text of the first direct child with this local name ("" when none)."""
    for child in children(element, name):
        return "".join(child.itertext()).strip()
    return ""
