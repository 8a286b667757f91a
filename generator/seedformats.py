"""Stage: ingest, the reading half. Input: one seed file. Output: a ``SeedDoc`` of items.

One parser per format, each a pure function from text to items. The format is detected from
the content (the extension only breaks ties); ``--format`` overrides. A seed that cannot be
read, or has no recognisable items, yields a problem naming it and no items at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem
from .yamlio import FORBIDDEN

MAX_SEED_BYTES = 20_000_000
MAX_ITEMS = 100_000


@dataclass(frozen=True)
class SeedItem:
    position: int
    title: str
    excerpt: str
    link: str = ""
    date: str = ""
    date_basis: str = ""


@dataclass(frozen=True)
class SeedDoc:
    file: str
    title: str
    format: str
    items: tuple


class SeedError(Exception):
    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message


# --- plain-text digests ---------------------------------------------------------------------

_READ_MORE = re.compile(r"^\s*read more\s*[.…»>→:\-]*\s*$", re.IGNORECASE)


def parse_text(text: str) -> tuple[str, list[SeedItem]]:
    """A page title, then items: a headline, one or more paragraphs, a `Read more` line.

    Only a line that is `Read more` alone (with trailing punctuation such as `…` or `»`) ends
    an item; a body line that merely starts with those words is body. The last item may lack
    its `Read more` line."""
    lines = text.split("\n")
    title = ""
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i < len(lines):
        title = lines[i].strip()
        i += 1
    blocks, current = [], []
    for line in lines[i:]:
        if _READ_MORE.match(line):
            blocks.append(current)
            current = []
        else:
            current.append(line)
    if any(line.strip() for line in current):
        blocks.append(current)
    items = []
    for block in blocks:
        content = [line.rstrip() for line in block]
        while content and not content[0].strip():
            content.pop(0)
        while content and not content[-1].strip():
            content.pop()
        if len(content) < 2:
            continue
        headline = content[0].strip()
        body = content[1:]
        while body and not body[0].strip():
            body.pop(0)
        if not headline or not body:
            continue
        items.append(SeedItem(len(items) + 1, headline, "\n".join(body)))
    return title, items


PARSERS = {"text": parse_text}
EXTENSIONS = {".txt": "text", ".text": "text"}


def detect(text: str, suffix: str) -> str:
    """The format of a seed, judged from its content first and its extension second."""
    return EXTENSIONS.get(suffix.lower(), "text")


def decode(raw: bytes) -> str:
    """UTF-8 text with the BOM dropped and line endings made \\n, or SeedError."""
    if not raw.strip():
        raise SeedError(1, "seed-empty", "the seed is empty; nothing to ingest")
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise SeedError(raw.count(b"\n", 0, nul) + 1, "seed-binary",
                        "the seed contains NUL bytes: it is a binary file, not a text seed")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise SeedError(line, "seed-encoding",
                        f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the seed as UTF-8") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (bad := FORBIDDEN.search(text)) is not None:
        raise SeedError(text.count("\n", 0, bad.start()) + 1, "seed-control",
                        f"the seed contains the control character U+{ord(bad.group()):04X}; "
                        "records cannot hold it: remove it, or check that this is a text file")
    return text


def parse_seed(path: Path, rel: str, fmt: str | None = None) -> tuple[SeedDoc | None, list[Problem]]:
    """Read and parse one seed; on any failure, no document and one problem naming the file."""
    display = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(1, "seed-too-large",
                            f"the seed is {size:,} bytes, over the {MAX_SEED_BYTES:,}-byte limit; split it")
        if not path.is_file():
            raise SeedError(1, "seed-unreadable", "not a regular file")
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SEED_BYTES + 1)  # it may have grown since stat
        if len(raw) > MAX_SEED_BYTES:
            raise SeedError(1, "seed-too-large", f"the seed is over the {MAX_SEED_BYTES:,}-byte "
                            "limit; split it")
        text = decode(raw)
        fmt = fmt or detect(text, path.suffix)
        if fmt not in PARSERS:
            raise SeedError(1, "seed-format", f"unknown format {fmt!r}; use one of "
                            + ", ".join(sorted(PARSERS)))
        title, items = PARSERS[fmt](text)
        if not items:
            raise SeedError(1, "seed-no-items",
                            f"no items found reading it as {fmt}; check the file, or pass --format")
        if len(items) > MAX_ITEMS:
            raise SeedError(1, "seed-too-many", f"{len(items):,} items, over the {MAX_ITEMS:,} limit; split it")
        return SeedDoc(rel, title, fmt, tuple(items)), []
    except SeedError as exc:
        return None, [Problem(display, exc.line, exc.code, exc.message)]
    except OSError as exc:
        return None, [Problem(display, 1, "seed-unreadable", f"cannot read the seed ({exc.strerror})")]
