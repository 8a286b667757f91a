"""Stage: publish, and the MkDocs adapter (``site``) that hands its result to MkDocs.

A page the renderer cannot make fails the build with a message naming it and leaves nothing
behind; under ``mkdocs serve`` a generated file is rewritten only when its text changes, and
unchanged records are not parsed again."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from generator import yamlio
from generator.site import BuildFailed, build
from generator.sitedir import write_file

from conftest import PARALLAX, fixture_project

pytestmark = pytest.mark.slow


def _in_workers(monkeypatch, workers: int = 2) -> None:
    """Share a build's work with forked processes, as on a machine of ``workers`` cores."""
    monkeypatch.setenv("PARALLAX_WORKERS", str(workers))


@pytest.mark.parametrize("workers", [1, 2])
def test_a_failing_renderer_fails_the_build_clearly(tmp_path, monkeypatch, workers):
    from generator import render

    _in_workers(monkeypatch, workers)
    project = tmp_path / "project"
    config = fixture_project(project)
    original = render.plan_site
    broken_path = []

    def broken(digest, *args):
        plan = original(digest, *args)
        path, _ = plan[3]
        broken_path.append(path)

        def fail():
            raise RuntimeError("the renderer broke on purpose")
        return plan[:3] + [(path, fail)] + plan[4:]

    monkeypatch.setattr(render, "plan_site", broken)
    with pytest.raises(BuildFailed) as failed:
        build(config, project / "content", project / "site")
    message = str(failed.value)
    assert "RuntimeError: the renderer broke on purpose" in message
    assert f"while rendering {broken_path[0]}" in message
    assert not (project / "site").exists()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_pages_finished_in_forked_helpers_are_the_pages_finished_in_one_process(
        tmp_path, monkeypatch):
    from generator import publish

    project = tmp_path / "project"
    config = fixture_project(project)
    monkeypatch.setenv("PARALLAX_WORKERS", "1")
    build(config, project / "content", tmp_path / "here")
    pids = tmp_path / "pids"
    original = publish._made

    def made(*args):  # in a helper: note which process finished the page
        with open(pids, "a", encoding="utf-8") as fh:
            fh.write(f"{os.getpid()}\n")
        return original(*args)

    _in_workers(monkeypatch)
    monkeypatch.setattr(publish, "_made", made)
    build(config, project / "content", tmp_path / "forked")
    # Every page was finished in the helper (one, on two cores), none in this process.
    forked = pids.read_text(encoding="utf-8").split()
    assert len(forked) > 20 and str(os.getpid()) not in forked and len(set(forked)) == 1
    here, there = _tree(tmp_path / "here"), _tree(tmp_path / "forked")
    assert here.keys() == there.keys()
    assert [p for p in here if here[p] != there[p]] == []


def _serve_plugin(config_file: Path):
    from mkdocs.config import load_config

    config = load_config(str(config_file))
    config.plugins.on_startup(command="serve", dirty=True)
    config = config.plugins.on_config(config)
    return config, config.plugins["parallax"]


def _files(config, plugin):
    from mkdocs.structure.files import Files

    return {f.src_uri: f for f in plugin.on_files(Files([]), config)}


def test_serve_keeps_pages_as_files_rewritten_only_when_they_change(tmp_path):
    project = tmp_path / "project"
    config_file = fixture_project(project)
    config, plugin = _serve_plugin(config_file)
    try:
        first = _files(config, plugin)
        item = next(p for p in first if p.startswith("items/") and p != "items/index.md")
        other = next(p for p in first if p.startswith("items/") and p not in ("items/index.md", item))
        stamps = {p: os.stat(f.abs_src_path).st_mtime_ns for p, f in first.items()
                  if f.abs_src_path and str(plugin.pages_dir) in f.abs_src_path}
        assert item in stamps and "index.md" in stamps
        parsed = dict(plugin.records)
        time.sleep(0.02)
        record = project / "content/items" / (Path(item).stem + ".yaml")
        text = record.read_text(encoding="utf-8")
        assert "neutral_title: " in text
        record.write_text(text.replace("neutral_title: ", "neutral_title: 'Edited title' #", 1),
                          encoding="utf-8")
        second = _files(config, plugin)
        assert "Edited title" in Path(second[item].abs_src_path).read_text(encoding="utf-8")
        assert os.stat(second[item].abs_src_path).st_mtime_ns > stamps[item]
        assert os.stat(second[other].abs_src_path).st_mtime_ns == stamps[other]
        # Only the edited record was parsed again.
        again = {path for path, (key, result) in plugin.records.items()
                 if parsed[path][1] is not result}
        assert again == {record}
    finally:
        config.plugins.on_shutdown()
    assert plugin.pages_dir is None


