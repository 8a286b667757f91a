"""Stage: ingest. Input: seed files. Output: draft item records in ``content/items/``.

Ingest parses a seed into items (``seedformats``), plans what to do with each against the
records already on disk (create, unchanged, conflict), and only then writes, atomically. A
record that exists is never rewritten: a person may have edited it. When its excerpt no longer
matches the seed, that is a conflict to resolve by hand, reported and left alone.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from . import __version__, yamlio
from .models import Item
from .problems import Problem
from .seedformats import MAX_SEED_BYTES, SeedDoc, SeedItem, parse_seed
from .prefill import Prefill

SCHEMA_REF = "../../schema/item.schema.json"


def slugify(text: str, limit: int = 80) -> str:
    """An ASCII slug for ``text``; ids stay ASCII whatever the script of the headline."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "item-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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


@dataclass
class Existing:
    """The records already in a content folder, indexed by where they point in their seed."""

    ids: set = field(default_factory=set)
    by_seed: dict = field(default_factory=dict)  # (file, position) -> (id, sha256)
    problems: list = field(default_factory=list)


def scan_existing(items_dir: Path, project_root: Path) -> Existing:
    found = Existing()
    if not items_dir.is_dir():
        return found
    for path in sorted(items_dir.glob("*.yaml")):
        found.ids.add(path.stem)
        display = _display(path, project_root)
        doc, problems = yamlio.load(path, display)
        seed = doc.data.get("seed") if doc and isinstance(doc.data, dict) else None
        if not isinstance(seed, dict):
            found.problems += problems or [Problem(display, 1, "ingest-unreadable",
                                                   "record has no readable seed; it is left as it is")]
            continue
        key = (seed.get("file"), seed.get("position"))
        found.by_seed[key] = (path.stem, seed.get("sha256"))
    return found


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def draft_record(doc: SeedDoc, item: SeedItem, item_id: str, prefill: Prefill | None) -> dict:
    """The draft record for one seed item: what the seed says, and nothing invented."""
    seed = {"file": doc.file, "position": item.position, "excerpt": item.excerpt,
            "sha256": sha256(item.excerpt)}
    if item.link:
        seed["link"] = item.link
    note = (f"Item {item.position} of the seed file {doc.file}"
            + (f" (page title: {doc.title!r})" if doc.title else "")
            + "; the page's public address is not yet identified.")
    provenance = [{"role": "seed-page", "outlet": "", "url": "", "title": doc.title,
                   "date": "", "accessed": "", "status": "unverified", "note": note}]
    if item.link:
        provenance[0] = {"role": "seed-page", "outlet": "", "url": item.link,
                         "title": item.title, "date": item.date, "accessed": "",
                         "status": "unverified",
                         "note": f"The item's own link in the seed file {doc.file}; not yet checked."}
    record = {
        "id": item_id,
        "title": item.title,
        "neutral_title": "",
        "status": "draft",
    }
    if item.date:
        record["date"] = {"value": item.date, "precision": _precision(item.date),
                          "basis": item.date_basis or "date given in the seed; not yet checked"}
    record["seed"] = seed
    record["provenance"] = provenance
    if prefill is not None:
        record = prefill.apply(record, item)
    record.setdefault("summary", "")
    record["prepared_by"] = f"parallax ingest {__version__}"
    return {k: record[k] for k in Item.model_fields if k in record}


def _precision(value: str) -> str:
    return {10: "day", 7: "month"}.get(len(value), "year")


@dataclass(frozen=True)
class Plan:
    actions: list
    problems: list


