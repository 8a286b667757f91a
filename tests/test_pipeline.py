"""The generator on the second core (``pipeline``) and the live preview's page files (``site``).

The forked build must give exactly the site the in-process build gives; a failing child must
fail the build with a clear message and leave nothing behind; under ``mkdocs serve`` a page file
is rewritten only when its text changes, and unchanged records are not parsed again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from generator import pipeline
from generator.site import build

from conftest import fixture_project
from test_site import _digest_of

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX-only")


def _leftovers(tmp: Path) -> list[str]:
    return sorted(p.name for p in tmp.glob("parallax-pages-*"))


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    """A temporary folder of the test's own, so leftovers can be counted."""
    import tempfile

    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_forked_and_in_process_builds_are_identical(tmp_path, monkeypatch, private_tmp):
    project = tmp_path / "project"
    config = fixture_project(project)
    monkeypatch.delenv("PARALLAX_JOBS", raising=False)
    assert pipeline.available()
    build(config, project / "content", tmp_path / "forked")
    monkeypatch.setenv("PARALLAX_JOBS", "1")
    assert not pipeline.available()
    build(config, project / "content", tmp_path / "inline")
    assert _digest_of(tmp_path / "forked") == _digest_of(tmp_path / "inline")
    assert (tmp_path / "forked/items/index.html").is_file()
    assert _leftovers(private_tmp) == []


def test_a_failing_generator_fails_the_build_clearly(tmp_path, monkeypatch, private_tmp, caplog):
    from mkdocs.exceptions import Abort

    from generator import render

    project = tmp_path / "project"
    config = fixture_project(project)
    monkeypatch.delenv("PARALLAX_JOBS", raising=False)

    original = render.plan_site

    def broken(digest, edit_url="", site_url=""):
        plan = original(digest, edit_url, site_url)
        path, _ = plan[3]

        def fail():
            raise RuntimeError("the renderer broke on purpose")
        return plan[:3] + [(path, fail)] + plan[4:]

    monkeypatch.setattr(render, "plan_site", broken)
    with pytest.raises((PluginError, Abort)):
        build(config, project / "content", project / "site")
    assert "RuntimeError: the renderer broke on purpose" in caplog.text
    assert not (project / "site").exists()
    assert _leftovers(private_tmp) == []


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
