"""The neutrality matcher: finds lexicon terms in text and decides whether each is attributed.

A term in the digest's own voice is acceptable only inside a quotation whose sentence names
who said it. This module knows words, quotes and sentences; it knows nothing of records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

_WORD_START, _WORD_END = r"(?<!\w)(?:", r")(?!\w)"
_INFLECT = r"(?:s|es|ed|ing|'s|’s)?"
ATTRIBUTION = re.compile(
    r"\b(said|say|says|saying|stated|states|called|call|calls|calling|described|describes|"
    r"describing|termed|terms|labell?ed|labels|branded|brands|wrote|writes|written|told|tells|"
    r"according to|accused|accuses|alleged|alleges|claimed|claims|argued|argues|referred|"
    r"refers|dubbed|dubs|named|denounced|condemned|quoted|quoting|headline|headlined|reported|"
    r"reports|used|uses|using|in the words of|characteri[sz]ed|insisted|added|asserted|"
    r"declared|announced|warned|charged|spoke|speaks|titled|entitled|urged|demanded|asked|"
    r"quotes|cited|cites|mentioned|calling)\b",
    re.IGNORECASE,
)
_QUOTES = re.compile(r'"[^"\n]*"|“[^”]*”|«[^»]*»|(?<!\w)‘[^’]*’(?!\w)')
_LINK_TARGET = re.compile(r"\]\([^)]*\)|<https?://[^>]*>|https?://\S+")
_BOUNDARY = re.compile(r"[.!?](?:[\"”’»)]*)\s+|\n\s*\n")


def form_regex(form: str) -> str:
    form = form.strip()
    parts = [re.escape(p) for p in form.split("*")]
    body = r"\w*".join(parts)
    return re.sub(r"(\\ )+", r"\\s+", body)


@dataclass(frozen=True)
class Term:
    term: str
    language: str
    used_by: str
    regex: re.Pattern


def compile_term(term: str, pattern: str = "", language: str = "en", used_by: str = "") -> Term:
    """Compile one lexicon entry; raises ValueError for an unusable pattern."""
    if pattern.strip():
        forms = [f for f in pattern.split("|") if f.strip()]
        alternatives = [form_regex(f) for f in forms]
    else:
        alternatives = [form_regex(term) + (_INFLECT if language == "en" else "")]
    if not alternatives or any(a in ("", r"\w*") for a in alternatives):
        raise ValueError("the pattern matches everything; give word forms such as 'terroris*'")
    regex = re.compile(_WORD_START + "|".join(alternatives) + _WORD_END, re.IGNORECASE)
    return Term(term, language, used_by, regex)


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int
    text: str
    attributed: bool


@lru_cache(maxsize=16)
def _union(patterns: tuple[str, ...]) -> re.Pattern | None:
    """One pattern that matches wherever any of ``patterns`` does (None if they cannot be joined).

    The word boundaries are written once around all the words: the regex engine then tries the
    words only where a word starts, which makes one pass about as quick as one term's."""
    if all(p.startswith(_WORD_START) and p.endswith(_WORD_END) for p in patterns):
        inner = "|".join(p[len(_WORD_START):-len(_WORD_END)] for p in patterns)
        source = _WORD_START + inner + _WORD_END
    else:
        source = "|".join(f"(?:{p})" for p in patterns)
    try:
        return re.compile(source, re.IGNORECASE)
    except re.error:
        return None


def _spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


def _mask(text: str) -> str:
    """Blank out link targets so that URLs (which often carry loaded slugs) are not read as prose."""
    return _LINK_TARGET.sub(lambda m: " " * len(m.group()), text)


def find(terms: list[Term], text: str) -> list[Hit]:
    """Every lexicon term in ``text``, with whether it stands in an attributed quotation."""
    if not text or not terms:
        return []
    prose = _mask(text)
    union = _union(tuple(t.regex.pattern for t in terms))
    if union is not None and not union.search(prose):
        return []  # the usual case: one pass over the text instead of one per term
    hits = []
    quotes = None
    for term in terms:
        for m in term.regex.finditer(prose):
            if quotes is None:
                quotes = _spans(_QUOTES, prose)
            quoted = any(a <= m.start() and m.end() <= b for a, b in quotes)
            attributed = quoted and _attributed(prose, m.start(), quotes)
            hits.append(Hit(term, m.start(), m.end(), m.group(), attributed))
    return sorted(hits, key=lambda h: (h.start, h.term.term))


def _attributed(prose: str, at: int, quotes: list[tuple[int, int]]) -> bool:
    start, end = sentence_bounds(prose, at, quotes)
    sentence = prose[start:end]
    # The cue must stand outside the quotation itself: "They are 'terrorists', he said."
    outside = list(sentence)
    for a, b in quotes:
        for i in range(max(a, start), min(b, end)):
            outside[i - start] = " "
    return bool(ATTRIBUTION.search("".join(outside)))


def sentence_bounds(prose: str, at: int, quotes: list[tuple[int, int]]) -> tuple[int, int]:
    """The sentence around offset ``at``; full stops inside quotations do not end it."""
    def in_quote(i: int) -> bool:
        return any(a <= i < b for a, b in quotes)

    start, end = 0, len(prose)
    for m in _BOUNDARY.finditer(prose):
        if in_quote(m.start()):
            continue
        if m.end() <= at:
            start = m.end()
        elif m.start() >= at:
            end = m.start() + 1
            break
    return start, end
