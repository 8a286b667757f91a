"""Checks of the group "Neutral voice": loaded words in the digest's own voice."""

from __future__ import annotations

from .. import lexicon as lex
from ..models import Located
from ..problems import Problem
from .core import Context, _items, _line_in, _voice_fields, check

@check("neutral-voice", "error", "Neutral voice")
def neutral_voice(ctx: Context):
    """Loaded words from the lexicon appear in the digest's own voice only inside attributed quotations.

    Checked in `neutral_title`, `summary`, `context`, each perspective's `position`, outlet
    affiliations, stakeholder descriptions and timeline events. A term is accepted only inside
    quotation marks in a sentence that says who used it ("the city's mayor called the group
    \"terrorist\""). Terms match as words, case-insensitively, with their inflections, in every
    language the lexicon lists; link targets are ignored."""
    terms = ctx.terms
    if not terms:
        return
    for e in _items(ctx):
        yield from _voice(e, _voice_fields(e.value), terms)
    for name, attr in (("outlets", "affiliation"), ("stakeholders", "description"),
                       ("timeline", "event")):
        for e in getattr(ctx.digest, name):
            yield from _voice(e, [((attr,), getattr(e.value, attr))], terms)


def _voice(e: Located, fields, terms):
    for loc, text in fields:
        for hit in lex.find(terms, text):
            if hit.attributed:
                continue
            field = ".".join(str(x) for x in loc)
            who = f" (used by {hit.term.used_by})" if hit.term.used_by else ""
            yield Problem(
                e.path, _line_in(e, loc, text, hit.start), "neutral-voice",
                f"loaded term {hit.text!r} (lexicon: {hit.term.term}{who}) in {field} is in the "
                f"digest's own voice; reword neutrally, or quote it and say who used it, e.g. "
                f"'X called the group \"{hit.text}\"'")
