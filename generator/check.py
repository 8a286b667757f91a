"""Stage: check. Input: a loaded ``Digest``. Output: every ``Problem`` found, sorted.

Each check is a function registered with a stable code and a severity; its docstring is its
documentation (the first line is the one-line rationale shown on the methodology page), and a
test fails when a check is undocumented. Checks never raise for bad content and never compare
records pairwise: every cross-record check goes through an index built once.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterator

from . import lexicon as lex
from . import seedformats
from .load import Digest, Located
from .models import Item, Model, Source
from .problems import Problem, Severity
from .urls import url_problem
from .public import PUBLIC

GROUPS = ("Consistency", "Neutral voice", "Balance", "Provenance", "Sources", "Publishing")


@dataclass(frozen=True)
class Check:
    code: str
    severity: Severity
    group: str
    func: Callable

    @property
    def rationale(self) -> str:
        return (self.func.__doc__ or "").strip().splitlines()[0] if self.func.__doc__ else ""

    @property
    def details(self) -> str:
        lines = (self.func.__doc__ or "").strip().splitlines()[1:]
        return " ".join(line.strip() for line in lines if line.strip())


CHECKS: list[Check] = []


def check(code: str, severity: Severity, group: str):
    def register(func):
        CHECKS.append(Check(code, severity, group, func))
        return func
    return register


VOICE_FIELDS = ("neutral_title", "summary", "context")


class Context:
    """The digest plus the indexes the checks share, each built once."""

    def __init__(self, digest: Digest):
        self.digest = digest

    @cached_property
    def outlets(self):
        return self.digest.by_id("outlets")

    @cached_property
    def actors(self):
        return self.digest.by_id("actors")

    @cached_property
    def stakeholders(self):
        return self.digest.by_id("stakeholders")

    @cached_property
    def item_ids(self):
        return {e.value.id for e in self.digest.items}

    @cached_property
    def terms(self) -> list[lex.Term]:
        return lex.compile_lexicon(e.value for e in self.digest.lexicon)

    @cached_property
    def glossary_terms(self) -> set[str]:
        names = set()
        for e in self.digest.glossary:
            names.add(_fold(e.value.term))
            names.update(_fold(v) for v in e.value.variants)
        return names

    @cached_property
    def glossary_phrase_words(self) -> int:
        """The most words a glossary term has, up to MAX_PHRASE_WORDS."""
        longest = max((len(_WORDS.findall(t)) for t in self.glossary_terms), default=0)
        return min(longest, MAX_PHRASE_WORDS)

    def seed_text(self, rel: str) -> str | None:
        """A seed file's text, decoded as ingest decodes it; read once per file."""
        cache = self.__dict__.setdefault("_seeds", {})
        if rel not in cache:
            cache[rel] = _read_seed(self.digest.project_root, rel)
        return cache[rel]

    def seed_items(self, rel: str, fmt: str) -> tuple | None:
        """The items of a seed file read as ``fmt``, parsed once per file and format."""
        cache = self.__dict__.setdefault("_seed_items", {})
        if (rel, fmt) not in cache:
            text = self.seed_text(rel)
            try:
                cache[rel, fmt] = tuple(seedformats.read_items(text, fmt)[1]) if text else None
            except seedformats.SeedError:
                cache[rel, fmt] = None
        return cache[rel, fmt]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _read_seed(project_root: Path, rel: str) -> str | None:
    try:
        return seedformats.read_text(project_root / rel)
    except seedformats.SeedError:
        return None


def _line_in(entry: Located, loc: tuple, text: str, offset: int) -> int:
    """The line of ``offset`` inside a (possibly multi-line block) field."""
    line = entry.line(*loc)
    if "\n" in text:
        return line + 1 + text.count("\n", 0, offset)
    return line


def p(entry: Located, loc: tuple, code: str, message: str, severity: Severity = "error") -> Problem:
    return Problem(entry.path, entry.line(*loc), code, message, severity)


def _items(ctx: Context, statuses=None) -> Iterator[Located]:
    """The items with one of ``statuses``; by default every item but those set aside (never
    shown, so nothing about them needs fixing)."""
    for e in ctx.digest.items:
        if e.value.status in statuses if statuses is not None else e.value.status != "set-aside":
            yield e