# One `mkdocs serve --dirty` (`make serve`) in a process of its own (MkDocs keeps a plugin
# that has on_startup for the whole process): build, then for each record given save an edit to
# its neutral title and build again, as the server does; print the search index.
_SERVE_SEARCH = """
import sys, time
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, site, *records = sys.argv[1:]
config = load_config(config_file=config_file, site_dir=site, strict=False)  # as `make serve`
config.plugins.on_startup(command="serve", dirty=True)
build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
for n, record in enumerate(records):
    time.sleep(0.02)
    with open(record, encoding="utf-8") as fh:
        text = fh.read()
    with open(record, "w", encoding="utf-8") as fh:
        fh.write(text.replace("neutral_title: ", f"neutral_title: 'Edited title {n}' #", 1))
    build(load_config(config_file=config_file, site_dir=site, strict=False),
          serve_url="http://127.0.0.1:8000/", dirty=True)
with open(site + "/search/search_index.json", encoding="utf-8") as fh:
    print(fh.read())
"""


def test_search_under_make_serve_is_the_index_a_fresh_build_makes(tmp_path):
    """After edits under `make serve`, search finds what a server started afresh would find:
    every page's entries, once each, with no entry left from before an edit."""
    import json
    import shutil
    import sys

    def index(config_file, site, *records):
        out = subprocess.run([sys.executable, "-c", _SERVE_SEARCH, str(config_file), str(site),
                              *map(str, records)], capture_output=True, text=True, check=True)
        docs = json.loads(out.stdout)["docs"]
        return [(d["location"], d["title"], d["text"]) for d in docs]

    project = tmp_path / "project"
    config_file = fixture_project(project)
    items = sorted((project / "content/items").glob("*.yaml"))
    served = index(config_file, tmp_path / "served", items[0], items[-1])
    fresh_project = tmp_path / "fresh"
    shutil.copytree(project, fresh_project, ignore=shutil.ignore_patterns(".parallax-cache"))
    fresh = index(fresh_project / "mkdocs.yml", tmp_path / "fresh-site")
    assert any("Edited title 1" in title for _, title, _ in fresh)
    assert len(set(served)) == len(served)  # no page's entries twice
    assert set(served) == set(fresh)


# Two builds as under `make serve`, with a file added to the theme's own folder of the project
# between them: print the folders listed (walked) during each build.
_SERVE_THEME = """
import json, os, sys
from mkdocs.commands.build import build
from mkdocs.config import load_config

config_file, site, added = sys.argv[1:]
walked, real_walk = [], os.walk
os.walk = lambda top, *a, **k: walked.append(os.path.realpath(top)) or real_walk(top, *a, **k)
config = load_config(config_file=config_file, site_dir=site, strict=False)
config.plugins.on_startup(command="serve", dirty=True)
build(config, serve_url="http://127.0.0.1:8000/", dirty=True)
first = list(walked)
walked.clear()
with open(added, "w", encoding="utf-8") as fh:
    fh.write("added while serving")
build(load_config(config_file=config_file, site_dir=site, strict=False),
      serve_url="http://127.0.0.1:8000/", dirty=True)
print(json.dumps({"first": first, "second": walked}))
"""


