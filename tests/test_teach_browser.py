"""Stage: site, in a browser: the teacher kit's print pages as Chromium prints them.

Three sites are built: the bundled digest (content/, as `make site` builds it), the kit fixture
(a digest on another topic, with an oversized record and a draft) and the fixture corpus (no
digest.yaml, no gists, no guidance). Each is served on 127.0.0.1; every handout and activity is
printed to PDF on A4 and on Letter and its pages counted, the pack prints one item a page, body
type is at least 10 pt in print, and nothing is loaded from outside.
"""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from generator import teach
from generator.load import load_content
from generator.render import View
from generator.site import build

from conftest import CORPUS, FIXTURES, ROOT, config_text, served

pytestmark = pytest.mark.browser

SITES = {"bundled": ROOT, "kit": FIXTURES / "kit", "corpus": CORPUS}
FORMATS = ("A4", "Letter")
MIN_PX = 10 * 96 / 72  # 10 pt in CSS pixels
SMALL_TYPE = """() => {
    const out = [];
    for (const el of document.querySelectorAll('main *')) {
        const own = [...el.childNodes].some(n => n.nodeType === 3 && n.data.trim());
        if (!own || !el.getClientRects().length) continue;
        const size = parseFloat(getComputedStyle(el).fontSize);
        if (size < %s) out.push(`${el.tagName} ${size}px: ${el.textContent.slice(0, 40)}`);
    }
    return out;
}""" % (MIN_PX - 0.01)


def page_count(pdf: bytes) -> int:
    """Pages of a PDF: its /Type /Page objects (the /Pages tree nodes are not counted)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """name: (site folder, base URL, teachable item ids) for each digest, built and served."""
    made, stack = {}, contextlib.ExitStack()
    for name, source in SITES.items():
        project = tmp_path_factory.mktemp(f"kit-{name}") / "project"
        shutil.copytree(source / "content", project / "content")
        shutil.copytree(source / "seeds", project / "seeds")
        (project / "mkdocs.yml").write_text(
            (ROOT / "mkdocs.yml").read_text(encoding="utf-8") if name == "bundled"
            else config_text(), encoding="utf-8")
        shutil.copytree(ROOT / "docs", project / "docs")
        build(project / "mkdocs.yml", project / "content", project / "site")
        digest, _ = load_content(project / "content", project)
        ids = [e.value.id for e in teach.teachable(View(digest))]
        url = stack.enter_context(served(project / "site"))
        made[name] = (project / "site", url, ids)
    yield made
    stack.close()


@pytest.fixture(scope="module")
def tab(sites, browser):
    context = browser.new_context(service_workers="block")
    outside: list[str] = []

    def route(r):
        if urlsplit(r.request.url).hostname == "127.0.0.1":
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()
    context.route("**/*", route)
    page = context.new_page()
    page.outside = outside
    yield page
    context.close()


def _url(path: str) -> str:
    return path[: -len("index.html")]


def _printed(tab, url: str) -> dict[str, int]:
    # As the Print command prints it: print media (an emulated screen would print screen CSS).
    tab.emulate_media(media="print")
    tab.goto(url, wait_until="load")
    return {fmt: page_count(tab.pdf(format=fmt)) for fmt in FORMATS}


@pytest.mark.parametrize("name", SITES)
def test_every_handout_answer_key_and_activity_prints_on_one_a4_and_one_letter_page(sites, tab, name):
    site, base, ids = sites[name]
    assert ids, name
    printed = {}
    for item in ids:
        for kind, path in teach.kit_paths(item).items():
            printed[f"{item} {kind}"] = _printed(tab, base + _url(path))
    assert {k: v for k, v in printed.items() if v != {"A4": 1, "Letter": 1}} == {}
    assert tab.outside == []


@pytest.mark.parametrize("name", SITES)
def test_the_pack_prints_one_item_per_page(sites, tab, name):
    site, base, ids = sites[name]
    assert _printed(tab, base + "teachers/pack/") == {"A4": len(ids), "Letter": len(ids)}


@pytest.mark.parametrize("name", SITES)
def test_print_type_is_at_least_10_pt_and_the_screen_links_are_hidden(sites, tab, name):
    site, base, ids = sites[name]
    for kind, path in teach.kit_paths(ids[-1]).items():
        tab.goto(base + _url(path), wait_until="load")
        tab.emulate_media(media="print")
        assert tab.evaluate(SMALL_TYPE) == [], kind
        assert not tab.locator("nav.kit-screen").is_visible()
        tab.emulate_media(media="screen")
        assert tab.locator("nav.kit-screen").is_visible()


def test_the_oversized_record_is_cut_with_its_pointer_to_the_rest(sites, tab):
    site, base, ids = sites["kit"]
    tab.goto(base + _url(teach.kit_paths("winter-timetable-cut-to-one-crossing")["handout"]))
    more = tab.locator(".kit-more").inner_text()
    assert re.fullmatch(r"And \d+ more parties: see items/winter-timetable-cut-to-one-crossing/",
                        more), more


@pytest.mark.parametrize("name", ["bundled", "kit"])
def test_every_link_of_the_print_pages_and_the_index_resolves(sites, tab, name):
    site, base, ids = sites[name]
    pages = ["teachers/", "teachers/handouts/", "teachers/pack/"]
    pages += [_url(p) for p in teach.kit_paths(ids[0]).values()]
    broken = []
    for path in pages:
        tab.goto(base + path, wait_until="load")
        hrefs = tab.eval_on_selector_all("main a[href], .md-content a[href]",
                                         "els => els.map(a => a.getAttribute('href'))")
        for href in hrefs:
            target = urljoin(base + path, href)
            if urlsplit(target).hostname != "127.0.0.1":
                continue
            local = site / urlsplit(target).path.lstrip("/")
            if not (local.is_file() or (local / "index.html").is_file()):
                broken.append((path, href))
    assert broken == []


def test_print_pages_pass_axe(sites, tab):
    from axe_playwright_python.sync_playwright import Axe

    from test_browser import AXE_OPTIONS

    site, base, ids = sites["kit"]
    for kind, path in teach.kit_paths(ids[-1]).items():
        tab.emulate_media(media="screen")
        tab.goto(base + _url(path), wait_until="load")
        results = Axe().run(tab, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{kind}:\n{results.generate_report()}"
