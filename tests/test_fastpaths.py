"""The generator's fast paths give exactly what the plain paths give, on generated input."""

from __future__ import annotations

import posixpath
from urllib.parse import urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import lexicon as lex
from generator.check import url_problem
from generator.quickmd import paragraphs_html
from generator.render import LINK_REL, _relpath, full_markdown_html, markdown_html

SETTINGS = settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))

# --- record Markdown --------------------------------------------------------------------------

atoms = st.sampled_from([
    "a", "b", " ", "  ", "*", "**", "[", "]", "(", ")", "\n", "\n\n", "_", "https://x.y/z",
    "http://a.b", ":", "/", ".", "1", "1.", "-", "#", ">", "é", "!", "\t", "'", '"', "word", "=",
    "+", "~", "`", "&", "<", "\u00a0", "\r", "x_y", "{", "}", "|", "\\"])
noise = st.lists(atoms, max_size=25).map("".join)
words = st.sampled_from(["alpha", "beta", "(gamma)", "delta-x", "2011", "it's", '"q"', "é",
                         "1.5", "a\u00a0b", "50%"])
phrase = st.lists(words, min_size=1, max_size=4).map(" ".join)
urls = st.sampled_from(["https://a.b/c", "http://x.org/p?q=1#f", "https://u.v/w_x(y)",
                        "https://a.b/%20c;d=e,f@g$h~i+j", "HTTPS://A.B/C", "https://a.b/c&d"])
token = st.one_of(phrase, phrase.map(lambda s: f"*{s}*"), phrase.map(lambda s: f"**{s}**"),
                  st.tuples(phrase, urls).map(lambda t: f"[{t[0]}]({t[1]})"))
prose = st.lists(st.tuples(token, st.sampled_from([" ", "", "\n", "\n\n", ", ", ". "])),
                 max_size=8).map(lambda xs: "".join(a + b for a, b in xs))


@SETTINGS
@given(st.one_of(noise, prose, st.tuples(prose, noise, prose).map("".join)))
def test_quick_markdown_equals_python_markdown_and_the_sanitiser(text):
    quick = paragraphs_html(text, LINK_REL)
    if quick is not None:
        assert quick == full_markdown_html(text)
    assert markdown_html(text) == full_markdown_html(text)


def test_plain_prose_takes_the_quick_path():
    text = "The *timetable* was set out in [a statement](https://a.example.org/s).\n\nMore."
    assert paragraphs_html(text, LINK_REL) is not None


# --- URLs -------------------------------------------------------------------------------------

def reference_url_problem(url: str) -> str | None:
    if any(c.isspace() for c in url) or any(ord(c) < 32 for c in url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a well-formed URL"
    if parts.scheme not in ("http", "https"):
        return "is not an http or https URL"
    if not parts.netloc or not parts.hostname or "." not in parts.hostname:
        return "has no host name"
    return None


url_parts = st.sampled_from(["http", "https", "HTTP", "ftp", "://", ":", "/", "//", "a", "b.c",
                             ".", "-", "[", "]", ":80", ":x", "?", "#", " ", "\x00", "\u2028",
                             "é", "@", "%2", "..", "\\", "\x7f"])


@SETTINGS
@given(st.one_of(st.lists(url_parts, max_size=12).map("".join),
                 st.tuples(st.sampled_from(["http://", "https://"]), st.text(max_size=20)).map("".join)))
def test_url_problem_fast_path_agrees_with_the_rules(url):
    assert url_problem(url) == reference_url_problem(url)


# --- the neutrality matcher -------------------------------------------------------------------

forms = st.sampled_from(["terroris*|terror group*", "regime", "cult*", "*ist", "a b", "pro*ganda",
                         "İstanbul", "straße", "K"])
texts = st.lists(st.sampled_from(["the", "terrorist", "Terror  group", "regimes", "cults", "fascist",
                                  "a b", "A\nB", "propaganda", "istanbul", "STRASSE", "k", "\u212a",
                                  '"', "said", ".", " ", "ı"]), max_size=12).map(" ".join)


@SETTINGS
@given(st.lists(forms, min_size=1, max_size=4, unique=True), texts)
def test_the_joined_pattern_finds_what_the_terms_find(patterns, text):
    terms = [lex.compile_term(p.split("|")[0].strip("*"), p) for p in patterns]
    one_by_one = [m.span() for t in terms for m in t.regex.finditer(text)]
    hits = lex.find(terms, text)
    assert sorted((h.start, h.end) for h in hits) == sorted(one_by_one)


# --- links between pages ----------------------------------------------------------------------

segments = st.lists(st.sampled_from(["a", "b", "items", "x", ".", ""]), max_size=4).map("/".join)


@SETTINGS
@given(segments, segments)
def test_relpath_agrees_with_posixpath(path, start):
    path, start = path or ".", start or "."
    assert _relpath(path, start) == posixpath.relpath(path, start)
