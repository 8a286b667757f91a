"""YAML attacks: each refused with a path:line error; nothing exhausts memory or hangs.

Every attack is a file in one content folder, checked by `parallax check` in a child process
with a wall-clock timeout and a cap on its memory."""

from __future__ import annotations

import os
import re

import pytest

from conftest import PARALLAX, run_bounded

GOOD = (
    'id: {id}\ntitle: "T"\nstatus: draft\n'
    'seed: {{file: "seeds/s.txt", position: 1, excerpt: "x", sha256: '
    '"2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881"}}\n'
)

# file name -> (text or bytes, expected code, expected line)
ATTACKS = {
    "alias-bomb": ("a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
                   + "".join(f"c{i}: &c{i} [*b, *b, *b, *b, *b, *b, *b, *b]\n" for i in range(40)),
                   "yaml-anchor", 1),
    "alias-late": (GOOD.format(id="alias-late") + "about: &x [a]\nrelated: *x\n", "yaml-anchor", 5),
    "merge-key": (GOOD.format(id="merge-key") + "date: {<<: {value: '2020'}}\n", "schema", 5),
    "deep-flow": ("a: " + "[" * 200_000 + "]" * 200_000 + "\n", "yaml-depth", 1),
    "deep-block": ("".join("  " * i + f"k{i}:\n" for i in range(500)) + "  " * 500 + "x: 1\n",
                   "yaml-depth", 41),
    "long-string": (GOOD.format(id="long-string") + 'summary: "' + "x" * 1_900_000 + '"\n',
                    "schema", 5),
    "long-key": (GOOD.format(id="long-key") + "k" * 1_000_000 + ": 1\n", "yaml-syntax", 5),
    "long-explicit-key": (GOOD.format(id="long-explicit-key") + "? " + "k" * 1_000_000
                          + "\n: 1\n", "schema", 5),
    "huge-file": ("a: '" + "x" * 3_000_000 + "'\n", "file-too-large", 1),
    "duplicate-key": (GOOD.format(id="duplicate-key") + 'title: "again"\n', "yaml-duplicate-key", 5),
    "not-utf8": ((GOOD.format(id="not-utf8") + "summary: caf\xe9\n").encode("latin-1"),
                 "file-encoding", 5),
    "utf16": (GOOD.format(id="utf16").encode("utf-16"), "file-binary", 1),
    "nul-byte": (b"id: x\ntitle: a\x00b\n", "file-binary", 2),
    "python-object": ('title: !!python/object/apply:os.system ["touch PWNED"]\n', "yaml-tag", 1),
    "python-name": ("title: !!python/name:os.system\n", "yaml-tag", 1),
    "python-module": ("a: 1\nb: !!python/module:os\n", "yaml-tag", 2),
    "binary-tag": ("a: 1\nb: 2\nc: !!binary aGVsbG8=\n", "yaml-tag", 3),
    "set-tag": ("a: !!set {x: null}\n", "yaml-tag", 1),
    "local-tag": ("a:\n  - !Ref x\n", "yaml-tag", 2),
    "float-tag": ("a: !!float 1\n", "yaml-tag", 1),
    "timestamp-tag": ("a: !!timestamp 2001-12-14\n", "yaml-tag", 1),
    "two-documents": ("a: 1\n---\nb: 2\n", "yaml-documents", 2),
    "complex-key": ("? [a, b]\n: 1\n", "yaml-key", 1),
    "control-raw": ("a: 1\nb: x\x07y\n", "text-control", 2),
    "control-escaped": ('a: 1\nb: 2\nc: "x\\x7f[x](javascript:alert(1))"\n', "text-control", 3),
    "nel-escaped": ('a: "\\N"\n', "text-control", 1),
    "syntax": ("a: [1, 2\nb: 3\n", "yaml-syntax", 2),
}


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    project = tmp_path_factory.mktemp("yaml") / "project"
    items = project / "content" / "items"
    items.mkdir(parents=True)
    (project / "seeds").mkdir()
    (project / "seeds" / "s.txt").write_text("P\n\nH\n\nx\n", encoding="utf-8")
    for name, (text, _, _) in ATTACKS.items():
        data = text if isinstance(text, bytes) else text.encode("utf-8")
        (items / f"{name}.yaml").write_bytes(data)
    # A registry of 400,000 entries, each wrong, within the size limit.
    (project / "content" / "glossary.yaml").write_text("- {}\n" * 400_000, encoding="utf-8")
    # A fifo and a link to an endless device: reading either would hang or fill memory.
    os.mkfifo(items / "fifo.yaml")
    (items / "zero.yaml").symlink_to("/dev/zero")
    result = run_bounded([*PARALLAX, "check", "--content", "content"], cwd=project, timeout=60)
    return result, project


def test_every_attack_is_refused_with_path_and_line(checked):
    result, project = checked
    assert result.returncode == 1, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    for name, (_, code, line) in ATTACKS.items():
        mine = [l for l in lines if l.startswith(f"content/items/{name}.yaml:")]
        assert mine, f"{name}: no problem reported"
        assert any(l.startswith(f"content/items/{name}.yaml:{line}: {code}: ") for l in mine), \
            (name, mine[:3])
    assert not (project / "PWNED").exists()


def test_unreadable_files_are_refused_not_read(checked):
    result, _ = checked
    assert re.search(r"^content/items/fifo\.yaml:1: file-unreadable: ", result.stderr, re.M)
    assert re.search(r"^content/items/zero\.yaml:1: (path-outside|file-unreadable): ",
                     result.stderr, re.M)


def test_messages_stay_readable(checked):
    """A one-megabyte key or value is named, not printed."""
    result, _ = checked
    longest = max(len(l) for l in result.stderr.splitlines())
    assert longest < 1000


def test_a_flood_of_bad_entries_is_summarised(checked):
    result, _ = checked
    flood = [l for l in result.stderr.splitlines() if l.startswith("content/glossary.yaml:")]
    assert 0 < len(flood) <= 101
    assert sum("more-problems: 399,900 more problems" in l for l in flood) == 1
