"""Values: every value is bounded and typed before it is converted, and whatever a record holds,
loading, checking and building name the file and line of what is wrong, never a traceback."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from generator.cli import main

from conftest import GOOD_ITEM, fixture_project

HUGE = "9" * 5000


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _plant(path, old: str, new: str) -> int:
    """Replace the first ``old`` line start in ``path`` by ``new``; return its line number."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for n, line in enumerate(lines):
        if line.lstrip().startswith(old):
            indent = line[: len(line) - len(line.lstrip())]
            lines[n] = indent + new
            path.write_text("\n".join(lines), encoding="utf-8")
            return n + 1
    raise AssertionError(f"{old!r} not in {path}")


@pytest.mark.parametrize("field,value", [
    ("position:", f"position: {HUGE}"),
    ("position:", f"position: -{HUGE}"),
    ("status:", f"status: {HUGE}"),
    ("id:", f"id: {HUGE}"),
    ("title:", f"title: {HUGE}"),
    ("position:", "position: 99999999999999999999"),
], ids=["position", "negative", "status", "id", "title", "twenty-digits"])
def test_a_huge_number_in_a_record_is_a_problem_with_its_line(corpus, field, value):
    path = corpus.item_path()
    line = _plant(path, field, value)
    result = run("check", "--content", corpus.content)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"content/items/{GOOD_ITEM}.yaml:{line}: " in result.output, result.output


@pytest.mark.parametrize("registry,pattern", [("stakeholders.yaml", r"order: \d+"),
                                              ("timeline.yaml", r'date: "[0-9-]+"'),
                                              ("outlets.yaml", r"contested: \w+")])
def test_a_huge_number_in_a_registry_is_a_problem_with_its_line(corpus, registry, pattern):
    path = corpus.content / registry
    text = path.read_text(encoding="utf-8")
    found = re.search(pattern, text)
    line = text.count("\n", 0, found.start()) + 1
    key = found.group().split(":")[0]
    path.write_text(text[:found.start()] + f"{key}: {HUGE}" + text[found.end():], encoding="utf-8")
    result = run("check", "--content", corpus.content)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"content/{registry}:{line}: " in result.output, result.output


def test_a_huge_number_as_a_key_is_a_problem(corpus):
    path = corpus.item_path()
    path.write_text(path.read_text(encoding="utf-8") + f"{HUGE}: x\n", encoding="utf-8")
    result = run("check", "--content", corpus.content)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"content/items/{GOOD_ITEM}.yaml:" in result.output


def test_the_build_names_the_file_and_line(tmp_path):
    project = tmp_path / "project"
    config = fixture_project(project)
    line = _plant(project / f"content/items/{GOOD_ITEM}.yaml", "position:", f"position: {HUGE}")
    result = run("build", "--content", project / "content", "--site-dir", project / "site",
                 "--config", config)
    assert result.exit_code == 1
    assert "Traceback" not in result.output and "Aborted with a BuildError" not in result.output
    assert re.search(rf"content/items/{GOOD_ITEM}\.yaml:{line}: ", result.output), result.output


def test_a_failure_while_building_is_shown_not_just_aborted(tmp_path, monkeypatch):
    from generator import render

    project = tmp_path / "project"
    config = fixture_project(project)

    def broken(view, entry):
        raise ValueError(f"cannot render {entry.path}")

    monkeypatch.setattr(render, "render_item", broken)
    result = run("build", "--content", project / "content", "--site-dir", project / "site",
                 "--config", config)
    assert result.exit_code == 1
    assert "Aborted with a BuildError" not in result.output
    assert f"cannot render content/items/" in result.output and "while rendering items/" \
        in result.output, result.output


WEIRD = [HUGE, f"-{HUGE}", "1e999", ".nan", "-.inf", "0x7fffffffffffffff", "[[[]]]", "{a: {b: c}}",
         "!!float 1", "2024-13-45", "١٩٦٥-٠٢-٠٣", '"\\u0000"', "~", "true", "''"]


@pytest.mark.parametrize("value", WEIRD, ids=range(len(WEIRD)))
def test_any_value_in_any_field_is_a_problem_not_a_traceback(corpus, value):
    from generator import yamlio
    from generator.models import Item

    path = corpus.item_path()
    data = yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data
    text = path.read_text(encoding="utf-8")
    for field in Item.model_fields:
        key = Item.model_fields[field].alias or field
        lines = [f"{k}: {value}" if k == key else yamlio.dump({k: v}).rstrip("\n")
                 for k, v in data.items()]
        if key not in data:
            lines.append(f"{key}: {value}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = run("check", "--content", corpus.content)
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            (key, result.output)
        assert "Traceback" not in result.output
    path.write_text(text, encoding="utf-8")
