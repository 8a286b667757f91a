"""Interrupted work: a build or an ingest killed midway leaves the previous good output in
place, with no half-written record and no half-replaced site."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time

import pytest

from generator import yamlio
from generator.models import Item

from conftest import (CHILD_ENV, GOOD_ITEM, MEMORY, PARALLAX, fixture_project, limits,
                      run_bounded, tree)


def _start(args, cwd):
    return subprocess.Popen(args, cwd=cwd, env=CHILD_ENV, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, preexec_fn=limits(MEMORY, 120))


def _kill_when(proc, ready, timeout=60):
    """SIGKILL ``proc`` as soon as ``ready()`` holds; True if it was still running then."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            alive = proc.poll() is None
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return alive
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    proc.kill()
    pytest.fail("the run never reached the point to interrupt")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """The fixture corpus with 80 items, so that a build takes a moment."""
    root = tmp_path_factory.mktemp("interrupted") / "project"
    fixture_project(root)
    good = (root / "content/items" / f"{GOOD_ITEM}.yaml").read_text(encoding="utf-8")
    for n in range(80):
        (root / "content/items" / f"copy-{n:03d}.yaml").write_text(
            good.replace(f"id: {GOOD_ITEM}", f"id: copy-{n:03d}"), encoding="utf-8")
    return root


def _build(project):
    return [*PARALLAX, "build", "--content", "content", "--site-dir", "site"]


@pytest.mark.slow
def test_a_killed_build_leaves_the_previous_site(project):
    first = run_bounded(_build(project), cwd=project, timeout=120)
    assert first.returncode == 0, first.stderr[-2000:]
    before = tree(project / "site")
    for path in (project / "content/items").glob("copy-*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(
            "Transport committee votes", "Committee votes"), encoding="utf-8")

    def half_written():
        return any(len(list(tmp.rglob("*.html"))) > 40 for tmp in project.glob(".site-new-*"))

    assert _kill_when(_start(_build(project), project), half_written)
    assert tree(project / "site") == before
    # Killed at any moment, the site is the old one or the new one, never a mix or none.
    started = time.monotonic()
    again = run_bounded(_build(project), cwd=project, timeout=120)
    assert again.returncode == 0
    seconds, after = time.monotonic() - started, tree(project / "site")
    assert after != before
    for fraction in (0.8, 0.97):
        proc = _start(_build(project), project)
        time.sleep(seconds * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert tree(project / "site") == after
    for stale in project.glob(".site-*"):
        shutil.rmtree(stale)


def _seed(n):
    blocks = [f"Headline {i}\n\nBody of item {i}." for i in range(n)]
    return "Page\n\n" + "\n\nRead more\n\n".join(blocks) + "\n\nRead more\n"


def test_a_killed_ingest_leaves_no_half_written_record(tmp_path):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "s.txt").write_text(_seed(3000), encoding="utf-8")
    args = [*PARALLAX, "ingest", "seeds/s.txt", "--content", "content"]
    items = tmp_path / "content" / "items"
    assert _kill_when(_start(args, tmp_path),
                      lambda: items.is_dir() and len(list(items.glob("*.yaml"))) >= 300)
    written = {p: p.read_bytes() for p in items.glob("*.yaml")}
    assert 300 <= len(written) < 3000
    for path, data in written.items():
        Item.model_validate(yamlio.parse(data.decode("utf-8"), str(path)).data)
    # A person edits one record before the next run; the run completes the rest.
    edited = sorted(written)[0]
    edited.write_text(edited.read_text(encoding="utf-8") + "# checked by hand\n", encoding="utf-8")
    written[edited] = edited.read_bytes()
    result = run_bounded(args, cwd=tmp_path, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{3000 - len(written)} created, {len(written)} unchanged" in result.stderr
    assert len(list(items.glob("*.yaml"))) == 3000
    assert all(path.read_bytes() == data for path, data in written.items())


def test_the_site_is_swapped_in_one_step(tmp_path):
    """Where the system can (Linux), old and new site change places in one rename."""
    from generator.sitedir import _exchange

    old, new = tmp_path / "site", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    (old / "index.html").write_text("old")
    (new / "index.html").write_text("new")
    if not _exchange(new, old):
        pytest.skip("no atomic exchange of paths on this system")
    assert (old / "index.html").read_text() == "new" and (new / "index.html").read_text() == "old"
