"""Stage: ingest. Input: seed files. Output: draft item records in ``content/items/``.

Ingest parses each seed into items (``seedformats``), plans what to do with every item against
the records already on disk and those planned so far (create, unchanged, conflict), and only
then writes, atomically. A record that exists is never rewritten: a person may have edited it.
When its excerpt no longer matches the seed, that is a conflict to resolve by hand, reported
and left alone. A seed that cannot be read gets a problem and nothing is written for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import yamlio
from ..prefill import Prefill
from ..problems import Problem
from ..seedformats import format_name
from .drafts import SCHEMA_REF, draft_record, sha256, slugify
from .planning import (Action, Ledger, Plan, SeedCopy, _as_they_are, combine, parse_seed, plan,
                       plan_seed, seed_outside, seed_target, survey)
from .seedlist import add_seed_entries, listed_seeds, seed_entry

__all__ = ["SCHEMA_REF", "Action", "Ledger", "Plan", "Result", "SeedCopy", "add_seed_entries",
           "apply", "combine", "copy_seed", "draft_record", "listed_seeds", "parse_seed", "plan",
           "plan_seed", "run", "seed_entry", "seed_outside", "seed_target", "sha256", "slugify",
           "survey", "write_record"]


# --- writing --------------------------------------------------------------------------------

def copy_seed(copy: SeedCopy) -> bool:
    """Keep a seed verbatim in seeds/ (atomically; an existing file is never replaced)."""
    return yamlio.write_new(copy.target, copy.source.read_bytes())


def write_record(action: Action) -> bool:
    """Write one planned record. False (and nothing written) if the file exists by now."""
    return action.kind == "create" and yamlio.write_new(action.path, action.text)


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
            from ..schema import write_schemas

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
    from ..load import load_content

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
