"""Checks of the group "Consistency": ids, references, dates, seeds, glossary and lexicon."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from .. import lexicon as lex
from .. import seedformats
from ..models import Item, Located, precision_of
from ..problems import Problem, display_path
from .core import (MAX_PHRASE_WORDS, _WORDS, Context, _fold, _items, _level, check, p)

@check("duplicate-id", "error", "Consistency")
def duplicate_ids(ctx: Context):
    """Every id is unique in its registry, so that references are unambiguous.

    Item ids, outlet, actor and stakeholder ids, glossary terms and lexicon terms are each
    checked; stakeholder display orders must be unique too."""
    for name in ("items", "outlets", "actors", "stakeholders"):
        seen: dict[str, Located] = {}
        for e in getattr(ctx.digest, name):
            if e.value.id in seen:
                first = seen[e.value.id]
                yield p(e, ("id",), "duplicate-id",
                        f"{e.value.id!r} is already used ({first.path}:{first.line('id')}); "
                        "give this one another id")
            else:
                seen[e.value.id] = e
    for name, attr in (("glossary", "term"), ("lexicon", "term"), ("stakeholders", "order")):
        seen = {}
        for e in getattr(ctx.digest, name):
            key = getattr(e.value, attr)
            key = _fold(key) if isinstance(key, str) else key
            if key in seen:
                yield p(e, (attr,), "duplicate-id",
                        f"{attr} {getattr(e.value, attr)!r} is already used on line "
                        f"{seen[key].line(attr)}; merge the entries or change one")
            else:
                seen[key] = e


@check("duplicate-perspective", "error", "Consistency")
def duplicate_perspectives(ctx: Context):
    """One party has one perspective on an item.

    A second perspective of the same stakeholder would be shown twice and counted twice; merge
    the two into one (its position and sources together)."""
    for e in _items(ctx):
        seen: dict[str, int] = {}
        for i, pv in enumerate(e.value.perspectives):
            if pv.stakeholder in seen:
                first = seen[pv.stakeholder]
                yield p(e, ("perspectives", i, "stakeholder"), "duplicate-perspective",
                        f"{pv.stakeholder!r} already has a perspective on this item (line "
                        f"{e.line('perspectives', first, 'stakeholder')}); merge the two")
            else:
                seen[pv.stakeholder] = i


@check("id-reserved", "error", "Consistency")
def reserved_ids(ctx: Context):
    """No record takes the address of another page of the site.

    An item, outlet or stakeholder id names its pages (`items/<id>/`, `outlets/<id>/`...); an id
    that names a page the site makes itself (`index`, a later page of a list such as `page-2`
    or `<id>-page-2`), or any path another page already has, is refused. The paths come from
    the renderer's own plan of the site, so a new page is reserved as soon as it exists."""
    from collections import Counter

    from ..sitepaths import RECORD_PAGES, output_path, reserved_name, site_paths

    claimed = Counter(output_path(path) for path in site_paths(ctx.digest, ctx.plan))
    for registry, patterns in RECORD_PAGES.items():
        for e in getattr(ctx.digest, registry):
            rid = e.value.id
            taken = [output_path(pattern.format(rid)) for pattern in patterns]
            if reserved_name(rid):
                yield p(e, ("id",), "id-reserved",
                        f"the id {rid!r} names one of the site's own pages ({taken[0]}); "
                        "choose another id")
            elif clash := [out for out in taken if claimed[out] > 1]:
                yield p(e, ("id",), "id-reserved",
                        f"the id {rid!r} gives a page ({clash[0]}) that another page of the "
                        "site already has; choose another id")


@check("ref-outlet", "error", "Consistency")
def ref_outlet(ctx: Context):
    """Every provenance link names an outlet that exists in outlets.yaml."""
    for e in _items(ctx):
        for i, link in enumerate(e.value.provenance):
            if link.outlet and link.outlet not in ctx.outlets:
                yield p(e, ("provenance", i, "outlet"), "ref-outlet",
                        f"unknown outlet {link.outlet!r}; add it to outlets.yaml or fix the id")
            elif not link.outlet and link.status == "located":
                yield p(e, ("provenance", i), "ref-outlet",
                        "a located link needs its outlet; add `outlet:` with an id from outlets.yaml")


