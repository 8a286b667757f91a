"""The neutrality matcher: finds lexicon terms in text and decides whether each is attributed.

A term in the digest's own voice is acceptable only inside a quotation whose sentence names
who said it. This module knows words, quotes and sentences; it knows nothing of records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

try:  # the regular expression engine's own case folding, so that anchors agree with it
    from _sre import unicode_tolower as _tolower
except ImportError:  # pragma: no cover - other Pythons
    def _tolower(cp: int) -> int:
        low = chr(cp).lower()
        return ord(low) if len(low) == 1 else cp
try:
    from re._casefix import _EXTRA_CASES
except ImportError:  # pragma: no cover
    _EXTRA_CASES = {}

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
# A quotation cannot contain its own opening mark: each attempt then stops at the next mark,
# which keeps the scan linear on text made of unclosed quotation marks.
_QUOTES = re.compile(r'"[^"\n]*"|“[^“”]*”|«[^«»]*»|(?<!\w)‘[^‘’]*’(?!\w)|(?<!\w)\'[^\'\n]*\'(?!\w)')
_LINK_TARGET = re.compile(r"\]\([^()\[\]]*\)|<https?://[^<>]*>|https?://\S+")
_BOUNDARY = re.compile(r"[.!?](?:[\"”’»)]*)\s+|\n\s*\n")


def form_regex(form: str) -> str:
    """The regular expression for one word form; raises ValueError for two '*' in one word."""
    form = form.strip()
    # Two wildcards in one word ('a*a*b') backtrack exponentially on a long word: refuse them.
    if any(word.count("*") > 1 for word in form.split()):
        raise ValueError(f"{form[:60]!r} has two '*' in one word; use one per word")
    parts = [re.escape(p) for p in form.split("*")]
    body = r"\w*".join(parts)
    return re.sub(r"(\\ )+", r"\\s+", body)


@dataclass(frozen=True)
class Term:
    term: str
    language: str
    used_by: str
    regex: re.Pattern
    exceptions: re.Pattern | None = None
    # What the first word of a match must be, one per word form: (kind, word) with kind
    # "exact", "prefix" or "suffix" (the word as folded by ``fold``), or ("any", "") for a
    # form that starts with neither a letter nor a wildcard.
    anchors: tuple[tuple[str, str], ...] = field(default_factory=tuple)


_WORD = re.compile(r"\w+")
_RUN = re.compile(r"\w*")


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    low = _tolower(ord(char))
    return chr(min((low, *_EXTRA_CASES.get(low, ()))))


def fold(word: str) -> str:
    """``word`` case-folded one character at a time, as the regular expression engine compares
    characters under IGNORECASE (so a folded anchor equals a folded word exactly when the
    engine would match them)."""
    return word.lower() if word.isascii() else "".join(map(_fold_char, word))


def _anchor(form: str, inflected: bool) -> tuple[str, str]:
    """What the first word of a match of ``form`` must be (see ``Term.anchors``)."""
    first = form.strip().split()[0] if form.strip() else ""
    if first.startswith("*"):
        run = _RUN.match(first, 1).group()
        return ("suffix", fold(run)) if run else ("any", "")
    run = _RUN.match(first).group()
    if not run:
        return ("any", "")
    rest = first[len(run):]
    if rest.startswith("*") or (not rest and inflected and len(form.split()) == 1):
        return ("prefix", fold(run))
    return ("exact", fold(run))


class Lexicon(list):
    """Compiled terms, indexed by the first word of their matches: ``find`` reads the words of
    a text once and tries a term only where a word can start one of its matches, so the work
    grows with the text and the hits, not with the text times the lexicon."""

    def __init__(self, terms=()):
        super().__init__(terms)
        self.exact: dict[str, list[int]] = {}
        self.prefix: dict[str, list[int]] = {}
        self.suffix: dict[str, list[int]] = {}
        self.always: list[int] = []
        for n, term in enumerate(self):
            for kind, word in term.anchors or (("any", ""),):
                if kind == "any":
                    self.always.append(n)
                else:
                    getattr(self, kind).setdefault(word, []).append(n)
        self.prefix_lengths = sorted({len(w) for w in self.prefix})
        self.suffix_lengths = sorted({len(w) for w in self.suffix})
        # word as written -> the terms that may start at it: a text's words repeat, within a
        # text and across a digest, and each is looked up once while this lexicon lives
        self.known: dict[str, tuple[int, ...]] = {}

    def starting_at(self, word: str) -> tuple[int, ...]:
        """The numbers of the terms that may match from ``word`` on (in order, no repeats)."""
        numbers = self.known.get(word)
        if numbers is None:
            folded = fold(word)
            found = list(self.exact.get(folded, ()))
            for n in self.prefix_lengths:
                if n > len(folded):
                    break
                found += self.prefix.get(folded[:n], ())
            for n in self.suffix_lengths:
                if n > len(folded):
                    break
                found += self.suffix.get(folded[-n:], ())
            numbers = self.known[word] = tuple(dict.fromkeys(found))
        return numbers


def compile_term(term: str, pattern: str = "", language: str = "en", used_by: str = "",
                 exceptions=()) -> Term:
    """Compile one lexicon entry; raises ValueError for an unusable pattern."""
    if pattern.strip():
        forms = [f for f in pattern.split("|") if f.strip()]
        alternatives = [form_regex(f) for f in forms]
        anchors = tuple(_anchor(f, False) for f in forms)
    else:
        alternatives = [form_regex(term) + (_INFLECT if language == "en" else "")]
        anchors = (_anchor(term, language == "en"),)
    if not alternatives or any(a in ("", r"\w*") for a in alternatives):
        raise ValueError("the pattern matches everything; give word forms such as 'terroris*'")
    regex = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
    allowed = [form_regex(e) for e in exceptions if e.strip()]
    excepted = (re.compile(r"(?<!\w)(?:" + "|".join(allowed) + r")(?!\w)", re.IGNORECASE)
                if allowed else None)
    return Term(term, language, used_by, regex, excepted, tuple(dict.fromkeys(anchors)))


def compile_lexicon(entries) -> Lexicon:
    """Every usable lexicon entry compiled; an unusable pattern is left out here (the
    `lexicon-pattern` check reports it)."""
    terms = []
    for entry in entries:
        try:
            terms.append(compile_term(entry.term, entry.pattern, entry.language, entry.used_by,
                                      entry.exceptions))
        except (ValueError, re.error):
            continue
    return Lexicon(terms)


@dataclass(frozen=True)
class Hit:
    term: Term
    start: int
    end: int
    text: str
    attributed: bool


def _spans(regex: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in regex.finditer(text)]


class _Spans:
    """Sorted, non-overlapping spans (as ``finditer`` gives them), searched by bisection."""

    def __init__(self, spans: list[tuple[int, int]]):
        self.spans = spans
        self.starts = [a for a, _ in spans]

    def covers(self, start: int, end: int) -> bool:
        """True when one span holds the whole of [start, end)."""
        i = bisect_right(self.starts, start) - 1
        return i >= 0 and self.spans[i][1] >= end

    def holds(self, at: int) -> bool:
        """True when ``at`` is inside a span."""
        i = bisect_right(self.starts, at) - 1
        return i >= 0 and at < self.spans[i][1]

    def overlapping(self, start: int, end: int):
        i = max(bisect_right(self.starts, start) - 1, 0)
        while i < len(self.spans) and self.spans[i][0] < end:
            yield self.spans[i]
            i += 1


def _mask(text: str) -> str:
    """Blank out link targets so that URLs (which often carry loaded slugs) are not read as prose."""
    return _LINK_TARGET.sub(lambda m: " " * len(m.group()), text)


def _candidates(lexicon: Lexicon, prose: str) -> dict[int, list[int]]:
    """Term number -> the word starts where that term may match, in order (one pass over
    the words; each different word looked up once while the lexicon lives,
    ``Lexicon.starting_at``)."""
    found: dict[int, list[int]] = {}
    starting_at = lexicon.starting_at
    for m in _WORD.finditer(prose):
        numbers = starting_at(m.group())
        if numbers:
            at = m.start()
            for number in numbers:
                found.setdefault(number, []).append(at)
    return found


def _try(term: Term, prose: str, at: int):
    """The match of ``term`` starting at ``at``, or None (as ``finditer`` would find it)."""
    return term.regex.match(prose, at)


def _excepted(term: Term, prose: str, start: int, end: int) -> bool:
    """True when an exception phrase of ``term`` covers [start, end): it is looked for around
    the hit only (a phrase of a few hundred characters), never over the whole text."""
    lo = max(0, start - 400)
    hi = _RUN.match(prose, min(len(prose), end + 400)).end()  # never cut a word in two
    return any(m.start() <= start and m.end() >= end
               for m in term.exceptions.finditer(prose, lo, hi))


def find(terms: list[Term], text: str) -> list[Hit]:
    """Every lexicon term in ``text``, with whether it stands in an attributed quotation."""
    if not text or not terms:
        return []
    lexicon = terms if isinstance(terms, Lexicon) else Lexicon(terms)
    prose = _mask(text)
    places = _candidates(lexicon, prose)
    for number in lexicon.always:  # forms that start with a mark: the term's own scan
        places[number] = [m.start() for m in lexicon[number].regex.finditer(prose)]
    hits = []
    quotes = sentences = None
    verdicts: dict[tuple[int, int], bool] = {}  # sentence -> attributed, computed once each
    for number in sorted(places):
        term = lexicon[number]
        last = -1
        for at in places[number]:
            if at < last:
                continue  # inside the previous match, as finditer would skip it
            m = _try(term, prose, at)
            if m is None:
                continue
            last = m.end()
            if term.exceptions is not None and _excepted(term, prose, m.start(), m.end()):
                continue
            if quotes is None:
                quotes = _Spans(_spans(_QUOTES, prose))
                sentences = _Boundaries(prose, quotes)
            attributed = False
            if quotes.covers(m.start(), m.end()):
                bounds = sentences.around(m.start())
                if bounds not in verdicts:
                    verdicts[bounds] = _attributed(prose, bounds, quotes)
                attributed = verdicts[bounds]
            hits.append(Hit(term, m.start(), m.end(), m.group(), attributed))
    return sorted(hits, key=lambda h: (h.start, h.term.term))


def _attributed(prose: str, bounds: tuple[int, int], quotes: _Spans) -> bool:
    start, end = bounds
    # The cue must stand outside the quotation itself: "They are 'terrorists', he said."
    outside, pos = [], start
    for a, b in quotes.overlapping(start, end):
        a, b = max(a, start), min(b, end)
        if a > pos:
            outside.append(prose[pos:a])
        outside.append(" " * max(b - max(a, pos), 0))
        pos = max(pos, b)
    outside.append(prose[pos:end])
    return bool(ATTRIBUTION.search("".join(outside)))


class _Boundaries:
    """The sentence ends of a text (full stops inside quotations do not end a sentence)."""

    def __init__(self, prose: str, quotes: _Spans):
        self.length = len(prose)
        self.marks = [m.span() for m in _BOUNDARY.finditer(prose) if not quotes.holds(m.start())]
        self.ends = [b for _, b in self.marks]
        self.starts = [a for a, _ in self.marks]

    def around(self, at: int) -> tuple[int, int]:
        """The sentence around offset ``at``."""
        i = bisect_right(self.ends, at) - 1
        start = self.marks[i][1] if i >= 0 else 0
        j = bisect_left(self.starts, at)
        end = self.marks[j][0] + 1 if j < len(self.marks) else self.length
        return start, end
