"""Seeds: binary, empty, enormous or strange seed files give clear errors or correct results,
in bounded time and memory (each ingest runs in a child process with limits)."""

from __future__ import annotations

import gzip
import re

import pytest

from generator import yamlio
from generator.models import Item

from conftest import PARALLAX, run_bounded


@pytest.fixture
def project(tmp_path):
    (tmp_path / "seeds").mkdir()
    return tmp_path


def ingest(project, name, data, timeout=30, *extra):
    path = project / "seeds" / name
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return run_bounded([*PARALLAX, "ingest", f"seeds/{name}", "--content", "content", *extra],
                       cwd=project, timeout=timeout)


def records(project):
    return sorted((project / "content" / "items").glob("*.yaml"))


def seed_text(n, body=lambda i: f"Body of item {i}."):
    blocks = [f"Headline {i}\n\n{body(i)}" for i in range(n)]
    return "Page title\n\n" + "\n\nRead more\n\n".join(blocks) + "\n\nRead more\n"


UNUSABLE = [
    ("random.bin", bytes(range(256)) * 64, "seed-binary", 1),
    ("image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "seed-binary", 3),
    ("archive.txt", gzip.compress(b"Page\n\nHeadline\n\nBody\n\nRead more\n" * 50), "seed-binary", 1),
    ("utf16.txt", "Page\n\nHeadline\n\nBody\n".encode("utf-16"), "seed-binary", 1),
    ("latin1.txt", "Page\n\nHeadline\n\nCaf\xe9 body\n".encode("latin-1"), "seed-encoding", 5),
    ("empty.txt", b"", "seed-empty", 1),
    ("blank.txt", b"\n \n\t\n", "seed-empty", 1),
    ("control.txt", b"Page\n\nHeadline\n\nBody \x1b[31m red\n", "seed-control", 5),
    ("one-line.txt", b"x" * 1_000_000, "seed-no-items", 1),
    ("no-items.txt", b"Only a title\n", "seed-no-items", 1),
]


@pytest.mark.parametrize("name,data,code,line", UNUSABLE, ids=[case[0] for case in UNUSABLE])
def test_unusable_seeds_are_clear_errors(project, name, data, code, line):
    result = ingest(project, name, data)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(rf"seeds/{re.escape(name)}:{line}: {code}: ", result.stderr), result.stderr
    assert records(project) == []


@pytest.mark.slow
def test_ten_thousand_items(project):
    result = ingest(project, "big.txt", seed_text(10_000), timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "10000 created, 0 unchanged, 0 in conflict" in result.stderr
    files = records(project)
    assert len(files) == 10_000
    for path in files[::997]:
        Item.model_validate(yamlio.parse(path.read_text("utf-8"), str(path)).data)
    check = run_bounded([*PARALLAX, "check", "--content", "content"], cwd=project, timeout=60)
    assert check.returncode == 0, check.stderr[-2000:]


def test_a_megabyte_line_is_refused_and_the_rest_ingested(project):
    data = seed_text(3, lambda i: "word " * 200_000 if i == 1 else f"Body {i}.")
    result = ingest(project, "long.txt", data)
    assert result.returncode == 1
    assert re.search(r"seeds/long\.txt:1: ingest-item: item 2 .*seed\.excerpt: String "
                     r"should have at most 100000 characters", result.stderr), result.stderr
    assert [p.stem for p in records(project)] == ["headline-0", "headline-2"]
    check = run_bounded([*PARALLAX, "check", "--content", "content"], cwd=project)
    assert check.returncode == 0, check.stderr


def test_a_megabyte_headline_is_refused(project):
    data = "Page\n\n" + "H" * 1_000_000 + "\n\nBody.\n\nRead more\n"
    result = ingest(project, "headline.txt", data)
    assert result.returncode == 1 and re.search(r"ingest-item: item 1 .*\(title: ", result.stderr)
    assert records(project) == []


def test_an_oversized_seed_is_refused_before_reading(project):
    path = project / "seeds" / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(25_000_000)  # sparse: nothing is written, the size is what counts
    result = run_bounded([*PARALLAX, "ingest", "seeds/huge.txt", "--content", "content"],
                         cwd=project, memory=400_000_000)
    assert result.returncode == 1 and "seed-too-large" in result.stderr


def test_hostile_headlines_make_ascii_ids(project):
    heads = ["<script>alert(1)</script>", "../../etc/passwd", "مجاهدين خلق", "\u202eevil\u202c",
             "Cafe\u0301 \u200bzero\u200dwidth", "ＦＵＬＬＷＩＤＴＨ", "", "-", "CON", "a" * 500]
    blocks = [f"{h}\n\nBody {i}." for i, h in enumerate(heads)]
    result = ingest(project, "heads.txt", "Page\n\n" + "\n\nRead more\n\n".join(blocks))
    assert result.returncode == 0, result.stderr
    ids = [p.stem for p in records(project)]
    assert len(ids) == len(set(ids)) == len(heads) - 1  # an empty headline is no item
    for item_id in ids:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item_id) and len(item_id) <= 80
    assert "script-alert-1-script" in ids and "etc-passwd" in ids and "cafe-zerowidth" in ids
