"""Stage: render (helpers). An item's provenance arranged for a reader.

Input: an item and the outlets and actors it names. Output: the one-line origin ("City Gazette,
citing Radio Nahr, quoting Dana Reyes"), the chain one line per link, the outlets of the chain
once each, and what changed in the wording from one link to the next: a word-level difference
(``difflib`` on word tokens) rendered as escaped text in ``<del>`` and ``<ins>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache

from markupsafe import Markup, escape

from .words import role_words


@dataclass(frozen=True)
class Change:
    """What changed in the wording between an older link and the newer one that drew on it."""

    older: object  # ProvenanceLink
    newer: object  # ProvenanceLink
    html: Markup
    dropped: int
    added: int
    similar: bool  # False: the two passages share too few words for a word-by-word reading
    old_text: str = ""
    new_text: str = ""


# Below this share of words in common (``similarity``) two passages are shown one after the
# other: a word-by-word difference of two different passages is noise, not evidence.
SIMILAR = 0.35


def link_excerpt(item, link) -> str:
    """The passage as ``link`` printed it: its own ``excerpt``; for the seed page, the seed's."""
    if link.excerpt:
        return link.excerpt
    if link.role == "seed-page":
        return item.seed.excerpt
    return ""


def origin_parts(item, outlets: dict, actors: dict) -> list[tuple[str, str]]:
    """Who the text came through, nearest first, each name once, with a note where that link
    was not found or not yet checked: (name, note)."""
    parts: list[tuple[str, str]] = []
    for link in item.provenance:
        outlet = outlets.get(link.outlet)
        if outlet is not None:
            name = outlet.name
        elif link.role == "primary-statement":
            continue  # the speakers name the source of an original statement
        else:
            name = "an unidentified source"
        note = {"not-located": "not found", "unverified": "not yet checked"}.get(link.status, "")
        if parts and parts[-1][0] == name:
            if parts[-1][1] and not note:  # one of its links was found: say nothing
                parts[-1] = (name, "")
            continue
        parts.append((name, note))
    return parts


def speaker_names(item, actors: dict) -> list[str]:
    return [actors[s.actor].name if s.actor in actors else s.actor for s in item.speakers]


def chain_outlets(item, outlets: dict) -> list:
    """The outlets the chain names, each once, in chain order."""
    seen = dict.fromkeys(link.outlet for link in item.provenance if link.outlet in outlets)
    return [outlets[oid] for oid in seen]


def changes(item) -> list[Change]:
    """Along the links whose passages are recorded (a link without one is passed over): what
    each nearer link dropped and added from the farther one it drew on."""
    links = [link for link in item.provenance if link_excerpt(item, link)]
    out = []
    for newer, older in zip(links, links[1:]):
        old_text, new_text = link_excerpt(item, older), link_excerpt(item, newer)
        html, dropped, added = word_diff(old_text, new_text)
        similar = similarity(old_text, new_text) >= SIMILAR
        out.append(Change(older, newer, html, dropped, added, similar, old_text, new_text))
    return out


@lru_cache(maxsize=64)
def _matched(old: str, new: str) -> tuple[tuple[str, ...], tuple[str, ...], int, tuple]:
    """The two passages' words, how many of them match in order, and the steps that turn one
    into the other: worked out once for a pair (an item's page, its similarity and its answer
    key all ask for the same pairs, one after the other)."""
    a, b = old.split(), new.split()
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(block.size for block in matcher.get_matching_blocks())
    return tuple(a), tuple(b), matched, tuple(matcher.get_opcodes())


def similarity(old: str, new: str) -> float:
    """The share of the shorter passage's words found, in order, in the other (0 to 1): a
    passage cut from a longer one counts as similar, so the cut shows as dropped words."""
    a, b, matched, _ = _matched(old, new)
    if not a or not b:
        return 0.0
    return matched / min(len(a), len(b))


def word_ops(old: str, new: str):
    """``old`` turned into ``new`` word by word (spacing normalised, words keep their
    punctuation): (words kept, words dropped, words added) for each step, in reading order."""
    a, b, _, ops = _matched(old, new)
    for tag, i1, i2, j1, j2 in ops:
        yield (a[i1:i2], (), ()) if tag == "equal" else ((), a[i1:i2], b[j1:j2])


def word_diff(old: str, new: str) -> tuple[Markup, int, int]:
    """``old`` turned into ``new`` word by word: (escaped HTML with <del> and <ins>, words
    dropped, words added)."""
    from .text import bidi_balanced

    parts: list[Markup] = []
    dropped = added = 0

    def words(ws):
        return escape(bidi_balanced(" ".join(ws)))

    for kept, gone, new_words in word_ops(old, new):
        if kept:
            parts.append(words(kept))
        if gone:
            parts.append(Markup('<del><span class="parallax-sr">dropped: </span>{}</del>')
                         .format(words(gone)))
            dropped += len(gone)
        if new_words:
            parts.append(Markup('<ins><span class="parallax-sr">added: </span>{}</ins>')
                         .format(words(new_words)))
            added += len(new_words)
    return Markup(" ").join(parts), dropped, added


def changed_phrases(old: str, new: str) -> tuple[list[str], list[str]]:
    """The phrases ``new`` dropped from ``old`` and the ones it added, in reading order."""
    ops = list(word_ops(old, new))
    return ([" ".join(gone) for _, gone, _ in ops if gone],
            [" ".join(added) for _, _, added in ops if added])


def change_summary(change: Change, outlets: dict) -> str:
    """One line for a change: which two links, and how many words."""
    def name(link):
        outlet = outlets.get(link.outlet)
        who = outlet.name if outlet else (link.title or "an unidentified source")
        return f"{who} ({role_words(link.role).lower()})"

    if not change.similar:
        counts = "different passages, shown one after the other"
    elif not change.dropped and not change.added:
        counts = "the same words"
    else:
        counts = ", ".join(part for part in (
            f"{change.dropped} word{'s' if change.dropped != 1 else ''} dropped" if change.dropped else "",
            f"{change.added} word{'s' if change.added != 1 else ''} added" if change.added else "")
            if part)
    return f"From {name(change.older)} to {name(change.newer)}: {counts}"
