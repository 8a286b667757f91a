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
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Iterator
from urllib.parse import urlsplit

from . import lexicon as lex
from .load import Digest, Located
from .models import Item, Source
from .problems import Problem, Severity

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


PUBLIC = ("published",)
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
        terms = []
        for e in self.digest.lexicon:
            v = e.value
            try:
                terms.append(lex.compile_term(v.term, v.pattern, v.language, v.used_by))
            except (ValueError, re.error):
                pass
        return terms

    @cached_property
    def glossary_terms(self) -> set[str]:
        names = set()
        for e in self.digest.glossary:
            names.add(_fold(e.value.term))
            names.update(_fold(v) for v in e.value.variants)
        return names

    def seed_text(self, rel: str) -> str | None:
        cache = self.__dict__.setdefault("_seeds", {})
        if rel not in cache:
            cache[rel] = _read_seed(self.digest.project_root, rel)
        return cache[rel]


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _read_seed(project_root: Path, rel: str) -> str | None:
    path = project_root / rel
    try:
        if path.stat().st_size > 50_000_000:
            return None
        return path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
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
    for e in ctx.digest.items:
        if statuses is None or e.value.status in statuses:
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
    """The seed excerpt is unchanged: its hash matches and it is still found verbatim in its seed file.

    A seed is never edited; records point into it. The seed file must lie inside the project's
    `seeds/` folder."""
    seeds_dir = (ctx.digest.project_root / "seeds").resolve()
    resolved: dict[str, Path] = {}  # many items share a seed file: resolve each path once
    for e in _items(ctx):
        seed = e.value.seed
        digest = hashlib.sha256(seed.excerpt.encode("utf-8")).hexdigest()
        if digest != seed.sha256:
            yield p(e, ("seed", "sha256"), "seed",
                    "sha256 does not match the excerpt; the excerpt was edited (restore it from "
                    "the seed) or the hash is stale")
        rel = Path(seed.file)
        target = resolved.get(seed.file)
        if target is None:
            target = resolved[seed.file] = (ctx.digest.project_root / rel).resolve()
        if rel.is_absolute() or ".." in rel.parts or not str(target).startswith(str(seeds_dir)):
            yield p(e, ("seed", "file"), "seed",
                    f"seed file {seed.file!r} is outside seeds/; give a path like seeds/NAME")
            continue
        text = ctx.seed_text(seed.file)
        if text is None:
            yield p(e, ("seed", "file"), "seed", f"seed file {seed.file!r} cannot be read")
        elif seed.excerpt.replace("\r\n", "\n") not in text:
            yield p(e, ("seed", "excerpt"), "seed",
                    f"the excerpt is not found verbatim in {seed.file}; restore it from the seed")


@check("framing-glossary", "error", "Consistency")
def framing_glossary(ctx: Context):
    """Every framing term has a glossary entry, so a reader can look up who uses it."""
    for e in _items(ctx):
        for i, f in enumerate(e.value.framing):
            if _fold(f.term) not in ctx.glossary_terms:
                yield p(e, ("framing", i, "term"), "framing-glossary",
                        f"framing term {f.term!r} has no glossary entry; add it to glossary.yaml "
                        "as a term or a variant", _level(e.value))


@check("lexicon-pattern", "error", "Consistency")
def lexicon_patterns(ctx: Context):
    """Every lexicon pattern compiles and matches only words, so the neutrality check can use it."""
    for e in ctx.digest.lexicon:
        v = e.value
        try:
            lex.compile_term(v.term, v.pattern, v.language, v.used_by)
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
    quotation marks in a sentence that says who used it ("Iraq's foreign minister called the group
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
    """Every outlet named in a chain has its affiliation stated with evidence."""
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


_URL_BAD_CHARS = re.compile(r"[\s\x00-\x1f]")
# A plain http(s) URL with a dotted host name: what the rules below accept, recognised at once.
_URL_PLAIN = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]+)?(?:[/?#][^\s\x00-\x1f]*)?\Z")


@lru_cache(maxsize=100_000)  # pages and checks ask about the same URLs many times
def url_problem(url: str) -> str | None:
    """Why ``url`` is not a well-formed http(s) URL, or None."""
    if _URL_PLAIN.match(url):
        return None
    if _URL_BAD_CHARS.search(url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a well-formed URL"
    if parts.scheme not in ("http", "https"):
        return "is not an http or https URL"
    if not parts.netloc or not parts.hostname or "." not in parts.hostname:
        return "has no host name"
    return None


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
                yield p(e, (field,) if field in e.doc.data else (), "publish-complete",
                        f"{field} is empty; a {item.status} item needs it", sev)
        if item.date is None:
            yield p(e, (), "publish-complete", f"date is missing; a {item.status} item needs it", sev)
        if not 2 <= len(item.questions) <= 4:
            yield p(e, ("questions",), "publish-complete",
                    f"{len(item.questions)} discussion question(s); give two to four", sev)


@check("draft", "info", "Publishing")
def drafts(ctx: Context):
    """Drafts may be incomplete; each is reported so that nothing is published by accident."""
    for e in _items(ctx, ("draft",)):
        yield p(e, ("status",), "draft", "draft: not yet researched or reviewed", "info")


def run_checks(digest: Digest, problems: list[Problem] | None = None) -> list[Problem]:
    """Run every check; return these problems with ``problems`` (from loading), sorted."""
    ctx = Context(digest)
    found = list(problems or [])
    for c in CHECKS:
        found.extend(c.func(ctx))
    return sorted(set(found))
