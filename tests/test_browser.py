"""Stage: site, in a browser. Debian's Chromium, driven by Playwright, reads the built fixture site.

The site is built once from the fixture project, served by ``http.server`` on 127.0.0.1, and
read at a desktop (1280 px) and a phone (390 px) width: content, layout, accessibility (axe,
WCAG 2 A and AA), keyboard, right-to-left text, offline loading, search, filters, print and
JSON-LD. One browser per session; one reused page per width.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from generator.check import CHECKS
from generator.load import load_content
from generator.site import build

from conftest import GOOD_ITEM, fixture_project, served

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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
    "home": PageType("", "The river path dispute", {".parallax-entry": 2, "#filter-stakeholder": 1,
                                                    "#filter-outlet": 1, ".parallax-about": 1}),
    "items": PageType("items/", "All items", {".parallax-items-table tbody tr.parallax-entry": 2}),
    "item": PageType(f"items/{RTL_ITEM}/", "Council moves the river path budget to road repairs",
                     {".parallax-original": 1, ".parallax-summary": 1, ".parallax-glance > li": 3,
                      ".parallax-perspective[data-stakeholder]": 3, ".parallax-provenance-link": 3,  # the three parties heard; the unnamed party with no perspective is counted, not listed
                      ".parallax-questions li": 2, "mark.parallax-term": 1}),
    "outlets": PageType("outlets/", "Outlets", {".parallax-outlet-card": 3}),
    "outlet": PageType("outlets/radio-nahr/", "Radio Nahr", {".parallax-entry": 1}),
    "stakeholders": PageType("stakeholders/", "Parties", {".parallax-party-card": 4}),
    "stakeholder": PageType("stakeholders/riverside-residents/", "Riverside residents' association",
                            {".parallax-perspective[data-stakeholder=riverside-residents]": 1}),
    "glossary": PageType("glossary/", "Glossary", {"h2[id^=term-]": 1}),
    "timeline": PageType("timeline/", "Timeline", {".parallax-timeline-overview li": 1,
                                                   ".parallax-timeline-event": 2,
                                                   ".parallax-timeline-item": 2}),
    "coverage": PageType("coverage/", "Coverage", {".parallax-coverage tbody tr": 2}),
    "methodology": PageType("methodology/", "Methodology"),
    "research": PageType("methodology/research/", "How this digest was researched"),
    "checks": PageType("methodology/checks/", "The checks", {"h3[id^=check-]": len(CHECKS)}),
    "unverified": PageType("methodology/unverified/", "What could not be verified",
                           {".parallax-unverified > li": 1}),
    "corrections": PageType("methodology/corrections/", "Corrections",
                            {".parallax-corrections > li": 1}),
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


@pytest.fixture(scope="session")
def base_url(project) -> str:
    with served(project / "site") as url:
        yield url


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
    closed = page.locator(".md-content details:not([open]) > summary")
    while closed.count():  # each click opens one, and the locator then matches one fewer
        closed.first.click()
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
        assert re.search(r"stated|general|none found|not covered", cell.inner_text(), re.I)


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


# --- reader first (issue 12): what a newcomer sees before opening anything -------------------

GLANCE_LIMIT = {DESKTOP: 1400, PHONE: 2600}  # px from the top of the page
WORD_LIMIT = 1500  # words an item page shows before the reader opens anything
ITEMS = (GOOD_ITEM, RTL_ITEM)
VISIBLE_WORDS = """() => document.querySelector('.md-content').innerText
    .split(/\\s+/).filter(w => /[\\p{L}\\p{N}]/u.test(w)).length"""
OPEN_ALL = "() => document.querySelectorAll('.md-content details').forEach(d => d.open = true)"


def _digest(project):
    digest, _ = load_content(project / "content", project)
    return digest


def _record(project, item_id):
    return next(e.value for e in _digest(project).items if e.value.id == item_id)


def test_item_page_reads_title_origin_original_summary_glance_context_positions_provenance(tabs):
    reading = [".md-content h1", ".parallax-origin", ".parallax-original", ".parallax-summary",
               ".parallax-glance", ".parallax-context", ".parallax-perspectives",
               ".parallax-provenance", ".parallax-questions"]
    on_screen = [".md-content h1", ".parallax-origin", ".parallax-compare", ".parallax-glance",
                 ".parallax-context", ".parallax-perspectives", ".parallax-provenance"]
    for width in WIDTHS:
        for item in ITEMS:
            page = tabs[width].open(f"items/{item}/")
            in_dom_order = page.evaluate("""sels => sels.map(s => document.querySelector(s))
                .every((el, i, all) => i === 0 ||
                    (all[i - 1].compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING))""",
                                         reading)
            assert in_dom_order, (width, item)
            tops = [boxes(page, s)[0]["top"] for s in on_screen]
            assert tops == sorted(tops), (width, item, tops)
            [glance] = boxes(page, ".parallax-glance")
            assert glance["top"] <= GLANCE_LIMIT[width], (width, item, glance)


def test_glance_row_gives_each_party_its_gist_and_status_in_words_and_gaps_as_gaps(tabs, project):
    from generator.words import status_words

    for item in ITEMS:
        record = _record(project, item)
        by_party = {pv.stakeholder: pv for pv in record.perspectives}
        for width in WIDTHS:
            page = tabs[width].open(f"items/{item}/")
            rows = page.eval_on_selector_all(".parallax-glance > li", """els => els.map(e => ({
                party: e.dataset.stakeholder, text: e.innerText,
                gist: e.querySelector('.parallax-gist') ? e.querySelector('.parallax-gist').innerText : null,
                status: e.querySelector('.parallax-status').innerText}))""")
            assert {r["party"] for r in rows} == set(by_party) | set(record.about)
            for row in rows:
                pv = by_party.get(row["party"])
                if pv is None:  # a party the item is about, unheard: a gap, said in words
                    assert row["status"] == status_words("gap") and row["gist"]
                    continue
                assert row["status"] == status_words(pv.status)
                if pv.gist:
                    assert row["gist"] == pv.gist
                else:  # no gist yet: the party and its status only, never a cut paragraph
                    assert row["gist"] is None
                    assert pv.position == "" or plain_words(pv.position)[:3] not in row["text"]
    # The fixture has parties with and without gists, so both branches ran.
    gists = [pv.gist for i in ITEMS for pv in _record(project, i).perspectives]
    assert any(gists) and not all(gists)


def plain_words(markdown: str) -> str:
    return " ".join(markdown.split()[:6])


def test_item_page_shows_few_words_before_anything_is_opened(tabs):
    for width in WIDTHS:
        for item in ITEMS:
            page = tabs[width].open(f"items/{item}/")
            before = page.evaluate(VISIBLE_WORDS)
            assert before <= WORD_LIMIT, (width, item, before)
            position = page.locator(".parallax-perspective .parallax-position").first
            assert not position.is_visible()  # the full positions are one click away
            page.locator(".parallax-perspective details > summary").first.click()
            assert position.is_visible()
            page.evaluate(OPEN_ALL)
            assert page.evaluate(VISIBLE_WORDS) > before


def test_date_basis_and_search_log_wait_behind_a_disclosure(desktop, project):
    record = _record(project, RTL_ITEM)
    page = desktop.open(f"items/{RTL_ITEM}/")
    basis = page.locator(".parallax-date-basis p", has_text=record.date.basis)
    assert not basis.is_visible()
    assert record.date.basis not in page.locator(".parallax-origin").inner_text()
    page.locator(".parallax-date-basis > summary").click()
    assert basis.is_visible()
    [missing] = [link for link in record.provenance if link.status == "not-located"]
    log = page.locator(".parallax-search-log li", has_text=missing.search_log[0])
    assert log.count() == 1 and not log.is_visible()
    page.locator(f'.parallax-provenance-link[data-status="not-located"] summary').click()
    assert log.is_visible()


def test_origin_line_names_the_outlets_and_the_speaker(desktop, project):
    digest = _digest(project)
    outlets = {e.value.id: e.value.name for e in digest.outlets}
    actors = {e.value.id: e.value.name for e in digest.actors}
    record = _record(project, GOOD_ITEM)
    line = desktop.open(f"items/{GOOD_ITEM}/").locator(".parallax-origin").inner_text()
    names = [outlets[link.outlet] for link in record.provenance if link.outlet in outlets]
    positions = [line.index(n) for n in names]
    assert positions == sorted(positions), line  # nearest first: who cites whom
    assert "citing" in line and all(actors[s.actor] in line for s in record.speakers)
    from generator.words import date_words
    assert line.startswith(date_words(record.date.value))


CODES = ["general-position", "no-statement-found", "not-located", "seed-page", "original-report",
         "primary-statement", "set-aside", "advocacy-group", "independent-media", "community-media"]


@pytest.mark.parametrize("kind", ["item", "home", "items", "coverage", "unverified", "outlets",
                                  "stakeholders", "stakeholder"])
def test_codes_are_shown_as_words(tabs, kind):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES[kind].path)
        page.evaluate(OPEN_ALL)
        text = page.locator(".md-content").inner_text()
        shown = [code for code in CODES if re.search(rf"\b{code}\b", text, re.I)]
        assert shown == [], (kind, width, shown)
        shouting = page.eval_on_selector_all(".md-content *", """els => els
            .filter(e => getComputedStyle(e).textTransform === 'uppercase' && e.innerText.trim())
            .map(e => e.outerHTML.slice(0, 80))""")
        assert shouting == [], (kind, width)


def test_accessed_dates_are_given_once_per_source_list(desktop):
    for path in (f"items/{GOOD_ITEM}/", f"items/{RTL_ITEM}/", "timeline/", "outlets/city-gazette/"):
        page = desktop.open(path)
        page.evaluate(OPEN_ALL)
        lists = page.locator(".md-content .parallax-sources")
        assert lists.count() >= 1, path
        for sources in lists.all():
            assert "accessed" not in sources.inner_text().lower(), path
            after = sources.evaluate("e => e.nextElementSibling && e.nextElementSibling.innerText")
            assert after and after.startswith("Accessed"), (path, after)
        chain = page.locator(".parallax-provenance-link")
        for link in chain.all():
            assert "accessed" not in link.inner_text().lower()


def test_provenance_is_a_chain_of_one_line_links_with_each_outlet_described_once(tabs, project):
    digest = _digest(project)
    outlets = {e.value.id: e.value for e in digest.outlets}
    for width in WIDTHS:
        for item in ITEMS:
            record = _record(project, item)
            page = tabs[width].open(f"items/{item}/")
            lines = page.eval_on_selector_all(".parallax-link-line", """els => els.map(e => {
                const lh = parseFloat(getComputedStyle(e).lineHeight);
                return Math.round(e.getBoundingClientRect().height / lh); })""")
            assert len(lines) == len(record.provenance)
            if width == DESKTOP:
                assert all(n == 1 for n in lines), (item, lines)
            page.evaluate(OPEN_ALL)
            text = page.locator(".md-content").inner_text()
            for oid in {link.outlet for link in record.provenance if link.outlet}:
                assert text.count(outlets[oid].affiliation) == 1, (item, oid)


def test_what_changed_between_links_is_a_word_level_difference(tabs, project):
    record = _record(project, GOOD_ITEM)
    newer, older = record.provenance[0], record.provenance[1]
    assert older.excerpt and not newer.excerpt  # the seed page's passage is the seed's excerpt
    for width in WIDTHS:
        page = tabs[width].open(f"items/{GOOD_ITEM}/")
        diff = page.locator(".parallax-diff").first
        summary = diff.locator("summary").inner_text()
        outlets = {e.value.id: e.value.name for e in _digest(project).outlets}
        assert outlets[older.outlet] in summary and outlets[newer.outlet] in summary
        assert re.search(r"\d+ words? dropped", summary) and re.search(r"\d+ words? added", summary)
        diff.locator("summary").click()
        text = diff.locator(".parallax-diff-text")
        assert text.is_visible()
        # Without what was added, the older text; without what was dropped, the newer one.
        strip = """(el, tag) => { const c = el.cloneNode(true);
            c.querySelectorAll(tag).forEach(x => x.remove());
            c.querySelectorAll('.parallax-sr').forEach(x => x.remove());
            return c.textContent.split(/\\s+/).filter(Boolean).join(' '); }"""
        assert text.evaluate(strip, "ins") == " ".join(older.excerpt.split())
        assert text.evaluate(strip, "del") == " ".join(record.seed.excerpt.split())
        # Not colour alone: struck through and underlined, and a legend in words.
        assert "line-through" in diff.locator("del").first.evaluate(
            "e => getComputedStyle(e).textDecorationLine")
        assert "underline" in diff.locator("ins").first.evaluate(
            "e => getComputedStyle(e).textDecorationLine")
        legend = page.locator(".parallax-diff-legend").inner_text()
        assert "Struck through" in legend and "Underlined" in legend


def test_corrections_go_where_the_digest_says(desktop, project):
    info = _digest(project).info.value
    page = desktop.open(f"items/{GOOD_ITEM}/")
    correct = page.locator(".parallax-correct")
    assert info.contact in correct.inner_text()
    assert correct.locator("a.parallax-suggest").count() == 0  # no download dressed as a form
    yaml_links = correct.locator('a[href$=".yaml"]')
    assert yaml_links.count() == 1 and "data" in yaml_links.inner_text().lower() + \
        correct.inner_text().lower()


# --- the home page, the items table -----------------------------------------------------------

def test_home_names_the_topic_and_the_seed_without_file_paths(tabs, project):
    info = _digest(project).info.value
    outlets = {e.value.id: e.value for e in _digest(project).outlets}
    for width in WIDTHS:
        page = tabs[width].open("")
        assert heading(page) == info.topic
        about = page.locator(".parallax-about").inner_text()
        assert len(about.split()) <= 150 and about.split()[:5] == info.about.split()[:5]
        seed = page.locator(".parallax-seed-info").first.inner_text()
        [s] = info.seeds
        assert outlets[s.publisher].name in seed and s.title in seed and s.note in seed
        # The intro and the seed come before the items.
        assert boxes(page, ".parallax-about")[0]["top"] < boxes(page, "#parallax-items")[0]["top"]
        for path in ("", f"items/{GOOD_ITEM}/"):
            text = tabs[width].open(path).locator(".md-content").inner_text()
            assert not re.search(r"\bseeds/|\bcontent/|\.txt\b|\.yaml\b", text), (path, text)


def test_outlet_chips_are_labelled_and_explained(desktop):
    from generator.words import kind_note

    page = desktop.open("")
    for kinds in page.locator(".parallax-entry .parallax-kinds").all():
        assert kinds.inner_text().startswith("Passed through:")
    legend = page.locator(".parallax-kinds-legend")
    legend.locator("summary").click()
    chips = {c.strip() for c in page.locator(".parallax-entry .parallax-label").all_inner_texts()}
    explained = legend.locator("dt").all_inner_texts()
    assert chips == {t.strip() for t in explained}
    assert kind_note("advocacy-group") in legend.inner_text()


def test_home_filters_live_in_the_address_and_say_when_nothing_matches(desktop):
    page = desktop.open("")
    page.select_option("#filter-stakeholder", "riverside-residents")
    assert "party=riverside-residents" in page.url
    shared = page.url
    page = desktop.open(shared.removeprefix(desktop.base))
    assert page.locator("#filter-stakeholder").input_value() == "riverside-residents"
    assert not page.locator(f'.parallax-entry[data-item="{GOOD_ITEM}"]').is_visible()
    assert page.locator(f'.parallax-entry[data-item="{RTL_ITEM}"]').is_visible()
    empty = page.locator(".parallax-filter-empty")
    assert not empty.is_visible()
    page.select_option("#filter-outlet", "city-gazette")
    assert "outlet=city-gazette" in page.url and empty.is_visible()
    empty.locator("button").click()
    assert not empty.is_visible() and "?" not in page.url
    assert page.locator(".parallax-entry:visible").count() == 2


def test_items_page_is_a_table_sortable_by_date_party_and_status(tabs):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["items"].path)
        assert page.locator(".parallax-list").count() == 0  # not a copy of the home page
        order = lambda: page.eval_on_selector_all("tbody tr", "rs => rs.map(r => r.dataset.item)")
        first = order()
        date = page.locator("th", has_text="Date").locator("button")
        date.click()
        assert page.locator("th", has_text="Date").get_attribute("aria-sort") == "ascending"
        assert order() == first  # oldest first already
        date.click()
        assert order() == first[::-1]
        page.locator("th", has_text="Parties heard").locator("button").click()
        counts = page.eval_on_selector_all("tbody tr td:nth-child(4)",
                                           "cs => cs.map(c => +c.dataset.value)")
        assert counts == sorted(counts)
        assert page.locator("th", has_text="Status").locator("button").count() == 1
        titles = page.eval_on_selector_all(".parallax-items-title",
                                           "els => els.map(e => e.getBoundingClientRect().width)")
        assert min(titles) >= 140, (width, titles)  # titles never break letter by letter
        assert overflow(page) == []


# --- coverage, timeline, glossary and menu ---------------------------------------------------

def test_coverage_is_readable_with_a_wide_item_column_a_sticky_header_and_a_scroll_cue(tabs):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["coverage"].path)
        widths = page.eval_on_selector_all(".parallax-coverage .parallax-coverage-item",
                                           "els => els.map(e => e.getBoundingClientRect().width)")
        assert widths and min(widths) >= 140, (width, widths)
        sticky = page.eval_on_selector_all(".parallax-coverage thead th",
                                           "els => els.map(e => getComputedStyle(e).position)")
        assert set(sticky) == {"sticky"}
        wrap = page.locator(".parallax-coverage-wrap")
        assert wrap.evaluate("e => getComputedStyle(e).overflowX") in ("auto", "scroll")
        assert page.locator(".parallax-scroll-cue").is_visible()
        legend = page.locator(".parallax-legend").inner_text()
        for words in ("Stated", "General", "None found", "Not covered"):
            assert words in legend
        # Titles break between words, never letter by letter.
        lines = page.eval_on_selector_all(".parallax-coverage tbody th a", """els => els.map(a =>
            Math.round(a.getBoundingClientRect().height / parseFloat(getComputedStyle(a).lineHeight)))""")
        assert max(lines) <= 4, lines


def test_timeline_labels_are_readable_and_stay_on_screen(tabs):
    for width in WIDTHS:
        page = tabs[width].open(PAGE_TYPES["timeline"].path)
        page.evaluate(OPEN_ALL)
        sizes = page.evaluate("""() => {
            const out = [];
            const walk = document.createTreeWalker(document.querySelector('.md-content'), NodeFilter.SHOW_TEXT);
            for (let n; (n = walk.nextNode());) {
                const el = n.parentElement;
                if (!n.data.trim() || !el.getClientRects().length || el.closest('.parallax-sr, .headerlink')) continue;
                out.push(parseFloat(getComputedStyle(el).fontSize));
            }
            return out; }""")
        assert sizes and min(sizes) >= 12, (width, min(sizes))
        assert overflow(page) == []
        assert page.locator(".md-content svg text").count() == 0  # no scaled-down chart labels
        years = page.locator(".parallax-timeline-overview a")
        for year in years.all():
            target = year.get_attribute("href")
            assert page.locator(f"h2{target}").count() == 1


@pytest.mark.parametrize("kind,selector", [("glossary", "h2[id^=term-]"),
                                           ("outlets", "h2[id^=outlet-]"),
                                           ("stakeholders", "h2[id^=party-]")])
def test_terms_are_headings_a_to_z_in_the_contents_with_the_definition_first(desktop, kind, selector):
    page = desktop.open(PAGE_TYPES[kind].path)
    found = page.eval_on_selector_all(selector, "els => els.map(e => [e.id, e.textContent.replace('¶', '').trim()])")
    assert found
    names = [name for _, name in found]
    assert names == sorted(names, key=str.casefold)
    toc = page.eval_on_selector_all(".md-sidebar--secondary .md-nav__link",
                                    "els => els.map(a => a.getAttribute('href'))")
    assert all(f"#{id_}" in toc for id_, _ in found), toc
    if kind == "glossary":
        first = page.evaluate("""() => { const e = document.querySelector('.parallax-glossary-entry');
            return e.firstElementChild.tagName; }""")
        assert first == "P"  # the definition, then connotation, usage and variants


READER_PAGES = ["Home", "Items", "Outlets", "Parties", "Glossary", "Timeline", "Coverage"]
EDITOR_PAGES = ["How to add a seed", "How to write a record", "Record format reference",
                "Performance", "Security"]


def test_menu_puts_readers_first_and_editors_apart(tabs):
    for width in WIDTHS:
        page = tabs[width].open("")
        if width == PHONE:
            page.locator("label.md-header__button[for=__drawer]").click()
        nav = page.locator(".md-nav--primary > .md-nav__list")
        top = nav.evaluate("""ul => [...ul.children].map(li => {
            const label = li.querySelector(':scope > a, :scope > label, :scope > .md-nav__link');
            return label ? label.textContent.trim() : ''; })""")
        assert top[:len(READER_PAGES)] == READER_PAGES, top
        assert top[len(READER_PAGES):] == ["For teachers", "About", "For editors"], top
        editors = nav.locator(":scope > li", has_text="For editors")
        for name in EDITOR_PAGES:
            link = editors.locator(".md-nav__link", has_text=name)
            assert link.count() == 1, name
        about = nav.locator(":scope > li", has_text="About").first.inner_text()
        for name in EDITOR_PAGES:
            assert name not in about
        assert page.locator(".md-nav--primary").first.is_visible()


def test_printing_opens_the_disclosures_and_closes_them_after(desktop, project):
    digest = _digest(project)
    record = _record(project, GOOD_ITEM)
    outlet = next(e.value for e in digest.outlets if e.value.id == record.provenance[0].outlet)
    page = desktop.open(f"items/{GOOD_ITEM}/")
    description = page.locator(".parallax-chain-outlets dd", has_text=outlet.affiliation)
    assert not description.is_visible()
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert description.is_visible()  # the outlet's description is on paper too
    assert page.locator(".md-content details:not([open])").count() == 0
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")
    assert not description.is_visible()


# --- the bundled digest: every item meets the reader-first limits -----------------------------

@pytest.fixture(scope="session")
def bundled_url(tmp_path_factory):
    """The repository's own digest (content/ and seeds/), built and served like the fixture."""
    from conftest import ROOT

    root = tmp_path_factory.mktemp("bundled")
    build(ROOT / "mkdocs.yml", ROOT / "content", root / "site")
    with served(root / "site") as url:
        yield url


