"""Stage: ingest. Input: seed files. Output: draft item records in ``content/items/``.

Ingest parses each seed into items (``seedformats``), plans what to do with every item against
the records already on disk and those planned so far (create, unchanged, conflict), and only
then writes, atomically. A record that exists is never rewritten: a person may have edited it.
When its excerpt no longer matches the seed, that is a conflict to resolve by hand, reported
and left alone. A seed that cannot be read gets a problem and nothing is written for it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from . import __version__, textfile, yamlio
from .models import Item, precision_of
from .prefill import Prefill
from .problems import Problem, ProblemError
from .seedformats import SeedDoc, SeedItem, detect, format_name, page_address, read_items

SCHEMA_REF = "../../schema/item.schema.json"
ONE_ITEM_LONG = 1_500  # characters: a seed this long that gives one item probably holds more


def slugify(text: str, limit: int = 80) -> str:
    """An ASCII slug for ``text``; ids stay ASCII whatever the script of the headline."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "item-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


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


def listed_seeds(path: Path) -> set:
    """The seed files ``digest.yaml`` lists (none when it is missing or cannot be read)."""
    if not path.is_file():
        return set()
    doc, _ = yamlio.load(path, path.name)
    seeds = doc.data.get("seeds") if doc and isinstance(doc.data, dict) else None
    return {s.get("file") for s in seeds if isinstance(s, dict)} if isinstance(seeds, list) else set()


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


# --- the draft record -----------------------------------------------------------------------

def _past(value: str) -> str:
    """``value`` if it is not after today, else "": a date to come is not when an item happened."""
    return value if value and value <= dt.date.today().isoformat()[: len(value)] else ""


def _date(value: str, basis: str) -> dict:
    return {"value": value, "precision": precision_of(value), "basis": basis}


def _seed_page(doc: SeedDoc, item: SeedItem) -> dict:
    """The first provenance link: the item's own link when the seed gave one, else the page."""
    if item.link:
        return {"role": "seed-page", "outlet": "", "url": item.link, "title": item.title,
                "date": item.date, "accessed": "", "status": "unverified",
                "note": f"The item's own link in the seed file {doc.file}; not yet checked."}
    note = (f"Item {item.position} of the seed file {doc.file}"
            + (f" (page title: {doc.title!r})" if doc.title else "")
            + "; the page's public address is not yet identified.")
    return {"role": "seed-page", "outlet": "", "url": "", "title": doc.title, "date": "",
            "accessed": "", "status": "unverified", "note": note}


def draft_record(doc: SeedDoc, item: SeedItem, item_id: str, prefill: Prefill | None) -> dict:
    """The draft record for one seed item: what the seed says, and nothing invented."""
    item = replace(item, date=_past(item.date))
    seed = {"file": doc.file, "format": doc.format, "position": item.position,
            "excerpt": item.excerpt, "sha256": sha256(item.excerpt)}
    if item.link:
        seed["link"] = item.link
    record = {"id": item_id, "title": item.title, "neutral_title": "", "status": "draft"}
    if item.date:
        record["date"] = _date(item.date, item.date_basis or "date given in the seed; not yet checked")
    record["seed"] = seed
    record["provenance"] = [_seed_page(doc, item)]
    if prefill is not None:
        record = prefill.apply(record, item, doc.title)
    if "date" not in record and _past(doc.date):
        record["date"] = _date(doc.date, doc.date_basis)
    record.setdefault("summary", "")
    record["prepared_by"] = f"parallax ingest {__version__}"
    return {k: record[k] for k in Item.model_fields if k in record}


def _invalid(record: dict) -> str:
    """Why ``record`` would not load, or "" (a safety net: ingest never writes a broken record)."""
    try:
        Item.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return ""


# --- planning -------------------------------------------------------------------------------

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


