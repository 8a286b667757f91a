"""Stage: render, the teacher kit's loaded words. The headline and the excerpt of an item cut into
plain runs and marked words, each numbered where it first appears, with the printed key's row
for each (the word, who uses it, a neutral wording): from the record's framing notes and the
digest's lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markupsafe import Markup, escape

from . import lexicon as lex
from .render import View, first_sentence
from .text import balanced_html


@dataclass(frozen=True)
class KeyTerm:
    """One loaded word of the excerpt as the printed key gives it."""

    number: int
    word: str  # as it stands in the excerpt (first occurrence)
    who: str  # who uses it, or what it signals
    neutral: str  # a neutral wording, where the record or lexicon gives one
    note: str  # the full note (the answer key prints it)


@dataclass(frozen=True)
class Marked:
    """The headline and the excerpt cut into plain runs and marked words: (text, key number or
    0); the key numbers the loaded words in reading order, the headline's first."""

    title_runs: tuple[tuple[str, int], ...]
    runs: tuple[tuple[str, int], ...]
    key: tuple[KeyTerm, ...]


_NEUTRAL = re.compile(r"\bNeutral (?:form|wording|equivalent|alternative|term)s?"
                      r"(?: in this digest)?:\s*(.+?)(?:\.(?=\s|$)|$)", re.IGNORECASE)


def neutral_wording(note: str) -> str:
    """The neutral wording a framing or lexicon note proposes ("Neutral wording: ..."), if any."""
    m = _NEUTRAL.search(note or "")
    return m.group(1).strip() if m else ""


@lru_cache(maxsize=8192)  # the cutting rules cut the same texts at every step
def words(text: str, cap: int) -> str:
    """``text`` cut to ``cap`` words, with an ellipsis when cut."""
    parts = (text or "").split()
    return " ".join(parts) if len(parts) <= cap else " ".join(parts[:cap]).rstrip(",;:") + " …"


def _loaded(view: View, item, text: str) -> list[tuple[int, int, str, str, str]]:
    """(start, end, term, who, note) of the loaded words in ``text``: the record's framing terms
    and the lexicon's words; overlaps keep the longer, earlier word."""
    folded = text.casefold()
    lexicon_notes = view.lexicon_notes
    found: list[tuple[int, int, str, str, str]] = []
    for f in item.framing:
        term = f.term.strip()
        if not term:
            continue
        start = folded.find(term.casefold())
        while start >= 0:
            found.append((start, start + len(term), term, _who_uses(view, term), f.note))
            start = folded.find(term.casefold(), start + len(term))
    for hit in lex.find(view.terms, text):
        entry = lexicon_notes.get(hit.term.term.casefold())
        found.append((hit.start, hit.end, hit.term.term, hit.term.used_by,
                      entry.note if entry else ""))
    chosen, last = [], -1
    for start, end, term, who, note in sorted(found, key=lambda n: (n[0], -(n[1] - n[0]))):
        if start >= last:
            chosen.append((start, end, term, who, note))
            last = end
    return chosen


def mark_excerpt(view: View, item) -> Marked:
    """The headline's and the excerpt's loaded words, each numbered where it first appears."""
    numbers: dict[str, int] = {}
    key: list[KeyTerm] = []

    def runs_of(text: str) -> tuple[tuple[str, int], ...]:
        runs: list[tuple[str, int]] = []
        pos = 0
        for start, end, term, who, note in _loaded(view, item, text):
            name = term.casefold()
            if name not in numbers:
                numbers[name] = len(numbers) + 1
                key.append(KeyTerm(numbers[name], text[start:end],
                                   who or first_sentence(note, 160), neutral_wording(note), note))
            runs.append((text[pos:start], 0))
            runs.append((text[start:end], numbers[name]))
            pos = end
        runs.append((text[pos:], 0))
        return tuple(r for r in runs if r[0])

    title = runs_of(item.title)
    return Marked(title, runs_of(item.seed.excerpt), tuple(key))


def _who_uses(view: View, term: str) -> str:
    """Who uses a framing term: the lexicon's or the glossary's word on it, where either has one."""
    for hit in lex.find(view.terms, term):
        if hit.term.used_by:
            return hit.term.used_by
    name = term.casefold()
    for g in view.glossary:
        if g.used_by and name in {v.casefold() for v in [g.term, *g.variants]}:
            return g.used_by
    return ""


def marked_html(marked: Marked, numbered: bool = True, limit: int | None = None,
                title: bool = False) -> Markup:
    """The excerpt (or the headline) as escaped paragraphs; loaded words marked and numbered
    (or left plain); cut at a word after ``limit`` characters."""
    out, count = [], 0
    for text, number in (marked.title_runs if title else marked.runs):
        if limit is not None and count + len(text) > limit:
            text = text[: max(limit - count, 0)]
            cut = text.rsplit(" ", 1)[0] if " " in text else text
            out.append(escape(cut) + Markup(" […]"))
            break
        count += len(text)
        if number and numbered:
            out.append(Markup('<mark class="kit-term">{}<sup>{}</sup></mark>').format(text, number))
        else:
            out.append(escape(text))
    body = str(Markup("").join(out))
    if title:  # a span, so that its first text node is balanced like the others
        return Markup(balanced_html(f"<span>{body}</span>"))
    paras = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
    return Markup(balanced_html("".join(f"<p>{p}</p>".replace("\n", "<br>") for p in paras)))
