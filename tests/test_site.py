"""Stage: site. A real strict MkDocs build, the committed schema, determinism and offline pages."""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from generator import schema
from generator.site import build

from conftest import PARALLAX, ROOT, active_parts, content_of, fixture_project, tree


@pytest.fixture(scope="module")
def fixture_site(tmp_path_factory):
    project = tmp_path_factory.mktemp("site") / "project"
    config = fixture_project(project)
    build(config, project / "content", project / "site")
    return project / "site"


def test_committed_schema_matches_a_fresh_export():
    for name, data in schema.schemas().items():
        committed = (ROOT / "schema" / name).read_text(encoding="utf-8")
        assert committed == schema.dumps(data), f"schema/{name} is stale: run `parallax schema`"


def test_schema_is_draft07_without_defs():
    for data in schema.schemas().values():
        assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "$defs" not in json.dumps(data)


@pytest.mark.slow
def test_fixture_site_has_every_page(fixture_site):
    for page in ("index.html", "items/index.html",
                 "items/council-bulldozes-the-bike-lane-plan/index.html", "outlets/index.html",
                 "stakeholders/index.html", "glossary/index.html", "timeline/index.html",
                 "coverage/index.html", "methodology/index.html", "methodology/checks/index.html",
                 "teachers/index.html", "teachers/handouts/index.html", "data/digest.json",
                 "data/items.csv", "data/schema/item.schema.json", "feed.xml", "corrections.xml",
                 "data/records/council-bulldozes-the-bike-lane-plan.yaml"):
        assert (fixture_site / page).is_file(), page


def _html_pages(site: Path):
    return sorted(site.rglob("*.html"))


@pytest.mark.slow
def test_no_page_loads_anything_from_a_third_party(fixture_site):
    pattern = re.compile(r'(?:src|href)="(https?:)?//(?!riverside|gazette|city\.|cyclists|press\.|institute)', re.I)
    for page in _html_pages(fixture_site):
        text = page.read_text(encoding="utf-8")
        for m in re.finditer(r'<(?:script|link|img|iframe)[^>]+(?:src|href)="([^"]+)"', text):
            assert not re.match(r"(https?:)?//", m.group(1)), (page, m.group(1))
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text


@pytest.mark.slow
def test_internal_links_resolve(fixture_site):
    for page in _html_pages(fixture_site):
        text = page.read_text(encoding="utf-8")
        for href in re.findall(r'href="([^"#:?]+)(?:#[^"]*)?"', text):
            if href.startswith("//"):
                continue
            base = fixture_site if href.startswith("/") else page.parent
            target = (base / href.lstrip("/")).resolve()
            if href.endswith("/") or target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(fixture_site)} links to missing {href}"


HOOKS = ("parallax-original", "parallax-summary", "parallax-perspective", "data-stakeholder",
         "parallax-provenance-link", "parallax-questions")


