"""The loaded digest: every record and registry, validated, with where each came from, and the
seed texts the checks compare excerpts with. Input of every stage after load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from ..yamlio import Document

T = TypeVar("T")


@dataclass(frozen=True)
class Located(Generic[T]):
    """A validated record and where it came from, so checks can name the line."""

    value: T
    path: str
    doc: Document
    base: tuple = ()

    def line(self, *loc) -> int:
        return self.doc.line(self.base + tuple(loc))


@dataclass(frozen=True)
class SeedText:
    """A seed file as loading found it, for the checks that compare excerpts with it."""

    text: str | None = None  # its text (as ingest decodes it), or None when it cannot be read
    outside: bool = False  # the name leads outside the project's seeds/ folder: not read


@dataclass(frozen=True)
class Digest:
    """Everything in a content folder, validated."""

    root: Path
    items: tuple = ()
    outlets: tuple = ()
    actors: tuple = ()
    stakeholders: tuple = ()
    glossary: tuple = ()
    timeline: tuple = ()
    lexicon: tuple = ()
    info: Located | None = None  # content/digest.yaml, where there is one
    research: str = ""  # content/research.md: how this digest was researched (Markdown)
    project_root: Path = field(default=Path("."))
    # The seed files the items point into, by the name the records give (``seed.file``).
    seeds: dict = field(default_factory=dict)
    # The day the content was read (ISO): the checks' "today" unless they are given another.
    read_on: str = field(default_factory=lambda: dt.date.today().isoformat())

    def without_text(self) -> "Digest":
        """The digest without the item files' text (kept to work out the line of a problem):
        a build lets it go once the problems are reported, a quarter of a record's memory."""
        return replace(self, items=tuple(replace(e, doc=e.doc.without_text())
                                         for e in self.items))

    def by_id(self, registry: str) -> dict:
        return {e.value.id: e for e in getattr(self, registry)}
