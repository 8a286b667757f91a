"""Stage: render, the teacher kit's provenance chain: each link of an item's chain as the answer
key prints it (outlet, title, date, address, whether it was found), with what it changed from
the link it drew on, in words, where both passages are recorded.
"""

from __future__ import annotations

from dataclasses import dataclass

from .provenance import changed_phrases, changes
from .render import View
from .words import role_words

STATUS_WORDS = {"located": "Found", "not-located": "Not found"}


@dataclass(frozen=True)
class Link:
    """One link of an item's provenance chain as the kit prints it."""

    n: int
    role: str
    status: str  # in words: Found, Not found, Not checked
    outlet: str
    kind: str
    title: str
    date: str
    url: str  # printed only where the link was found
    note: str
    excerpt: str
    changed: str = ""  # what this link changed from the one it drew on, in words

    def line(self, titled: bool = True) -> str:
        """The link's line, as printed before its note (for the estimate)."""
        parts = [f"{self.role.capitalize()}: {self.outlet}" + (f" ({self.kind})" if self.kind
                                                                 else "")]
        parts += [f"“{self.title}”"] if self.title and titled else []
        parts += [self.date] if self.date else []
        parts += [self.url] if self.url else []
        return ", ".join(parts) + f". {self.status}."


def what_changed(change, outlets: dict) -> str:
    """What a link changed from the one it drew on, in words: the phrases it dropped and added,
    or that the two passages differ too much for a word-by-word reading."""
    outlet = outlets.get(change.older.outlet)
    source = outlet.name if outlet else f"the {role_words(change.older.role).lower()}"
    if not change.similar:
        return f"A different passage from {source}'s."
    dropped, added = changed_phrases(change.old_text, change.new_text)
    if not dropped and not added:
        return f"The same words as {source}."
    parts = [f"{label} " + ", ".join(f"“{p}”" for p in phrases)
             for label, phrases in (("dropped", dropped), ("added", added)) if phrases]
    return f"From {source}: " + "; ".join(parts) + "."


def chain(view: View, item) -> tuple[Link, ...]:
    """The provenance chain as the answer key gives it, seed page first, each link with what it
    changed from the one it drew on (where both passages are recorded)."""
    changed = {id(c.newer): what_changed(c, view.outlets) for c in changes(item)}
    out = []
    for n, link in enumerate(item.provenance, 1):
        outlet = view.outlets.get(link.outlet)
        out.append(Link(n, link.role.replace("-", " "), STATUS_WORDS.get(link.status, "Not checked"),
                        outlet.name if outlet else (link.outlet or "unknown"),
                        outlet.kind.replace("-", " ") if outlet else "", link.title or "",
                        str(link.date) if link.date else "",
                        link.url if link.status == "located" and link.url else "",
                        link.note or "", link.excerpt or "", changed.get(id(link), "")))
    return tuple(out)