@pytest.mark.slow
def test_stable_hooks_are_on_the_item_page_and_documented(fixture_site):
    """The hooks are a public interface (styles, scripts, tests): documented, and never dropped."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    page = (fixture_site / "items/council-bulldozes-the-bike-lane-plan/index.html").read_text()
    assert [hook for hook in HOOKS if f"`{hook}`" not in readme] == []
    assert [hook for hook in HOOKS if hook not in page] == []


@pytest.mark.slow
def test_item_page_has_no_active_content_from_records(fixture_site):
    page = fixture_site / "items/council-bulldozes-the-bike-lane-plan/index.html"
    assert active_parts(content_of(page.read_text(encoding="utf-8"))) == []


@pytest.mark.slow
def test_json_ld_is_valid_and_matches_the_record(fixture_site):
    text = (fixture_site / "items/council-bulldozes-the-bike-lane-plan/index.html").read_text()
    [raw] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    data = json.loads(raw)
    assert data["headline"] == "Transport committee votes to drop the river bike path"
    assert data["prov:wasDerivedFrom"][0]["@id"] == "https://riverside-watch.example.org/tag/bike-lanes"
    assert data["isBasedOn"]["text"].startswith("The council's puppet")


@pytest.mark.slow
def test_two_builds_in_two_processes_are_byte_identical(fixture_site, tmp_path):
    """The second build runs in another process with other string hashes (so sets and dicts
    keyed by strings iterate in another order) and writes the same bytes."""
    project = fixture_site.parent
    seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    run = subprocess.run([*PARALLAX, "build", "--content", "content", "--site-dir",
                          str(tmp_path / "again")],
                         cwd=project, env={**os.environ, "PYTHONHASHSEED": seed},
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    again = tree(tmp_path / "again")
    assert again.pop(".parallax-output")  # parallax build marks the folder it made; mkdocs does not
    assert tree(fixture_site) == again


@pytest.mark.slow
def test_the_search_index_is_written_entry_by_entry_with_the_bytes_material_writes(
        fixture_site, tmp_path, monkeypatch):
    """Material's search plugin makes its index as one text (then its bytes); the plugin has it
    write an index without entries and writes the entries itself, one by one. The file is the
    one Material writes alone, byte for byte, and no text of the whole index is ever made."""
    from types import SimpleNamespace

    from material.plugins.search import plugin as material_search
    from mkdocs.plugins import CombinedEvent

    from generator.site import ParallaxPlugin

    project = fixture_site.parent
    dumped: list[int] = []

    def dumps(*args, **kwargs):
        text = json.dumps(*args, **kwargs)
        dumped.append(len(text))
        return text

    with monkeypatch.context() as m:
        m.setattr(material_search, "json", SimpleNamespace(dumps=dumps))
        build(project / "mkdocs.yml", project / "content", tmp_path / "streamed")
    streamed = (tmp_path / "streamed/search/search_index.json").read_bytes()
    longest, dumped = max(dumped), []
    with monkeypatch.context() as m:  # the index as Material writes it, whole
        events = ParallaxPlugin.__dict__["on_post_build"].methods
        m.setattr(ParallaxPlugin, "on_post_build", CombinedEvent(
            *(f for f in events if f.__name__ != "_hold_search_entries")))
        m.setattr(material_search, "json", SimpleNamespace(dumps=dumps))
        build(project / "mkdocs.yml", project / "content", tmp_path / "whole")
    whole = (tmp_path / "whole/search/search_index.json").read_bytes()
    assert streamed == whole == (fixture_site / "search/search_index.json").read_bytes()
    assert len(json.loads(streamed)["docs"]) > 100
    assert longest < 1000  # Material dumped only its settings
    assert max(dumped) == len(whole)  # the whole index, as one text: with the hold taken out


def test_search_entries_of_sections_parsed_as_the_pages_are_made_are_material_s_own(
        fixture_site, tmp_path, monkeypatch):
    """A build parses each page's search part where it makes the page (in its workers) and
    adds the entries itself; Material's search plugin, left to parse every page, makes the same
    index. Where the search plugin is not the one the plugin knows, it is left to parse."""
    from material.plugins.search import plugin as material_search

    from generator import site

    project = fixture_site.parent
    parsed: list[str] = []
    feed = material_search.Parser.feed
    monkeypatch.setenv("PARALLAX_WORKERS", "1")  # every parse in this process, to be counted

    def counted(parser, data):
        parsed.append(data)
        return feed(parser, data)

    with monkeypatch.context() as m:
        m.setattr(material_search.Parser, "feed", counted)
        build(project / "mkdocs.yml", project / "content", tmp_path / "made")
    made, made_parsed, parsed[:] = [*parsed], [p for p in parsed if p], []
    with monkeypatch.context() as m:  # a search plugin the plugin does not know: it parses
        m.setattr(site, "_known_search", lambda config: None)
        m.setattr(material_search.Parser, "feed", counted)
        build(project / "mkdocs.yml", project / "content", tmp_path / "material")
    by_material = (tmp_path / "material/search/search_index.json").read_bytes()
    assert (tmp_path / "made/search/search_index.json").read_bytes() == by_material
    assert by_material == (fixture_site / "search/search_index.json").read_bytes()
    index = json.loads(by_material)["docs"]
    assert len(index) > 100 and any(e["location"].startswith("items/") for e in index)
    # In the second build Material parsed every page; in the first, each generated page's part
    # was parsed once, where the page was made, and Material was given nothing to parse ("").
    items = [text for text in parsed if 'class="parallax-item"' in text]
    assert items and [t for t in made_parsed if 'class="parallax-item"' in t] == items
    assert made.count("") >= len(items)


@pytest.mark.slow
def test_build_refuses_content_with_errors(tmp_path):
    from generator.site import BuildFailed

    project = tmp_path / "project"
    config = fixture_project(project)
    item = project / "content/items/council-bulldozes-the-bike-lane-plan.yaml"
    item.write_text(item.read_text().replace("voted 5 to 2", "massacred the plan, voting 5 to 2"))
    with pytest.raises(BuildFailed):
        build(config, project / "content", project / "site")
    assert not (project / "site").exists()


@pytest.fixture(scope="module")
def bundled_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("bundled") / "site"
    build(ROOT / "mkdocs.yml", ROOT / "content", site)
    return site


@pytest.mark.slow
def test_bundled_digest_builds_strict(bundled_site):
    from generator.load import load_content
    from generator.public import shown

    digest, _ = load_content(ROOT / "content", ROOT)
    items = sorted(p.parent.name for p in (bundled_site / "items").glob("*/index.html"))
    assert items == sorted(e.value.id for e in shown(digest).items) and items


def _search_text(entries) -> str:
    import html

    return html.unescape(" ".join(f"{e['title']} {e['text']}" for e in entries)).casefold()


@pytest.mark.slow
def test_search_finds_an_item_by_its_speaker_outlet_party_and_loaded_term(bundled_site):
    """The index holds an item's titles, summary, gists, parties, speakers, outlets and loaded
    terms, and leaves out the provenance wall (link details, search logs, full positions and
    their sources): before, it held the whole page."""
    import html

    from generator.load import load_content
    from generator.public import shown

    digest, _ = load_content(ROOT / "content", ROOT)
    actors = {e.value.id: e.value.name for e in digest.actors}
    outlets = {e.value.id: e.value.name for e in digest.outlets}
    parties = {e.value.id: e.value.name for e in digest.stakeholders}
    index = json.loads((bundled_site / "search/search_index.json").read_text("utf-8"))["docs"]
    tried = 0
    for e in shown(digest).items:
        item = e.value
        logs = [entry for link in item.provenance for entry in link.search_log]
        if not (item.speakers and item.framing and logs and item.perspectives):
            continue
        entries = [d for d in index if d["location"].split("#")[0] == f"items/{item.id}/"]
        text = _search_text(entries)
        speaker = actors[item.speakers[0].actor]
        outlet = next(outlets[link.outlet] for link in item.provenance if link.outlet)
        party = parties[item.perspectives[-1].stakeholder]
        for word in (speaker, outlet, party, item.framing[0].term, item.neutral_title):
            assert word.casefold() in text, (item.id, word)
        assert all(entry.casefold() not in text for entry in logs), item.id
        page = (bundled_site / "items" / item.id / "index.html").read_text("utf-8")
        article = re.search(r"<article class=\"md-content__inner.*</article>", page, re.S).group(0)
        shown_text = html.unescape(re.sub(r"<[^>]+>", " ", article))
        assert len(text) < 0.5 * len(" ".join(shown_text.split())), item.id
        tried += 1
    assert tried >= 3


def test_schema_names_are_the_schemas_names():
    from generator.schema import schema_names, schemas

    assert schema_names() == list(schemas())


def test_only_the_plugin_imports_mkdocs():
    """MkDocs is met in one module (the adapter), so its next major version is one file's work."""
    importers = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "generator").rglob("*.py")
                       if re.search(r"^\s*(import mkdocs|from mkdocs)", p.read_text("utf-8"), re.M))
    assert importers == ["generator/site.py"]
