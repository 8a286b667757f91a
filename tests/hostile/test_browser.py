"""In Chromium: no page of the hostile sites opens a dialog, on load or when its content is
hovered, focused or clicked, in search results too; none reaches a host other than the site's
own; and bidi controls in record text do not reorder the text after them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from conftest import QuietHandler, served

from . import corpus

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Fire every inline handler an element could have, without following links; then follow any
# link whose address is not http(s), which is how a javascript: URL would run.
INTERACT = """() => {
  const types = ['mouseover', 'mouseenter', 'mousedown', 'mouseup', 'click', 'dblclick',
                 'focus', 'focusin', 'blur', 'keydown', 'input', 'change', 'pointerover',
                 'pointerdown', 'animationstart', 'transitionend', 'toggle', 'error', 'load'];
  let fired = 0;
  for (const el of document.querySelectorAll('.md-content *, .md-header *')) {
    for (const type of types) { el.dispatchEvent(new Event(type)); fired += 1; }
  }
  for (const a of document.querySelectorAll('.md-content a[href]')) {
    if (!/^https?:$/.test(a.protocol)) a.click();
  }
  return fired;
}"""


class _Handler(QuietHandler):
    """Static files; the theme's assets cached, the search index only where a test wants it."""

    search = False

    def end_headers(self):
        if "/assets/" in self.path:
            self.send_header("Cache-Control", "max-age=3600")
        super().end_headers()

    def do_GET(self):
        if self.path.endswith("search_index.json") and not self.search:
            return self.send_error(404)
        return super().do_GET()


class _SearchHandler(_Handler):
    search = True


class Watch:
    """One tab that records dialogs, popups, print() and requests to any other host."""

    def __init__(self, browser, base: str):
        self.events: list[str] = []
        self.host = urlsplit(base).netloc
        self.page = browser.new_page()
        self.page.add_init_script("window.print = () => { throw new Error('print() called'); };")
        self.page.on("dialog", self._dialog)
        self.page.on("popup", lambda popup: self.events.append(f"popup {popup.url}"))
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda err: "print() called" in str(err)
                     and self.events.append(f"{self.page.url}: print()"))

    def _dialog(self, dialog):
        self.events.append(f"{self.page.url}: {dialog.type}({dialog.message[:60]!r})")
        dialog.dismiss()

    def _request(self, request):
        url = urlsplit(request.url)
        if url.scheme not in ("data", "blob", "about") and url.netloc != self.host:
            self.events.append(f"{self.page.url}: request to {request.url[:80]}")

    def visit(self, url: str) -> int:
        self.page.goto(url, wait_until="load")
        fired = self.page.evaluate(INTERACT)
        self.page.wait_for_timeout(10)
        return fired

    def close(self):
        self.page.close()


def _pages(site):
    """Every page; a handout is also on the printable pack's pages, which are visited."""
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html"))
    return [p for p in pages if not p.startswith("teachers/handouts/hostile-")]


def test_no_dialog_fires_on_any_page(browser, hostile_site):
    with served(hostile_site, _Handler) as base:
        watch = Watch(browser, base)
        fired = sum(watch.visit(base + rel) for rel in _pages(hostile_site))
        watch.close()
    assert watch.events == []
    assert fired > 100_000  # every handler type, tried on every element of every page


def test_search_results_are_inert(browser, seed_site):
    with served(seed_site / "site", _SearchHandler) as base:
        watch = Watch(browser, base)
        shown = 0
        # Words the hostile text itself is found by (pages show no record file names, so an
        # item's id, such as "...-alert-...", is no longer what a query finds).
        for query in ("script", "onerror", "javascript", "onload", "html", "confirm", "svg"):
            # A fresh page for each query: the events fired at the previous results (clicks on
            # the header's search toggle among them) must not decide whether this one runs.
            watch.page.goto(base, wait_until="load")
            # Material ignores what is typed before its search index is ready: wait for it.
            watch.page.wait_for_function(
                "() => !document.querySelector('.md-search-result__meta').textContent"
                ".includes('Initializing')", timeout=60_000)
            # Typed key by key, as a reader types: Material searches on key events.
            watch.page.locator("input.md-search__input").press_sequentially(query)
            watch.page.wait_for_function(
                "q => document.querySelector('.md-search-result__meta').textContent"
                ".includes('matching') && document.querySelector('.md-search__input').value"
                " === q", arg=query, timeout=60_000)
            watch.page.wait_for_selector(".md-search-result__item", timeout=60_000)
            shown += watch.page.locator(".md-search-result__item").count()
            watch.page.evaluate(INTERACT.replace(".md-content", ".md-search-result"))
        watch.close()
    assert shown > 20
    assert watch.events == []


def test_bidi_override_does_not_reorder_what_follows(browser, hostile_site):
    """An unclosed right-to-left override in 'Prepared by' leaves 'Reviewed by' readable."""
    n = list(corpus.FILLS).index("rlo-open")
    with served(hostile_site, _Handler) as base:
        watch = Watch(browser, base)
        watch.page.goto(f"{base}items/hostile-{n:03d}/", wait_until="load")
        order = watch.page.evaluate("""() => {
          const p = [...document.querySelectorAll('.parallax-authorship')]
            .find(el => el.textContent.includes('Reviewed by:'));
          const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
          let node;
          while ((node = walker.nextNode()) && !node.data.includes('Reviewed by:')) {}
          const at = node.data.indexOf('Reviewed by:');
          const x = i => { const r = document.createRange(); r.setStart(node, at + i);
                           r.setEnd(node, at + i + 1); return r.getBoundingClientRect().left; };
          return [x(0), x(1), x(7), x(10)];  // R, e, d, b
        }""")
        watch.close()
    assert order == sorted(order), order
