"""The bench: `parallax bench` runs end to end on a small digest and reports every figure.

No timing is asserted here (timed unit tests only measure the machine's mood); the figures
themselves are checked by running the bench, see docs/performance.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.synthetic import record_stats, write_content

ROOT = Path(__file__).resolve().parent.parent
KEYS = {"records", "generator_seconds", "generator_records_per_second", "build_seconds",
        "mkdocs_only_seconds", "build_ratio", "peak_memory_mb", "largest_item_page_bytes",
        "largest_listing_page_bytes", "load_seconds", "check_seconds",
        "render_seconds", "machine", "record_bytes_mean", "bundled_record_bytes_mean",
        "mkdocs_floor_seconds", "floor_ratio", "check_cold_seconds", "check_warm_seconds",
        "check_warm_edit_seconds", "mkdocs_part_seconds", "mkdocs_part_floor_ratio"}


@pytest.mark.slow
def test_bench_runs_at_a_small_size(tmp_path, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = tmp_path / "bench.json"
    result = CliRunner().invoke(main, ["bench", "--records", "20", "--reference", "10", "--serve", "20",
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    figures = json.loads(out.read_text())
    assert KEYS <= figures.keys()
    assert figures["records"] == 20
    assert figures["problems"]["error"] == figures["problems"]["warning"] == 0
    for key in ("generator_seconds", "build_seconds", "mkdocs_only_seconds", "build_ratio",
                "peak_memory_mb", "generator_records_per_second", "mkdocs_floor_seconds",
                "floor_ratio", "check_cold_seconds", "check_warm_seconds",
                "check_warm_edit_seconds", "record_bytes_mean", "bundled_record_bytes_mean"):
        assert figures[key] > 0, key
    # MkDocs' own part of the build (after the plugin handed it the pages) is a part of it
    assert 0 < figures["mkdocs_part_seconds"] < figures["build_seconds"]
    assert figures["mkdocs_part_floor_ratio"] > 0
    assert figures["item_pages"] == 20
    assert 0 < figures["largest_item_page_bytes"] < 300_000
    assert 0 < figures["largest_listing_page_bytes"] < 300_000
    assert figures["machine"]["cpus"] >= 1
    assert 0.9 < figures["item_page_growth"] < 1.1
    assert figures["serve_records"] == 20
    assert figures["serve_edit_seconds"] > 0
    assert len(figures["serve_edits_seconds"]) == 3 and all(t > 0 for t in figures["serve_edits_seconds"])
    assert min(figures["serve_edits_seconds"]) <= figures["serve_edit_seconds"] \
        <= max(figures["serve_edits_seconds"])


def test_synthetic_content_is_deterministic(tmp_path):
    write_content(tmp_path / "a", 12)
    write_content(tmp_path / "b", 12)
    for path in sorted((tmp_path / "a").rglob("*.*")):
        twin = tmp_path / "b" / path.relative_to(tmp_path / "a")
        assert path.read_bytes() == twin.read_bytes(), path


def test_synthetic_records_are_as_large_as_the_bundled_items(tmp_path):
    bundled = record_stats(sorted((ROOT / "content" / "items").glob("*.yaml")))
    write_content(tmp_path, 20)  # two cycles of the ten record shapes
    synthetic = record_stats(sorted((tmp_path / "content" / "items").glob("*.yaml")))
    assert bundled["records"] and synthetic["records"] == 20
    for key in ("bytes_mean", "perspectives_mean", "sources_per_perspective",
                "provenance_links_mean"):
        assert abs(synthetic[key] / bundled[key] - 1) <= 0.15, (key, synthetic[key], bundled[key])
    # The newer fields are there in the same measure: a gist for every perspective that has one
    # in the bundled items, questions with guidance, located excerpts, search logs.
    for key in ("gists_per_perspective", "questions_with_guidance_mean", "excerpts_mean",
                "search_log_entries_mean"):
        assert synthetic[key] >= 0.85 * bundled[key], (key, synthetic[key], bundled[key])


def test_record_stats_measures_files(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "id: a\nperspectives:\n- gist: g\n  sources: [{title: t}, {title: u}]\n- sources: []\n"
        "provenance:\n- excerpt: e\n  search_log: [x, y]\n- note: n\n"
        "questions:\n- plain?\n- {question: q, guidance: g}\n", encoding="utf-8")
    size = (tmp_path / "a.yaml").stat().st_size
    assert record_stats([tmp_path / "a.yaml"]) == {
        "records": 1, "bytes_mean": size, "perspectives_mean": 2, "sources_per_perspective": 1,
        "provenance_links_mean": 2, "gists_per_perspective": 0.5,
        "questions_with_guidance_mean": 1, "excerpts_mean": 1, "search_log_entries_mean": 2}


class _Stream:
    def __init__(self, tty: bool):
        self.tty, self.text = tty, ""

    def isatty(self):
        return self.tty

    def write(self, text):
        self.text += text

    def flush(self):
        pass


@pytest.mark.parametrize("tty", [True, False])
def test_progress_line_only_on_a_terminal(monkeypatch, tty):
    from generator import bench

    stream = _Stream(tty)
    monkeypatch.setattr("sys.stderr", stream)
    bench.progress("the floor")
    assert ("the floor" in stream.text) is tty


def test_floor_project_pages_are_plain_markdown_of_about_3_kb(tmp_path):
    from generator import bench
    from generator.yamlio import parse

    config = bench.floor_project(tmp_path / "floor", 12, ROOT)
    pages = sorted((tmp_path / "floor" / "docs" / "pages").rglob("*.md"))
    assert len(pages) == 12
    assert all(abs(len(p.read_bytes()) - bench.FLOOR_PAGE_BYTES) < 600 for p in pages)
    data = parse(config.read_text(encoding="utf-8"), "mkdocs.yml").data
    assert data["theme"] == parse((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), "x").data["theme"]
    assert "parallax" not in str(data["plugins"]) and data["nav"] == [{"Home": "index.md"}]
