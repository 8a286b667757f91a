"""Plain-text digests: items separated by "Read more" lines (or, without them, by their shape)."""

from __future__ import annotations

import re

from .items import SeedItem, _ShortLines


# "Read more" in the forms and languages listing pages use. A line that is only such words
# (with trailing dots, arrows or guillemets, and perhaps "| Comment" or "| 3 Comments" after
# them) ends an item.
MORE_WORDS = (
    r"read more|read the rest(?: of (?:this|the) (?:entry|post|article|story))?|"
    r"continue reading(?: this (?:entry|post|article|story))?|read (?:the )?full (?:story|article)|"
    r"full story|keep reading|leer más|leer mas|seguir leyendo|sigue leyendo|lire la suite|"
    r"lire plus|en savoir plus|weiterlesen|mehr lesen|leggi tutto|leggi di più|"
    r"continua a leggere|ler mais|leia mais|continuar lendo|continue lendo|lees meer|"
    r"verder lezen|czytaj dalej|читать далее|читать полностью|devamını oku|devamı|"
    r"ادامه مطلب|ادامه خبر|بیشتر بخوانید|اقرأ المزيد|اقرأ أكثر|المزيد|המשך קריאה|"
    r"続きを読む|阅读全文|阅读更多|더 보기|더보기")
# Written so that each character can be matched one way only (the tail takes the spaces, each
# "| Comments" starts with its bar), and tried only on short lines: matching stays linear.
_MORE_TAIL = r"[\s.…»›>→⟶:\-–—\])]*"
_COMMENTS = (r"(?:[|·•]\s*(?:\d+\s+)?(?:comments?|replies|reply|leave a (?:comment|reply)|"
             r"no comments|share|comentarios?|commentaires?|kommentare?|نظرات?|تعليقات?)"
             r"(?:\s*\(\d+\))?[ \t]*)*")
_READ_MORE_LINE = re.compile(rf"^\s*[\[(«‹]?\s*(?:{MORE_WORDS})(?![\w]){_MORE_TAIL}{_COMMENTS}$",
                             re.IGNORECASE)


_READ_MORE = _ShortLines(_READ_MORE_LINE)


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _text_blocks(lines: list[str]) -> list[list[str]]:
    """Lines split at each `Read more` line; the last block may lack one."""
    blocks, current = [], []
    for line in lines:
        if _READ_MORE.match(line):
            blocks.append(current)
            current = []
        else:
            current.append(line)
    if any(line.strip() for line in current):
        blocks.append(current)
    return blocks


def _text_item(block: list[str]) -> tuple[str, str] | None:
    """(headline, excerpt) of one block; the excerpt keeps its lines exactly as written."""
    content = _trim_blank(block)
    if len(content) < 2:
        return None
    body = _trim_blank(content[1:])
    headline = content[0].strip()
    return (headline, "\n".join(body)) if headline and body else None


def parse_text(text: str) -> tuple[str, list[SeedItem]]:
    """A page title, then items: a headline, one or more paragraphs, a `Read more` line.

    Only a line that is `Read more` alone (in one of the usual forms and languages: "Continue
    reading →", "Leer más", "Lire la suite", "Weiterlesen", "ادامه مطلب", "Read More... |
    Comment" ...) ends an item; a body line that merely starts with those words is body. The
    last item may lack its `Read more` line. A digest without a page title (its first block is
    a lone headline and body) is read as items from the first line. A text with no such line
    at all is split by its structure (``parse_structure``)."""
    lines = _trim_blank(text.split("\n"))
    if not lines:
        return "", []
    if not any(_READ_MORE.match(line) for line in lines):
        title, items = parse_structure(lines)
        if len(items) > 1:
            return title, items
    title, blocks = lines[0].strip(), _text_blocks(lines[1:])
    if blocks and _text_item(blocks[0]) is None and _text_item(lines[:1] + blocks[0]):
        title, blocks = "", _text_blocks(lines)
    pairs = [pair for pair in map(_text_item, blocks) if pair]
    return title, [SeedItem(i, h, e) for i, (h, e) in enumerate(pairs, 1)]


_END_OF_SENTENCE = re.compile(r"[.,;:…]$|[.!?…]['\"”’»)]$")


def _headline_like(line: str) -> bool:
    """A line that reads as a headline: short, and not ending like a sentence."""
    line = line.strip()
    return 3 <= len(line) <= 160 and len(line.split()) <= 24 \
        and not _END_OF_SENTENCE.search(line) and not _LIST_MARK.match(line)


_LIST_MARK = re.compile(r"^([-*+•]|\d+[.)])\s")


def parse_structure(lines: list[str]) -> tuple[str, list[SeedItem]]:
    """Items found by a text's structure when it has no `Read more` lines: paragraphs separated
    by blank lines, each item a headline-like line (short, not ending like a sentence) followed
    by the paragraphs up to the next one. A lone headline-like first line followed by another
    is the page title. Excerpts are the seed's own lines, verbatim."""
    blocks: list[tuple[int, int]] = []  # [start, end) line ranges of non-blank runs
    start = None
    for n, line in enumerate(lines + [""]):
        if line.strip() and start is None:
            start = n
        elif not line.strip() and start is not None:
            blocks.append((start, n))
            start = None
    heads = [_headline_like(lines[a]) for a, _ in blocks]
    title = ""
    first = 0
    if len(blocks) > 1 and blocks[0][1] - blocks[0][0] == 1 and heads[0] and heads[1]:
        title, first = lines[blocks[0][0]].strip(), 1
    found: list[tuple[str, int, int]] = []  # headline, body start line, body end line
    for (a, b), head in zip(blocks[first:], heads[first:]):
        if head:
            found.append((lines[a].strip(), a + 1 if b - a > 1 else -1, b))
        elif found:
            headline, body_start, _ = found[-1]
            found[-1] = (headline, body_start if body_start >= 0 else a, b)
    items = []
    for headline, body_start, body_end in found:
        if body_start < 0:
            continue
        excerpt = "\n".join(lines[body_start:body_end]).strip("\n")
        if excerpt.strip():
            items.append(SeedItem(len(items) + 1, headline, excerpt))
    return title, items
