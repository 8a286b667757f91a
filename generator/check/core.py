"""The checks' machinery: the registry of checks, the ``Context`` they share, and ``run_checks``.

Input: a loaded ``Digest`` and the day it is judged on. Output: every ``Problem`` found, sorted.
Nothing here reads a file or the clock.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Iterator

from .. import lexicon as lex
from .. import seedformats
from ..models import Digest, Item, Located
from ..problems import Problem, Severity
from ..public import PUBLIC

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

    def __init__(self, digest: Digest, today: str | dt.date | None = None, plan=None):
        self.digest = digest
        # How the site is planned for the digest (``render.Plans``, which `mkdocs serve` hands
        # on to its publication); None plans it afresh (``render.plan_site``).
        self.plan = plan
        # The checks' "today" is given, never read from the clock here: by default, the day
        # the digest was read.
        self.today = today.isoformat() if isinstance(today, dt.date) else today or digest.read_on

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
        """A seed file's text, decoded as ingest decodes it (as loading read it), or None."""
        seed = self.digest.seeds.get(rel)
        return seed.text if seed is not None and not seed.outside else None

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


_WORDS = re.compile(r"\w[\w'’-]*")
# Phrases inside a framing term are looked up up to this many words long, so that the check
# stays linear in the term's length (a longer glossary term explains only an equal framing term).
MAX_PHRASE_WORDS = 12


def _voice_fields(item: Item):
    for name in VOICE_FIELDS:
        yield (name,), getattr(item, name)
    for i, pv in enumerate(item.perspectives):
        yield ("perspectives", i, "position"), pv.position


MAX_PER_FILE = 100


def run_checks(digest: Digest, problems: list[Problem] | None = None,
               today: str | dt.date | None = None, plan=None) -> list[Problem]:
    """Run every check; return these problems with ``problems`` (from loading), sorted.

    A function of the digest and ``today`` (by default the day the digest was read): it reads
    no file and no clock. At most MAX_PER_FILE problems are listed for one file, then one that
    counts the rest: a file of a million bad entries gets a readable report."""
    ctx = Context(digest, today, plan)
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

