"""Safe text, for every stage, with no I/O: which characters a record may hold, bidi controls
that cannot reorder a page, and a record's Markdown as sanitised HTML or as plain text.

Input: strings. Output: verdicts on them, or text that is safe to show. Loading refuses the
forbidden characters in records, ingest in seeds; the renderer and the export show record text
only through these functions. Markdown fields are rendered by ``recordmd`` (raw HTML shown as
text), then sanitised by nh3 to a small allow-list, with links only where ``urls`` allows them.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

import nh3
from markupsafe import Markup, escape

from . import recordmd
from .urls import url_problem

ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
SCHEMES = {"http", "https"}

# Control characters (other than tab and line ends), surrogates and the non-characters U+FFFE
# and U+FFFF have no place in a record: they break YAML front matter and XML feeds, and hide
# text. They are refused whether written raw or as an escape ("\x7f").
FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


# --- bidi controls -------------------------------------------------------------------------------

_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_OPENERS = {"\u202a": "e", "\u202b": "e", "\u202d": "e", "\u202e": "e",  # embeddings, overrides
            "\u2066": "i", "\u2067": "i", "\u2068": "i"}  # isolates
_CLOSERS = {"e": "\u202c", "i": "\u2069"}


def bidi_balanced(text: str) -> str:
    """``text`` with every bidi embedding, override and isolate it opens closed at its end, and
    closers that close nothing dropped: it can reorder itself, never the page around it."""
    if text.isascii() or not _BIDI.search(text):
        return text
    out, stack, isolates, pos = [], [], 0, 0
    for m in _BIDI.finditer(text):
        char, keep = m.group(), True
        if char in _OPENERS:
            stack.append(_OPENERS[char])
            isolates += stack[-1] == "i"
        elif char == "\u202c":  # PDF closes the innermost embedding, unless an isolate is open
            keep = bool(stack) and stack[-1] == "e"
            if keep:
                stack.pop()
        elif isolates:  # PDI closes the innermost isolate and everything opened inside it
            while stack.pop() != "i":
                pass
            isolates -= 1
        else:
            keep = False
        out.append(text[pos:m.start()] + (char if keep else ""))
        pos = m.end()
    out.append(text[pos:])
    out.extend(_CLOSERS[kind] for kind in reversed(stack))
    return "".join(out)


def balanced_html(markup: str) -> str:
    """Balance the bidi controls of each text node of generated HTML."""
    if markup.isascii() or not _BIDI.search(markup):
        return markup
    return re.sub(r">([^<]+)", lambda m: ">" + bidi_balanced(m.group(1)), markup)



# --- Markdown fields -------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)  # a field is shown on several pages (item, handout, listings)
def markdown_html(text: str) -> Markup:
    """Render a record's Markdown field to sanitised HTML (no raw HTML, http(s) links only)."""
    if not text:
        return Markup("")
    # The record Markdown subset escapes all text itself (raw HTML is shown as text) and is
    # linear on any input; nh3 then holds the result to the allow-list.
    rendered = recordmd.to_html(text, safe_url)
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                      url_schemes=SCHEMES, link_rel="noopener noreferrer nofollow",
                      strip_comments=True, attribute_filter=_http_only)
    return Markup(balanced_html(no_blank_lines(clean)))


def _http_only(tag: str, attr: str, value: str) -> str | None:
    """Links in records are absolute http(s) URLs; relative or other links lose their href."""
    if attr == "href" and safe_url(html.unescape(value)) is None:
        return None
    return value


def no_blank_lines(text: str) -> str:
    """Blank lines would end a raw HTML block in the page's Markdown; HTML does not need them."""
    return re.sub(r"\n\s*\n", "\n", text)


@lru_cache(maxsize=1 << 16)
def safe_url(url: str) -> str | None:
    """``url`` if it is a well-formed http(s) URL, else None: nothing else becomes a link."""
    if not url or url_problem(url):
        return None
    return url


def paragraphs(text: str) -> Markup:
    """Plain text as escaped paragraphs."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("".join(f"<p>{escape(bidi_balanced(p))}</p>".replace("\n", "<br>")
                          for p in parts))


@lru_cache(maxsize=1 << 16)
def plain(text: str) -> str:
    """A Markdown field as plain text (for one-line summaries and feeds)."""
    html_text = nh3.clean(str(markdown_html(text)), tags=set())
    return " ".join(html.unescape(html_text).split())