def test_every_bundled_item_shows_the_parties_early_and_few_words(browser, bundled_url):
    from conftest import ROOT

    digest, _ = load_content(ROOT / "content", ROOT)
    assert digest.items
    for width in WIDTHS:
        tab = Tab(browser, bundled_url, width)
        try:
            for entry in digest.items:
                page = tab.open(f"items/{entry.value.id}/")
                [glance] = boxes(page, ".parallax-glance")
                assert glance["top"] <= GLANCE_LIMIT[width], (width, entry.value.id, glance)
                words = page.evaluate(VISIBLE_WORDS)
                assert words <= WORD_LIMIT, (width, entry.value.id, words)
                assert overflow(page) == [], (width, entry.value.id)
                assert tab.outside == [] and tab.errors == [], (width, entry.value.id)
        finally:
            tab.context.close()


def test_a_party_in_the_glance_row_leads_to_its_full_position_opened(tabs, project):
    record = _record(project, GOOD_ITEM)
    sid = record.perspectives[0].stakeholder
    for width in WIDTHS:
        page = tabs[width].open(f"items/{GOOD_ITEM}/")
        position = page.locator(f'.parallax-perspective[data-stakeholder="{sid}"] .parallax-position')
        assert not position.is_visible()
        page.locator(f'.parallax-glance > li[data-stakeholder="{sid}"] a').click()
        assert position.is_visible()
        assert position.inner_text().split()[:3] == record.perspectives[0].position.split()[:3]
