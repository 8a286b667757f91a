"""Shared fixtures: small corpora built in tmp_path, and helpers to edit records."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import yamlio
from generator.check import run_checks
from generator.load import load_content

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
CORPUS = FIXTURES / "corpus"
GOOD_ITEM = "council-bulldozes-the-bike-lane-plan"
DATA = ROOT / "tests" / "data"  # real-world inputs from public test suites (see its README)


class Corpus:
    """A copy of the fixture project (seeds/ and content/) that a test may change."""

    def __init__(self, root: Path):
        self.root = root
        self.content = root / "content"

    def item_path(self, item_id: str = GOOD_ITEM) -> Path:
        return self.content / "items" / f"{item_id}.yaml"

    def read(self, name: str):
        path = self.content / name if "/" in name or name.endswith(".yaml") else self.item_path(name)
        return yamlio.parse(path.read_text(encoding="utf-8"), str(path)).data

    def write(self, name: str, data) -> Path:
        path = self.content / name if name.endswith(".yaml") else self.item_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yamlio.dump(data), encoding="utf-8")
        return path

    def edit_item(self, change, item_id: str = GOOD_ITEM) -> Path:
        data = self.read(item_id)
        change(data)
        return self.write(item_id, data)

    def problems(self):
        digest, problems = load_content(self.content, self.root)
        return run_checks(digest, problems)

    def codes(self, severity: str | None = None) -> set[str]:
        return {p.code for p in self.problems() if severity is None or p.severity == severity}


def fixture_project(project: Path) -> Path:
    """Copy the fixture corpus, mkdocs.yml and docs/ into ``project``; return its mkdocs.yml."""
    shutil.copytree(CORPUS, project)
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    shutil.copytree(ROOT / "docs", project / "docs")
    return project / "mkdocs.yml"


@pytest.fixture
def corpus(tmp_path) -> Corpus:
    shutil.copytree(CORPUS, tmp_path / "project")
    return Corpus(tmp_path / "project")
