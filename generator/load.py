"""Stage: load. Input: a content folder. Output: a ``Digest`` of validated records, and problems.

Every file is read and validated before anything is rendered (the MkDocs way: gather all data
first so that every page is consistent); one bad file or entry never hides the others.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from . import textfile, yamlio
from .models import (REGISTRIES, REGISTRY_LIMITS, Actor, Digest, DigestInfo, GlossaryEntry, Item,
                     LexiconEntry, Located, Outlet, SeedText, Stakeholder, TimelineEvent)
from .problems import Problem, ProblemError, display_path

MAX_ITEMS = 200_000


_rel = display_path


def _short(name: str, limit: int = 60) -> str:
    """A field name for a message: an unknown key may be a megabyte long."""
    return name if len(name) <= limit else f"{name[:limit]}… ({len(name):,} characters)"


def _validation_problems(exc: ValidationError, display: str, doc: yamlio.Document, base: tuple):
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = ".".join(_short(str(p)) for p in loc) or "record"
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


def read_item(path: Path, display: str, root: Path):
    """The first half of loading an item: the file read and parsed, not yet validated."""
    # Resolved, not only when the file is a link: content/items may itself be a link out.
    if not _inside(path, root):
        return None, [Problem(display, 1, "path-outside",
                              "this file is a link to a place outside the content folder; copy it in")]
    return yamlio.load(path, display)


def finish_item(path: Path, display: str, read) -> tuple[Located | None, list[Problem]]:
    """The second half: validation of what ``read_item`` read."""
    doc, problems = read
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, [Problem(display, 1, "schema", "an item file holds one mapping of fields")]
    item, problems = _validate(Item, doc.data, display, doc)
    if item is None:
        return None, problems
    if item.id != path.stem:
        problems.append(Problem(display, doc.line(("id",)), "id-filename",
                                f"id {item.id!r} differs from the file name {path.stem!r}; "
                                "rename one so they match"))
    return Located(item, display, doc.without_data()), problems


def load_item(path: Path, display: str, root: Path, read=read_item) -> tuple[Located | None, list[Problem]]:
    return finish_item(path, display, read(path, display, root))


def load_registry(path: Path, display: str, name: str, root: Path):
    if not path.exists():
        return (), []
    if not _inside(path, root):
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
    data, doc = doc.data, doc.without_data()
    limit = REGISTRY_LIMITS.get(name)
    if limit is not None and len(data) > limit:
        problems.append(Problem(display, doc.line((limit,)), f"{name}-size",
                                f"{name}.yaml holds {len(data):,} entries, at most {limit:,} "
                                "are allowed; the entries from this one on are not used"))
        data = data[:limit]
    for index, entry in enumerate(data):
        value, found = _validate(model, entry, display, doc, (index,))
        problems += found
        if value is not None:
            entries.append(Located(value, display, doc, (index,)))
    return tuple(entries), problems


def load_info(path: Path, display: str, root: Path):
    """``digest.yaml``: the digest as a whole (optional)."""
    if not path.exists():
        return None, []
    if not _inside(path, root):
        return None, [Problem(display, 1, "path-outside",
                              "this file is a link to a place outside the content folder; copy it in")]
    doc, problems = yamlio.load(path, display)
    if doc is None:
        return None, problems
    if not isinstance(doc.data, dict):
        return None, problems + [Problem(display, 1, "schema", "digest.yaml holds one mapping of fields")]
    info, found = _validate(DigestInfo, doc.data, display, doc)
    return (Located(info, display, doc.without_data()) if info else None), problems + found


MAX_RESEARCH = 50_000


def load_research(path: Path, display: str, root: Path) -> tuple[str, list[Problem]]:
    """``research.md``: the digest's own account of how it was researched (optional)."""
    if not path.exists():
        return "", []
    if not _inside(path, root):
        return "", [Problem(display, 1, "path-outside",
                            "this file is a link to a place outside the content folder; copy it in")]
    try:
        text = textfile.read_seed(path)
    except ProblemError as exc:
        return "", [Problem(display, exc.line, "schema", exc.message.replace("seed", "file"))]
    if len(text) > MAX_RESEARCH:
        return "", [Problem(display, 1, "schema", f"research.md is {len(text):,} characters, "
                            f"over the {MAX_RESEARCH:,} limit; shorten it")]
    return text, []


