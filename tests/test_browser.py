"""Stage: site, in a browser. Debian's Chromium, driven by Playwright, reads the built fixture site.

The site is built once from the fixture project, served by ``http.server`` on 127.0.0.1, and
read at a desktop (1280 px) and a phone (390 px) width: content, layout, accessibility (axe,
WCAG 2 A and AA), keyboard, right-to-left text, offline loading, search, filters, print and
JSON-LD. One browser per session; one reused page per width.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.check import CHECKS
from generator.load import load_content
from generator.site import build

from conftest import CHROMIUM_ARGS, GOOD_ITEM, _unavailable, fixture_project

pytestmark = pytest.mark.browser

RTL_ITEM = "river-path-budget-moved-to-road-repairs"
DESKTOP, PHONE = 1280, 390
WIDTHS = (DESKTOP, PHONE)
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}


@dataclass(frozen=True)
class PageType:
    """One kind of page: a fixture page of that kind, its heading and what it must show."""

    path: str
    heading: str
    shows: dict = field(default_factory=dict)  # selector: how many


# Every page type of the site, with the fixture page that stands for it.
PAGE_TYPES = {
    "home": PageType("", "Parallax digest", {".parallax-entry": 2, "#filter-stakeholder": 1,
                                             "#filter-outlet": 1}),
    "items": PageType("items/", "All items", {".parallax-entry": 2}),
    "item": PageType(f"items/{RTL_ITEM}/", "Council moves the river path budget to road repairs",
                     {".parallax-original": 1, ".parallax-summary": 1,
                      ".parallax-perspective[data-stakeholder]": 3, ".parallax-provenance-link": 3,  # the three parties heard; the unnamed party with no perspective is counted, not listed
                      ".parallax-questions li": 2, "mark.parallax-term": 1}),
    "outlets": PageType("outlets/", "Outlets", {".parallax-outlet-card": 3}),
    "outlet": PageType("outlets/radio-nahr/", "Radio Nahr", {".parallax-entry": 1}),
    "stakeholders": PageType("stakeholders/", "Stakeholders", {".parallax-stakeholders li": 4}),
    "stakeholder": PageType("stakeholders/riverside-residents/", "Riverside residents' association",
                            {".parallax-perspective[data-stakeholder=riverside-residents]": 1}),
    "glossary": PageType("glossary/", "Glossary", {".parallax-glossary dt": 1}),
    "timeline": PageType("timeline/", "Timeline", {"svg.parallax-timeline-svg": 1,
                                                   ".parallax-events > li": 2}),
    "coverage": PageType("coverage/", "Coverage", {".parallax-coverage tbody tr": 2}),
    "methodology": PageType("methodology/", "Methodology"),
    "checks": PageType("methodology/checks/", "The checks", {"h3[id^=check-]": len(CHECKS)}),
    "unverified": PageType("methodology/unverified/", "What could not be verified",
                           {".parallax-unverified > li": 1}),
    "teachers": PageType("teachers/", "For teachers"),
    # The handouts, answer keys and activities are print pages outside the theme: see
    # tests/test_teach_browser.py.
    "handouts": PageType("teachers/handouts/", "Handouts", {".parallax-kit-index tbody tr": 2}),
}


# --- the served site and the browser ---------------------------------------------------------

@pytest.fixture(scope="session")
def project(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("browser") / "project"
    config = fixture_project(root)
    build(config, root / "content", root / "site")
    return root


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def base_url(project) -> str:
    handler = functools.partial(_QuietHandler, directory=str(project / "site"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    thread.join()
    server.server_close()


class Tab:
    """One page at one width, reused by every test; it records what each visit asked for.

    Every request is routed: 127.0.0.1 is served, anything else is refused and recorded, so no
    test ever reaches the network and a page that tries to is caught.
    """

    def __init__(self, browser, base: str, width: int):
        self.base = base
        self.width = width
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           service_workers="block")
        self.outside: list[str] = []
        self.local: list[str] = []
        self.errors: list[str] = []
        self.settled: dict[str, tuple] = {}
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _route(self, route):
        url = route.request.url
        if urlsplit(url).hostname == "127.0.0.1":
            self.local.append(url)
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def _console(self, message):
        if message.type == "error":
            self.errors.append(message.text)

    def open(self, path: str, media: str = "screen"):
        self.outside.clear()
        self.local.clear()
        self.errors.clear()
        self.page.emulate_media(media=media)
        self.page.goto(self.base + path, wait_until="load")
        return self.page

    def settle(self, path: str) -> tuple[list, list, list]:
        """(outside, local, errors) of a visit that ran until the network fell quiet.

        Search loads its index after the page, so the visit waits for that; one such visit per
        page is kept for the offline and the console tests."""
        if path not in self.settled:
            self.open(path)
            self.page.wait_for_load_state("networkidle")
            self.settled[path] = (list(self.outside), list(self.local), list(self.errors))
        return self.settled[path]


@pytest.fixture(scope="session")
def tabs(browser, base_url) -> dict[int, Tab]:
    made = {width: Tab(browser, base_url, width) for width in WIDTHS}
    yield made
    for tab in made.values():
        tab.context.close()


@pytest.fixture
def desktop(tabs) -> Tab:
    return tabs[DESKTOP]


# --- measuring -------------------------------------------------------------------------------

BOX = """e => { const r = e.getBoundingClientRect();
    return {left: r.left + scrollX, top: r.top + scrollY, bottom: r.bottom + scrollY}; }"""


def boxes(page, selector: str) -> list[dict]:
    """Page-relative boxes of the rendered elements matching ``selector``, in DOM order."""
    return page.eval_on_selector_all(
        selector, f"els => els.filter(e => e.getClientRects().length).map({BOX})")


def child_boxes(container) -> list[dict]:
    """Page-relative boxes of a container's rendered children, in DOM order."""
    return container.evaluate(
        f"el => [...el.children].filter(e => e.getClientRects().length).map({BOX})")


