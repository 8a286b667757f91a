"""Stage: load. Input: a content folder. Output: a ``Digest`` of validated records, and problems.

Every file is read and validated before anything is rendered (the MkDocs way: gather all data
first so that every page is consistent); one bad file or entry never hides the others.
"""

from __future__ import annotations

import contextlib
import gc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import ValidationError

from . import yamlio
from .fork import both
from .models import REGISTRIES, Actor, GlossaryEntry, Item, LexiconEntry, Outlet, Stakeholder, TimelineEvent
from .problems import Problem

T = TypeVar("T")
MAX_ITEMS = 200_000
PARALLEL_FROM = 500  # item files; below this a second process costs more than it saves


@dataclass(frozen=True)
class Located(Generic[T]):
    """A validated record and where it came from, so checks can name the line."""

    value: T
    path: str
    doc: yamlio.Document
    base: tuple = ()

    def line(self, *loc) -> int:
        return self.doc.line(self.base + tuple(loc))


@dataclass(frozen=True)
class Digest:
    """Everything in a content folder, validated."""

    root: Path
    items: tuple = ()
    outlets: tuple = ()
    actors: tuple = ()
    stakeholders: tuple = ()
    glossary: tuple = ()
    timeline: tuple = ()
    lexicon: tuple = ()
    project_root: Path = field(default=Path("."))

    def by_id(self, registry: str) -> dict:
        return {e.value.id: e for e in getattr(self, registry)}


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _validation_problems(exc: ValidationError, display: str, doc: yamlio.Document, base: tuple):
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = ".".join(str(p) for p in loc) or "record"
        msg = err["msg"]
        if err["type"] == "extra_forbidden":
            msg = "unknown field; check the spelling against RECORD.md"
        elif err["type"] == "missing":
            msg = "required field is missing"
        yield Problem(display, doc.line(base + loc), "schema", f"{where}: {msg}")


def _validate(model, data, display, doc, base=()):
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        return None, list(_validation_problems(exc, display, doc, base))


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
        return True
    except ValueError:
        return False


def load_item(path: Path, display: str, root: Path,
              read: tuple | None = None) -> tuple[Located | None, list[Problem]]:
    """One item file, validated; ``read`` is its (text, data) when already parsed (``_read``)."""
    if path.is_symlink() and not _inside(path, root):
        return None, [Problem(display, 1, "path-outside",
                              "this file is a link to a place outside the content folder; copy it in")]
    if read is not None:
        doc, problems = yamlio.parsed(display, *read), []
    else:
        doc, problems = yamlio.load(path, display)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [Problem(display, 1, "schema", "an item file holds one mapping of fields")]
    item, problems = _validate(Item, doc.data, display, doc)
    doc.release()
    if item is None:
        return None, problems
    if item.id != path.stem:
        problems.append(Problem(display, doc.line(("id",)), "id-filename",
                                f"id {item.id!r} differs from the file name {path.stem!r}; "
                                "rename one so they match"))
    return Located(item, display, doc), problems


def load_registry(path: Path, display: str, name: str, root: Path):
    if not path.exists():
        return (), []
    if path.is_symlink() and not _inside(path, root):
        return (), [Problem(display, 1, "path-outside",
                            "this file is a link to a place outside the content folder; copy it in")]
    doc, problems = yamlio.load(path, display)
    if doc is None:
        return (), problems
    if doc.data is None:
        return (), []
    if not isinstance(doc.data, list):
        return (), [Problem(display, 1, "schema", f"{name}.yaml holds a list of entries")]
    model = REGISTRIES[name]
    entries = []
    for index, data in enumerate(doc.data):
        value, found = _validate(model, data, display, doc, (index,))
        problems += found
        if value is not None:
            entries.append(Located(value, display, doc, (index,)))
    doc.release()
    return tuple(entries), problems


@contextlib.contextmanager
def _no_collector():
    """Pause Python's cycle collector. Reading and validating records make no reference cycles,
    and each full collection would walk the whole growing digest again: at ten thousand records
    the collector alone would double the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _read(paths: list[Path]) -> list:
    """(text, data) of each file, or None where reading or parsing has anything to say (the
    file is then read again the ordinary way, which explains)."""
    out = []
    for path in paths:
        try:
            text = yamlio.read_text(path, path.name)
            out.append((text, yamlio.parse(text, path.name).data))
        except yamlio.YamlProblem:
            out.append(None)
    return out


def _read_all(paths: list[Path]) -> list:
    """``_read(paths)``, half of it on a second core when there are many."""
    if len(paths) < PARALLEL_FROM:
        return _read(paths)
    half = len(paths) // 2
    first, second = both(lambda: _read(paths[:half]), lambda: _read(paths[half:]))
    return first + second


def _reuse(cache: dict | None, fresh: dict, path: Path, read):
    """``read()``, or its earlier result when ``path`` has not changed since (same mtime, size,
    inode). Without a cache, always ``read()``."""
    if cache is None:
        return read()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    except OSError:
        return read()
    kept = cache.get(path)
    result = kept[1] if kept is not None and kept[0] == stamp else read()
    fresh[path] = (stamp, result)
    return result


def load_content(root: Path, project_root: Path | None = None, cache: dict | None = None,
                 timings: dict | None = None) -> tuple[Digest, list[Problem]]:
    """Read and validate every record and registry under ``root``.

    ``cache``, a dict kept by the caller between calls (the live preview does), lets unchanged
    files be reused instead of read again; it is updated to the files read this time.
    ``timings``, when given, receives the seconds spent reading and parsing the item files
    (``read``) and validating them (``validate``), for the bench."""
    root = Path(root)
    project_root = Path(project_root) if project_root else root.parent
    problems: list[Problem] = []
    if not root.is_dir():
        return Digest(root), [Problem(str(root), 1, "content-missing",
                                      "content folder not found; pass --content DIR")]
    fresh: dict = {}
    registries = {}
    for name in REGISTRIES:
        path = root / f"{name}.yaml"
        entries, found = _reuse(cache, fresh, path, lambda: load_registry(
            path, _rel(path, project_root), name, root))
        registries[name] = entries
        problems += found
    items = []
    item_dir = root / "items"
    paths = sorted(item_dir.glob("*.yaml")) if item_dir.is_dir() else []
    paths = paths[:MAX_ITEMS]
    with _no_collector():
        # Without a cache every file is parsed: do that first, on two cores where there are two.
        started = time.perf_counter()
        reads = _read_all(paths) if cache is None else [None] * len(paths)
        read_at = time.perf_counter()
        for index, path in enumerate(paths):
            read, reads[index] = reads[index], None  # let each text go once its record is made
            located, found = _reuse(cache, fresh, path, lambda: load_item(
                path, _rel(path, project_root), root, read))
            problems += found
            if located is not None:
                items.append(located)
    if timings is not None:
        timings.update(read=read_at - started, validate=time.perf_counter() - read_at)
    if cache is not None:
        cache.clear()
        cache.update(fresh)
    digest = Digest(root=root, items=tuple(items), project_root=project_root, **registries)
    return digest, problems


__all__ = ["Digest", "Located", "load_content", "Item", "Outlet", "Actor", "Stakeholder",
           "GlossaryEntry", "TimelineEvent", "LexiconEntry"]