def seed_entry(doc: SeedDoc, prefill: Prefill | None) -> dict:
    """digest.yaml's `seeds` entry for a seed: what the page says of itself, nothing more."""
    return {"file": doc.file, "title": doc.title,
            "publisher": prefill.page_outlet(doc.title, doc.url) if prefill else "",
            "url": doc.url, "accessed": "", "note": ""}


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


# --- writing --------------------------------------------------------------------------------

def copy_seed(copy: SeedCopy) -> bool:
    """Keep a seed verbatim in seeds/ (atomically; an existing file is never replaced)."""
    return yamlio.write_new(copy.target, copy.source.read_bytes())


def write_record(action: Action) -> bool:
    """Write one planned record. False (and nothing written) if the file exists by now."""
    return action.kind == "create" and yamlio.write_new(action.path, action.text)


def seed_outside(path: Path, project_root: Path) -> Problem | None:
    """A problem when a seed named inside seeds/ is a link to a file outside it."""
    seeds = project_root / "seeds"
    if path.absolute().is_relative_to(seeds.absolute()) and \
            not path.resolve().is_relative_to(seeds.resolve()):
        return Problem(str(path), 1, "seed-outside",
                       "this seed is a link to a file outside seeds/; copy the file in instead")
    return None


@dataclass(frozen=True)
class Result:
    """What an ingest did (or, in a dry run, would do): the plan, the records written, the
    seed files listed in digest.yaml, and every problem, sorted."""

    plan: Plan
    written: tuple = ()  # the records written
    problems: tuple = ()  # planning, writing and conflicts, sorted
    listed: tuple = ()  # seed files added to digest.yaml's `seeds` (in a dry run: to be added)
    listing: Path | None = None  # that digest.yaml, where there is one
    schema: Path | None = None  # the JSON Schema folder written for the drafts' `$schema` line
    dry_run: bool = False

    def count(self, kind: str) -> int:
        """How many seed items the plan creates, leaves unchanged, or finds in conflict."""
        return self.plan.count(kind)

    @property
    def duplicates(self) -> int:
        """Seed items not made because a record already holds the same excerpt."""
        return sum(p.code == "ingest-duplicate" for p in self.problems)

    @property
    def failed(self) -> bool:
        return bool(self.count("conflict")) or any(p.severity == "error" for p in self.problems)


def apply(result: Plan, content: Path | None = None, progress=None, on_record=None) -> Result:
    """Copy the seeds, then write the records the plan creates. With ``content``, the new
    seeds are also listed in its digest.yaml (``add_seed_entries``), and the JSON Schema the
    drafts name is written beside it when it is missing. ``on_record(action)`` hears each
    record written.

    Seeds go first so that a record never points at a seed that is not there."""
    for copy in result.copies:
        copy_seed(copy)
    problems: list[Problem] = []
    written = []
    creates = [a for a in result.actions if a.kind == "create"]
    with (progress or _as_they_are)(creates, "Writing records") as actions:
        for action in actions:
            if not write_record(action):
                problems.append(Problem(str(action.path), 1, "ingest-exists",
                                        "the record appeared while ingest ran; it is left as it is"))
                continue
            written.append(action)
            if on_record is not None:
                on_record(action)
    schema = listing = None
    listed: tuple = ()
    if content is not None:
        schema = content.resolve().parent / "schema"
        if creates and not schema.exists():  # the drafts' `$schema` line points there
            from .schema import write_schemas

            write_schemas(schema)
        else:
            schema = None
        listing = content / "digest.yaml"
        if problem := add_seed_entries(listing, result.seed_entries):
            problems.append(problem)
        elif listing.is_file():
            listed = tuple(e["file"] for e in result.seed_entries)
    return _result(result, written, problems, listed, listing, schema)


def _result(result: Plan, written, problems, listed, listing, schema, dry_run=False) -> Result:
    conflicts = [Problem(str(a.path), 1, "ingest-conflict", a.message)
                 for a in result.actions if a.kind == "conflict"]
    return Result(result, tuple(written), tuple(sorted([*result.problems, *problems, *conflicts])),
                  listed, listing if listing is not None and listing.is_file() else None, schema,
                  dry_run)


