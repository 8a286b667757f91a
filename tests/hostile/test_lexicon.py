"""The lexicon: its size is bounded (entries, forms, pattern and term length, exceptions) with
clear errors naming the line, and matching stays near-linear in the text whatever it holds."""

from __future__ import annotations

import re

import pytest

from generator import lexicon as lex
from generator.models import MAX_FORMS, MAX_LEXICON

from conftest import PARALLAX, run_bounded


def _lexicon(corpus, entries):
    corpus.write("lexicon.yaml", entries)


def _problems(corpus):
    """The lexicon's problems, less the warning that it is empty (it is, once its one entry is
    refused)."""
    return [p for p in corpus.problems()
            if p.path.endswith("lexicon.yaml") and p.code != "registry-empty"]


def test_too_many_entries_are_refused_with_the_line(corpus):
    _lexicon(corpus, [{"term": f"word{i}", "used_by": "x"} for i in range(MAX_LEXICON + 1)])
    problems = _problems(corpus)
    assert problems and problems[0].code == "lexicon-size"
    starts = [n for n, line in enumerate(corpus.item_path().parent.parent.joinpath(
        "lexicon.yaml").read_text().split("\n"), 1) if line.startswith("- ")]
    assert problems[0].line == starts[MAX_LEXICON]  # the first entry over the limit


def test_too_many_forms_are_refused(corpus):
    pattern = "|".join(f"form{i}*" for i in range(MAX_FORMS + 1))
    _lexicon(corpus, [{"term": "t", "pattern": pattern[:300]}] if len(pattern) <= 300 else
             [{"term": "t", "pattern": "|".join(f"f{i}" for i in range(MAX_FORMS + 1))}])
    problems = _problems(corpus)
    assert any(p.severity == "error" and "forms" in p.message for p in problems), \
        [str(p) for p in problems]


@pytest.mark.parametrize("field,value", [("pattern", "a" * 301), ("term", "a" * 201),
                                         ("exceptions", ["x"] * 51)],
                         ids=["pattern", "term", "exceptions"])
def test_long_fields_are_refused(corpus, field, value):
    _lexicon(corpus, [{"term": "t", field: value}])
    problems = _problems(corpus)
    assert problems and problems[0].code == "schema" and field in problems[0].message


def _hostile_lexicon(n):
    # Leading wildcards (no screen can anticipate them) and forms that nearly match everywhere.
    return [{"term": f"term{i}", "pattern": f"*ab{i}x|*{i}zz|ab{i}*|*q{i}", "used_by": "x",
             "exceptions": [f"*ab{i}x fixed"]} for i in range(n)]


def test_a_hostile_lexicon_and_long_fields_are_checked_in_bounded_time(corpus):
    _lexicon(corpus, _hostile_lexicon(MAX_LEXICON))
    words = " ".join(f"ab{i}y{'b' * 40}" for i in range(2500))
    def fill(d):
        d.update(summary=words[:49_000], context=words[:49_000], neutral_title=words[:19_000])
        for pv in d["perspectives"]:
            pv["position"] = words[:49_000]

    corpus.edit_item(fill)
    result = run_bounded([*PARALLAX, "check", "--content", "content"], cwd=corpus.root,
                         timeout=45)
    assert "Traceback" not in result.stderr


TEXTS = [
    "The terrorists said nothing. \"They are terrorists,\" the minister said.",
    "A regime's puppet, the Puppets and a puppeteer; un-puppet-like.",
    "Bulldozed bulldozing BULLDOZE bulldozers’s terror group terror  groups",
    "isms: racism, fascism and a schism; realist, idealists.",
    "Straße STRASSE straße İstanbul istanbul ﬁne fine",
    "x" * 500 + " racism " + "y" * 500,
    "",
]
PATTERNS = [("terrorist", ""), ("puppet", "puppet*"), ("bulldoze", "bulldoz*|terror group*"),
            ("ism", "*ism"), ("ist", "*ist|*ists"), ("straße", ""), ("istanbul", ""),
            ("fine", "ﬁne"), ("al-qaeda", "al-qaeda|'x"), ("s", "s*s")]


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_matching_finds_what_each_term_alone_finds(text):
    terms = lex.compile_lexicon(_entry(t, p) for t, p in PATTERNS)
    found = sorted((h.start, h.end, h.term.term) for h in lex.find(terms, text))
    naive = sorted((m.start(), m.end(), t.term) for t in terms
                   for m in t.regex.finditer(lex._mask(text)))
    assert found == naive


def test_one_lexicon_over_many_texts_finds_what_each_term_alone_finds():
    """A lexicon remembers which terms may start at each word it has met (a digest's words
    repeat); over many texts, in any order and again, it finds what each term alone finds."""
    terms = lex.compile_lexicon(_entry(t, p) for t, p in PATTERNS)
    for text in TEXTS + TEXTS[::-1] + [" ".join(TEXTS)]:
        found = sorted((h.start, h.end, h.term.term) for h in lex.find(terms, text))
        naive = sorted((m.start(), m.end(), t.term) for t in terms
                       for m in t.regex.finditer(lex._mask(text)))
        assert found == naive, text
    assert "terrorists" in terms.known and "İstanbul" in terms.known


def _entry(term, pattern):
    from generator.models import LexiconEntry

    return LexiconEntry(term=term, pattern=pattern)


def test_matching_tries_only_terms_that_can_start_at_a_word(monkeypatch):
    """Work grows with the text, not with text times terms: a term whose anchor is in no word
    is never tried, however many terms there are."""
    terms = lex.compile_lexicon(_entry(f"t{i}", f"*ab{i}x|ab{i}*") for i in range(1000))
    tried = []
    real = lex._try
    monkeypatch.setattr(lex, "_try", lambda term, *a: tried.append(term) or real(term, *a))
    text = " ".join(["plain words only"] * 5000 + ["ab7zzz"])
    hits = lex.find(terms, text)
    assert [h.text for h in hits] == ["ab7zzz"]
    assert len(tried) <= 3
