"""Stage: render (browsing). Listings are paginated, bounded, and reach every item."""

from __future__ import annotations

import os
import re

from generator.browse import paginate
from generator.check import run_checks
from generator.load import load_content
from generator.render import PAGE_SIZE, render_site
from generator.synthetic import write_content


def test_paginate_links_neighbours():
    pages = paginate("outlets/x", list(range(120)), size=50)
    assert [p.path for p in pages] == ["outlets/x/index.md", "outlets/x/page-2.md",
                                       "outlets/x/page-3.md"]
    assert [len(p.entries) for p in pages] == [50, 50, 20]
    assert pages[0].prev_path is None and pages[1].prev_path == "outlets/x/index.md"
    assert pages[2].next_path is None and pages[1].next_path == "outlets/x/page-3.md"
    assert paginate("t", [])[0].entries == []


def test_listings_are_bounded_and_reach_every_item(tmp_path):
    write_content(tmp_path, 130)
    digest, problems = load_content(tmp_path / "content", tmp_path)
    assert not [p for p in run_checks(digest, problems) if p.severity != "info"]
    pages = render_site(digest)
    paths = [p.path for p in pages]
    assert len(paths) == len(set(paths))
    linked = set()
    for page in pages:
        if page.path.startswith("items/item-"):
            continue
        entries = page.text.count('class="parallax-entry"')
        assert entries <= PAGE_SIZE, page.path
        linked.update(re.findall(r'data-item="([a-z0-9-]+)"', page.text))
    assert linked == {e.value.id for e in digest.items}
    for folder in ("stakeholders", "outlets", "timeline"):
        assert f"{folder}/index.md" in paths


def test_the_cache_reuses_unchanged_files_only(tmp_path):
    write_content(tmp_path, 5)
    content = tmp_path / "content"
    cache: dict = {}
    first, _ = load_content(content, tmp_path, cache)
    again, _ = load_content(content, tmp_path, cache)
    assert [a is b for a, b in zip(first.items, again.items)] == [True] * 5
    edited = content / "items" / "item-000002.yaml"
    edited.write_text(edited.read_text().replace("Bench Writer", "Another Writer"))
    os.utime(edited, ns=(1, 1))  # a different stamp even on a coarse clock
    third, _ = load_content(content, tmp_path, cache)
    changed = [a is not b for a, b in zip(again.items, third.items)]
    assert changed == [False, False, True, False, False]
    assert third.items[2].value.prepared_by == "Another Writer"


def test_sync_pages_rewrites_only_what_changed(tmp_path):
    from generator.render import Page
    from generator.sitedir import sync_pages

    sync_pages([Page("a.md", "one"), Page("b/c.md", "two"), Page("gone.md", "x")], tmp_path)
    os.utime(tmp_path / "a.md", ns=(1, 1))
    os.utime(tmp_path / "b" / "c.md", ns=(1, 1))
    sync_pages([Page("a.md", "one"), Page("b/c.md", "three")], tmp_path)
    assert (tmp_path / "a.md").stat().st_mtime_ns == 1  # unchanged: untouched
    assert (tmp_path / "b" / "c.md").read_text() == "three"
    assert not (tmp_path / "gone.md").exists()