def assert_columns(found: list[dict]):
    """Side by side: at least two columns; each row shares a top and reads left to right."""
    rows: list[list[dict]] = []
    for b in found:
        if rows and abs(b["top"] - rows[-1][0]["top"]) < 1:
            rows[-1].append(b)
        else:
            rows.append([b])
    assert len(found) < 2 or len(rows[0]) >= 2, found
    for row in rows:
        lefts = [b["left"] for b in row]
        assert lefts == sorted(set(lefts)), row
    assert [r[0]["top"] for r in rows] == sorted(r[0]["top"] for r in rows), found


def assert_stacked(found: list[dict]):
    """One column in DOM order: each block starts below the one before, at the same left."""
    for above, below in zip(found, found[1:]):
        assert below["top"] >= above["bottom"] - 1, found
        assert abs(below["left"] - above["left"]) < 1, found


def heading(page) -> str:
    """The page's h1 without its permalink sign."""
    return page.locator(".md-content h1").first.inner_text().removesuffix("¶").strip()


def overflow(page) -> list[str]:
    """What sticks out to the right of the viewport (outside any scrolling box)."""
    return page.evaluate("""() => {
        const out = [];
        const width = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > width)
            out.push(`document scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
        const scrolls = e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
        for (const el of document.querySelectorAll('.md-content *')) {
            const r = el.getBoundingClientRect();
            if (!r.width || r.right <= width + 1) continue;
            let up = el.parentElement, clipped = false;
            while (up && !clipped) { clipped = scrolls(up); up = up.parentElement; }
            if (!clipped) out.push(el.outerHTML.slice(0, 100));
        }
        return out;
    }""")


# --- every page type -------------------------------------------------------------------------

@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_type_content_and_layout(tabs, kind):
    spec = PAGE_TYPES[kind]
    for width in WIDTHS:
        page = tabs[width].open(spec.path)
        assert heading(page) == spec.heading
        for selector, count in spec.shows.items():
            assert page.locator(f".md-content {selector}").count() == count, (width, selector)
        assert overflow(page) == [], (kind, width)
        # Column positions: the side-by-side blocks on this page, measured at this width.
        arrange = assert_columns if width == DESKTOP else assert_stacked
        blocks = page.locator(".md-content :is(.parallax-compare, .parallax-perspectives)")
        for block in blocks.all():
            if block.is_visible():
                arrange(child_boxes(block))


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_axe_finds_no_wcag_a_or_aa_violation(tabs, kind):
    from axe_playwright_python.sync_playwright import Axe

    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES[kind].path)
        results = Axe().run(page, options=AXE_OPTIONS)
        assert results.violations_count == 0, f"{width} px:\n{results.generate_report()}"


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_loads_nothing_from_outside_127_0_0_1(tabs, kind):
    for width in WIDTHS:
        outside, local, _ = tabs[width].settle(PAGE_TYPES[kind].path)
        assert any(url.endswith("search_index.json") for url in local), "not settled"
        assert outside == [], (width, outside)


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_page_logs_no_console_error(tabs, kind):
    for width in WIDTHS:
        _, _, errors = tabs[width].settle(PAGE_TYPES[kind].path)
        assert errors == [], (width, errors)


ARABIC_NOT_RTL = """() => {
    const out = [];
    const root = document.querySelector('.md-content');
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node; (node = walk.nextNode());) {
        const first = node.data.match(/\\p{L}/u);
        if (!first || !/\\p{Script=Arabic}/u.test(first[0])) continue;
        const el = node.parentElement;
        if (el.closest('script') || !el.getClientRects().length) continue;
        if (getComputedStyle(el).direction !== 'rtl') out.push(el.outerHTML.slice(0, 120));
    }
    return out;
}"""


