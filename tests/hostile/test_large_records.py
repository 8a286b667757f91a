"""Large records: one record cannot grow the build without bound. Lists per record are bounded
with clear errors naming the line, and one party has at most one perspective on an item."""

from __future__ import annotations

import pytest

from generator import models


def _problems(corpus, code=None):
    return [p for p in corpus.problems() if code is None or p.code == code]


@pytest.mark.parametrize("field,limit", [("perspectives", models.MAX_PERSPECTIVES),
                                         ("provenance", models.MAX_LINKS),
                                         ("questions", models.MAX_QUESTIONS),
                                         ("speakers", models.MAX_LIST),
                                         ("framing", models.MAX_LIST),
                                         ("related", models.MAX_LIST),
                                         ("about", models.MAX_LIST),
                                         ("corrections", models.MAX_LIST)])
def test_long_lists_in_a_record_are_refused(corpus, field, limit):
    def grow(d):
        first = d[field][0] if d.get(field) else {"date": "2024-01-01", "note": "x"}
        d[field] = [first] * (limit + 1)

    path = corpus.edit_item(grow)
    problems = [p for p in _problems(corpus, "schema") if p.message.startswith(f"{field}:")]
    assert problems, [str(p) for p in _problems(corpus)][:5]
    assert f"at most {limit}" in problems[0].message
    assert problems[0].path.endswith(path.name) and problems[0].line > 1


def test_sources_of_one_perspective_are_bounded(corpus):
    def grow(d):
        d["perspectives"][0]["sources"] = d["perspectives"][0]["sources"][:1] * (
            models.MAX_SOURCES + 1)

    corpus.edit_item(grow)
    assert any(p.message.startswith("perspectives.0.sources:") for p in _problems(corpus, "schema"))


def test_one_party_has_one_perspective_per_item(corpus):
    path = corpus.edit_item(lambda d: d["perspectives"].append(dict(d["perspectives"][0])))
    problems = _problems(corpus, "duplicate-perspective")
    assert len(problems) == 1 and problems[0].severity == "error"
    lines = path.read_text().split("\n")
    assert problems[0].line > lines.index("perspectives:") + 1
    assert "already" in problems[0].message
