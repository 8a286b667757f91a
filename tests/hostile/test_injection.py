"""Script injection: nothing a record or a seed says runs in a reader's browser.

Every named attack sits in every text field of every record type, and every real-world payload
and hostile feed travels every rendering path, in one MkDocs build; the pages are then parsed as
a browser parses them and searched for anything that could run."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import html5lib
import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.site import build

from htmlcheck import active_parts, content_of

from . import corpus

# The one inline handler the templates themselves write (the home page's filter form).
TEMPLATE_PARTS = {"index.html": ["form[onsubmit]"]}


def _html_pages(site: Path):
    return sorted(site.rglob("*.html"))


def _chrome(page: str) -> str:
    """The page without its main content: the theme's header, navigation and scripts."""
    start = page.index('<article class="md-content__inner')
    end = page.index("</article>", start)
    return page[:start] + page[end:]


def _normalise(part: str) -> str:
    """A theme script's address without its relative prefix, which varies with page depth."""
    return re.sub(r"(?<= )(\.\./)*/?", "", part)


def test_every_record_was_built(hostile_project, hostile_site):
    ids = sorted(p.stem for p in (hostile_project / "content/items").glob("*.yaml"))
    built = sorted(p.parent.name for p in (hostile_site / "items").glob("hostile-*/index.html"))
    assert ids == built and len(ids) > len(corpus.CASES)


def test_no_page_has_active_content_from_records(hostile_site):
    """Structural: no script, handler attribute or dangerous URL in any page's content, and in
    the theme around it (title, header, navigation) nothing that the theme does not always put
    there: the same scripts on every page, no other kind of active part."""
    baseline = Counter(map(_normalise, active_parts(_chrome(
        (hostile_site / "methodology/index.html").read_text(encoding="utf-8")))))
    scripts = {k: v for k, v in baseline.items() if k.startswith("<script")}
    found, chrome = {}, {}
    for path in _html_pages(hostile_site):
        rel = path.relative_to(hostile_site).as_posix()
        page = path.read_text(encoding="utf-8")
        parts = active_parts(content_of(page))
        if parts != TEMPLATE_PARTS.get(rel, []):
            found[rel] = parts[:6]
        around = Counter(map(_normalise, active_parts(_chrome(page))))
        if set(around) - set(baseline) or {k: v for k, v in around.items()
                                           if k.startswith("<script")} != scripts:
            chrome[rel] = sorted(around)[:8]
    assert found == {}
    assert chrome == {}
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
    n = list(corpus.CASES).index(case)
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


def test_seed_text_is_inert_through_ingest_and_build(tmp_path):
    """Attack text in a seed's headlines and paragraphs: ingested, checked, built, inert."""
    from conftest import ROOT

    project = tmp_path / "project"
    (project / "seeds").mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    blocks = [f"{case}\n\n{text}" for case, text in corpus.CASES.items()]
    blocks += [f"{text}\n\n{text}" for text in corpus.CASES.values()
               if not text.lower().startswith("read more")]
    seed = project / "seeds" / "hostile.txt"
    seed.write_text("<script>alert('seed title')</script>\n\n" + "\n\nRead more\n\n".join(blocks),
                    encoding="utf-8")
    result = CliRunner().invoke(main, ["ingest", str(seed), "--content", str(project / "content")])
    assert result.exit_code == 0, result.output
    check = CliRunner().invoke(main, ["check", "--content", str(project / "content")])
    assert check.exit_code == 0, check.output
    build(project / "mkdocs.yml", project / "content", project / "site")
    pages = _html_pages(project / "site")
    assert len(pages) > 2 * len(blocks)
    for path in pages:
        page = path.read_text(encoding="utf-8")
        if '<article class="md-content__inner' in page:
            rel = path.relative_to(project / "site").as_posix()
            assert active_parts(content_of(page)) == TEMPLATE_PARTS.get(rel, []), rel
