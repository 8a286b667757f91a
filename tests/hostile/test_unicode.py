"""Unicode: right-to-left scripts, combining marks, zero-width and bidi controls in titles and
every other field. Ids stay ASCII slugs, text displays intact, and bidi controls cannot reorder
the page around the text that holds them."""

from __future__ import annotations

import re

import html5lib
import pytest

from generator.ingest import slugify
from generator.text import bidi_balanced

from conftest import BIDI, content_of, count_work, unbalanced

from . import corpus

@pytest.mark.parametrize("text,expected", [
    ("plain", "plain"),
    ("a\u202eb\u202cc", "a\u202eb\u202cc"),
    ("a\u202eb", "a\u202eb\u202c"),
    ("\u2067a\u202bb", "\u2067a\u202bb\u202c\u2069"),
    ("x\u202cy\u2069z", "xyz"),
    ("\u2067a\u202bb\u2069c\u202c", "\u2067a\u202bb\u2069c"),  # PDI closes the embedding too
    ("\u202ea\u2066b\u202cc\u2069", "\u202ea\u2066bc\u2069\u202c"),  # a PDF cannot leave an isolate
])
def test_bidi_balanced(text, expected):
    assert bidi_balanced(text) == expected
    assert unbalanced(bidi_balanced(text)) is None


def test_bidi_balanced_is_linear():
    """Work counted, not timed: twice the controls cost at most 2.5 times the work."""
    def text(n):
        return "\u2066" * n + "\u2069" * n + "\u202c" * n

    half, half_work = count_work(lambda: bidi_balanced(text(25_000)))
    full, full_work = count_work(lambda: bidi_balanced(text(50_000)))
    assert half == "\u2066" * 25_000 + "\u2069" * 25_000
    assert full == "\u2066" * 50_000 + "\u2069" * 50_000
    assert full_work <= 2.5 * half_work, (half_work, full_work)


@pytest.mark.parametrize("name", sorted(corpus.UNICODE))
def test_ids_stay_ascii_slugs(name):
    slug = slugify(corpus.UNICODE[name])
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug), slug


def _page(site, name):
    n = list(corpus.FILLS).index(name)
    return (site / f"items/hostile-{n:03d}/index.html").read_text(encoding="utf-8")


def _visible(text: str) -> str:
    return " ".join(BIDI.sub("", text).split())


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(corpus.UNICODE))
def test_text_displays_intact(hostile_site, name):
    """Every character of the title is on the page, in order; only closers may be added."""
    page = _page(hostile_site, name)
    doc = html5lib.parse(content_of(page), treebuilder="etree", namespaceHTMLElements=False)
    [h1] = [el for el in doc.iter("h1") if el.get("id") == "top"]
    shown = "".join(h1.itertext())
    fill = corpus.UNICODE[name]
    assert _visible(shown) == _visible(fill)
    assert " ".join(shown.split()) == " ".join(bidi_balanced(fill).split())
    [title] = re.findall(r"<title>(.*?)</title>", page, re.S)
    assert unbalanced(title) is None


@pytest.mark.slow
def test_bidi_controls_cannot_reorder_the_page(site_scan):
    """In every text node of every page, bidi controls are balanced: what a text opens it
    closes, and it closes nothing it did not open."""
    problems = {rel: scan.bidi[:3] for rel, scan in site_scan.items() if scan.bidi}
    assert problems == {}
