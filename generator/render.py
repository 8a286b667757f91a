"""Stage: render. Input: a checked ``Digest``. Output: ``Page`` values (path and Markdown text).

The one home of Jinja2 and Markdown. Record text never reaches a page as markup: plain fields
are HTML-escaped inside raw HTML blocks (so Markdown never parses them); Markdown fields are
rendered here with raw HTML disabled, then sanitised by nh3 to a small allow-list, with links
restricted to http and https. Templates are compiled once per process.
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import markdown as md
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from .check import url_problem
from .load import Digest, Located
from .quickmd import paragraphs_html

PAGE_SIZE = 50
ALLOWED_TAGS = {"p", "em", "strong", "a", "ul", "ol", "li", "br", "code", "blockquote"}
SCHEMES = {"http", "https"}
LINK_REL = "noopener noreferrer nofollow"


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes and its Markdown source."""

    path: str
    text: str


# --- safe text -------------------------------------------------------------------------------

_md = md.Markdown(extensions=["sane_lists"], output_format="html")


def markdown_html(text: str) -> Markup:
    """Render a record's Markdown field to sanitised HTML (no raw HTML, http(s) links only)."""
    if not text:
        return Markup("")
    quick = paragraphs_html(text, LINK_REL)  # plain prose: the same HTML, much sooner
    return Markup(quick) if quick is not None else full_markdown_html(text)


def full_markdown_html(text: str) -> Markup:
    """``markdown_html`` through Python-Markdown and the sanitiser, whatever the text."""
    # Raw HTML in a record is shown as text, not parsed: escape it before Markdown sees it.
    source = text.replace("&", "&amp;").replace("<", "&lt;")
    _md.reset()
    rendered = _md.convert(source)
    clean = nh3.clean(rendered, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                      url_schemes=SCHEMES, link_rel=LINK_REL, strip_comments=True)
    return Markup(_no_blank_lines(clean))


def _no_blank_lines(text: str) -> str:
    """Blank lines would end a raw HTML block in the page's Markdown; HTML does not need them."""
    return re.sub(r"\n\s*\n", "\n", text)


def safe_url(url: str) -> str | None:
    """``url`` if it is a well-formed http(s) URL, else None: nothing else becomes a link."""
    if not url or url_problem(url):
        return None
    return url


def paragraphs(text: str) -> Markup:
    """Plain text as escaped paragraphs."""
    parts = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    return Markup("".join(f"<p>{escape(p)}</p>".replace("\n", "<br>") for p in parts))


def json_script(data) -> Markup:
    """JSON for a <script type="application/ld+json"> element that no content can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def attr_id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


# --- URLs between pages ----------------------------------------------------------------------

def page_url(path: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls)."""
    if path == "index.md":
        return ""
    stem = path[:-3]
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def _relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for paths inside the site, without asking the OS for the cwd."""
    if path.startswith("/") or start.startswith("/") or ".." in f"{path}/{start}".split("/"):
        return posixpath.relpath(path, start)
    to = [p for p in posixpath.normpath(path).split("/") if p not in ("", ".")]
    at = [p for p in posixpath.normpath(start).split("/") if p not in ("", ".")]
    common = 0
    while common < min(len(to), len(at)) and to[common] == at[common]:
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


@lru_cache(maxsize=65_536)  # listings ask for the same few links on every entry
def relative(from_path: str, to_path: str) -> str:
    """A link from one page to another (or to a site file when ``to_path`` has no .md)."""
    here = page_url(from_path)
    there = page_url(to_path) if to_path.endswith(".md") else to_path
    base = here.rstrip("/") if here else ""
    rel = _relpath(there or ".", base or ".")
    if to_path.endswith(".md") and not rel.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


# --- environment -----------------------------------------------------------------------------

@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(md=markdown_html, paragraphs=paragraphs, safe_url=safe_url,
                       json_script=json_script, attr_id=attr_id, block=_no_blank_lines,
                       host=lambda u: urlsplit(u).hostname or "")
    return env


def _render(template: str, path: str, **context) -> Page:
    env = environment()
    text = env.get_template(template).render(path=path, rel=lambda to: relative(path, to),
                                             **context)
    return Page(path, text)


# --- pages -----------------------------------------------------------------------------------

def item_path(item_id: str) -> str:
    return f"items/{item_id}.md"


class View:
    """The digest arranged for pages: lookups and orderings computed once."""

    def __init__(self, digest: Digest):
        self.digest = digest
        self.items = sorted(digest.items, key=lambda e: (_date_key(e.value), e.value.id))
        self.outlets = {e.value.id: e.value for e in digest.outlets}
        self.actors = {e.value.id: e.value for e in digest.actors}
        self.stakeholders = {e.value.id: e.value for e in digest.stakeholders}
        self.order = {sid: (s.order, s.name) for sid, s in self.stakeholders.items()}
        self.titles = {e.value.id: display_title(e.value) for e in digest.items}

    def perspectives(self, item):
        """Perspectives in the stakeholders' documented display order."""
        return sorted(item.perspectives,
                      key=lambda pv: self.order.get(pv.stakeholder, (10**9, pv.stakeholder)))


def _date_key(item) -> str:
    return item.date.value if item.date else "9999"


def display_title(item) -> str:
    return item.neutral_title or item.title


def title_meta(text: str) -> str:
    """The page title for MkDocs' front matter: Material prints it unescaped, so escape it here."""
    return json.dumps(html.escape(" ".join(text.split()), quote=True), ensure_ascii=False)


def render_item(view: View, entry: Located) -> Page:
    item = entry.value
    path = item_path(item.id)
    return _render("item.md.j2", path, item=item, view=view, source_path=entry.path,
                   title=title_meta(display_title(item)))


def listing_pages(view: View) -> list[Page]:
    items = view.items
    pages = []
    chunks = [items[i:i + PAGE_SIZE] for i in range(0, len(items), PAGE_SIZE)] or [[]]
    for n, chunk in enumerate(chunks, 1):
        path = "items/index.md" if n == 1 else f"items/page-{n}.md"
        prev_path = None if n == 1 else ("items/index.md" if n == 2 else f"items/page-{n-1}.md")
        next_path = f"items/page-{n+1}.md" if n < len(chunks) else None
        pages.append(_render("listing.md.j2", path, entries=chunk, view=view, number=n,
                             total=len(chunks), count=len(items), prev_path=prev_path,
                             next_path=next_path, title=title_meta(f"All items, page {n}")))
    return pages


def render_site(digest: Digest) -> list[Page]:
    """Every generated page of the site, in a stable order."""
    view = View(digest)
    pages = [_render("index.md.j2", "index.md", view=view, entries=view.items[:PAGE_SIZE],
                     count=len(view.items), title=title_meta("Home"))]
    pages += listing_pages(view)
    pages += [render_item(view, e) for e in view.items]
    pages += browse_pages(view)
    pages.append(render_checks())
    return pages


def browse_pages(view: View) -> list[Page]:
    from .browse import browse_pages as pages  # the browsing pages build on this module
    return pages(view)


def render_checks() -> Page:
    from .check import CHECKS, GROUPS
    return _render("checks.md.j2", "methodology/checks.md", checks=CHECKS, groups=GROUPS,
                   title=title_meta("Checks"))
