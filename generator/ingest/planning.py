"""Ingest's plan: for every item of every seed, create it, leave it, or report a conflict."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from .. import textfile, yamlio
from ..prefill import Prefill
from ..problems import Problem, ProblemError
from ..seedformats import SeedDoc, SeedItem, detect, format_name, page_address, read_items
from .drafts import SCHEMA_REF, _invalid, draft_record, sha256, slugify
from .seedlist import listed_seeds, seed_entry


ONE_ITEM_LONG = 1_500  # characters: a seed this long that gives one item probably holds more


@dataclass(frozen=True)
class Action:
    """What ingest will do (or did) with one seed item."""

    kind: str  # create | unchanged | conflict
    item_id: str
    path: Path
    seed_file: str
    position: int
    message: str = ""
    text: str = ""


@dataclass(frozen=True)
class SeedCopy:
    """A seed from outside the project, to be kept verbatim in seeds/ before its records."""

    source: Path
    target: Path


@dataclass(frozen=True)
class Plan:
    actions: list
    problems: list
    copies: list = field(default_factory=list)
    format: str = ""  # how the seed was read, for a plan of one seed
    seed_entries: list = field(default_factory=list)  # new `seeds` entries for digest.yaml

    def count(self, kind: str) -> int:
        return sum(a.kind == kind for a in self.actions)


@dataclass
class Ledger:
    """The records on disk plus what this run has planned so far: what each seed is planned
    against, so that ids stay unique across seeds and a seed named twice is planned once."""

    items_dir: Path
    project_root: Path
    ids: set = field(default_factory=set)
    by_seed: dict = field(default_factory=dict)  # (file, position) -> (id, sha256)
    unreadable: list = field(default_factory=list)
    seeds: dict = field(default_factory=dict)  # seed file -> sha256 of its bytes
    by_sha: dict = field(default_factory=dict)  # excerpt sha256 -> (id, seed file, position)
    listed: set = field(default_factory=set)  # seed files digest.yaml already lists


def survey(content: Path, project_root: Path) -> tuple[Ledger, list[Problem]]:
    """The records already in a content folder, indexed by where they point in their seed."""
    ledger = Ledger(content / "items", project_root)
    problems: list[Problem] = []
    if not ledger.items_dir.is_dir():
        return ledger, problems
    for path in sorted(ledger.items_dir.glob("*.yaml")):
        ledger.ids.add(path.stem)
        display = _display(path, project_root)
        doc, found = yamlio.load(path, display)
        seed = doc.data.get("seed") if doc and isinstance(doc.data, dict) else None
        if not isinstance(seed, dict):
            ledger.unreadable.append(display)
            problems += found or [Problem(display, 1, "ingest-unreadable",
                                          "record has no readable seed; it is left as it is")]
            continue
        ledger.by_seed[(seed.get("file"), seed.get("position"))] = (path.stem, seed.get("sha256"))
        if isinstance(seed.get("sha256"), str):
            ledger.by_sha.setdefault(seed["sha256"], (path.stem, seed.get("file"),
                                                      seed.get("position")))
    ledger.listed = listed_seeds(content / "digest.yaml")
    return ledger, problems


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def parse_seed(path: Path, rel: str, fmt: str | None = None) -> tuple[SeedDoc | None, list[Problem]]:
    """Read and parse one seed; on any failure, no document and one problem naming the file."""
    try:
        text = textfile.read_seed(path)
        fmt = format_name(fmt) if fmt else detect(text, path.suffix)
        title, items, date, basis = read_items(text, fmt)
        return SeedDoc(rel, title, fmt, tuple(items), date, basis, page_address(text, fmt)), []
    except ProblemError as exc:
        return None, [exc.problem(str(path))]


def seed_target(path: Path, project_root: Path) -> Path:
    """Where the seed is kept: itself when it is already under seeds/, else seeds/<name>."""
    seeds = (project_root / "seeds").resolve()
    resolved = path.resolve()
    return resolved if resolved.is_relative_to(seeds) else seeds / path.name


def plan(seed_paths: list[Path], content: Path, project_root: Path, fmt: str | None = None,
         prefill: Prefill | None = None, progress=None, on_seed=None) -> Plan:
    """Decide, for every item of every seed, whether to create it, leave it, or report a conflict.

    ``progress(items, label)``, where given, wraps the seeds as they are read (a progress bar:
    a context manager that gives the items); ``on_seed(path, plan)`` hears each seed's plan."""
    ledger, problems = survey(content, project_root)
    plans = []
    with (progress or _as_they_are)(list(seed_paths), "Reading seeds") as paths:
        for path in paths:
            plans.append(plan_seed(path, ledger, fmt, prefill))
            if on_seed is not None:
                on_seed(path, plans[-1])
    return combine(plans, problems)


def _as_they_are(items: list, label: str):
    return contextlib.nullcontext(items)


def combine(plans: list[Plan], problems: list[Problem]) -> Plan:
    """One plan from the plans of several seeds, after ``problems`` found before them."""
    return Plan([a for p in plans for a in p.actions],
                [*problems, *(q for p in plans for q in p.problems)],
                [c for p in plans for c in p.copies],
                seed_entries=[e for p in plans for e in p.seed_entries])


