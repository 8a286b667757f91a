"""Stage: status. Input: a loaded ``Digest``. Output: for each record, what is done and what is
missing to publish it, with starting points for the research.

What is missing comes from the checks themselves: every record that is not yet published is
checked as if it were, so the list is exactly what ``parallax check`` would refuse at
publication, grouped as the checks page groups it. The starting points are read from the record:
quoted phrases and named people in the excerpt (search strings for the original report), and the
parties in ``stakeholders.yaml`` that have no sourced position on the item yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterator

from .check import CHECKS, placeholder, run_checks
from .models import Digest
from .public import is_public

GROUP_OF = {c.code: c.group for c in CHECKS}
MAX_HINTS = 6
PHRASE_WORDS = 10


@dataclass(frozen=True)
class RecordStatus:
    """One record's progress toward publication."""

    id: str
    path: str
    status: str
    done: list = field(default_factory=list)
    missing: dict = field(default_factory=dict)  # check group -> ["line: code: message"]
    search: list = field(default_factory=list)  # search strings for the original report
    parties: list = field(default_factory=list)  # (party name, what it lacks)

    @property
    def ready(self) -> bool:
        return not self.missing

    def as_dict(self) -> dict:
        return {"id": self.id, "path": self.path, "status": self.status, "ready": self.ready,
                "done": self.done, "missing": self.missing, "search": self.search,
                "parties": [{"party": n, "lacks": w} for n, w in self.parties]}


# Quotations in the excerpt: straight, curly, guillemets and CJK corner brackets.
_QUOTED = re.compile(r"\"([^\"\n]{12,200})\"|“([^”\n]{12,200})”|«\s*([^»\n]{12,200}?)\s*»"
                     r"|„([^“”\n]{12,200})[“”]|「([^」\n]{6,200})」")
# Two to four capitalised words in a row (a name such as "Dana Reyes" or "Port Authority");
# a word after sentence punctuation may be capitalised only because it starts the sentence.
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|al-\w+|bin|de|van|von)){1,3})\b")
_TITLE_WORDS = {"The", "A", "An", "In", "On", "At", "But", "And", "He", "She", "They", "It", "We"}


def search_strings(excerpt: str, names: list[str]) -> list[str]:
    """Phrases to search for the original: quoted passages first, then named people."""
    out: list[str] = []
    for m in _QUOTED.finditer(excerpt):
        words = next(g for g in m.groups() if g).split()
        if len(words) >= 3:  # a search engine matches a phrase of ten words as well as a longer one
            out.append('"' + " ".join(words[:PHRASE_WORDS]) + '"')
    for name in names:
        out.append(name)
    for m in _NAME.finditer(excerpt):
        words = m.group(1).split()
        while words and words[0] in _TITLE_WORDS:
            words = words[1:]
        if len(words) >= 2:
            out.append(" ".join(words))
    return list(dict.fromkeys(out))[:MAX_HINTS]


def _done(item) -> list[str]:
    steps = [("neutral title", bool(item.neutral_title.strip())),
             ("date", item.date is not None),
             ("summary", bool(item.summary.strip())),
             ("chain traced beyond the seed page",
              any(l.role != "seed-page" and l.status != "unverified" for l in item.provenance)),
             (f"{len(item.perspectives)} perspectives", len(item.perspectives) >= 3),
             ("questions", 2 <= len(item.questions) <= 4),
             ("prepared_by", bool(item.prepared_by.strip()) and not placeholder(item.prepared_by)),
             ("reviewed_by", bool(item.reviewed_by.strip()) and not placeholder(item.reviewed_by))]
    return [name for name, ok in steps if ok]


def _parties(digest: Digest, item) -> list[tuple[str, str]]:
    by_party = {pv.stakeholder: pv for pv in item.perspectives}
    out = []
    for e in sorted(digest.stakeholders, key=lambda e: (e.value.order, e.value.name)):
        sh = e.value
        pv = by_party.get(sh.id)
        if pv is None:
            out.append((sh.name, "no perspective yet" + (" (the item is about it)"
                                                         if sh.id in item.about else "")))
        elif not pv.sources and pv.status != "no-statement-found":
            out.append((sh.name, "a position without a source"))
    return out


def status(digest: Digest) -> list[RecordStatus]:
    """Every record but those set aside, in file order, with what it needs to be published."""
    # Checked as if published: the publishing rules then say what each record still lacks.
    as_published = tuple(
        e if is_public(e.value) or e.value.status == "set-aside"
        else replace(e, value=e.value.model_copy(update={"status": "published"}))
        for e in digest.items)
    problems = run_checks(replace(digest, items=as_published))
    by_path: dict[str, list] = {}
    for prob in problems:
        if prob.severity == "error" and prob.code in GROUP_OF:
            by_path.setdefault(prob.path, []).append(prob)
    actors = {e.value.id: e.value.name for e in digest.actors}
    out = []
    for e in sorted(digest.items, key=lambda e: e.path):
        item = e.value
        if item.status == "set-aside":
            continue
        missing: dict[str, list] = {}
        for prob in by_path.get(e.path, []):
            missing.setdefault(GROUP_OF[prob.code], []).append(
                f"{prob.line}: {prob.code}: {prob.message}")
        names = [actors.get(s.actor, s.actor) for s in item.speakers]
        located = any(l.role in ("original-report", "primary-statement") and l.status == "located"
                      for l in item.provenance)
        out.append(RecordStatus(item.id, e.path, item.status, _done(item), missing,
                                [] if located else search_strings(item.seed.excerpt, names),
                                _parties(digest, item)))
    return out


def report(records: list[RecordStatus], prefix: Path = Path(".")) -> Iterator[str]:
    """``parallax status``'s text, a line at a time; record paths as the user named the project
    (``prefix``, the folder that holds the content folder)."""
    for r in records:
        path = r.path if prefix == Path(".") or prefix.is_absolute() \
            or Path(r.path).is_relative_to(prefix) else (prefix / r.path).as_posix()
        yield f"{path}: {r.status}" + (", ready to publish" if r.ready and r.status != "published" else "")
        if r.done:
            yield "  done: " + ", ".join(r.done)
        for group, lines in r.missing.items():
            yield f"  missing ({group}):"
            for line in lines:
                yield f"    {line}"
        if r.search:
            yield "  search for the original: " + " | ".join(r.search)
        for name, lacks in r.parties:
            yield f"  {name}: {lacks}"


def summary(records: list[RecordStatus]) -> str:
    """The closing line: how many records of each status, and how many are ready to publish."""
    counts = {s: sum(r.status == s for r in records) for s in ("draft", "reviewed", "published")}
    ready = sum(r.ready and r.status != "published" for r in records)
    return (f"{len(records)} records: {counts['published']} published, {counts['reviewed']} "
            f"reviewed, {counts['draft']} drafts; {ready} ready to publish")