def test_serve_lists_an_installed_theme_once_and_the_projects_own_theme_folder_every_time(
        tmp_path):
    """Under ``mkdocs serve`` a rebuild does not list the installed theme's 14,000 files again
    to copy its static files; a file added to the project's own theme folder (``custom_dir``)
    is copied on the next rebuild, and the served site holds the theme's files a build
    holds."""
    import json
    import sys

    import material

    project = tmp_path / "project"
    config_file = fixture_project(project)
    text = config_file.read_text(encoding="utf-8")
    assert "  name: material\n" in text
    config_file.write_text(text.replace("  name: material\n",
                                        "  name: material\n  custom_dir: overrides\n", 1),
                           encoding="utf-8")
    (project / "overrides").mkdir()
    site = tmp_path / "served"
    out = subprocess.run([sys.executable, "-c", _SERVE_THEME, str(config_file), str(site),
                          str(project / "overrides/added.txt")],
                         capture_output=True, text=True, check=True, cwd=project)
    walked = json.loads(out.stdout.splitlines()[-1])
    theme = os.path.realpath(Path(material.__file__).parent / "templates")
    custom = os.path.realpath(project / "overrides")
    assert theme in walked["first"] and theme not in walked["second"]
    assert custom in walked["first"] and custom in walked["second"]
    assert (site / "added.txt").read_text(encoding="utf-8") == "added while serving"
    built = tmp_path / "built"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(built)],
                   cwd=project, check=True, capture_output=True)

    def theme_files(folder):
        return {p.relative_to(folder).as_posix() for p in (folder / "assets").rglob("*")}
    assert theme_files(site) == theme_files(built) and len(theme_files(built)) > 20


def test_serve_writes_the_other_files_into_the_site_only_when_they_change(tmp_path):
    """The print pages, data files and record files are not MkDocs' to convert: the plugin
    writes them into the site itself. Under ``mkdocs serve`` an edit rewrites the edited
    record's files and the dataset and leaves the others alone; a site emptied by a plain
    rebuild is written whole again; a record that is gone takes its files with it."""
    import shutil

    project = tmp_path / "project"
    config_file = fixture_project(project)
    config, plugin = _serve_plugin(config_file)
    site = Path(config.site_dir)

    def written():
        return {p.relative_to(site).as_posix(): p.stat().st_mtime_ns
                for p in site.rglob("*") if p.is_file()}

    try:
        handed = _files(config, plugin)
        first = written()
        assert first and not set(first) & set(handed)  # MkDocs is handed the pages only
        assert "data/digest.json" in first
        items = sorted((project / "content/items").glob("*.yaml"))
        edited, other = items[0], items[1]
        assert {f"data/records/{edited.stem}.yaml", f"data/records/{other.stem}.yaml"} <= set(first)
        own = {path for path in first if edited.stem in path and not path.startswith("data/")}
        others = {path for path in first if other.stem in path and not path.startswith("data/")}
        assert own and others  # each item has its print pages
        time.sleep(0.02)
        text = edited.read_text(encoding="utf-8")
        assert "neutral_title: " in text
        edited.write_text(text.replace("neutral_title: ", "neutral_title: 'Edited title' #", 1),
                          encoding="utf-8")
        _files(config, plugin)
        second = written()
        assert set(second) == set(first)
        assert (site / f"data/records/{edited.stem}.yaml").read_text(encoding="utf-8") \
            == edited.read_text(encoding="utf-8")
        assert "Edited title" in (site / "data/digest.json").read_text(encoding="utf-8")
        assert any("Edited title" in (site / path).read_text(encoding="utf-8") for path in own)
        assert all(second[path] == first[path] for path in others)  # not written again
        assert second[f"data/records/{other.stem}.yaml"] == first[f"data/records/{other.stem}.yaml"]

        shutil.rmtree(site)  # a plain `mkdocs serve` empties the site before each rebuild
        _files(config, plugin)
        assert set(written()) == set(first)

        data = yamlio.parse(text, str(edited)).data
        data["id"] = "item-copied-for-the-test"
        copy = edited.with_name(data["id"] + ".yaml")
        write_file(copy, yamlio.dump(data), sync=False)
        _files(config, plugin)
        added = set(written()) - set(first)
        assert "data/records/item-copied-for-the-test.yaml" in added
        assert any(path.startswith("teachers/") for path in added)
        copy.unlink()
        _files(config, plugin)
        assert set(written()) == set(first)  # the copy's files are gone with it
    finally:
        config.plugins.on_shutdown()