@check("ref-actor", "error", "Consistency")
def ref_actor(ctx: Context):
    """Every speaker is a person in actors.yaml."""
    for e in _items(ctx):
        for i, s in enumerate(e.value.speakers):
            if s.actor not in ctx.actors:
                yield p(e, ("speakers", i, "actor"), "ref-actor",
                        f"unknown actor {s.actor!r}; add them to actors.yaml or fix the id")


@check("ref-stakeholder", "error", "Consistency")
def ref_stakeholder(ctx: Context):
    """Every perspective and every `about` entry names a party in stakeholders.yaml."""
    for e in _items(ctx):
        for i, sid in enumerate(e.value.about):
            if sid not in ctx.stakeholders:
                yield p(e, ("about", i), "ref-stakeholder",
                        f"unknown stakeholder {sid!r}; add it to stakeholders.yaml or fix the id")
        for i, pv in enumerate(e.value.perspectives):
            if pv.stakeholder not in ctx.stakeholders:
                yield p(e, ("perspectives", i, "stakeholder"), "ref-stakeholder",
                        f"unknown stakeholder {pv.stakeholder!r}; add it to stakeholders.yaml "
                        "or fix the id")


@check("ref-item", "error", "Consistency")
def ref_item(ctx: Context):
    """Every related item exists, and an item is not related to itself."""
    for e in _items(ctx):
        for i, rid in enumerate(e.value.related):
            if rid not in ctx.item_ids:
                yield p(e, ("related", i), "ref-item", f"unknown item {rid!r} in related; fix the id")
            elif rid == e.value.id:
                yield p(e, ("related", i), "ref-item", "an item cannot be related to itself")


def _dates(item: Item):
    """(loc, value, accessed) for every date in an item."""
    if item.date:
        yield ("date", "value"), item.date.value, ""
    for i, link in enumerate(item.provenance):
        yield ("provenance", i, "date"), link.date, link.accessed
        yield ("provenance", i, "accessed"), link.accessed, ""
    for i, pv in enumerate(item.perspectives):
        yield ("perspectives", i, "date"), pv.date, ""
        for j, s in enumerate(pv.sources):
            yield ("perspectives", i, "sources", j, "date"), s.date, s.accessed
            yield ("perspectives", i, "sources", j, "accessed"), s.accessed, ""
    for i, c in enumerate(item.corrections):
        yield ("corrections", i, "date"), c.date, ""


@check("date", "error", "Consistency")
def dates(ctx: Context):
    """Dates are real calendar dates, not in the future, and never after the day they were accessed.

    An item date's `precision` must match its value (`day` for YYYY-MM-DD, `month` for YYYY-MM,
    `year` for YYYY)."""
    today = ctx.today
    for e in _items(ctx):
        item = e.value
        for loc, value, accessed in _dates(item):
            if not value:
                continue
            # Every date is a real calendar date already: the models refuse any other.
            if value > today:
                yield p(e, loc, "date", f"{value!r} is in the future")
            elif accessed and value[: len(accessed)] > accessed:
                yield p(e, loc, "date", f"{value!r} is after the accessed date {accessed!r}; "
                                        "one of them is wrong")
        if item.date:
            want = precision_of(item.date.value)
            if item.date.precision != want:
                yield p(e, ("date", "precision"), "date",
                        f"precision {item.date.precision!r} does not match {item.date.value!r}; "
                        f"use {want!r}")


@check("seed", "error", "Consistency")
def seed_integrity(ctx: Context):
    """The seed excerpt is unchanged: its hash matches and the seed file still holds it.

    A seed is never edited; records point into it. The seed file must lie inside the project's
    `seeds/` folder. The excerpt of a plain-text seed must be found in it verbatim; that of an
    html, feed or markdown seed must equal the text of item `position` when the seed is read
    again as `seed.format` (or, when that is empty, as its content says)."""
    for e in _items(ctx):
        seed = e.value.seed
        digest = hashlib.sha256(seed.excerpt.encode("utf-8")).hexdigest()
        if digest != seed.sha256:
            yield p(e, ("seed", "sha256"), "seed",
                    "sha256 does not match the excerpt; the excerpt was edited (restore it from "
                    "the seed) or the hash is stale")
        found = ctx.digest.seeds.get(seed.file)
        if found is not None and found.outside:
            yield p(e, ("seed", "file"), "seed",
                    f"seed file {seed.file!r} is outside seeds/; give a path like seeds/NAME")
            continue
        text = ctx.seed_text(seed.file)
        if text is None:
            yield p(e, ("seed", "file"), "seed", f"seed file {seed.file!r} cannot be read")
            continue
        if problem := _seed_excerpt(ctx, e, seed, text):
            yield problem


