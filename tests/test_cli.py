"""The command line: exit codes and `path:line: code: message` output."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from generator.cli import main


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_check_clean_exits_0(corpus):
    result = run("check", "--content", str(corpus.content))
    assert result.exit_code == 0, result.output


def test_check_with_errors_exits_1_with_path_line_messages(corpus):
    corpus.edit_item(lambda d: d["perspectives"][0].update(stakeholder="nobody"))
    result = run("check", "--content", str(corpus.content))
    assert result.exit_code == 1
    lines = [l for l in result.output.splitlines() if "ref-stakeholder" in l]
    assert lines and re.match(r"^content/items/[\w-]+\.yaml:\d+: ref-stakeholder: ", lines[0])
    assert "Traceback" not in result.output


def test_check_strict_fails_on_warnings(corpus):
    shs = corpus.read("stakeholders.yaml")
    shs.append({"id": "zz", "name": "Zz party", "kind": "government", "order": 9})
    corpus.write("stakeholders.yaml", shs)
    assert run("check", "--content", str(corpus.content)).exit_code == 0
    assert run("check", "--content", str(corpus.content), "--strict").exit_code == 1


def test_check_json_output(corpus):
    corpus.edit_item(lambda d: d.update(summary="A massacre."))
    result = CliRunner().invoke(main, ["check", "--content", str(corpus.content), "--format", "json"])
    problems = json.loads(result.stdout)
    assert result.exit_code == 1
    assert {"path", "line", "code", "severity", "message"} <= set(problems[0])
    assert any(p["code"] == "neutral-voice" for p in problems)


def test_unusable_invocation_exits_2(tmp_path):
    assert run("check", "--content", str(tmp_path / "missing")).exit_code == 2
    assert run("check", "--format", "xml").exit_code == 2
    assert run("nonsense").exit_code == 2


def test_broken_yaml_is_a_message_not_a_traceback(corpus):
    corpus.item_path().write_text("id: x\n  - broken: [\n")
    result = run("check", "--content", str(corpus.content))
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "council-bulldozes-the-bike-lane-plan.yaml:" in result.output


def test_render_writes_markdown(corpus, tmp_path):
    out = tmp_path / "md"
    result = run("render", "--content", str(corpus.content), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "items/council-bulldozes-the-bike-lane-plan.md").is_file()


def test_schema_command(tmp_path):
    assert run("schema", "--out", str(tmp_path)).exit_code == 0
    assert json.loads((tmp_path / "item.schema.json").read_text())["title"] == "Parallax item"


def test_export_json_and_csv(corpus, tmp_path):
    import csv

    out = tmp_path / "export"
    result = run("export", "--content", str(corpus.content), "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads((out / "digest.json").read_text())
    ids = sorted(i["id"] for i in data["items"])
    rows = list(csv.DictReader((out / "items.csv").open()))
    assert ids == sorted(r["id"] for r in rows) and ids
    assert json.loads((out / "schema/item.schema.json").read_text())["title"] == "Parallax item"
    only_csv = tmp_path / "csv"
    assert run("export", "--content", str(corpus.content), "--format", "csv",
               "--out", str(only_csv)).exit_code == 0
    assert (only_csv / "items.csv").exists() and not (only_csv / "digest.json").exists()


def test_export_neutralises_spreadsheet_formulas(corpus, tmp_path):
    corpus.edit_item(lambda d: d.update(prepared_by="=HYPERLINK(\"http://x.example\")"))
    out = tmp_path / "e"
    assert run("export", "--content", str(corpus.content), "--out", str(out)).exit_code == 0
    assert "'=HYPERLINK" in (out / "items.csv").read_text()


def _build_project(tmp_path):
    from conftest import fixture_project

    project = tmp_path / "project"
    config = fixture_project(project)
    return project, config


@pytest.mark.slow
def test_build_loads_once_and_reports_its_items(tmp_path, monkeypatch):
    from generator import load

    project, config = _build_project(tmp_path)
    loads = []

    def counted(real):
        return lambda *a, **k: loads.append(1) or real(*a, **k)

    # The content is loaded through this name (the check cache calls it too).
    monkeypatch.setattr(load, "load_content", counted(load.load_content))
    result = run("build", "--content", str(project / "content"), "--site-dir",
                 str(project / "site"), "--config", str(config))
    assert result.exit_code == 0, result.output
    items = len(list((project / "content/items").glob("*.yaml")))
    assert f"built {items} items into" in result.output
    assert (project / "site/items/index.html").is_file()
    assert len(loads) == 1


@pytest.mark.slow
def test_build_with_errors_shows_them_and_writes_nothing(tmp_path):
    project, config = _build_project(tmp_path)
    item = next((project / "content/items").glob("*.yaml"))
    item.write_text(item.read_text(encoding="utf-8").replace("stakeholder: ", "stakeholder: nobody-", 1),
                    encoding="utf-8")
    result = run("build", "--content", str(project / "content"), "--site-dir",
                 str(project / "site"), "--config", str(config))
    assert result.exit_code == 1
    assert re.search(r"content/items/[\w-]+\.yaml:\d+: ref-stakeholder: ", result.output)
    assert "build refused: fix the errors above" in result.output
    assert "Traceback" not in result.output
    assert not (project / "site").exists()


def test_status_names_each_record_once_as_it_can_be_opened(corpus, monkeypatch):
    """Run from above the project, `status` gives each record's path from here, once."""
    monkeypatch.chdir(corpus.root.parent)
    result = run("status", "--content", f"{corpus.root.name}/content")
    assert result.exit_code == 0, result.output
    heads = [line.split(": ")[0] for line in result.output.splitlines() if ".yaml: " in line]
    assert heads and all((corpus.root.parent / head).is_file() for head in heads)
    assert f"{len(heads)} records:" in result.output