def run(seed_paths: list[Path], content: Path, fmt: str | None = None, dry_run: bool = False,
        progress=None, on_seed=None, on_record=None) -> Result:
    """Ingest ``seed_paths`` into ``content``: plan every seed against the records there (with
    proposals from its registries), then, unless ``dry_run``, write (``apply``). The callbacks
    are ``plan``'s and ``apply``'s, for a command that shows progress."""
    from .load import load_content

    content = Path(content)
    project_root = content.resolve().parent
    digest, _ = load_content(content, project_root) if content.is_dir() else (None, [])
    prefill = Prefill(digest) if digest is not None else None
    planned = plan(list(seed_paths), content, project_root, format_name(fmt) if fmt else None,
                   prefill, progress, on_seed)
    if not dry_run:
        return apply(planned, content, progress, on_record)
    listing = content / "digest.yaml"
    listed = tuple(e["file"] for e in planned.seed_entries) if listing.is_file() else ()
    return _result(planned, (), [], listed, listing, None, dry_run=True)


# --- digest.yaml's seeds ----------------------------------------------------------------------

_SEEDS_KEY = re.compile(r"^seeds:[ \t]*(\[\s*\])?[ \t]*(#.*)?$")


def add_seed_entries(path: Path, entries: list[dict]) -> Problem | None:
    """Add ``entries`` to the `seeds` list of an existing digest.yaml, as text, so that every
    comment and every entry a person wrote stays exactly as it was; entries already listed are
    never rewritten. A file whose `seeds` this cannot extend safely is left alone, with a
    problem saying what to add by hand. No digest.yaml: nothing to do (``parallax new`` makes
    one)."""
    if not entries or not path.is_file():
        return None
    listed = listed_seeds(path)
    entries = [e for e in entries if e["file"] not in listed]
    if not entries:
        return None
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next((n for n, line in enumerate(lines) if _SEEDS_KEY.match(line)), None)
    # New entries take the indentation of the list's first entry (YAML allows none).
    after = lines[at + 1:] if at is not None else []
    first = next((m.group(1) for line in after if (m := re.match(r"^([ \t]*)- ", line))), "  ")
    rows = [f"{first}- {{{', '.join(f'{k}: {json.dumps(v, ensure_ascii=False)}' for k, v in e.items())}}}"
            for e in entries]
    if at is None:
        if any(line.startswith("seeds:") for line in lines):
            return _by_hand(path, entries)
        new = text.rstrip("\n") + "\nseeds:\n" + "\n".join(rows) + "\n"
    else:
        end = at + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-#"):
            end += 1
        while end > at + 1 and not lines[end - 1].strip():
            end -= 1
        if _SEEDS_KEY.match(lines[at]).group(1):  # `seeds: []`
            lines[at] = "seeds:"
        new = "\n".join(lines[:end] + rows + lines[end:])
    if _seeds_after(new) != [*_seeds_after(text), *entries]:
        return _by_hand(path, entries)
    yamlio.write_atomic(path, new)
    return None


def _seeds_after(text: str) -> list | None:
    try:
        data = yamlio.parse(text, "digest.yaml").data
    except Exception:  # the edit broke the file: it is not written
        return None
    seeds = data.get("seeds") if isinstance(data, dict) else None
    return list(seeds or []) if isinstance(seeds, (list, type(None))) else None


def _by_hand(path: Path, entries: list[dict]) -> Problem:
    return Problem(str(path), 1, "ingest-seed-entry",
                   "could not add the new seeds to `seeds` here; add them by hand: "
                   + "; ".join(f"file {e['file']!r}, title {e['title']!r}, url {e['url']!r}"
                               for e in entries), "warning")