def plan(seed_paths: list[Path], content: Path, project_root: Path, fmt: str | None = None,
         prefill: Prefill | None = None) -> Plan:
    """Decide, for every item of every seed, whether to create it, leave it, or report a conflict."""
    items_dir = content / "items"
    existing = scan_existing(items_dir, project_root)
    problems = list(existing.problems)
    actions: list[Action] = []
    taken = set(existing.ids)
    for path in seed_paths:
        if problem := seed_outside(path, project_root):
            problems.append(problem)
            continue
        doc, found = parse_seed(path, _seed_rel(path, project_root), fmt)
        problems += found
        if doc is None:
            continue
        for item in doc.items:
            key = (doc.file, item.position)
            digest = sha256(item.excerpt)
            if key in existing.by_seed:
                item_id, old = existing.by_seed[key]
                target = items_dir / f"{item_id}.yaml"
                if old == digest:
                    actions.append(Action("unchanged", item_id, target, doc.file, item.position))
                else:
                    actions.append(Action(
                        "conflict", item_id, target, doc.file, item.position,
                        f"the seed's excerpt for item {item.position} changed since {item_id} was "
                        "made; the record is left as it is: compare the two and update the record "
                        "(excerpt and sha256) by hand"))
                continue
            item_id = _unique(slugify(item.title), taken)
            record = draft_record(doc, item, item_id, prefill)
            if why := _invalid(record):
                problems.append(Problem(str(path), 1, "seed-item-invalid",
                                        f"item {item.position}: {why}; no record is written for "
                                        "it (it would not load): split or shorten the item"))
                continue
            taken.add(item_id)
            text = yamlio.dump(record, SCHEMA_REF)
            actions.append(Action("create", item_id, items_dir / f"{item_id}.yaml", doc.file,
                                  item.position, text=text))
    return Plan(actions, problems)


def _invalid(record: dict) -> str | None:
    """Why a draft record would not load (an excerpt over the length limit, say), or None."""
    try:
        Item.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(map(str, err['loc']))}: {err['msg']}"
    return None


def _unique(slug: str, taken: set) -> str:
    if slug not in taken:
        return slug
    n = 2
    while f"{slug}-{n}" in taken:
        n += 1
    return f"{slug}-{n}"


def _seed_rel(path: Path, project_root: Path) -> str:
    """The seed's path as records name it: under the project's seeds/ folder."""
    try:
        return path.resolve().relative_to(project_root.resolve()).as_posix()
    except ValueError:
        return f"seeds/{path.name}"


def seed_outside(path: Path, project_root: Path) -> Problem | None:
    """A problem when a seed named inside seeds/ is a link to a file outside it."""
    seeds = project_root / "seeds"
    if path.absolute().is_relative_to(seeds.absolute()) and \
            not path.resolve().is_relative_to(seeds.resolve()):
        return Problem(str(path), 1, "seed-outside",
                       "this seed is a link to a file outside seeds/; copy the file in instead")
    return None


def _not_a_seed_file(path: Path) -> Problem | None:
    """A problem when ``path`` is not a regular file of a seed's size (a fifo, a device...)."""
    try:
        info = path.stat()
    except OSError as exc:
        return Problem(str(path), 1, "seed-unreadable", f"cannot read the seed ({exc.strerror})")
    if not stat.S_ISREG(info.st_mode):
        return Problem(str(path), 1, "seed-unreadable", "not a regular file")
    if info.st_size > MAX_SEED_BYTES:
        return Problem(str(path), 1, "seed-too-large",
                       f"the seed is {info.st_size:,} bytes, over the {MAX_SEED_BYTES:,}-byte "
                       "limit; split it")
    return None


def place_seed(path: Path, project_root: Path) -> tuple[Path, list[Problem]]:
    """Make sure the seed is kept verbatim in seeds/; copy it there when it comes from elsewhere.

    Nothing is copied that is not a regular file of a seed's size, and a seed in seeds/ that
    is a link to a file elsewhere is refused: a seed is a copy that the project keeps."""
    seeds = project_root / "seeds"
    if problem := seed_outside(path, project_root) or _not_a_seed_file(path):
        return path, [problem]
    if path.resolve().is_relative_to(seeds.resolve()):
        return path, []
    target = seeds / path.name
    if target.exists() or target.is_symlink():
        if problem := seed_outside(target, project_root) or _not_a_seed_file(target):
            return path, [problem]
        if target.read_bytes() == path.read_bytes():
            return target, []
        return path, [Problem(str(path), 1, "ingest-seed-name",
                              f"a different seed named {path.name} is already in seeds/; "
                              "rename the new file")]
    seeds.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=seeds)
    try:
        with open(fd, "wb") as out, open(path, "rb") as src:
            shutil.copyfileobj(src, out)
        os.chmod(name, 0o644)
        os.replace(name, target)
    finally:
        if os.path.exists(name):
            os.unlink(name)
    return target, []


def apply(actions: list[Action]) -> None:
    """Write the records the plan creates. Existing records are never touched."""
    for a in actions:
        if a.kind == "create":
            if a.path.exists():  # appeared since planning: never overwrite
                continue
            yamlio.write_atomic(a.path, a.text)
