"""Checks of the group "Publishing": what a published item needs, and text fit for readers."""

from __future__ import annotations

import re

from ..models import Model
from ..problems import Problem
from .core import Context, _items, _level, _line_in, check, p

@check("publish-complete", "error", "Publishing")
def publish_complete(ctx: Context):
    """A published item has a neutral title, date, summary, two to four questions, and who prepared and reviewed it."""
    for e in _items(ctx, ("published", "reviewed")):
        item = e.value
        sev = _level(item)
        for field in ("neutral_title", "summary", "prepared_by", "reviewed_by"):
            if not getattr(item, field).strip():
                yield p(e, (field,) if field in item.model_fields_set else (), "publish-complete",
                        f"{field} is empty; a {item.status} item needs it", sev)
        if item.date is None:
            yield p(e, (), "publish-complete", f"date is missing; a {item.status} item needs it", sev)
        if not 2 <= len(item.questions) <= 4:
            yield p(e, ("questions",), "publish-complete",
                    f"{len(item.questions)} discussion question(s); give two to four", sev)


# Stand-ins for a name, not a name: a record is reviewed by someone, or it is not reviewed.
_PLACEHOLDER = re.compile(
    r"(?:tbd|tba|tbc|todo|none|n/?a|nobody|no one|unknown|pending|anonymous|someone|x+|[-?.…_ ]*"
    r"|(?:not|never)(?: yet)? (?:been )?(?:reviewed|checked|assigned|known)"
    r"|(?:to be|awaiting|waiting for|needs?) (?:\w+ ?){0,3}"
    r"|reviewer|the reviewer|editor|the editor)", re.IGNORECASE)


def placeholder(value: str) -> bool:
    """Whether ``value`` stands in for a name instead of giving one (``"not yet reviewed"``)."""
    return bool(_PLACEHOLDER.fullmatch(value.strip().strip(".!()[]<>\"'").strip()))


@check("publish-reviewer", "error", "Publishing")
def publish_reviewer(ctx: Context):
    """A published item names who prepared and who reviewed it: a person, or a tool and its version, never a placeholder.

    "not yet reviewed", "TBD", "none", "pending", "unknown" and the like say that nobody has
    reviewed the record: it is not ready to publish. For a draft or reviewed item this is a
    warning."""
    for e in _items(ctx, ("published", "reviewed")):
        item = e.value
        for field in ("prepared_by", "reviewed_by"):
            value = getattr(item, field)
            if value.strip() and placeholder(value):
                yield p(e, (field,), "publish-reviewer",
                        f"{field} {value!r} is a placeholder, not a name; say who "
                        f"{'reviewed' if field == 'reviewed_by' else 'prepared'} the record (a "
                        "person, or a tool and its version)"
                        + (", or set the status back to draft" if field == "reviewed_by" else ""),
                        _level(item))


@check("draft", "info", "Publishing")
def drafts(ctx: Context):
    """Drafts may be incomplete; each is reported so that nothing is published by accident."""
    for e in _items(ctx, ("draft",)):
        yield p(e, ("status",), "draft", "draft: not yet researched or reviewed", "info")


# Text that speaks to the people making the digest, not to its readers: bracketed notes
# ("[Added by …]", "[TODO: …]"), asides to the editor, and the vocabulary of a work brief.
# A bracket followed by "(" is a Markdown link, and "[sic]" or "[…]" are part of quotations.
_EDITOR_NOTE = re.compile(
    r"\[\s*(?:added by|editors?'?s?(?: note)?|note to (?:the )?editors?|note for (?:the )?editors?|"
    r"for (?:the )?editors?|ed\.? note|todo|tk|fixme|xxx|check|verify|to do|research(?:er)?'?s? note)"
    r"\b[^\]]*\](?!\()"
    r"|\b(?:for|to|left to|over to) the editors?\b|\beditor'?s note\b|\bnote to self\b"
    r"|\bTODO\b|\bFIXME\b|\bnot (?:yet )?researched\b|\b(?:this|the) (?:task|brief)\b"
    r"|\bfresh brief\b|\bhelpers?\b|\bpages corpus\b|\bgithub index\b|\bfirst researcher\b",
    re.IGNORECASE)
# A text is passed over without running _EDITOR_NOTE (most of the time a cold check spent
# here) when it holds no word that a match of the pattern must hold: in lower case, one of
# _EDITOR_NOTE_WORDS (the notes outside brackets), or _BRACKETED (a bracket and the first word
# of a bracketed note; a link's "[text](url)" seldom starts so). Three letters match one of the
# pattern's letters while their lower case is another (İ and ı match i, ſ matches s): the only
# code points where ``lexicon.fold``, the engine's own folding, gives an ASCII letter that
# ``str.lower`` does not. A text holding one of them goes to the pattern whatever it holds.
_EDITOR_NOTE_WORDS = ("the editor", "editor's note", "editors note", "note to self", "todo",
                      "fixme", "researched", "first researcher", "the task", "this task",
                      "the brief", "this brief", "fresh brief", "helper", "pages corpus",
                      "github index")
_BRACKETED = re.compile(
    r"\[\s*(?:added|ed|note|for|todo|tk|fixme|xxx|check|verify|to do|research)", re.IGNORECASE)
_ODD_CASE = ("\u0130", "\u0131", "\u017f")


def editor_note(text: str):
    """The first editor note in ``text`` (``_EDITOR_NOTE``'s match), or None."""
    low = text.lower()
    if (any(w in low for w in _EDITOR_NOTE_WORDS) or any(c in text for c in _ODD_CASE)
            or _BRACKETED.search(text)):
        return _EDITOR_NOTE.search(text)
    return None


# Fields readers see, by name (titles and excerpts are quoted from sources, and left alone).
_READER_FIELDS = frozenset({
    "neutral_title", "summary", "context", "note", "gist", "position", "basis", "question",
    "guidance", "search_log", "affiliation", "names_used", "description", "event", "used_by",
    "connotation", "about", "role_at_time", "prepared_by", "reviewed_by", "audience", "topic"})


def _reader_text(value, loc: tuple = (), field: str = ""):
    """(loc, text) for every reader-facing string in a record or registry entry."""
    if isinstance(value, str):
        if field in _READER_FIELDS:
            yield loc, value
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _reader_text(v, loc + (i,), field)
    elif isinstance(value, Model):
        for name, info in type(value).model_fields.items():
            yield from _reader_text(getattr(value, name), loc + (info.alias or name,), name)


@check("editor-note", "warning", "Publishing")
def editor_notes(ctx: Context):
    """Text for readers does not address editors: no bracketed editor notes, "TODO", "for the editor", "not researched", "this task" or "helper".

    Working notes belong in `search_log` (worded for a reader) or in the project's issues, not
    in summaries, notes, positions, questions or registry text that a class will read. Quoted
    material (headlines, excerpts, source titles) is not looked at."""
    entries = [e for e in ctx.digest.items if e.value.status != "set-aside"]
    for name in ("outlets", "actors", "stakeholders", "glossary", "timeline", "lexicon"):
        entries += getattr(ctx.digest, name)
    if ctx.digest.info is not None:
        entries.append(ctx.digest.info)
    for e in entries:
        for loc, text in _reader_text(e.value):
            if m := editor_note(text):
                field = ".".join(str(x) for x in loc)
                yield Problem(e.path, _line_in(e, loc, text, m.start()), "editor-note",
                              f"{field} says {m.group().strip()!r}, which speaks to editors, "
                              "not readers; reword it for a reader (say what is established, or "
                              "'not established'), and keep working notes out of the content",
                              "warning")
