"""Work on two cores gives what work on one gives, and a failing child changes nothing."""

from __future__ import annotations

import pytest

from generator import fork, load, render
from generator.check import run_checks
from generator.pipeline import generate
from generator.synthetic import write_content


def test_both_returns_both_results():
    assert fork.both(lambda: 1, lambda: ("two", [3])) == (1, ("two", [3]))
    assert fork.in_child(lambda: {"a": [1, 2]}) == {"a": [1, 2]}
    long = (list(range(3000)), [("x", str(i)) for i in range(1500)], None, 7)
    assert fork.in_child(lambda: long) == long


def test_a_failing_child_is_redone_here_where_the_error_shows():
    def boom():
        raise ValueError("from the work")
    with pytest.raises(ValueError, match="from the work"):
        fork.in_child(boom)
    with pytest.raises(ValueError, match="from the work"):
        fork.both(lambda: 1, boom)


def test_parallel_and_serial_stages_agree(tmp_path, monkeypatch):
    write_content(tmp_path, 30)
    content = tmp_path / "content"
    monkeypatch.setattr(load, "PARALLEL_FROM", 10)
    digest, problems = load.load_content(content, tmp_path)
    pages = render.render_site(digest)
    generated = generate(content, tmp_path)
    written = generate(content, tmp_path, tmp_path / "pages")
    monkeypatch.setattr(load, "PARALLEL_FROM", 10**9)
    serial, serial_problems = load.load_content(content, tmp_path)
    assert [e.value for e in digest.items] == [e.value for e in serial.items]
    assert render.render_site(serial) == pages
    assert [p.path for p in pages] == generated.pages == written.pages
    assert [p.text for p in pages] == generated.texts
    for page in pages:
        assert (tmp_path / "pages" / page.path).read_text(encoding="utf-8") == page.text
    assert run_checks(serial, serial_problems) == generated.problems
