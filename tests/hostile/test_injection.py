"""Script injection: nothing a record or a seed says runs in a reader's browser.

Every named attack sits in every text field of every record type, and every real-world payload
and hostile feed travels every rendering path, in one MkDocs build; the pages are then parsed as
a browser parses them and searched for anything that could run."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import html5lib
import pytest

from conftest import active_parts, content_of

from . import corpus

pytestmark = pytest.mark.slow  # every test reads a site built by MkDocs

# The one inline handler the templates themselves write (the home page's filter form).
TEMPLATE_PARTS = {"index.html": ["form[onsubmit]"]}


def _print_page(rel: str) -> bool:
    """A standalone print page of the teacher kit (the handouts index is a theme page)."""
    return rel.startswith(("teachers/handouts/", "teachers/pack/")) and not re.fullmatch(
        r"teachers/handouts/(page-\d+/)?index\.html", rel)


def _html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def test_every_record_was_built(hostile_project, hostile_site):
    ids = sorted(p.stem for p in (hostile_project / "content/items").glob("*.yaml"))
    built = sorted(p.parent.name for p in (hostile_site / "items").glob("hostile-*/index.html"))
    assert ids == built and len(ids) > len(corpus.FILLS)


def test_no_page_has_active_content_from_records(hostile_site, site_scan):
    """Structural: no script, handler attribute or dangerous URL in any page's content, and in
    the theme around it (title, header, navigation) the same active parts on every page."""
    found = {rel: scan.content[:6] for rel, scan in site_scan.items()
             if scan.content != TEMPLATE_PARTS.get(rel, [])}
    assert found == {}
    baseline = site_scan["methodology/index.html"].chrome
    scripts = {k: v for k, v in baseline.items() if k.startswith("<script")}
    chrome = {rel: sorted(scan.chrome) for rel, scan in site_scan.items() if not _print_page(rel)
              and (set(scan.chrome) - set(baseline)
                   or {k: v for k, v in scan.chrome.items() if k.startswith("<script")} != scripts)}
    assert chrome == {}
    # The kit's print pages, outside the theme: three <meta> and their stylesheet, no script.
    printed = {rel: dict(scan.chrome) for rel, scan in site_scan.items() if _print_page(rel)}
    assert printed and all(c == {"<meta>": 3, "<link>": 1} for c in printed.values()), printed
    index = content_of((hostile_site / "index.html").read_text(encoding="utf-8"))
    doc = html5lib.parse(index, treebuilder="etree", namespaceHTMLElements=False)
    handlers = [(el.tag, el.get("class"), el.get("onsubmit")) for el in doc.iter()
                if el.get("onsubmit") is not None]
    assert handlers == [("form", "parallax-filters", "return false")]


def test_search_index_holds_text_only(hostile_site):
    """Material shows search results as HTML: only the tags its indexer keeps may be there."""
    data = json.loads((hostile_site / "search/search_index.json").read_text(encoding="utf-8"))
    kept = {"p", "code", "pre", "li", "ol", "ul", "sub", "sup"}
    for doc in data["docs"]:
        for field in ("title", "text"):
            tags = {m.lower() for m in re.findall(r"</?\s*([^\s>/]*)", doc[field])}
            assert tags <= kept, (doc["location"], field, tags - kept)


def test_json_ld_cannot_end_its_script(hostile_site):
    for path in (hostile_site / "items").glob("hostile-*/index.html"):
        page = path.read_text(encoding="utf-8")
        blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
        assert len(blocks) == 1, path
        assert "<" not in blocks[0]
        json.loads(blocks[0])


def test_feeds_are_well_formed_xml(hostile_site):
    for name in ("feed.xml", "corrections.xml"):
        root = ET.parse(hostile_site / name).getroot()
        assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    titles = [e.text for e in ET.parse(hostile_site / "feed.xml").getroot()
              .iter("{http://www.w3.org/2005/Atom}title")]
    assert any(t and "<script" in t for t in titles)  # shown as text, not markup


def test_spreadsheet_formulas_are_neutralised(hostile_site):
    rows = list(csv.reader(io.StringIO((hostile_site / "data/items.csv").read_text("utf-8"))))
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell[:40]


def _case_page(site: Path, case: str) -> str:
    n = list(corpus.FILLS).index(case)
    return (site / f"items/hostile-{n:03d}/index.html").read_text(encoding="utf-8")


def _text_of(markup: str, tag: str, attr: str = "", value: str = "") -> list[str]:
    doc = html5lib.parse(markup, treebuilder="etree", namespaceHTMLElements=False)
    return ["".join(el.itertext()) for el in doc.iter(tag) if not attr or el.get(attr) == value]


def test_template_syntax_comes_out_as_text(hostile_site):
    page = _case_page(hostile_site, "jinja")
    [title] = _text_of(content_of(page), "h1", "id", "top")
    assert title == corpus.CASES["jinja"] and "49" not in title
    assert "<class" not in page and "&lt;class" not in page


def _words(text: str) -> str:
    """Text as a browser shows it: a run of white space is one space."""
    return " ".join(text.split())


@pytest.mark.parametrize("case", sorted(corpus.CASES))
def test_record_text_is_displayed_as_written(hostile_site, case):
    """The headline and the question of each case's page are the attack text itself."""
    page = content_of(_case_page(hostile_site, case))
    [title] = _text_of(page, "h1", "id", "top")
    assert _words(title) == _words(corpus.CASES[case])
    questions = [_words(q) for q in _text_of(page, "li", "dir", "auto")]
    assert _words(corpus.CASES[case]) in questions


def test_seed_text_is_inert_through_ingest_and_build(seed_site):
    """Attack text in a seed's headlines and paragraphs: ingested, checked, built, inert."""
    items = list((seed_site / "content/items").glob("*.yaml"))
    assert len(items) == len(corpus.FILLS)
    pages = _html_pages(seed_site / "site")
    assert len(pages) > len(items)  # the item pages and the rest (drafts have no handouts)
    for path in pages:
        rel = path.relative_to(seed_site / "site").as_posix()
        page = path.read_text(encoding="utf-8")
        assert active_parts(content_of(page)) == TEMPLATE_PARTS.get(rel, []), rel