def _level(item: Item, severity: Severity = "error") -> Severity:
    """Publishing rules are errors for published items and warnings for the others."""
    return severity if item.status in PUBLIC else "warning"


# --- Consistency ----------------------------------------------------------------------------

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

    from .sitepaths import RECORD_PAGES, output_path, reserved_name, site_paths

    claimed = Counter(output_path(path) for path in site_paths(ctx.digest))
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


def _real_date(value: str) -> bool:
    parts = [int(x) for x in value.split("-")] if value else []
    try:
        if len(parts) == 3:
            dt.date(*parts)
        return True
    except ValueError:
        return False


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
    today = dt.date.today().isoformat()
    for e in _items(ctx):
        item = e.value
        for loc, value, accessed in _dates(item):
            if not value:
                continue
            if not _real_date(value):
                yield p(e, loc, "date", f"{value!r} is not a calendar date")
            elif value > today:
                yield p(e, loc, "date", f"{value!r} is in the future")
            elif accessed and value[: len(accessed)] > accessed:
                yield p(e, loc, "date", f"{value!r} is after the accessed date {accessed!r}; "
                                        "one of them is wrong")
        if item.date:
            want = {10: "day", 7: "month", 4: "year"}[len(item.date.value)]
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
    seeds_dir = (ctx.digest.project_root / "seeds").resolve()
    for e in _items(ctx):
        seed = e.value.seed
        digest = hashlib.sha256(seed.excerpt.encode("utf-8")).hexdigest()
        if digest != seed.sha256:
            yield p(e, ("seed", "sha256"), "seed",
                    "sha256 does not match the excerpt; the excerpt was edited (restore it from "
                    "the seed) or the hash is stale")
        rel = Path(seed.file)
        target = (ctx.digest.project_root / rel).resolve()
        if rel.is_absolute() or ".." in rel.parts or not target.is_relative_to(seeds_dir):
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


_WORDS = re.compile(r"\w[\w'’-]*")
# Phrases inside a framing term are looked up up to this many words long, so that the check
# stays linear in the term's length (a longer glossary term explains only an equal framing term).
MAX_PHRASE_WORDS = 12


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


# --- Neutral voice --------------------------------------------------------------------------

def _voice_fields(item: Item):
    for name in VOICE_FIELDS:
        yield (name,), getattr(item, name)
    for i, pv in enumerate(item.perspectives):
        yield ("perspectives", i, "position"), pv.position


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


# --- Balance --------------------------------------------------------------------------------

INDEPENDENT_KINDS = {"intergovernmental", "human-rights-organisation", "independent-research"}


@check("balance-count", "error", "Balance")
def balance_count(ctx: Context):
    """A published item sets at least three parties' perspectives side by side."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        n = len(e.value.perspectives)
        if n < 3:
            yield p(e, ("perspectives",), "balance-count",
                    f"{n} perspective(s); a {e.value.status} item needs at least three "
                    "(use status no-statement-found for a party that said nothing)",
                    _level(e.value))


@check("balance-about", "error", "Balance")
def balance_about(ctx: Context):
    """The party an item is about, or criticises, is heard on that item.

    Every stakeholder in `about` needs a perspective (`no-statement-found` is an honest one)."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        heard = {pv.stakeholder for pv in e.value.perspectives}
        for i, sid in enumerate(e.value.about):
            if sid not in heard:
                yield p(e, ("about", i), "balance-about",
                        f"the item is about {sid!r} but has no perspective from it; add one",
                        _level(e.value))
        if not e.value.about:
            yield p(e, ("about",), "balance-about",
                    "`about` is empty; name the stakeholders the item is about or criticises",
                    _level(e.value))


@check("balance-independent", "warning", "Balance")
def balance_independent(ctx: Context):
    """An item has at least one intergovernmental, human-rights or independent-research perspective."""
    for e in _items(ctx):
        if e.value.status == "draft":
            continue
        kinds = {ctx.stakeholders[pv.stakeholder].value.kind
                 for pv in e.value.perspectives if pv.stakeholder in ctx.stakeholders}
        if not kinds & INDEPENDENT_KINDS:
            yield p(e, ("perspectives",), "balance-independent",
                    "no intergovernmental, human-rights or independent-research perspective; "
                    "add one", "warning")


