"""Render, the templates: the one home of Jinja2. Input: a template name, a page path and its
context. Output: the page's text (front matter and Markdown around raw HTML blocks).

Record text never reaches a page as markup: plain fields are HTML-escaped (autoescape), with
their bidi controls balanced (``finalize``), so that no text can reorder the page around it;
Markdown fields go through ``text.markdown_html`` (sanitised HTML, http and https links only).
Templates are compiled once per process.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from . import provenance, words
from .sitepaths import relative
from .text import FORBIDDEN, bidi_balanced, markdown_html, no_blank_lines, paragraphs, safe_url


@dataclass(frozen=True)
class Page:
    """One page of the site: where it goes and its Markdown source."""

    path: str
    text: str


def _finalize(value):
    """Every ``{{ value }}`` of the templates: plain text has its bidi controls balanced."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return bidi_balanced(value)
    return value


def json_script(data) -> Markup:
    """JSON for a <script type="application/ld+json"> element that no content can break out of."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=None)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def attr_id(text: str) -> str:
    return re.sub(r"[^a-z0-9-]", "", text.lower())


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()>#+\-.!])")  # Python-Markdown's escapable signs


def md_inline(text: str) -> Markup:
    """Plain record text for a Markdown line (a heading the contents list picks up): one line,
    HTML-escaped, every Markdown sign backslash-escaped, so it can only ever read as text."""
    flat = " ".join(bidi_balanced(text or "").split())
    escaped = _MD_SPECIAL.sub(r"\\\1", html.escape(flat, quote=False).replace("&", "\x00"))
    return Markup(escaped.replace("\x00", "&"))


def title_meta(text: str) -> str:
    """The page title for the front matter: Material prints it unescaped, so escape it here.

    The front matter must always parse: if it did not, MkDocs would render it as Markdown, links
    and attribute lists included."""
    # Records never hold these characters, but the front matter must parse whatever it is given.
    text = bidi_balanced(FORBIDDEN.sub("\ufffd", " ".join(text.split())))
    return json.dumps(html.escape(text, quote=True), ensure_ascii=False)


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(loader=PackageLoader("generator", "templates"), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, finalize=_finalize)
    env.filters.update(md=markdown_html, paragraphs=paragraphs, safe_url=safe_url,
                       json_script=json_script, attr_id=attr_id, block=no_blank_lines,
                       md_inline=md_inline,
                       status_words=words.status_words, role_words=words.role_words,
                       kind_words=words.kind_words, date_words=words.date_words,
                       short_title=words.short_title, sentence=words.sentence)
    env.globals.update(words=words, prov=provenance)
    return env


def render_page(template: str, path: str, **context) -> Page:
    """``template`` rendered as the page at ``path`` (``rel(to)`` links from it)."""
    env = environment()
    text = env.get_template(template).render(path=path, rel=lambda to: relative(path, to),
                                             **context)
    return Page(path, text)
