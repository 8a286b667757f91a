"""Render, what a page shows: a key of each page's inputs, so that under ``mkdocs serve`` a
publication renders again only the pages whose inputs changed since the last one.

A key holds the records and registry entries a page shows, compared by identity (``Same``), and
plain values (numbers, strings, page paths), compared by value. Identity is enough because,
under serve, a record whose file has not changed is the very object the last rebuild loaded
(``load._cached``) and records are immutable (frozen models, frozen ``Located``); an edited
file is loaded again as a new object. A key keeps the objects it names alive, so an identity
is never reused while a key that holds it is compared.

What every page may show (the registries, ``content/digest.yaml``, ``research.md``, the build's
settings) is one key for the whole publication, ``base``: when it changes, every page is
rendered again. A page that shows something of every item (the home page's seed counts, a
party's "heard on N items") says so with ``everything``.
"""

from __future__ import annotations

from dataclasses import dataclass, is_dataclass
from typing import Callable

from pydantic import BaseModel

from .models import Located
from .view import View

REGISTRIES = ("outlets", "actors", "stakeholders", "glossary", "timeline", "lexicon")


class Same:
    """An object in a key, equal only to itself."""

    __slots__ = ("obj",)

    def __init__(self, obj):
        self.obj = obj

    def __eq__(self, other) -> bool:
        return isinstance(other, Same) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)

    def __repr__(self) -> str:
        return f"Same({type(self.obj).__name__})"


# The ``View`` in a page's context: what a page reads from it of the registries is in ``base``;
# a page that reads something of every item adds ``everything`` to its key.
WHOLE = "the view"


def key_of(value):
    """A page context's value as a key: records by identity, plain values by value."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (Located, BaseModel)):
        return Same(value)
    if isinstance(value, (list, tuple)):
        return tuple(key_of(v) for v in value)
    if isinstance(value, dict):
        return tuple((k, key_of(v)) for k, v in value.items())
    if is_dataclass(value) and getattr(value, "__dataclass_params__").frozen:
        return value  # a frozen dataclass of plain values (``SiteText``)
    if isinstance(value, View):
        return WHOLE
    raise TypeError(f"no key for a page input of type {type(value).__name__}")


def everything(view) -> tuple:
    """The key of a page that shows something of every item shown."""
    return tuple(Same(e) for e in view.items)


def base(digest, *settings) -> tuple:
    """What every page may show: the registries, the digest's own files, the settings."""
    return (tuple(Same(e) for name in REGISTRIES for e in getattr(digest, name)),
            key_of(digest.info), digest.research, settings)


@dataclass(frozen=True)
class Planned:
    """How to render one page (``planned()``), and its inputs' key (``inputs()``), or None for a
    page rendered every time."""

    make: Callable[[], str]
    inputs: Callable[[], tuple] | None = None

    def __call__(self) -> str:
        return self.make()


def inputs_of(make) -> tuple | None:
    """A planned page's key, or None when it has none (any callable may be planned)."""
    inputs = getattr(make, "inputs", None)
    return inputs() if inputs is not None else None
