"""Stage: render, last step. Input: a generated page's Markdown (front matter, headings, and raw
HTML blocks that the templates made). Output: a ``Finished`` page: its front matter, its HTML,
its table of contents and the ids it holds, as plain data.

The one home of Python-Markdown. A generated page is mostly HTML the templates already made;
only its headings (and the few pages written in Markdown, such as the checks) need Markdown.
Each raw HTML block is set aside, the rest (a few lines) is converted with the site's own
Markdown extensions (so heading ids and permalinks are the ones MkDocs' ``toc`` makes), and
the blocks are put back where Python-Markdown would have put them, verbatim. A test compares
the result with Python-Markdown's conversion of the whole page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache

import markdown

# The site's Markdown set-up when no MkDocs configuration says otherwise (mkdocs.yml's own).
EXTENSIONS = ("toc", "tables", "fenced_code", "attr_list", "admonition")
EXTENSION_CONFIGS = {"toc": {"permalink": True}}

_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*\n", re.S)
_SPACES_LINE = re.compile(r"(?<=\n) +\n")
_BLANK = re.compile(r"\n[ \t]*\n")
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)")
_TOKEN = "parallax-raw-block-{}"
# Python-Markdown ends a raw block with a blank line, unless it ends the page.
_PLACED = re.compile(r"<p>parallax-raw-block-(\d+)</p>(\n?)")
# An id the page can be linked to: any element's id, or an <a>'s name (as MkDocs counts them).
_EXCLUDE_MARK = ' data-search-exclude="true"'
_EXCLUDED = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*? data-search-exclude="true"[^<>]*>')
_TAGS: dict[str, re.Pattern] = {}
_ANCHOR = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)\b[^<>]*?\s(id|name)="([^"<>]*)"')


@dataclass(frozen=True)
class Heading:
    """One entry of a page's table of contents (Python-Markdown's toc token, as data)."""

    level: int
    id: str
    name: str  # the heading's text, as HTML
    children: tuple[Heading, ...] = ()


@dataclass(frozen=True)
class Finished:
    """A generated page ready to publish: MkDocs gets ``front`` (its title and options) and
    shows ``html`` in the theme, with ``toc`` as its table of contents."""

    front: str  # the front matter block, "---\n...\n---\n", or ""
    html: str
    toc: tuple[Heading, ...] = ()
    anchors: frozenset[str] = field(default_factory=frozenset)
    search: str | None = None  # the page without what it keeps out of search (None: all of it)


@dataclass(frozen=True)
class Markdown:
    """The site's Markdown set-up (MkDocs' ``markdown_extensions`` and ``mdx_configs``), as
    plain data: generated pages are converted the way MkDocs would convert them."""

    extensions: tuple[str, ...] = EXTENSIONS
    configs: str = json.dumps(EXTENSION_CONFIGS, sort_keys=True)  # JSON, to stay hashable

    @classmethod
    def of(cls, extensions, configs) -> Markdown | None:
        """The set-up MkDocs' configuration names, or None when it cannot be carried as plain
        data (an extension given as an object, a setting that is a function): the generated
        pages are then left to MkDocs' own Markdown."""
        if not all(isinstance(e, str) for e in extensions):
            return None
        try:
            return cls(tuple(extensions), json.dumps(configs or {}, sort_keys=True))
        except (TypeError, ValueError):
            return None


@lru_cache(maxsize=4)
def _converter(setup: Markdown) -> markdown.Markdown:
    return markdown.Markdown(extensions=list(setup.extensions),
                             extension_configs=json.loads(setup.configs))


def split_front(text: str) -> tuple[str, str]:
    """(front matter block, body) of a page's Markdown."""
    m = _FRONT.match(text)
    return (m.group(0), text[m.end():]) if m else ("", text)


