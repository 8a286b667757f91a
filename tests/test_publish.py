"""Stage: publish, and the MkDocs adapter (``site``) that hands its result to MkDocs.

A page the renderer cannot make fails the build with a message naming it and leaves nothing
behind; under ``mkdocs serve`` a generated file is rewritten only when its text changes, and
unchanged records are not parsed again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from generator.site import BuildFailed, build

from conftest import fixture_project

pytestmark = pytest.mark.slow


def test_a_failing_renderer_fails_the_build_clearly(tmp_path, monkeypatch):
    from generator import render

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
                                                   publish.Settings(drafts=True)).pages}

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
    monkeypatch.setattr(publish, "_last", {})  # a publication from scratch
    assert publication() == edited
