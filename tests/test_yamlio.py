"""Stage: load (YAML). The quick reader and the exact one agree, and both stay safe."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import yamlio


def exact(text: str) -> yamlio.Document:
    return yamlio._build(yamlio._events(text), "f.yaml", text=text)


@pytest.mark.parametrize("text, code", [
    ("a: &x 1\nb: 2\n", "yaml-anchor"),
    ("a: &x [1]\nb: *x\n", "yaml-anchor"),
    ("a: !!python/object:os.system 1\n", "yaml-tag"),
    ("a: !!timestamp 2011-04-18\n", "yaml-tag"),
    ("a: 1\na: 2\n", "yaml-duplicate-key"),
    ("? [a]\n: 1\n", "yaml-key"),
    ("a: 1\n---\nb: 2\n", "yaml-documents"),
    ("[" * 60 + "]" * 60, "yaml-depth"),
    ("a: [1, 2\n", "yaml-syntax"),
])
def test_unsafe_or_malformed_is_refused_with_its_code(text, code):
    with pytest.raises(yamlio.YamlProblem) as exc:
        yamlio.parse(text, "f.yaml")
    assert exc.value.code == code


def test_billion_laughs_is_refused_before_expansion():
    text = 'a: &a ["x","x"]\nb: &b [*a,*a]\nc: &c [*b,*b]\nd: [*c,*c]\n'
    with pytest.raises(yamlio.YamlProblem):
        yamlio.parse(text, "f.yaml")


def test_values_are_never_coerced():
    doc = yamlio.parse('a: NO\nb: 2011-04-18\nc: 1.10\nd: 12\ne: true\nf: ~\ng: "12"\n', "f.yaml")
    assert doc.data == {"a": "NO", "b": "2011-04-18", "c": "1.10", "d": 12, "e": True,
                        "f": None, "g": "12"}


def test_lines_are_found_on_demand_and_agree_with_the_exact_reader():
    text = "id: x\nstatus: draft\nlist:\n- a: 1\n  b: |\n    two\n    lines\n- c: 3\n"
    quick = yamlio.parse(text, "f.yaml")
    assert "lines" not in quick.__dict__  # not read until a problem asks
    assert quick.line(("status",)) == 2
    assert quick.line(("list", 1, "c")) == 8
    assert quick.line(("list", 0, "nope")) == 4  # the nearest located parent
    assert quick.lines == exact(text).lines


def test_released_data_is_read_again():
    doc = yamlio.parse("a: [1, 2]\n", "f.yaml")
    doc.release()
    assert "data" not in doc.__dict__
    assert doc.data == {"a": [1, 2]}


scalars = st.one_of(st.sampled_from(["NO", "yes", "1.10", "007", "12", "-3", "~", "null", "true",
                                     "2011-04-18", "a b", "x: y", "- z", "#c", "'q'", '"d"', ""]),
                    st.text(max_size=12))
trees = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=4)),
    max_leaves=20)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(trees)
def test_quick_and_exact_readers_agree(tree):
    text = yamlio.dump(tree)
    quick = yamlio.parse(text, "f.yaml")
    full = exact(text)
    assert quick.data == full.data
    assert quick.lines == full.lines
