"""What the public sees: the one rule deciding which records a site, feed or export shows.

Input: a loaded ``Digest``. Output: the same digest with only the items to show. Every adapter
(the MkDocs plugin, ``parallax export`` and ``parallax render``) asks here,
so a draft can never reach a classroom through one door that another one keeps shut.
"""

from __future__ import annotations

from dataclasses import replace

from .models import Digest
from .models import Item

# Only a published record is public. A draft is unresearched; a reviewed record waits for its
# editor's decision; a set-aside item is one the editors chose not to cover.
PUBLIC = ("published",)
# With drafts shown (``parallax build --drafts``, ``mkdocs serve``) editors see their work in
# progress, each page under a banner; a set-aside item is never shown.
EDITORS = ("draft", "reviewed", "published")


def is_public(item: Item) -> bool:
    """Whether ``item`` may be shown to readers."""
    return item.status in PUBLIC


def is_shown(item: Item, drafts: bool = False) -> bool:
    """Whether a site built with (``drafts``) or without drafts shows ``item``."""
    return item.status in (EDITORS if drafts else PUBLIC)


def shown(digest: Digest, drafts: bool = False) -> Digest:
    """``digest`` with only the items a site (or export) shows; the registries are unchanged."""
    items = tuple(e for e in digest.items if is_shown(e.value, drafts))
    return digest if len(items) == len(digest.items) else replace(digest, items=items)