def load_seeds(items, project_root: Path, cache: dict | None = None) -> dict[str, SeedText]:
    """The seed files ``items`` point into, read as ingest reads them, by the name the records
    give. A name that leads outside the project's ``seeds/`` folder is not read."""
    seeds_dir = (project_root / "seeds").resolve()
    seeds: dict[str, SeedText] = {}
    for e in items:
        rel = e.value.seed.file
        if rel in seeds:
            continue
        name = Path(rel)
        path = project_root / name
        try:
            outside = name.is_absolute() or ".." in name.parts \
                or not path.resolve().is_relative_to(seeds_dir)
        except (OSError, RuntimeError):  # a loop of links: nothing can be read there
            seeds[rel] = SeedText()
            continue
        seeds[rel] = SeedText(outside=True) if outside else \
            SeedText(_cached(cache, path, lambda path=path: _read_seed(path)))
    return seeds


def _read_seed(path: Path) -> str | None:
    try:
        return textfile.read_seed(path)
    except ProblemError:
        return None


def _cached(cache: dict | None, path: Path, read):
    """``read()``, or its earlier result while the file is unchanged (``mkdocs serve`` passes a
    cache that lives between rebuilds; a changed time, size or inode reads the file again)."""
    if cache is None:
        return read()
    try:
        info = path.stat()
    except OSError:
        return read()
    key = (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)
    hit = cache.get(path)
    if hit is not None and hit[0] == key:
        return hit[1]
    result = read()
    cache[path] = (key, result)
    return result


def load_content(root: Path, project_root: Path | None = None, cache: dict | None = None,
                 read=read_item) -> tuple[Digest, list[Problem]]:
    """Read and validate every record and registry under ``root`` (reusing, with ``cache``,
    what an earlier call read from files that have not changed since; with ``read``, reading
    each item file as ``read_item`` does, such as from the check cache, ``cache.Cache.read``).
    The result is the same either way."""
    root = Path(root)
    project_root = Path(project_root) if project_root else root.parent
    problems: list[Problem] = []
    if not root.is_dir():
        return Digest(root), [Problem(str(root), 1, "content-missing",
                                      "content folder not found; pass --content DIR")]
    registries = {}
    for name in REGISTRIES:
        path = root / f"{name}.yaml"
        entries, found = _cached(cache, path, lambda path=path, name=name: load_registry(
            path, _rel(path, project_root), name, root))
        registries[name] = entries
        problems += found
    info_path = root / "digest.yaml"
    info, found = _cached(cache, info_path, lambda: load_info(
        info_path, _rel(info_path, project_root), root))
    problems += found
    research_path = root / "research.md"
    research, found = _cached(cache, research_path, lambda: load_research(
        research_path, _rel(research_path, project_root), root))
    problems += found
    items = []
    item_dir = root / "items"
    paths = sorted(item_dir.glob("*.yaml"))[:MAX_ITEMS] if item_dir.is_dir() else []
    for path in paths:
        display = _rel(path, project_root)
        located, found = _cached(cache, path, lambda path=path, display=display: load_item(
            path, display, root, read))
        problems += found
        if located is not None:
            items.append(located)
    seeds = load_seeds(items, project_root, cache)
    if cache is not None:  # forget removed files
        for gone in set(cache) - set(paths) - {root / f"{n}.yaml" for n in (*REGISTRIES, "digest")} \
                - {root / "research.md"} - {project_root / rel for rel in seeds}:
            del cache[gone]
    digest = Digest(root=root, items=tuple(items), project_root=project_root, info=info,
                    research=research, seeds=seeds, **registries)
    return digest, problems


__all__ = ["Digest", "Located", "load_content", "Item", "Outlet", "Actor", "Stakeholder",
           "GlossaryEntry", "TimelineEvent", "LexiconEntry"]
