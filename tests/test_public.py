"""What the public sees: published records only; drafts under a banner for editors; set-aside
items never; seeds found relative to the digest project wherever the command is run from."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import GOOD_ITEM, Corpus, fixture_project
from generator.cli import main
from generator.public import is_public, is_shown

OTHER = "river-path-budget-moved-to-road-repairs"


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def project(tmp_path):
    fixture_project(tmp_path / "project")
    return Corpus(tmp_path / "project")


def _status(project: Corpus, item_id: str, status: str) -> str:
    project.edit_item(lambda d: d.update(status=status), item_id)
    return project.read(item_id)["title"]


def test_the_rule():
    from generator.models import Item
    base = {"id": "x", "title": "t", "seed": {"file": "seeds/a.txt", "position": 1,
                                               "excerpt": "e", "sha256": "0" * 64}}
    for status, public, editors in (("published", True, True), ("reviewed", False, True),
                                    ("draft", False, True), ("set-aside", False, False)):
        item = Item.model_validate({**base, "status": status})
        assert (is_public(item), is_shown(item), is_shown(item, drafts=True)) == \
            (public, public, editors), status


@pytest.mark.slow
def test_build_from_another_folder_finds_seeds_and_hides_drafts(project, tmp_path, monkeypatch):
    draft_title = _status(project, OTHER, "draft")
    monkeypatch.chdir(tmp_path)  # not the project: seeds resolve against project/, not here
    result = run("build", "--content", "project/content", "--site-dir", "out")
    assert result.exit_code == 0, result.output
    site = tmp_path / "out"
    assert (site / "items" / GOOD_ITEM / "index.html").is_file()
    assert not (site / "items" / OTHER).exists()
    assert not (site / "teachers/handouts" / OTHER).exists()
    assert not (site / "data/records" / f"{OTHER}.yaml").exists()
    data = json.loads((site / "data/digest.json").read_text(encoding="utf-8"))
    assert [i["id"] for i in data["items"]] == [GOOD_ITEM]
    search = (site / "search/search_index.json").read_text(encoding="utf-8")
    pack = (site / "teachers/handouts/index.html").read_text(encoding="utf-8")
    home = (site / "index.html").read_text(encoding="utf-8")
    for text in (search, pack, home, (site / "feed.xml").read_text(encoding="utf-8"),
                 (site / "data/items.csv").read_text(encoding="utf-8")):
        assert OTHER not in text and draft_title not in text


@pytest.mark.slow
def test_drafts_build_shows_them_under_a_banner_and_never_set_aside(project, tmp_path):
    _status(project, OTHER, "draft")
    hidden = _status(project, GOOD_ITEM, "set-aside")
    result = run("build", "--content", str(project.content), "--drafts", "--site-dir",
                 str(tmp_path / "out"), "--config", str(project.root / "mkdocs.yml"))
    assert result.exit_code == 0, result.output
    assert "drafts shown" in result.output
    page = (tmp_path / "out/items" / OTHER / "index.html").read_text(encoding="utf-8")
    assert "parallax-draft-banner" in page
    assert not (tmp_path / "out/items" / GOOD_ITEM).exists()
    assert hidden not in (tmp_path / "out/search/search_index.json").read_text(encoding="utf-8")


def test_export_leaves_drafts_out_unless_asked(project, tmp_path):
    _status(project, OTHER, "draft")
    _status(project, GOOD_ITEM, "set-aside")
    for flags, want in (((), []), (("--drafts",), [OTHER])):
        out = tmp_path / f"export{len(flags)}"
        result = run("export", "--content", str(project.content), "--out", str(out), *flags)
        assert result.exit_code == 0, result.output
        data = json.loads((out / "digest.json").read_text(encoding="utf-8"))
        assert [i["id"] for i in data["items"]] == want


def test_messages_name_paths_from_where_the_command_ran(project, tmp_path, monkeypatch):
    project.edit_item(lambda d: d["perspectives"][0].update(stakeholder="nobody"))
    monkeypatch.chdir(tmp_path)
    result = run("check", "--content", "project/content")
    assert result.exit_code == 1
    line = next(l for l in result.output.splitlines() if "ref-stakeholder" in l)
    path = line.split(":")[0]
    assert path == f"project/content/items/{GOOD_ITEM}.yaml"
    assert (tmp_path / path).is_file()


def test_mkdocs_serve_shows_drafts_and_a_build_does_not_unless_asked():
    from generator.site import ParallaxPlugin

    plugin = ParallaxPlugin()
    plugin.load_config({})
    plugin.on_startup(command="build", dirty=False)
    assert plugin.drafts is False
    plugin.on_startup(command="serve", dirty=True)
    assert plugin.drafts is True
    plugin.on_startup(command="build", dirty=False)
    plugin.load_config({"drafts": True})
    assert plugin.drafts is True
