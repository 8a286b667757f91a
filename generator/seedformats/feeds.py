"""RSS and Atom feeds, read with feedparser (handed bytes: it fetches nothing)."""

from __future__ import annotations

import io
import re

from ..models import valid_date
from ..urls import is_http
from .html_pages import _absolute, _paragraphs, html_to_text
from . import items as _items
from .items import SeedError, SeedItem, iso_date


def _struct_date(parsed) -> str:
    try:
        value = f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    except (AttributeError, TypeError, ValueError):
        return ""
    return value if valid_date(value) else ""


def _entry_date(entry, whose: str = "the feed entry's") -> tuple[str, str]:
    for key in ("published", "updated", "created"):
        value = iso_date(entry.get(key, "")) or _struct_date(entry.get(f"{key}_parsed"))
        if value:
            return value, (f"{whose} {key} date (a publication date, not necessarily when the "
                           "event happened); not checked")
    return "", ""


def _detail_text(detail) -> str:
    """Plain text of a feedparser text construct; HTML is reduced to its text."""
    if not detail:
        return ""
    value = detail.get("value", "") or ""
    if detail.get("type", "text/html") == "text/plain":
        return "\n\n".join(_paragraphs([re.sub(r"[ \t\r\f\v]+", " ", value)]))
    return html_to_text(value)


def _entry_excerpt(entry) -> str:
    summary = _detail_text(entry.get("summary_detail"))
    if summary:
        return summary
    for content in entry.get("content", []) or []:
        if text := _detail_text(content):
            return text
    return ""


def _feed_item(entry, position: int, base: str) -> SeedItem | None:
    title = " ".join(_detail_text(entry.get("title_detail")).split())
    excerpt = _entry_excerpt(entry)
    link = _absolute(entry.get("link") or "", base)
    if not (title or excerpt or link):
        return None
    date, basis = _entry_date(entry)
    return SeedItem(position, title, excerpt, link, date, basis)


def parse_feed(text: str) -> tuple[str, list[SeedItem]]:
    """An RSS (0.9x, 1.0, 2.0) or Atom feed: one item per entry, with its link and date.

    The excerpt is the entry's summary (or else its content) as plain text; the link is the
    entry's, made absolute with the feed's own link; the date is the entry's published date, or
    else its updated date, in the feed's own time zone."""
    items, _, title, _ = read_feed(text)
    return title, items


# The start of a feed entry, as RSS, RDF or Atom writes it (prefixed or not).
_ENTRY = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")


def _too_many_entries(text: str) -> int:
    """The line of the first entry over MAX_ITEMS, or 0: counted on the text, before the parser
    sees it, so that a huge feed costs one pass and no memory (the parser would hold it all)."""
    for count, m in enumerate(_ENTRY.finditer(text), 1):
        if count > _items.MAX_ITEMS:
            return text.count("\n", 0, m.start()) + 1
    return 0


def read_feed(text: str):
    """(items, feedparser result, title, (feed date, basis))."""
    import feedparser

    if line := _too_many_entries(text):
        raise SeedError(line, "seed-too-many", f"the feed has more than {_items.MAX_ITEMS:,} items; "
                        "split it")

    # Bytes, never a string: given a string, feedparser may open a file or fetch a URL.
    data = feedparser.parse(io.BytesIO(text.encode("utf-8")),
                            response_headers={"content-type": "application/xml; charset=utf-8"},
                            resolve_relative_uris=True, sanitize_html=True)
    items = []
    base = data.feed.get("link", "").strip()
    base = base if is_http(base) else ""
    for entry in data.entries:
        item = _feed_item(entry, len(items) + 1, base)
        if item is not None:
            items.append(item)
    title = " ".join(_detail_text(data.feed.get("title_detail")).split())
    return items, data, title, _entry_date(data.feed, "the feed's own")