def _seed_excerpt(ctx: Context, e: Located, seed, text: str) -> Problem | None:
    fmt = seed.format or seedformats.detect(text, Path(seed.file).suffix)
    if fmt == "text":
        if seed.excerpt.replace("\r\n", "\n") not in text:
            return p(e, ("seed", "excerpt"), "seed",
                     f"the excerpt is not found verbatim in {seed.file}; restore it from the seed")
        return None
    items = ctx.seed_items(seed.file, fmt)
    if items is None:
        return p(e, ("seed", "file"), "seed", f"seed file {seed.file!r} has no items read as "
                 f"{fmt}; set seed.format to the format it was ingested as")
    if seed.position > len(items):
        return p(e, ("seed", "position"), "seed", f"{seed.file} read as {fmt} has "
                 f"{len(items)} items, not {seed.position}; fix the position")
    if items[seed.position - 1].excerpt != seed.excerpt:
        return p(e, ("seed", "excerpt"), "seed",
                 f"the excerpt differs from item {seed.position} of {seed.file} read as {fmt}; "
                 "restore it from the seed")
    return None


def _explained(term: str, glossary: set[str], longest: int = MAX_PHRASE_WORDS) -> bool:
    """A framing term is explained when it, or a glossary term standing in it as a word, is in the glossary."""
    folded = _fold(term)
    if folded in glossary:
        return True
    words = _WORDS.findall(folded)
    for n in range(min(len(words), longest), 0, -1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i:i + n]) in glossary:
                return True
    return False


@check("framing-glossary", "error", "Consistency")
def framing_glossary(ctx: Context):
    """Every framing term has a glossary entry, so a reader can look up who uses it.

    The framing term matches when it, or any word or phrase in it, is a glossary term or variant
    (so "terrorist group" is explained by an entry for "terrorist")."""
    for e in _items(ctx):
        for i, f in enumerate(e.value.framing):
            if not _explained(f.term, ctx.glossary_terms, ctx.glossary_phrase_words):
                yield p(e, ("framing", i, "term"), "framing-glossary",
                        f"framing term {f.term!r} has no glossary entry; add it to glossary.yaml "
                        "as a term or a variant", _level(e.value))


@check("lexicon-pattern", "error", "Consistency")
def lexicon_patterns(ctx: Context):
    """Every lexicon pattern compiles and matches only words, so the neutrality check can use it."""
    for e in ctx.digest.lexicon:
        v = e.value
        try:
            lex.compile_term(v.term, v.pattern, v.language, v.used_by, v.exceptions)
        except (ValueError, re.error) as exc:
            yield p(e, ("pattern",), "lexicon-pattern", f"pattern for {v.term!r}: {exc}")


@check("registry-empty", "warning", "Consistency")
def registry_empty(ctx: Context):
    """The lexicon and the stakeholders registry have entries; empty, the neutrality and balance checks check nothing.

    A new digest starts with empty registries. Until `lexicon.yaml` lists the loaded words of
    every side, no summary is checked for them; until `stakeholders.yaml` names the parties, no
    item can be balanced."""
    digest = ctx.digest
    for name, attr, what in (("lexicon", "lexicon", "the neutral-voice check finds no loaded "
                              "word; list every side's loaded words"),
                             ("stakeholders", "stakeholders", "the balance checks have no party "
                              "to look for; name the parties whose perspectives the digest "
                              "sets side by side")):
        if not getattr(digest, attr):
            path = display_path(Path(digest.root) / f"{name}.yaml", Path(digest.project_root))
            yield Problem(path, 1, "registry-empty", f"{name}.yaml has no entries: {what}",
                          "warning")
