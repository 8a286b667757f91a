"""Output folders: no command that writes a folder (build, render, export, schema, bench) can
replace a folder of sources, the project, its history, the installed package or the virtual
environment, or a folder it did not make; every file is written exclusively, never through a
planted link; folders are made with the umask's permissions; debris of interrupted runs is swept."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import generator
from generator import sitedir, yamlio
from generator.cli import main

from conftest import ROOT, fixture_project


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def snapshot(folder: Path) -> list:
    return sorted((p.relative_to(folder).as_posix(), p.is_dir() or p.read_bytes())
                  for p in folder.rglob("*") if ".venv" not in p.parts)


@pytest.fixture
def project(tmp_path):
    """A project with content, seeds, docs, a .git folder and a virtual environment folder."""
    root = tmp_path / "project"
    fixture_project(root)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


def _commands(root: Path, target: Path):
    content = root / "content"
    config = root / "mkdocs.yml"
    return {
        "build": ["build", "--content", content, "--site-dir", target, "--config", config],
        "render": ["render", "--content", content, "--out", target],
        "export": ["export", "--content", content, "--out", target],
    }


@pytest.mark.parametrize("target", [".", "content", "content/items", "seeds", "docs",
                                    "docs/assets", ".git", ".git/objects", ".."])
@pytest.mark.parametrize("command", ["build", "render", "export"])
def test_no_command_replaces_a_source_or_the_project(project, target, command):
    (project / ".git" / "objects").mkdir()
    before = snapshot(project)
    result = run(*_commands(project, project / target)[command])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "refus" in result.output.lower()
    assert snapshot(project) == before


@pytest.mark.parametrize("target", [".", "content", "seeds", ".git", "docs"])
def test_schema_refuses_sources_too(project, target, monkeypatch):
    monkeypatch.chdir(project)
    before = snapshot(project)
    result = run("schema", "--out", target)
    assert result.exit_code == 2, result.output
    assert snapshot(project) == before


@pytest.mark.parametrize("command", ["build", "render", "export"])
def test_the_installed_package_and_the_environment_are_refused(project, command):
    package = Path(generator.__file__).resolve().parent
    for target in (package, package / "templates", Path(sys.prefix)):
        result = run(*_commands(project, target)[command])
        assert result.exit_code == 2, (target, result.output)
    assert (package / "__init__.py").is_file()


def test_a_folder_the_tool_did_not_make_is_refused(project):
    mine = project / "notes"
    mine.mkdir()
    (mine / "letter.txt").write_text("keep me")
    for command in ("build", "render", "export"):
        result = run(*_commands(project, mine)[command])
        assert result.exit_code == 2, result.output
        assert "notes" in result.output
    assert [p.name for p in mine.iterdir()] == ["letter.txt"]


def test_a_folder_the_tool_made_may_be_replaced(project):
    out = project / "export-here"
    assert run(*_commands(project, out)["export"]).exit_code == 0
    assert (out / sitedir.MARKER).is_file()
    assert run(*_commands(project, out)["export"]).exit_code == 0
    result = run(*_commands(project, out)["render"])
    assert result.exit_code == 0, result.output
    assert (out / sitedir.MARKER).is_file() and (out / "index.md").is_file()


def test_the_site_folder_builds_fresh_and_again(project):
    """`make site` on a fresh clone (no site/), again, and over a site an older version built."""
    site = project / "site"
    assert run(*_commands(project, site)["build"]).exit_code == 0
    assert (site / sitedir.MARKER).is_file()
    assert run(*_commands(project, site)["build"]).exit_code == 0
    (site / sitedir.MARKER).unlink()  # as an older version left it
    result = run(*_commands(project, site)["build"])
    assert result.exit_code == 0, result.output
    assert (site / sitedir.MARKER).is_file()


def test_an_empty_folder_may_be_used(project):
    out = project / "empty"
    out.mkdir()
    assert run(*_commands(project, out)["render"]).exit_code == 0


def test_a_file_is_not_a_folder(project):
    target = project / "a-file"
    target.write_text("x")
    result = run(*_commands(project, target)["export"])
    assert result.exit_code == 2 and target.read_text() == "x"


def test_the_guard_is_one_function_with_reasons(project):
    assert sitedir.guard_output(project / "site", project) is None
    assert "content" in sitedir.guard_output(project / "content", project)
    assert sitedir.guard_output(project, project)
    assert sitedir.guard_output(project / ".git", project)
    assert sitedir.guard_output(project.parent, project)


def test_a_link_to_a_source_is_refused(project):
    (project / "out").symlink_to(project / "content")
    result = run(*_commands(project, project / "out")["export"])
    assert result.exit_code == 2
    assert (project / "content" / "items").is_dir()


def test_bench_keep_folder_is_guarded(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("bench", "--records", "1", "--keep", "content", "--serve", "0",
                 "--reference", "0")
    assert result.exit_code == 2, result.output


# --- 2: writes follow no planted link ------------------------------------------------------

def test_ingest_writes_no_record_through_a_link_planted_at_the_temporary_name(corpus, tmp_path):
    """The temporary name of a new record cannot be guessed: links planted at every name the
    old scheme used (and a dangling link at the record's own name) redirect nothing."""
    outside = tmp_path / "outside"
    outside.mkdir()
    seed = corpus.root / "seeds" / "planted.txt"
    seed.write_text("Council approves planted headline\n\nA paragraph of text about it.\n")
    items = corpus.content / "items"
    name = "council-approves-planted-headline.yaml"
    for pid in {os.getpid(), os.getppid()}:
        (items / f".{name}.{pid}.tmp").symlink_to(outside / "stolen.yaml")
    result = run("ingest", seed, "--content", corpus.content, "--format", "text")
    assert result.exit_code == 0, result.output
    assert list(outside.iterdir()) == []
    record = items / name
    assert record.is_file() and not record.is_symlink()


def test_a_planted_link_at_the_record_name_is_never_followed(tmp_path):
    outside = tmp_path / "outside.yaml"
    target = tmp_path / "items" / "a.yaml"
    target.parent.mkdir()
    target.symlink_to(outside)
    assert yamlio.write_new(target, "id: a\n") is False
    assert not outside.exists() and target.is_symlink()
    assert sitedir.write_file(target, "id: a\n") is True
    assert not outside.exists() and not target.is_symlink()
    assert target.read_text() == "id: a\n"


def test_temporary_names_are_unpredictable(tmp_path, monkeypatch):
    names = []
    real_open = os.open

    def spy(path, flags, mode=0o777, *, dir_fd=None):
        if flags & os.O_CREAT:
            names.append(os.fspath(path))
            assert flags & os.O_EXCL and flags & os.O_NOFOLLOW, "created without O_EXCL|O_NOFOLLOW"
        return real_open(path, flags, mode, dir_fd=dir_fd)

    monkeypatch.setattr(os, "open", spy)
    for n in range(2):
        yamlio.write_new(tmp_path / f"r{n}.yaml", "x: 1\n")
        yamlio.write_atomic(tmp_path / "s.yaml", "x: 1\n")
    assert len(names) == 4 and len(set(names)) == 4
    assert not any(n.endswith(f".{os.getpid()}.tmp") for n in names)


def test_every_write_of_the_tool_goes_through_the_one_helper():
    """No module but sitedir opens a file for writing or copies one (a grep, so that a new
    write cannot bypass exclusive creation)."""
    import re

    writes = re.compile(r"\.write_text\(|\.write_bytes\(|\bopen\(.*[\"'][wax]b?[\"']|"
                        r"shutil\.copy(file|2|tree)?\(")
    found = []
    for path in sorted(Path(generator.__file__).parent.glob("*.py")):
        if path.name == "sitedir.py":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if writes.search(line):
                found.append(f"{path.name}:{n}: {line.strip()}")
    assert found == []


# --- 7: folders readable by a web server -----------------------------------------------------

def _modes(folder: Path) -> set:
    return {(p.is_dir(), p.stat().st_mode & 0o777) for p in [folder, *folder.rglob("*")]}


def test_output_folders_take_the_umask(project):
    old = os.umask(0o022)
    try:
        for command, target in (("build", project / "site"), ("render", project / "md"),
                                ("export", project / "export")):
            assert run(*_commands(project, target)[command]).exit_code == 0
            assert _modes(target) == {(True, 0o755), (False, 0o644)}, command
        os.umask(0o027)
        assert run(*_commands(project, project / "export")["export"]).exit_code == 0
        assert _modes(project / "export") == {(True, 0o750), (False, 0o640)}
    finally:
        os.umask(old)


# --- 10: debris of interrupted runs --------------------------------------------------------

def _dead_pid() -> int:
    import subprocess

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_debris_of_interrupted_builds_is_swept(project, tmp_path, monkeypatch):
    import tempfile

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    dead, alive = _dead_pid(), os.getppid()
    stale = [project / f".site-new-{dead}-abc", project / ".site-new-old1x2"]
    live = [project / f".site-new-{alive}-abc", project / ".site-new-fresh12"]
    for folder in stale + live:
        folder.mkdir()
        (folder / "page.html").write_text("half")
    an_hour_ago = os.path.getmtime(project) - 7200
    os.utime(project / ".site-new-old1x2", (an_hour_ago, an_hour_ago))
    assert run(*_commands(project, project / "site")["build"]).exit_code == 0
    assert [f for f in stale if f.exists()] == []
    assert all(f.exists() for f in live)
    assert list(temp.iterdir()) == []  # a build leaves nothing in the temporary folder


def test_bench_figures_file_may_not_land_in_sources(project, monkeypatch):
    monkeypatch.chdir(project)
    result = run("bench", "--records", "1", "--out", "content/figures.json", "--serve", "0",
                 "--reference", "0")
    assert result.exit_code == 2 and not (project / "content" / "figures.json").exists()
