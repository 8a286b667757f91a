"""The neutrality matcher: finds lexicon terms in text and decides whether each is attributed.

A term in the digest's own voice is acceptable only inside a quotation whose sentence names
who said it. This module knows words, quotes and sentences; it knows nothing of records.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

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
    # The word characters every match starts with, one per word form ("" when a form starts
    # with a wildcard or a non-word character, which no screen can anticipate).
    starts: tuple[str, ...] = ()


class Lexicon(list):
    """Compiled terms, with one screening pattern: a text in which no word starts the way some
    term starts cannot hold any term, and ``find`` answers it without trying each term."""

    def __init__(self, terms=()):
        super().__init__(terms)
        starts = {s for t in self for s in t.starts}
        self.screen = None
        if self and "" not in starts and all(t.starts for t in self):
            alternatives = sorted(map(re.escape, starts), key=len, reverse=True)
            self.screen = re.compile(r"\b(?:" + "|".join(alternatives) + ")", re.IGNORECASE)


def compile_term(term: str, pattern: str = "", language: str = "en", used_by: str = "",
                 exceptions=()) -> Term:
    """Compile one lexicon entry; raises ValueError for an unusable pattern."""
    if pattern.strip():
        forms = [f for f in pattern.split("|") if f.strip()]
        alternatives = [form_regex(f) for f in forms]
    else:
        alternatives = [form_regex(term) + (_INFLECT if language == "en" else "")]
    if not alternatives or any(a in ("", r"\w*") for a in alternatives):
        raise ValueError("the pattern matches everything; give word forms such as 'terroris*'")
    regex = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)
    allowed = [form_regex(e) for e in exceptions if e.strip()]
    excepted = (re.compile(r"(?<!\w)(?:" + "|".join(allowed) + r")(?!\w)", re.IGNORECASE)
                if allowed else None)
    starts = tuple(re.match(r"\w*", f.strip().split("*")[0]).group()
                   for f in (forms if pattern.strip() else [term]))
    return Term(term, language, used_by, regex, excepted, starts)


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


def find(terms: list[Term], text: str) -> list[Hit]:
    """Every lexicon term in ``text``, with whether it stands in an attributed quotation."""
    if not text or not terms:
        return []
    screen = getattr(terms, "screen", None)
    if screen is not None and not screen.search(text):
        return []  # masking only blanks text out, so an unmasked miss is a masked miss
    prose = _mask(text)
    hits = []
    quotes = sentences = None
    verdicts: dict[tuple[int, int], bool] = {}  # sentence -> attributed, computed once each
    for term in terms:
        spared = None
        for m in term.regex.finditer(prose):
            if term.exceptions is not None:
                spared = spared or _Spans(_spans(term.exceptions, prose))
                if spared.covers(m.start(), m.end()):
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
