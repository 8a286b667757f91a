"""Checks of the group "Sources": every source findable, every URL a safe link."""

from __future__ import annotations

import re

from ..urls import url_problem
from .core import Context, _fold, _voice_fields, check, p

def _sources(ctx: Context):
    """(entry, loc, source) for every source in the digest."""
    for e in ctx.digest.items:
        for i, pv in enumerate(e.value.perspectives):
            for j, s in enumerate(pv.sources):
                yield e, ("perspectives", i, "sources", j), s
    for e in ctx.digest.outlets:
        for j, s in enumerate(e.value.evidence):
            yield e, ("evidence", j), s
    for e in ctx.digest.timeline:
        for j, s in enumerate(e.value.sources):
            yield e, ("sources", j), s
    for e in ctx.digest.actors:
        for j, r in enumerate(e.value.roles):
            if r.source:
                yield e, ("roles", j, "source"), r.source


@check("source-fields", "error", "Sources")
def source_fields(ctx: Context):
    """Every source has a title, a publisher and a URL, so a reader can find it."""
    for e, loc, s in _sources(ctx):
        missing = [f for f in ("title", "publisher", "url") if not getattr(s, f).strip()]
        if missing:
            yield p(e, loc, "source-fields", f"source is missing {', '.join(missing)}")


@check("url", "error", "Sources")
def urls(ctx: Context):
    """Every URL is a well-formed http or https address; nothing else can become a link."""
    for e, loc, s in _sources(ctx):
        if s.url and (why := url_problem(s.url)):
            yield p(e, loc + ("url",), "url", f"{s.url[:80]!r} {why}")
    for e in ctx.digest.items:
        for i, link in enumerate(e.value.provenance):
            if link.url and (why := url_problem(link.url)):
                yield p(e, ("provenance", i, "url"), "url", f"{link.url[:80]!r} {why}")
        if e.value.seed.link and (why := url_problem(e.value.seed.link)):
            yield p(e, ("seed", "link"), "url", f"{e.value.seed.link[:80]!r} {why}")
        for loc, text in _voice_fields(e.value):
            for m in re.finditer(r"\]\(([^)\s]*)", text):
                if why := url_problem(m.group(1)):
                    yield p(e, loc, "url", f"link {m.group(1)[:80]!r} {why}")


@check("source-conflict", "warning", "Sources")
def source_conflict(ctx: Context):
    """The same URL is always cited with the same title and publisher."""
    first: dict[str, list] = {}  # url -> [title and publisher as first cited, folded, where]
    for e, loc, s in _sources(ctx):
        if not s.url:
            continue
        seen = first.get(s.url)
        if seen is None:
            first[s.url] = [(s.title, s.publisher), None, e, loc]
            continue
        if seen[0] == (s.title, s.publisher):  # cited again in the same words (most are)
            continue
        if seen[1] is None:
            seen[1] = (_fold(seen[0][0]), _fold(seen[0][1]))
        if seen[1] != (_fold(s.title), _fold(s.publisher)):
            _, _, fe, floc = seen
            yield p(e, loc, "source-conflict",
                    f"{s.url[:80]} is cited as {s.title!r} / {s.publisher!r} here but differently "
                    f"at {fe.path}:{fe.line(*floc)}; make them agree", "warning")