@pytest.mark.parametrize("kind", PAGE_TYPES)
def test_arabic_script_reads_right_to_left(desktop, kind):
    """Every run of text that starts in Arabic (or Persian) script is laid out right to left."""
    page = desktop.open(PAGE_TYPES[kind].path)
    for details in page.locator(".md-content details:not([open]) > summary").all():
        details.click()
    assert page.evaluate(ARABIC_NOT_RTL) == []


# --- the item page ---------------------------------------------------------------------------

def test_item_page_carries_the_stable_hooks(desktop, project):
    digest, _ = load_content(project / "content", project)
    record = next(e.value for e in digest.items if e.value.id == RTL_ITEM)
    page = desktop.open(PAGE_TYPES["item"].path)
    for hook in (".parallax-original", ".parallax-summary", ".parallax-questions"):
        assert page.locator(hook).count() == 1, hook
    heard = page.eval_on_selector_all(".parallax-perspective",
                                      "els => els.map(e => e.dataset.stakeholder)")
    every = sorted((e.value for e in digest.stakeholders), key=lambda s: (s.order, s.name))
    # Every party heard, and every party the item names (a gap if unheard), in display order;
    # the other parties are counted, so the page does not grow with the registry.
    shown = {pv.stakeholder for pv in record.perspectives} | set(record.about)
    assert heard == [s.id for s in every if s.id in shown]
    others = sum(s.id not in shown for s in every)
    assert others > 0  # the fixture keeps one unnamed, unheard party
    assert f"{others} other part" in page.locator(".md-content").inner_text()
    links = page.eval_on_selector_all(".parallax-provenance-link",
                                      "els => els.map(e => e.dataset.role)")
    assert links == [link.role for link in record.provenance]


def test_perspectives_stand_side_by_side_on_a_desktop_and_stack_on_a_phone(tabs):
    for width, arrange in ((DESKTOP, assert_columns), (PHONE, assert_stacked)):
        page = tabs[width].open(PAGE_TYPES["item"].path)
        compare = boxes(page, ".parallax-compare > section")
        perspectives = boxes(page, ".parallax-perspectives > .parallax-perspective")
        assert len(compare) == 2 and len(perspectives) == 3
        arrange(compare)
        arrange(perspectives)


def test_the_original_reads_before_the_summary(desktop):
    """DOM order, and so screen-reader order, is original then summary, as it is on screen."""
    for kind in ("item",):
        page = desktop.open(PAGE_TYPES[kind].path)
        order = page.evaluate("""() => {
            const o = document.querySelector('.parallax-original');
            const s = document.querySelector('.parallax-summary');
            return o.compareDocumentPosition(s) & Node.DOCUMENT_POSITION_FOLLOWING; }""")
        assert order, kind
        tree = page.locator(".parallax-compare").first.aria_snapshot()
        assert tree.index("seed framed it") < tree.index("Neutral summary"), tree
        [original] = boxes(page, ".parallax-original")
        [summary] = boxes(page, ".parallax-summary")
        assert original["left"] < summary["left"]


def test_loaded_words_are_reached_by_keyboard_and_explained_on_focus(tabs):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["item"].path)
        marks = page.locator(".parallax-original mark.parallax-term")
        assert marks.count() >= 1
        tip = marks.first.locator(".parallax-tip")
        assert not tip.is_visible()
        for _ in range(150):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.matches('mark.parallax-term')"):
                break
        else:
            pytest.fail("Tab never reached a loaded word")
        assert tip.is_visible()
        assert "takes orders from others" in tip.inner_text()
        described = page.evaluate("""() => { const m = document.activeElement;
            return document.getElementById(m.getAttribute('aria-describedby')).textContent; }""")
        assert described == tip.inner_text()
        box = tip.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (width, box)
        assert overflow(page) == []


def test_arabic_position_is_right_to_left_and_english_is_not(desktop):
    page = desktop.open(PAGE_TYPES["item"].path)
    residents = page.locator(".parallax-perspective[data-stakeholder=riverside-residents] "
                             ".parallax-position")
    council = page.locator(".parallax-perspective[data-stakeholder=city-council] "
                           ".parallax-position")
    direction = "e => getComputedStyle(e).direction"
    assert residents.evaluate(direction) == "rtl"
    assert council.evaluate(direction) == "ltr"
    assert page.locator(".parallax-summary").evaluate(direction) == "ltr"


