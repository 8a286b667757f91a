"""Stage: ingest, the reading half. Input: a seed's text (``textfile.read_seed`` reads it).
Output: its page title and items.

One parser per format, each a pure function from text to a page title and items, in a module
of its own: ``plaintext`` (digests with "Read more" lines), ``html_pages`` (saved listing
pages, and HTML to plain text for the others), ``feeds`` (RSS and Atom) and
``markdown_roundups`` (one `##` headline per item); ``items`` holds what they share. The format
is judged from the content (the extension only breaks ties); ``--format`` overrides. A seed with
no recognisable items raises ``SeedError``, which ingest reports as a problem naming the file.

This module is the one home of html5lib and feedparser. Neither fetches or runs anything here:
feedparser is handed bytes (given a string it may open files or URLs), html5lib only builds a
tree. Excerpts of HTML, feed and Markdown items are plain text, never markup.
"""

from __future__ import annotations

import io
import re

from ..urls import is_http
from .feeds import parse_feed, read_feed
from .html_pages import _page_base, _parse_html, element_text, html_to_text, parse_html
from . import items as _items
from .items import MAX_ITEMS, SeedDoc, SeedError, SeedItem, iso_date
from .markdown_roundups import _H2, parse_markdown
from .plaintext import _READ_MORE, parse_structure, parse_text

__all__ = ["ALIASES", "EXTENSIONS", "MAX_ITEMS", "PARSERS", "SeedDoc", "SeedError", "SeedItem",
           "detect", "element_text", "format_name", "html_to_text", "iso_date", "page_address",
           "parse_feed", "parse_html", "parse_markdown", "parse_structure", "parse_text",
           "read_items"]


PARSERS = {"text": parse_text, "html": parse_html, "feed": parse_feed, "markdown": parse_markdown}
ALIASES = {"txt": "text", "htm": "html", "rss": "feed", "atom": "feed", "xml": "feed",
           "md": "markdown"}
EXTENSIONS = {".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
              ".xhtml": "html", ".xml": "feed", ".rss": "feed", ".atom": "feed",
              ".md": "markdown", ".markdown": "markdown"}
_FIRST_TAG = re.compile(r"\A(?:\s+|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)*<([A-Za-z][\w:.-]*)",
                        re.S | re.I)
_FEED_TAGS = {"rss", "feed", "rdf:rdf", "rdf", "channel"}
_FEED_INSIDE = re.compile(r"<rss[\s>][\s\S]*<channel[\s>]|<feed\s[^>]*xmlns\s*=\s*[\"']http://www\.w3\.org/2005/Atom"
                          r"|<rdf:RDF[\s>]", re.I)


def format_name(name: str) -> str:
    """The canonical format for a name or alias given on the command line."""
    name = (name or "").strip().lower()
    return ALIASES.get(name, name)


def detect(text: str, suffix: str = "") -> str:
    """The format of a seed, judged from its content first and its extension second.

    A document whose first element is <rss>, <feed> or <rdf:RDF> is a feed; one that starts
    with a doctype or any other element is HTML; text that holds a feed's root element after
    other text (saved response headers, a comment) is a feed, read as far as it is one; text with `## ` headlines is Markdown unless it
    also has `Read more` lines; text with `Read more` lines is a plain-text digest. Only when
    the content says none of these does the extension decide."""
    head = text[:20_000]
    if m := _FIRST_TAG.match(head):
        return "feed" if m[1].lower() in _FEED_TAGS else "html"
    if re.match(r"\A\s*<!DOCTYPE\s+html", head, re.I):
        return "html"
    if _FEED_INSIDE.search(head):  # a feed saved with other text before it (headers, a comment)
        return "feed"
    lines = text.split("\n")
    read_more = any(_READ_MORE.match(line) for line in lines)
    if any(_H2.match(line) for line in lines) and not read_more:
        return "markdown"
    if read_more:
        return "text"
    return EXTENSIONS.get(suffix.lower(), "text")


def read_items(text: str, fmt: str) -> tuple[str, list[SeedItem], str, str]:
    """(title, items, date, date basis) of decoded seed text read as ``fmt``; SeedError when
    the format is unknown or nothing recognisable is found."""
    if fmt not in PARSERS:
        raise SeedError(1, "seed-format", f"unknown format {fmt!r}; use one of "
                        + ", ".join(sorted(PARSERS)))
    date = basis = ""
    if fmt == "feed":
        items, data, title, (date, basis) = read_feed(text)
        if not items and data.bozo:
            raise SeedError(1, "seed-no-items", "no feed entries found; the feed is not "
                            f"well-formed ({_bozo(data)}); check the file, or pass --format")
    else:
        title, items = PARSERS[fmt](text)
    if not items:
        raise SeedError(1, "seed-no-items",
                        f"no items found reading it as {fmt}; check the file, or pass --format")
    if len(items) > _items.MAX_ITEMS:
        raise SeedError(1, "seed-too-many", f"{len(items):,} items, over the {_items.MAX_ITEMS:,} "
                        "limit; split it")
    return title, items, date, basis


def page_address(text: str, fmt: str) -> str:
    """The seed page's own address, where the saved page or feed gives one; else ""."""
    if fmt == "html":
        return _page_base(_parse_html(text))
    if fmt == "feed":
        import feedparser

        link = feedparser.parse(io.BytesIO(text.encode("utf-8")),
                                response_headers={"content-type": "application/xml; charset=utf-8"}
                                ).feed.get("link", "")
        return link.strip() if is_http(link.strip()) else ""
    return ""


def _bozo(data) -> str:
    exc = data.get("bozo_exception")
    return " ".join(str(exc).split())[:200] if exc else "not XML"