@check("stakeholder-unheard", "warning", "Balance")
def stakeholder_unheard(ctx: Context):
    """Every stakeholder in the registry is heard somewhere in the digest, or the gap is reported."""
    heard = {pv.stakeholder for e in ctx.digest.items for pv in e.value.perspectives
             if pv.status != "no-statement-found"}
    if not ctx.digest.items:
        return
    for e in ctx.digest.stakeholders:
        if e.value.id not in heard:
            yield p(e, ("id",), "stakeholder-unheard",
                    f"{e.value.id!r} has no stated or general position on any item", "warning")


# --- Provenance -----------------------------------------------------------------------------

@check("provenance-seed", "error", "Provenance")
def provenance_seed(ctx: Context):
    """Every chain starts at the seed page: the first link has the role `seed-page`."""
    for e in _items(ctx):
        chain = e.value.provenance
        if not chain or chain[0].role != "seed-page":
            yield p(e, ("provenance",), "provenance-seed",
                    "the chain must start with a `seed-page` link (the page the excerpt was "
                    "taken from)", _level(e.value))


@check("provenance-link", "error", "Provenance")
def provenance_links(ctx: Context):
    """Every link is either located (with URL and accessed date) or says what was searched for.

    `located` needs `url` and `accessed`; `not-located` and `unverified` need a `note`."""
    for e in _items(ctx):
        for i, link in enumerate(e.value.provenance):
            if link.status == "located":
                if not link.url:
                    yield p(e, ("provenance", i), "provenance-link",
                            "a located link needs its url; or set status not-located with a note")
                if not link.accessed:
                    yield p(e, ("provenance", i), "provenance-link",
                            "a located link needs `accessed`: the day it was read")
            elif not link.note.strip():
                yield p(e, ("provenance", i, "status"), "provenance-link",
                        f"a {link.status} link needs a note saying what was searched for")


@check("provenance-depth", "error", "Provenance")
def provenance_depth(ctx: Context):
    """A published chain goes beyond the seed page, or its seed-page link says why it cannot."""
    for e in _items(ctx, PUBLIC):
        chain = e.value.provenance
        if len(chain) <= 1 and not (chain and chain[0].note.strip()):
            yield p(e, ("provenance",), "provenance-depth",
                    "the chain stops at the seed page; trace it to the original or note what "
                    "was searched for")


@check("outlet-evidence", "error", "Provenance")
def outlet_evidence(ctx: Context):
    """Every outlet named in a chain has its affiliation stated with evidence.

    An outlet whose affiliation could not be established has `kind: unknown` and an
    `affiliation` that says what was searched for; it is reported as a note and shown as a gap."""
    used: dict[str, str] = {}
    for e in ctx.digest.items:
        for link in e.value.provenance:
            if link.outlet:
                prev = used.get(link.outlet)
                used[link.outlet] = "published" if e.value.status in PUBLIC or prev == "published" else "other"
    for oid, status in sorted(used.items()):
        entry = ctx.outlets.get(oid)
        if entry is None:
            continue
        sev: Severity = "error" if status == "published" else "warning"
        if entry.value.kind == "unknown" and entry.value.affiliation.strip():
            if not entry.value.evidence:
                yield p(entry, ("affiliation",), "outlet-evidence",
                        f"outlet {oid!r}: affiliation not established; shown as a gap", "info")
            continue
        if not entry.value.affiliation.strip():
            yield p(entry, ("affiliation",), "outlet-evidence",
                    f"outlet {oid!r} has no affiliation; say who owns, funds or controls it", sev)
        elif not entry.value.evidence:
            yield p(entry, ("evidence",), "outlet-evidence",
                    f"outlet {oid!r} states an affiliation without evidence; add sources", sev)