def test_a_second_publication_converts_only_the_pages_whose_markdown_changed(corpus, monkeypatch):
    """Under ``mkdocs serve`` the plugin publishes again after each edit: pages whose Markdown is
    unchanged are the last publication's, not converted again; an edited record's pages are,
    and the result is what a publication from scratch gives."""
    from generator import publish
    from generator.cache import Cache

    from conftest import GOOD_ITEM

    def publication():
        digest, problems = publish.gather(corpus.content, corpus.root, Cache(None))
        return {p.path: p for p in publish.publish(digest, problems,
                                                   publish.Settings(drafts=True), keep=True).pages}

    first = publication()
    converted = []
    real = publish.finish
    monkeypatch.setattr(publish, "finish",
                        lambda text, setup: converted.append(1) or real(text, setup))
    again = publication()
    assert converted == [] and all(again[path] is first[path] for path in first)
    corpus.edit_item(lambda d: d.update(neutral_title="A neutral title edited under serve"))
    edited = publication()
    item = f"items/{GOOD_ITEM}.md"
    assert 0 < len(converted) < len(first)  # the item's page and the listings naming it
    assert "A neutral title edited under serve" in edited[item].html
    monkeypatch.setattr(publish, "_kept", publish.Kept())  # a publication from scratch
    assert publication() == edited


