"""Site paths: no record can take another page's address. Ids that name a page the site makes
(a listing's first or later pages, another record's pages) are refused with their line, and a
build in which two files claim one output path fails."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from generator.cli import main

from conftest import GOOD_ITEM, fixture_project


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _rename_item(corpus, new_id):
    old = corpus.item_path()
    data = corpus.read(GOOD_ITEM)
    data["id"] = new_id
    old.unlink()
    return corpus.write(new_id, data)


@pytest.mark.parametrize("item_id", ["index", "page-2", "page-17"])
def test_an_item_may_not_take_a_listing_page(corpus, item_id):
    path = _rename_item(corpus, item_id)
    problems = [p for p in corpus.problems() if p.code == "id-reserved"]
    assert problems and problems[0].path.endswith(f"items/{item_id}.yaml")
    assert problems[0].line == 1 + path.read_text().split("\n").index(f"id: {item_id}")


@pytest.mark.parametrize("registry", ["outlets.yaml", "stakeholders.yaml"])
@pytest.mark.parametrize("new_id", ["index", "page-3", "city-gazette-page-2"])
def test_a_registry_entry_may_not_take_a_listing_page(corpus, registry, new_id):
    entries = corpus.read(registry)
    entries[-1]["id"] = new_id
    corpus.write(registry, entries)
    problems = [p for p in corpus.problems() if p.code == "id-reserved"]
    assert problems, [str(p) for p in corpus.problems()]
    assert all(p.path.endswith(registry) and p.line > 1 for p in problems)


def test_the_check_is_documented():
    from generator.check import CHECKS

    assert any(c.code == "id-reserved" and c.rationale for c in CHECKS)


def test_a_build_fails_when_two_files_claim_one_output_path(tmp_path):
    project = tmp_path / "project"
    config = fixture_project(project)
    (project / "docs" / "outlets").mkdir()
    (project / "docs" / "outlets" / "index.md").write_text("# A hand-written page\n")
    result = run("build", "--content", project / "content", "--site-dir", project / "site",
                 "--config", config)
    assert result.exit_code == 1, result.output
    assert re.search(r"outlets/index", result.output) and "claim" in result.output, result.output
    assert not (project / "site").exists()


def test_the_plugin_refuses_clashing_generated_paths(tmp_path, monkeypatch):
    """Whatever the renderer plans, two pages of one address stop the build."""
    from generator import render

    project = tmp_path / "project"
    config = fixture_project(project)
    real = render.plan_site

    def doubled(*args, **kwargs):
        plan = real(*args, **kwargs)
        return plan + [("items/index.md", plan[0][1])]

    monkeypatch.setattr(render, "plan_site", doubled)
    result = run("build", "--content", project / "content", "--site-dir", project / "site",
                 "--config", config)
    assert result.exit_code == 1 and "items/index" in result.output, result.output


def test_the_site_paths_module_names_every_data_file_the_build_serves(corpus):
    """``sitepaths.data_file_names`` (what the reserved-id check counts) is exactly the set of
    data files the build publishes, and no two generated paths share an output file."""
    from collections import Counter

    from generator.load import load_content
    from generator.publish import data_files
    from generator.sitepaths import data_file_names, output_path, site_paths

    digest, _ = load_content(corpus.content, corpus.root)
    assert sorted(path for path, _ in data_files(digest)) == sorted(data_file_names())
    clashes = [p for p, n in Counter(map(output_path, site_paths(digest))).items() if n > 1]
    assert clashes == []