# --- Sources --------------------------------------------------------------------------------

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
    first: dict[str, tuple] = {}
    for e, loc, s in _sources(ctx):
        if not s.url:
            continue
        key = (_fold(s.title), _fold(s.publisher))
        if s.url not in first:
            first[s.url] = (key, e, loc)
        elif first[s.url][0] != key:
            _, fe, floc = first[s.url]
            yield p(e, loc, "source-conflict",
                    f"{s.url[:80]} is cited as {s.title!r} / {s.publisher!r} here but differently "
                    f"at {fe.path}:{fe.line(*floc)}; make them agree", "warning")


# --- Publishing -----------------------------------------------------------------------------

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


@check("stakeholder-order", "error", "Balance")
def stakeholder_order(ctx: Context):
    """Stakeholders are displayed alphabetically by name, a rule that ranks no party.

    Each stakeholder's `order` must put the names in alphabetical order (case-insensitive)."""
    entries = list(ctx.digest.stakeholders)
    by_order = sorted(entries, key=lambda e: e.value.order)
    by_name = sorted(entries, key=lambda e: _fold(e.value.name))
    if [e.value.id for e in by_order] != [e.value.id for e in by_name]:
        for e, want in zip(by_order, by_name):
            if e.value.id != want.value.id:
                yield p(e, ("order",), "stakeholder-order",
                        f"order {e.value.order} puts {e.value.name!r} where alphabetical order "
                        f"puts {want.value.name!r}; renumber `order` alphabetically by name")
                break


# --- Registries and the digest as a whole -----------------------------------------------------

@check("registry-empty", "warning", "Consistency")
def registry_empty(ctx: Context):
    """The lexicon and the stakeholders registry have entries; empty, the neutrality and balance checks check nothing.

    A new digest starts with empty registries. Until `lexicon.yaml` lists the loaded words of
    every side, no summary is checked for them; until `stakeholders.yaml` names the parties, no
    item can be balanced."""
    from .load import _rel

    digest = ctx.digest
    for name, attr, what in (("lexicon", "lexicon", "the neutral-voice check finds no loaded "
                              "word; list every side's loaded words"),
                             ("stakeholders", "stakeholders", "the balance checks have no party "
                              "to look for; name the parties whose perspectives the digest "
                              "sets side by side")):
        if not getattr(digest, attr):
            path = _rel(Path(digest.root) / f"{name}.yaml", Path(digest.project_root))
            yield Problem(path, 1, "registry-empty", f"{name}.yaml has no entries: {what}",
                          "warning")


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
            if m := _EDITOR_NOTE.search(text):
                field = ".".join(str(x) for x in loc)
                yield Problem(e.path, _line_in(e, loc, text, m.start()), "editor-note",
                              f"{field} says {m.group().strip()!r}, which speaks to editors, "
                              "not readers; reword it for a reader (say what is established, or "
                              "'not established'), and keep working notes out of the content",
                              "warning")


MAX_PER_FILE = 100


def run_checks(digest: Digest, problems: list[Problem] | None = None) -> list[Problem]:
    """Run every check; return these problems with ``problems`` (from loading), sorted.

    At most MAX_PER_FILE problems are listed for one file, then one that counts the rest: a
    file of a million bad entries gets a readable report."""
    ctx = Context(digest)
    found = list(problems or [])
    for c in CHECKS:
        found.extend(c.func(ctx))
    return _capped(sorted(set(found)))


def _capped(problems: list[Problem]) -> list[Problem]:
    shown: list[Problem] = []
    hidden: dict[str, list[Problem]] = {}
    counts: dict[str, int] = {}
    for prob in problems:
        counts[prob.path] = counts.get(prob.path, 0) + 1
        if counts[prob.path] <= MAX_PER_FILE:
            shown.append(prob)
        else:
            hidden.setdefault(prob.path, []).append(prob)
    for path, rest in hidden.items():
        worst = "error" if any(x.severity == "error" for x in rest) else \
            "warning" if any(x.severity == "warning" for x in rest) else "info"
        shown.append(Problem(path, rest[0].line, "more-problems",
                             f"{len(rest):,} more problems in this file are not shown; fix "
                             "the ones above and check again", worst))
    return sorted(shown)