def _edits(rng):
    """Edits an editor makes under ``mkdocs serve``, each given the project and the random
    source: to one record, to what other records' pages show of it, to the registries."""
    def item(project):
        return rng.choice(sorted((project / "content/items").glob("*.yaml")))

    def change(path, how):
        data = yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
        how(data)
        write_file(path, yamlio.dump(data), sync=False)

    def title(p):
        change(item(p), lambda d: d.update(neutral_title=f"Edited title {rng.random()}"))

    def date(p):
        change(item(p), lambda d: d["date"].update(value=f"20{rng.randint(10, 23)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"))

    def status(p):
        change(item(p), lambda d: d.update(status=rng.choice(["published", "reviewed",
                                                              "set-aside"]),
                                           neutral_title=d["neutral_title"] or "A new title",
                                           reviewed_by=d["reviewed_by"] or "A reviewer"))

    def position(p):
        change(item(p), lambda d: d["perspectives"][0].update(gist=f"Edited gist {rng.random()}."))

    def related(p):
        path = item(p)
        others = [q.stem for q in (p / "content/items").glob("*.yaml") if q != path]
        change(path, lambda d: d.update(related=rng.sample(others, 2)))

    def seed_page(p):  # what every item from the same seed page shows of it
        def how(d):
            d["seed"]["link"] = ""
            d["provenance"][0]["title"] = f"Edited seed page {rng.random()}"
        change(item(p), how)

    def outlet(p):  # what a link of some item shows of an outlet
        change(item(p), lambda d: d["provenance"][0].update(
            outlet=rng.choice(yamlio.parse((p / "content/outlets.yaml").read_text(
                encoding="utf-8"), "outlets.yaml").data)["id"]))

    def registry(p):
        path = p / "content/outlets.yaml"
        data = yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
        rng.choice(data)["name"] = f"Edited outlet {rng.random()}"
        write_file(path, yamlio.dump(data), sync=False)

    def removed(p):
        gone = item(p)
        gone.unlink()
        for path in (p / "content/items").glob("*.yaml"):
            if gone.stem in path.read_text(encoding="utf-8"):
                change(path, lambda d: d.update(related=[r for r in d["related"]
                                                         if r != gone.stem]))

    def copied(p):
        source = item(p)
        data = yamlio.parse(source.read_text(encoding="utf-8"), str(source)).data
        data["id"] = f"item-copy-{rng.randint(0, 10**6)}"
        write_file(source.with_name(data["id"] + ".yaml"), yamlio.dump(data), sync=False)

    def touched(p):
        path = item(p)
        write_file(path, path.read_bytes(), sync=False)

    return [title, date, status, position, related, seed_page, outlet, registry, removed,
            copied, touched]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_publication_that_renders_only_what_changed_equals_one_from_scratch(tmp_path, seed,
                                                                               monkeypatch):
    """Under ``mkdocs serve`` a publication renders again only the pages whose inputs changed
    (``generator/inputs.py``), keeps each record's part of the dataset and the CSV, and renders
    from the plan of the site the checks made; after any sequence of edits it is the
    publication a build from scratch gives, page for page and file for file."""
    import random

    from generator import publish
    from generator.cache import Cache
    from generator.inputs import Planned
    from generator.synthetic import write_content

    project = tmp_path / "project"
    write_content(project, 24, seed=seed)
    rng = random.Random(seed)
    records: dict = {}  # as the plugin keeps them between rebuilds
    settings = publish.Settings(drafts=True)
    monkeypatch.setattr(publish, "_kept", publish.Kept())
    rendered, plans = [], []
    plan_site = publish.render.plan_site

    def counted(*args):
        plans.append(args[0])
        return [(path, Planned(lambda make=make, path=path: rendered.append(path) or make(),
                                       getattr(make, "inputs", None)))
                for path, make in plan_site(*args)]

    def publication(keep):
        # as the plugin publishes: under serve the checks' plan of the site is the publication's
        plan = publish.render.Plans(settings.edit_url, settings.site) if keep else None
        plans.clear()
        digest, problems = publish.gather(project / "content", project, Cache(None),
                                          memo=records if keep else None, plan=plan)
        out = publish.publish(digest, problems, settings, keep=keep, plan=plan)
        if keep and not out.refused:  # planned by the check that asks for the paths, and
            # again only when the site shows fewer items than were checked (one set aside)
            again = publish.shown(digest, settings.drafts) is not digest
            assert plans[0] is digest and len(plans) == 1 + again
        return out.refused, out.pages, [(path, publish.contents(made)) for path, made in out.files]

    monkeypatch.setattr(publish.render, "plan_site", counted)
    publication(True)
    edits, shown = _edits(rng), 0
    for step in range(14):
        edit = rng.choice(edits)
        time.sleep(0.002)
        edit(project)
        rendered.clear()
        served = publication(True)
        partly = len(rendered)
        kept = publish._kept
        monkeypatch.setattr(publish, "_kept", publish.Kept())
        scratch = publication(False)
        monkeypatch.setattr(publish, "_kept", kept)
        assert served == scratch, f"step {step}: {edit.__name__}"
        shown += not served[0]
        if edit.__name__ in ("title", "position", "touched") and not served[0]:
            assert partly < len(rendered) - partly  # fewer pages than a whole publication
    assert shown >= 12  # most edits leave a digest that publishes


def test_a_theme_that_does_not_show_a_page_once_fails_the_build_clearly(tmp_path):
    """A generated page's HTML replaces the marker MkDocs held for it once the theme has been
    rendered around it: a theme that shows the content twice (or not at all) stops the build
    with a message, rather than writing a page with the marker in it, or the page twice."""
    project = tmp_path / "project"
    config = fixture_project(project)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  name: material\n", "  name: material\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    (project / "overrides").mkdir()
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ page.content }}{{ page.content }}'
        '{% endblock %}', encoding="utf-8")
    run = subprocess.run([*PARALLAX, "build", "--content", "content", "--site-dir", "site"],
                         cwd=project, capture_output=True, text=True)
    assert run.returncode != 0
    assert "did not show the page's content exactly once" in run.stderr
    assert "Traceback" not in run.stderr
    assert not (project / "site").exists()  # nothing half-written
    # The same theme showing the content once builds, and no page holds a marker.
    (project / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}{% block content %}{{ page.content }}{% endblock %}',
        encoding="utf-8")
    assert build(config, project / "content", project / "site") == 2
    pages = list((project / "site").rglob("*.html"))
    assert pages and not [p for p in pages if "parallax page" in p.read_text(encoding="utf-8")]
