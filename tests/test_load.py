"""Stage: load. Safe, exact YAML and validation with the line of every problem."""

from __future__ import annotations

import pytest

from generator import yamlio
from generator.load import load_content


@pytest.mark.parametrize("text,expected", [
    ("a: NO", "NO"), ("a: yes", "yes"), ("a: 1.10", "1.10"), ("a: 2011-04-18", "2011-04-18"),
    ("a: 1:20", "1:20"), ("a: 0x1F", "0x1F"), ("a: 010", "010"), ("a: .inf", ".inf"),
    ("a: '12'", "12"), ("a: 12", 12), ("a: true", True), ("a: ~", None),
])
def test_values_are_never_coerced(text, expected):
    assert yamlio.parse(text, "x.yaml").data["a"] == expected


@pytest.mark.parametrize("text,code,line", [
    ("a: &x 1\nb: *x\n", "yaml-anchor", 1),
    ("a: 1\nb:\n  c: 2\n  c: 3\n", "yaml-duplicate-key", 4),
    ("a: !!python/object/apply:os.system ['true']\n", "yaml-tag", 1),
    ("a: !custom 1\n", "yaml-tag", 1),
    ("a: 1\n---\nb: 2\n", "yaml-documents", 2),
    ("a: [1, 2\nb: 3\n", "yaml-syntax", 2),
    ("? [a]\n: 1\n", "yaml-key", 1),
    ("a:" + " [" * 60 + "]" * 60 + "\n", "yaml-depth", 1),
])
def test_unsafe_or_malformed_yaml_is_refused(text, code, line):
    with pytest.raises(yamlio.YamlProblem) as exc:
        yamlio.parse(text, "x.yaml")
    assert (exc.value.code, exc.value.line) == (code, line)


def test_alias_bomb_is_refused_at_the_first_alias():
    bomb = "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\n" + "".join(
        f"d{i}: &d{i} [*c, *c]\n" for i in range(30))
    with pytest.raises(yamlio.YamlProblem) as exc:
        yamlio.parse(bomb, "x.yaml")
    assert exc.value.code == "yaml-anchor"


def test_file_limits(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"a: '" + b"x" * (yamlio.MAX_BYTES + 1) + b"'\n")
    doc, problems = yamlio.load(big, "big.yaml")
    assert doc is None and problems[0].code == "file-too-large"
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"a: 1\nb: caf\xe9\n")
    doc, problems = yamlio.load(bad, "bad.yaml")
    assert doc is None and (problems[0].code, problems[0].line) == ("file-encoding", 2)
    nul = tmp_path / "nul.yaml"
    nul.write_bytes(b"a: 1\n\x00\n")
    assert yamlio.load(nul, "nul.yaml")[1][0].code == "file-binary"


def test_lines_are_kept():
    doc = yamlio.parse("a: 1\nb:\n  - x: 1\n    y: 2\n", "x")
    assert doc.line(("b", 0, "y")) == 4 and doc.line(("b", 0, "missing")) == 3


def test_dump_round_trips_exactly():
    data = {"a": "NO", "b": "1.10", "c": "2011-04-18", "d": "line\nline two", "e": "yes",
            "f": ["x", {"g": "true"}], "h": " padded ", "i": "trailing \nspace"}
    assert yamlio.parse(yamlio.dump(data), "x").data == data


def test_schema_errors_name_the_line(corpus):
    corpus.edit_item(lambda d: d["perspectives"][1].update(stance="x"))
    corpus.edit_item(lambda d: d.update(status="final"))
    problems = [p for p in corpus.problems() if p.code == "schema"]
    lines = corpus.item_path().read_text().splitlines()
    assert len(problems) == 2
    for p in problems:
        assert p.path == "content/items/council-bulldozes-the-bike-lane-plan.yaml"
    by_text = {p.message.split(":")[0]: lines[p.line - 1] for p in problems}
    assert by_text["status"].startswith("status:")
    assert "stance" in by_text["perspectives.1.stance"]


def test_unquoted_date_value_is_kept_and_a_wrong_type_is_an_error(corpus):
    path = corpus.item_path()
    text = path.read_text().replace('"2024-03-05", precision', "2024-03-05, precision")
    path.write_text(text.replace("position: 1\n", "position: one\n"))
    problems = [p for p in corpus.problems() if p.severity == "error"]
    assert [p.code for p in problems] == ["schema"]
    assert "seed.position" in problems[0].message


def test_id_must_match_file_name(corpus):
    corpus.item_path().rename(corpus.content / "items" / "other-name.yaml")
    assert "id-filename" in corpus.codes()


def test_every_problem_reported_at_once(corpus):
    (corpus.content / "items" / "broken.yaml").write_text("id: broken\n  bad: indent\n")
    outlets = corpus.content / "outlets.yaml"
    outlets.write_text(outlets.read_text() + "- {id: x, name: X, kind: ngo, bogus: 1}\n")
    codes = [p.code for p in corpus.problems()]
    assert "yaml-syntax" in codes and "schema" in codes


def test_symlink_out_of_content_is_refused(corpus, tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(corpus.item_path().read_text().replace(
        "id: council-bulldozes-the-bike-lane-plan", "id: linked"))
    (corpus.content / "items" / "linked.yaml").symlink_to(outside)
    assert "path-outside" in corpus.codes()


def test_missing_content_folder(tmp_path):
    digest, problems = load_content(tmp_path / "nope", tmp_path)
    assert problems[0].code == "content-missing"


def _careful_data(text):
    return yamlio._careful(text, "x.yaml").data


QUICK_CASES = [
    "a: 1\nb: [x, 'y', \"z\"]\nc:\n  d: NO\n  e: 1.10\n  f: 2011-04-18\n  g: ~\n  h: true\n",
    "- one\n- {k: v, n: -3}\n- |\n  block\n  text\n- >\n  folded\n  text\n",
    "",
    "---\nplain: doc\n...\n",
    "1: int key\ntrue: bool key\n",
    "k: \"tab\\tand unicode \\u00e9\"\n",
    "? complex\n: value\n",
]
REFUSED_CASES = ["a: &x 1\nb: *x\n", "a: !!python/object {}\n", "a: 1\na: 2\n", "---\na: 1\n---\nb: 2\n",
                 "[a]: 1\n", "a: \"bell \\x07\"\n", "a: [\n", "a: !custom x\n",
                 "".join("[" for _ in range(50)) + "".join("]" for _ in range(50))]


@pytest.mark.parametrize("text", QUICK_CASES)
def test_quick_reader_gives_the_careful_readers_data(text):
    doc = yamlio.parse(text, "x.yaml")
    assert doc.data == _careful_data(text)
    assert type(doc.data) is type(_careful_data(text))


@pytest.mark.parametrize("text", REFUSED_CASES)
def test_what_the_quick_reader_declines_is_refused_by_the_careful_one(text):
    with pytest.raises(yamlio.YamlProblem) as quick:
        yamlio.parse(text, "x.yaml")
    with pytest.raises(yamlio.YamlProblem) as careful:
        yamlio._careful(text, "x.yaml")
    assert (quick.value.code, quick.value.line) == (careful.value.code, careful.value.line)


def test_lines_are_found_on_demand_after_a_quick_read():
    doc = yamlio.parse("a: 1\nb:\n  c: [x, y]\n", "x.yaml")
    assert doc.lines is None  # the quick reader notes no lines
    assert doc.line(("b", "c", 1)) == 3
    assert doc.without_data().line(("b",)) == 2


def test_bundled_content_reads_the_same_both_ways():
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "content"
    files = sorted(root.rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert yamlio.parse(text, str(path)).data == _careful_data(text), path