def finish(text: str, setup: Markdown = Markdown()) -> Finished:
    """A generated page's Markdown as finished HTML (see the module's docstring)."""
    front, body = split_front(text)
    body = _normalized(body)
    md = _converter(setup)
    blocks: list[str] = []
    parts = []
    for chunk in _BLANK.split(body):
        m = _TAG.match(chunk)
        if m and md.is_block_level(m.group(1).lower()):
            if "\n#" in chunk:
                # A line starting with "#" (Python-Markdown needs no space after it): right
                # after the block, it would read as a heading once the block's element closes.
                # Rare; convert the whole page.
                return _whole(front, body, md)
            parts.append(_TOKEN.format(len(blocks)))
            blocks.append(chunk.rstrip("\n"))
        else:
            parts.append(chunk)
    md.reset()
    converted = md.convert("\n\n".join(parts))
    toc = tuple(_heading(t) for t in getattr(md, "toc_tokens", []))
    seen = iter(range(len(blocks)))

    def place(m: re.Match) -> str:
        n = int(m.group(1))
        if n != next(seen, None):  # a token Python-Markdown moved: a bug, not a page to publish
            raise ValueError("a raw HTML block of a generated page was not kept in place")
        return blocks[n] + ("\n\n" if m.group(2) else "")

    page = _PLACED.sub(place, converted)
    if next(seen, None) is not None:
        raise ValueError("a raw HTML block of a generated page was lost")
    shown, search = search_parts(page)
    return Finished(front, shown, toc, anchors(shown), search)


def _normalized(body: str) -> str:
    """Python-Markdown's own first step, which reaches raw HTML too: line ends as "\\n", tabs
    as spaces, lines of spaces emptied."""
    body = body.replace("\x02", "").replace("\x03", "")
    if "\r" in body:
        body = body.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in body:
        body = body.expandtabs(4)
    # (a line of spaces holds " \n": the pattern is looked for only where one could match)
    return _SPACES_LINE.sub("\n", body) if " \n" in body else body


def _whole(front: str, body: str, md: markdown.Markdown) -> Finished:
    md.reset()
    shown, search = search_parts(md.convert(body))
    return Finished(front, shown, tuple(_heading(t) for t in getattr(md, "toc_tokens", [])),
                    anchors(shown), search)


def search_parts(page: str) -> tuple[str, str | None]:
    """(the page as readers get it, the page as search indexes it). A template marks what
    search leaves out with ``data-search-exclude="true"`` (Material's attribute): readers get
    the page without the marks, search the page without the marked elements, so the search
    index never has to read them (on an item page, most of its HTML)."""
    if _EXCLUDE_MARK not in page:
        return page, None
    kept, pos = [], 0
    for m in _EXCLUDED.finditer(page):
        if m.start() < pos:  # inside an element already left out
            continue
        kept.append(page[pos:m.start()])
        pos = _element_end(page, m.end(), m.group(1).lower())
    kept.append(page[pos:])
    return page.replace(_EXCLUDE_MARK, ""), "".join(kept).replace(_EXCLUDE_MARK, "")


def _element_end(page: str, start: int, tag: str) -> int:
    """Where the element whose start tag ends at ``start`` ends (the generator's HTML is well
    formed: its elements close in order)."""
    depth = 1
    pattern = _TAGS.get(tag) or _TAGS.setdefault(tag, re.compile(rf"<(/?){tag}\b[^<>]*>", re.I))
    for m in pattern.finditer(page, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.end()
    raise ValueError(f"an element <{tag}> left out of search is not closed")


def anchors(page: str) -> frozenset[str]:
    """The ids a link may point to in ``page`` (as MkDocs counts them: ids, and <a name>)."""
    return frozenset(html.unescape(value) for tag, attr, value in _ANCHOR.findall(page)
                     if attr == "id" or tag.lower() == "a")


def _heading(token: dict) -> Heading:
    return Heading(token["level"], token["id"], token["name"],
                   tuple(_heading(t) for t in token.get("children", [])))


def full_conversion(text: str, setup: Markdown = Markdown()) -> str:
    """Python-Markdown's conversion of the whole page body, for comparison in tests."""
    _, body = split_front(text)
    md = markdown.Markdown(extensions=list(setup.extensions),
                           extension_configs=json.loads(setup.configs))
    return md.convert(body)
