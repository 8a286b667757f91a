"""Dates: one rule for every date field of every record and registry: YYYY, YYYY-MM or
YYYY-MM-DD in the ASCII digits 0-9, and a real calendar date."""

from __future__ import annotations

import pytest

ARABIC_INDIC = "١٩٦٥-٠٢-٠٣"
EXTENDED = "۱۹۶۵-۰۲-۰۳"
BAD = {"february-30": "1965-02-30", "arabic-indic": ARABIC_INDIC,
       "extended-arabic-indic": EXTENDED, "fullwidth": "１９６５", "month-13": "2024-13",
       "not-leap": "2023-02-29"}


def _bad_date_problems(corpus, path_end):
    return [p for p in corpus.problems()
            if p.path.endswith(path_end) and p.code in ("schema", "date")]


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
def test_timeline_dates_follow_the_rule(corpus, value):
    events = corpus.read("timeline.yaml")
    events[1]["date"] = value
    path = corpus.write("timeline.yaml", events)
    problems = _bad_date_problems(corpus, "timeline.yaml")
    assert problems, "accepted"
    line = path.read_text().split("\n").index(f'- date: "{value}"') + 1
    assert problems[0].line == line and problems[0].code == "schema"


@pytest.mark.parametrize("value", BAD.values(), ids=BAD.keys())
@pytest.mark.parametrize("where", ["correction", "source", "accessed", "item-date", "role",
                                   "provenance"])
def test_every_date_field_follows_the_rule(corpus, value, where):
    def edit(d):
        if where == "correction":
            d["corrections"] = [{"date": value, "note": "Fixed a name."}]
        elif where == "source":
            d["perspectives"][0]["sources"][0]["date"] = value
        elif where == "accessed":
            d["perspectives"][0]["sources"][0]["accessed"] = value
        elif where == "item-date":
            d["date"]["value"] = value
        elif where == "provenance":
            d["provenance"][1]["date"] = value

    if where == "role":
        actors = corpus.read("actors.yaml")
        actors[0]["roles"] = [{"title": "Mayor", "from": value}]
        corpus.write("actors.yaml", actors)
        problems = _bad_date_problems(corpus, "actors.yaml")
    else:
        corpus.edit_item(edit)
        problems = _bad_date_problems(corpus, ".yaml")
    assert problems and all(p.code == "schema" for p in problems), [str(p) for p in problems]
    assert not any("future" in p.message for p in problems)
    if not value.isascii():
        assert any("0-9" in p.message for p in problems), [str(p) for p in problems]


def test_good_dates_pass(corpus):
    events = corpus.read("timeline.yaml")
    events[1]["date"] = "2024-02-29"
    corpus.write("timeline.yaml", events)
    assert not _bad_date_problems(corpus, "timeline.yaml")