def plan_seed(path: Path, ledger: Ledger, fmt: str | None = None,
              prefill: Prefill | None = None) -> Plan:
    """The plan for one seed, against ``ledger``, which it updates with what it plans."""
    planted = ledger.project_root / "seeds" / path.name
    if problem := seed_outside(path, ledger.project_root) or (
            planted.is_symlink() and seed_outside(planted, ledger.project_root)):
        return Plan([], [problem])
    target = seed_target(path, ledger.project_root)
    rel = "seeds/" + target.relative_to((ledger.project_root / "seeds").resolve()).as_posix()
    doc, problems = parse_seed(path, rel, fmt)
    if doc is None:
        return Plan([], problems)
    digest = sha256(path.read_bytes())
    if (clash := _name_clash(path, target, rel, digest, ledger)) is not None:
        return Plan([], [clash] if clash else [])
    ledger.seeds[rel] = digest
    copies = [SeedCopy(path, target)] if path.resolve() != target and not target.exists() else []
    actions, problems, blocked = [], [], 0
    if len(doc.items) == 1 and len(doc.items[0].excerpt) > ONE_ITEM_LONG:
        problems.append(Problem(str(path), 1, "seed-one-item", (
            f"read as {doc.format}, this long seed gave one item only; if it holds several, "
            "end each with a 'Read more' line (text), give each a '## ' headline (Markdown), or "
            "pass --format"), "warning"))
    for item in doc.items:
        key = (doc.file, item.position)
        twin = ledger.by_sha.get(sha256(item.excerpt))
        if key in ledger.by_seed:
            actions.append(_existing(key, item, ledger))
        elif twin is not None:
            problems.append(Problem(str(path), 1, "ingest-duplicate", (
                f"item {item.position} ({item.title[:60]!r}) has the same excerpt as {twin[0]} "
                f"(item {twin[2]} of {twin[1]}); not made twice: add this seed's page to that "
                "record's provenance if it matters"), "warning"))
        elif ledger.unreadable:
            blocked += 1
        else:
            action, problem = _create(path, doc, item, ledger, prefill)
            actions += [action] if action else []
            problems += [problem] if problem else []
    if blocked:
        problems.append(Problem(str(path), 1, "ingest-blocked",
                                f"{blocked} new item(s) not created: {len(ledger.unreadable)} "
                                "record(s) cannot be read (see above) and may already hold items "
                                "of this seed; fix them and run ingest again"))
    if not any(a.kind == "create" for a in actions):
        copies = []
    entries = []
    if rel not in ledger.listed and (copies or target.exists() or path.resolve() == target):
        entries.append(seed_entry(doc, prefill))
        ledger.listed.add(rel)
    return Plan(actions, problems, copies, doc.format, entries)


def _name_clash(path: Path, target: Path, rel: str, digest: str, ledger: Ledger):
    """A problem when another seed already has this name; "" when this very seed was already
    planned in this run (nothing more to do); None when all is well."""
    if rel in ledger.seeds:
        if ledger.seeds[rel] == digest:
            return ""
        return Problem(str(path), 1, "ingest-seed-name",
                       f"another seed named {path.name} is also being ingested; rename one")
    if path.resolve() != target and target.exists() and sha256(target.read_bytes()) != digest:
        return Problem(str(path), 1, "ingest-seed-name",
                       f"a different seed named {path.name} is already in seeds/ (a seed is never "
                       "replaced); rename the new file")
    return None


def _existing(key: tuple, item: SeedItem, ledger: Ledger) -> Action:
    item_id, old = ledger.by_seed[key]
    target = ledger.items_dir / f"{item_id}.yaml"
    if old == sha256(item.excerpt):
        return Action("unchanged", item_id, target, key[0], item.position)
    return Action("conflict", item_id, target, key[0], item.position,
                  f"the seed's excerpt for item {item.position} of {key[0]} no longer matches "
                  f"the one {item_id} was made from (sha256 differs); both are left as they "
                  "are: restore the seed if it was edited by mistake, or copy the new excerpt "
                  f"into the record with sha256 {sha256(item.excerpt)}")


def _create(path: Path, doc: SeedDoc, item: SeedItem, ledger: Ledger, prefill):
    item_id = _unique(slugify(item.title or item.excerpt[:80] or item.link), ledger.ids)
    record = draft_record(doc, item, item_id, prefill)
    if why := _invalid(record):
        return None, Problem(str(path), 1, "ingest-item",
                             f"item {item.position} ({item.title[:60]!r}) cannot become a "
                             f"record ({why}); it is left out")
    ledger.ids.add(item_id)
    ledger.by_seed[(doc.file, item.position)] = (item_id, sha256(item.excerpt))
    ledger.by_sha.setdefault(sha256(item.excerpt), (item_id, doc.file, item.position))
    return Action("create", item_id, ledger.items_dir / f"{item_id}.yaml", doc.file,
                  item.position, text=yamlio.dump(record, SCHEMA_REF)), None


def _unique(slug: str, taken: set) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def seed_outside(path: Path, project_root: Path) -> Problem | None:
    """A problem when a seed named inside seeds/ is a link to a file outside it."""
    seeds = project_root / "seeds"
    if path.absolute().is_relative_to(seeds.absolute()) and \
            not path.resolve().is_relative_to(seeds.resolve()):
        return Problem(str(path), 1, "seed-outside",
                       "this seed is a link to a file outside seeds/; copy the file in instead")
    return None