def test_colour_never_carries_meaning_alone(desktop):
    page = desktop.open(PAGE_TYPES["item"].path)
    # Every party's block looks the same; status is in words.
    looks = page.eval_on_selector_all(".parallax-perspective", """els => els.map(e => {
        const s = getComputedStyle(e); return [s.borderTopColor, s.backgroundColor, s.color]; })""")
    assert len({tuple(x) for x in looks}) == 1, looks
    for status in page.locator(".md-content .parallax-status").all():
        assert status.inner_text().strip()
    # Links in running text are underlined; loaded words have a dotted underline.
    plain_links = page.evaluate("""() => [...document.querySelectorAll(
            '.md-content p a, .md-content li a, .md-content dd a')]
        .filter(a => !a.classList.contains('headerlink'))
        .filter(a => !getComputedStyle(a).textDecorationLine.includes('underline'))
        .map(a => a.outerHTML.slice(0, 80))""")
    assert plain_links == []
    mark = page.locator("mark.parallax-term").first.evaluate(
        "e => [getComputedStyle(e).textDecorationLine, getComputedStyle(e).textDecorationStyle]")
    assert mark == ["underline", "dotted"]
    page = desktop.open(PAGE_TYPES["coverage"].path)
    for cell in page.locator(".parallax-coverage td").all():
        assert re.search(r"stated|general|none found|not covered", cell.inner_text())


def test_json_ld_parses_and_matches_the_record(desktop, project):
    digest, _ = load_content(project / "content", project)
    for entry in digest.items:
        record = entry.value
        page = desktop.open(f"items/{record.id}/")
        [raw] = page.eval_on_selector_all('script[type="application/ld+json"]',
                                          "els => els.map(e => e.textContent)")
        data = json.loads(raw)
        located = [link for link in record.provenance if link.status == "located"]
        assert data["identifier"] == record.id
        assert data["headline"] == record.neutral_title
        assert data["isBasedOn"]["name"] == record.title
        assert data["isBasedOn"]["text"] == record.seed.excerpt
        assert data["isBasedOn"]["url"] == located[0].url
        assert data["prov:wasDerivedFrom"] == [{"@id": link.url} for link in located]


@pytest.mark.parametrize("kind", ["item"])
def test_print_hides_header_sidebars_and_footer(desktop, kind):
    page = desktop.open(PAGE_TYPES[kind].path, media="print")
    for chrome in (".md-header", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"):
        assert page.locator(chrome).count() and not page.locator(chrome).first.is_visible(), chrome
    assert page.locator(".parallax-original").is_visible()
    assert page.locator(".parallax-summary").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".md-header").is_visible()


# --- the home page and search ----------------------------------------------------------------

def test_tab_reaches_the_filters_and_every_item_link(tabs):
    wanted = {"#filter-stakeholder", "#filter-outlet"} | {
        f'a.parallax-entry-title[href="items/{i}/"]' for i in (GOOD_ITEM, RTL_ITEM)}
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["home"].path)
        reached = set()
        for _ in range(120):
            page.keyboard.press("Tab")
            reached |= {w for w in wanted if page.evaluate(
                "s => document.activeElement.matches(s)", w)}
            if reached == wanted:
                break
        assert reached == wanted, width


def test_home_filters_items_by_party_and_by_outlet(desktop):
    page = desktop.open(PAGE_TYPES["home"].path)
    good = page.locator(f'.parallax-entry[data-item="{GOOD_ITEM}"]')
    rtl = page.locator(f'.parallax-entry[data-item="{RTL_ITEM}"]')
    count = page.locator(".parallax-filter-count")
    page.select_option("#filter-stakeholder", "riverside-residents")
    assert rtl.is_visible() and not good.is_visible()
    assert count.inner_text() == "1 of 2 items shown"
    page.select_option("#filter-stakeholder", "")
    assert rtl.is_visible() and good.is_visible()
    page.select_option("#filter-outlet", "city-gazette")
    assert good.is_visible() and not rtl.is_visible()
    page.select_option("#filter-stakeholder", "riverside-residents")
    assert not good.is_visible() and not rtl.is_visible()
    assert count.inner_text() == "0 of 2 items shown"


def test_search_finds_an_item(tabs):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["home"].path)
        opener = page.locator("label.md-header__button[for=__search]")
        if opener.is_visible():  # on a phone the search box opens from a header button
            opener.click()
        # Material ignores what is typed before its search index is ready: wait for it.
        page.wait_for_function("() => !document.querySelector('.md-search-result__meta')"
                               ".textContent.includes('Initializing')", timeout=60_000)
        # Typed key by key: Material searches on key events, as a reader types.
        page.locator("input.md-search__input").press_sequentially("road repairs")
        result = page.locator(f'.md-search-result a[href*="items/{RTL_ITEM}/"]').first
        result.wait_for(state="visible", timeout=10_000)
        result.click()
        page.wait_for_url(f"**/items/{RTL_ITEM}/**")
        assert heading(page) == PAGE_TYPES["item"].heading
