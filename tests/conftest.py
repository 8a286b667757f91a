"""Shared fixtures: small corpora built in tmp_path, and helpers to edit records."""

from __future__ import annotations

import os
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
SHARED = Path(os.environ.get("PARALLAX_SHARED", ROOT.parent / "shared"))


CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def _unavailable(why: str):
    """No browser: a local run skips; CI, where the browser suite is a quality bar, fails."""
    if os.environ.get("CI") == "true":
        pytest.fail(why)
    pytest.skip(why)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, one for the whole session (Playwright's sync API
    cannot run two at once)."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed: make install-test")
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        _unavailable("Debian's chromium is missing: make browser (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


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
