"""Load and check, remembered: the check cache (``.parallax-cache/`` in the project folder).

Input: a content folder and its project folder. Output: what ``load.load_content`` and
``check.run_checks`` give (the same digest, the same list of problems), with less work when
little has changed since the last run. ``parallax check``, ``parallax build`` and the plugin
(``mkdocs build``, ``mkdocs serve``) use it.

What is kept, and what it is keyed by:

- ``records/<hh>/<hash>.json``: the plain data an item file parses to, keyed by the SHA-256 of
  its text. A file whose text is unchanged is not parsed again (parsing is most of loading); its
  data is validated again, so the record, and every schema problem, is the one a parse gives.
- ``checks.json``: for each item text, the problems of the checks that look at one item at a
  time (``PER_RECORD``), with the key they hold for: the Parallax version and the generator's
  source, every registry and ``digest.yaml`` as validated, and the state of the item's seed
  file. An edit to a registry or to the generator changes that key and so every item's
  results. The problems of the checks that compare with today's date (``DAILY``) are kept
  apart, with the day they were found: on another day, those checks run again on every item.
- ``verdict.json`` (``verdict``, for ``parallax check``): the whole verdict of an unchanged
  project, with the state of every file it depends on.
- Nothing else. The checks that compare items with one another, or look at the registries
  alone, run every time, on the records as loaded, as do checks this module does not know of.

The folder is safe to delete. A file in it that is unreadable, malformed, of another format, or
written by another version of the generator is ignored and written again; a folder that is a
link, or cannot be written, is not used. Files are written whole (a temporary file, then a
rename), so a run that stops half-way leaves nothing half-written. ``PARALLAX_CACHE=off`` turns
the cache off.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import json
import os
import re
from pathlib import Path

from . import __version__
from .keptfile import read_json, unlinked, write_json
from .problems import Problem

# The models, the YAML reader and the checks are imported where they are used: a warm
# `parallax check` whose verdict is kept (``verdict``) needs none of them, and importing pydantic
# and the models would be most of its time.

FOLDER = ".parallax-cache"
FORMAT = 2
SEVERITIES = ("error", "warning", "info")

# Checks whose problems for an item depend only on that item, the registries and digest.yaml,
# and the item's seed file. A check belongs here only if that holds; any other check (those
# that compare items, such as duplicate ids or related items, and every check added later
# until it is listed here) runs on the whole digest each time. The problems these checks find
# in the registries are found again each time too.
PER_RECORD = frozenset({
    "ref-outlet", "ref-actor", "ref-stakeholder", "seed", "framing-glossary", "neutral-voice",
    "balance-count", "balance-about", "balance-independent", "provenance-seed",
    "provenance-link", "provenance-depth", "source-fields", "url", "publish-complete", "draft",
    "duplicate-perspective", "publish-reviewer", "editor-note", "date",
})
# Per-record checks that compare with today's date: their results are kept for the day they
# were found, and found again, on every item, on the first check of another day.
DAILY = frozenset({"date"})
# Indexes of check.Context built from the registries alone: built once, shared with the
# context that checks only the changed items.
SHARED = ("outlets", "actors", "stakeholders", "terms", "glossary_terms",
          "glossary_phrase_words", "_seeds", "_seed_items")
_HASH = re.compile(r"[0-9a-f]{64}\Z")
# Item files without kept data from which they are parsed ahead in workers, and how many a
# worker parses in one go.
PARSE_AHEAD_FROM = 200
PARSE_RUN = 50


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def code_key() -> str:
    """The Parallax version and the generator's own source: a new version, or any edit to the
    code, makes every kept result stale."""
    h = hashlib.sha256(f"parallax {__version__} format {FORMAT}\n".encode())
    here = Path(__file__).parent
    for path in sorted(here.rglob("*.py")):
        h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _plain(value) -> bool:
    """True when ``value`` comes back the same from JSON: only such data is kept."""
    if value is None or isinstance(value, (str, bool, int)):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def _dump_default(value):
    from . import load as _load

    if isinstance(value, _load.Located):
        return [value.path, list(value.base), value.value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


# Parts of a loaded digest that an item's key accounts for otherwise: the seed texts (each
# item's own seed, ``_seed_state``) and the day the content was read (``DAILY``).
NOT_REGISTRIES = frozenset({"items", "seeds", "read_on"})


def registries_key(digest) -> str:
    """The hash of everything in the digest but its items: every registry entry as validated,
    with its file, and digest.yaml."""
    rest = {f.name: getattr(digest, f.name) for f in dataclasses.fields(digest)
            if f.name not in NOT_REGISTRIES}
    return _sha(json.dumps(rest, default=_dump_default, sort_keys=True, ensure_ascii=False))


class Cache:
    """The check cache of one project folder (``folder`` None: off, and every call does what
    ``load_content`` and ``run_checks`` do)."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hashes: dict[str, str] = {}  # display path -> hash of the text read in this process
        self._code: str | None = None
        self._results: dict | None = None  # text hash -> [key, problems], as last saved
        self._ready: dict[Path, bool] = {}  # record folders made, and not links
        self._folders: dict[tuple, bool] = {}  # (folder, root) -> inside root, for one load
        # Data read back is held in as little memory as it takes (a value written in many
        # records held once, each file's text compressed), as a build needs; `parallax check`,
        # which lets the digest go once it has judged it, reads it faster without (frugal off).
        self.frugal = True

    @property
    def code(self) -> str:
        if self._code is None:
            self._code = code_key()
        return self._code

    # --- loading ---------------------------------------------------------------------------

    def _inside(self, path: Path, root: Path) -> bool:
        """``load._inside``, resolving each folder once per load rather than each file: a file
        that is not a link lies where its folder resolves to."""
        from . import load as _load

        if path.is_symlink():
            return _load._inside(path, root)
        key = (path.parent, root)
        if key not in self._folders:
            self._folders[key] = _load._inside(path.parent, root)
        return self._folders[key]

    def _entry(self, digest: str) -> str:
        # Joined as text: a thousand pathlib joins cost more than reading the file.
        return os.path.join(self.folder, "records", digest[:2], f"{digest}.json")

    def read(self, path: Path, display: str, root: Path):
        """``load.read_item``'s twin: the file read and parsed, or its kept data when its text
        is unchanged. The same result either way."""
        from . import load as _load
        from . import textfile, yamlio

        if not self._inside(path, root):
            return _load.read_item(path, display, root)
        try:
            text = textfile.read_text(path, "file", yamlio.MAX_BYTES)
        except yamlio.YamlProblem as exc:
            return None, [exc.problem(display)]
        digest = _sha(text)
        self.hashes[display] = digest
        kept = read_json(self._entry(digest))
        if (isinstance(kept, dict) and kept.get("format") == FORMAT
                and kept.get("code") == self.code and "data" in kept):
            data = yamlio.share(kept["data"]) if self.frugal else kept["data"]
            return yamlio.Document(display, data, None, text, compress=self.frugal), []
        try:
            doc = self._parsed(text, digest, display, self.frugal)
        except yamlio.YamlProblem as exc:
            return None, [exc.problem(display)]
        return doc, []

    def _parsed(self, text: str, digest: str, display: str, compress: bool):
        """The text parsed, its data kept."""
        from . import yamlio

        doc = yamlio.parse(text, display, compress=compress)
        # The quick reader gives only JSON's kinds of data (text keys; text, whole numbers,
        # booleans, null); what the careful reader gives is looked at first.
        if doc.lines is None or _plain(doc.data):
            self._keep(digest, doc.data)
        return doc

    def parse_ahead(self, root: Path) -> None:
        """Parse the item files whose text has no kept data, in forked workers (``workers``),
        keeping their data, so that the load that follows reads it back: parsing is most of a
        cold load, and each file's is its own. A file that cannot be read or parsed is left
        to the load, which says why."""
        from . import load as _load
        from . import textfile, workers, yamlio

        item_dir = root / "items"
        if self.folder is None or workers.count() < 2 or not item_dir.is_dir():
            return
        paths = sorted(item_dir.glob("*.yaml"))[:_load.MAX_ITEMS]
        kept = self._kept_count()
        if kept > len(paths) - PARSE_AHEAD_FROM:
            return  # most are kept (a few edits since): not worth reading every file twice
        self._folders = {}
        todo = []
        for path in paths:  # (with none kept for this version, every file is parsed)
            try:
                if not self._inside(path, root) or kept and os.path.exists(self._entry(
                        _sha(textfile.read_text(path, "file", yamlio.MAX_BYTES)))):
                    continue
            except Exception:  # the load reads it again, and says what is wrong  # noqa: BLE001
                continue
            todo.append(path)
        if len(todo) < PARSE_AHEAD_FROM:
            return

        def parse(files: list) -> int:
            for path in files:
                try:  # (read again: the data is kept under the hash of the text it parses)
                    text = textfile.read_text(path, "file", yamlio.MAX_BYTES)
                    self._parsed(text, _sha(text), str(path), False)
                except Exception:  # as above: the load parses it again  # noqa: BLE001
                    pass
            return len(files)

        for _ in workers.runs(parse, todo, PARSE_RUN, PARSE_AHEAD_FROM):
            pass

    def _kept_count(self) -> int:
        """How many records' data the cache holds (whatever their texts), or 0 when one of
        them was kept by another version of the generator (all were, then, but a few)."""
        count, sample = 0, None
        try:
            with os.scandir(self.folder / "records") as subs:
                for sub in subs:
                    if sub.is_dir(follow_symlinks=False):
                        names = [n for n in os.listdir(sub.path) if n.endswith(".json")]
                        count += len(names)
                        sample = sample or (names and os.path.join(sub.path, names[0]))
        except OSError:
            return 0
        kept = read_json(Path(sample)) if sample else None
        return count if isinstance(kept, dict) and kept.get("code") == self.code else 0

    def _keep(self, digest: str, data) -> None:
        """Write one record's data, whole; quietly nothing where that cannot be done."""
        sub = self.folder / "records" / digest[:2]
        ready = self._ready.get(sub)
        if ready is None:
            try:
                sub.mkdir(parents=True, exist_ok=True)
                ready = unlinked(sub, self.folder)
            except OSError:
                ready = False
            self._ready[sub] = ready
        if not ready:
            return
        tmp = sub / f".tmp-{os.getpid()}-{digest}"
        try:
            text = json.dumps({"format": FORMAT, "code": self.code, "data": data},
                              ensure_ascii=False, separators=(",", ":"))
            try:
                tmp.unlink()  # left by a run of the same process id that was killed
            except FileNotFoundError:
                pass
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                         0o644)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, sub / f"{digest}.json")
        except (OSError, ValueError, TypeError, RecursionError):
            try:
                tmp.unlink()
            except OSError:
                pass

    def load(self, root: Path, project_root: Path | None = None, memo: dict | None = None,
             ahead: bool = True):
        """``load.load_content``, parsing only the item files whose text changed (those first in
        workers, ``parse_ahead``, unless ``ahead`` is false: the caller has done so)."""
        from . import load as _load

        if self.folder is None:
            return _load.load_content(root, project_root, cache=memo)
        self._folders = {}  # a folder may have become a link since the last load
        if ahead and memo is None:  # (under serve, whose watcher runs in threads, nothing is forked)
            self.parse_ahead(Path(root))
        collecting = gc.isenabled()
        gc.disable()  # loading makes no cycles, and each collection would walk the growing digest
        try:
            return _load.load_content(root, project_root, cache=memo, read=self.read)
        finally:
            if collecting:
                gc.enable()

    # --- checking --------------------------------------------------------------------------

    def results(self) -> dict:
        """The kept per-record results (read once)."""
        if self._results is None:
            self._results = {}
            if self.folder is not None:
                kept = read_json(self.folder / "checks.json")
                if (isinstance(kept, dict) and kept.get("format") == FORMAT
                        and kept.get("code") == self.code and isinstance(kept.get("results"), dict)):
                    self._results = {h: r for h, r in kept["results"].items() if _result(h, r)}
        return self._results

    def check(self, digest, problems: list[Problem] | None = None,
              plan=None) -> list[Problem]:
        """``check.run_checks``: the same problems, with the per-record checks run only on
        the items whose text, registries or seed file changed since they were kept. ``plan``
        plans the site for the check that asks for its paths (``check.Context``)."""
        from . import check as chk

        if self.folder is None:
            return chk.run_checks(digest, problems, plan=plan)
        ctx = chk.Context(digest, plan=plan)
        found = list(problems or [])
        for c in chk.CHECKS:
            if c.code not in PER_RECORD:
                found.extend(c.func(ctx))
        kept = self.results()
        base = f"{self.code}:{registries_key(digest)}"
        day = digest.read_on  # the checks' today: the day the content was read
        seeds: dict = {}
        fresh: dict = {}
        changed = []  # (entry, text hash, key): every per-record check runs on these
        redate = []  # (entry, text hash, kept result): kept on another day, `date` runs again
        used = set()
        for e in digest.items:
            digest_ = self.hashes.get(e.path) or (_sha(e.doc.text) if e.doc.text is not None else None)
            used.add(digest_)
            seed = _seed_state(ctx, e.value.seed.file, seeds)
            key = _sha(f"{base}:{seed}") if digest_ and seed else None
            hit = kept.get(digest_) if key else None
            if hit is not None and hit[0] == key:
                found.extend(Problem(e.path, line, code, message, severity)
                             for line, code, message, severity in hit[1])
                if hit[2] == day:
                    found.extend(Problem(e.path, line, code, message, severity)
                                 for line, code, message, severity in hit[3])
                    fresh[digest_] = hit
                else:
                    redate.append((e, digest_, hit))
            else:
                changed.append((e, digest_, key))
        # The per-record checks on the changed items only (and on the registries); the daily
        # ones on those and on the items last checked on another day.
        mine: dict[str, list[Problem]] = {e.path: [] for e, _, _ in changed}
        daily: dict[str, list[Problem]] = {e.path: [] for e, _, _ in changed + redate}
        for codes, items, sink in ((PER_RECORD - DAILY, changed, mine),
                                   (DAILY, changed + redate, daily)):
            sub = chk.Context(dataclasses.replace(digest, items=tuple(e for e, _, _ in items)))
            sub.__dict__.update({k: v for k, v in ctx.__dict__.items() if k in SHARED})
            for c in chk.CHECKS:
                if c.code in codes:
                    for problem in c.func(sub):
                        found.append(problem)
                        if problem.path in sink:
                            sink[problem.path].append(problem)

        def plain(problems):
            return [[p.line, p.code, p.message, p.severity] for p in problems]

        for e, digest_, key in changed:
            if key:
                fresh[digest_] = [key, plain(mine[e.path]), day, plain(daily[e.path])]
        for e, digest_, hit in redate:
            fresh[digest_] = [hit[0], hit[1], day, plain(daily[e.path])]
        self._save(fresh, used)
        return chk._capped(sorted(set(found)))

    def _save(self, fresh: dict, used: set) -> None:
        """Keep ``fresh`` as the results, and only the record data still in use; nothing is
        written when nothing changed."""
        if fresh == self._results:
            return
        self._results = fresh
        top = self.folder
        if write_json(top / "checks.json", top, {"format": FORMAT, "code": self.code,
                                                 "results": fresh}):
            mark(top)
        used = (used | set(fresh)) - {None}
        records = top / "records"
        if not unlinked(records, top) or not records.is_dir():
            return
        for sub in records.iterdir():
            if not re.fullmatch(r"[0-9a-f]{2}", sub.name) or sub.is_symlink() or not sub.is_dir():
                continue
            for entry in sub.iterdir():
                digest_ = entry.name.removesuffix(".json")
                stale = entry.name.startswith(".tmp-")  # left by a run that was killed
                if stale or entry.name.endswith(".json") and _HASH.match(digest_) and digest_ not in used:
                    try:
                        entry.unlink()
                    except OSError:
                        pass


_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
        "# This folder is Parallax's check cache; it is safe to delete.\n")


def mark(top: Path) -> None:
    """Say what the cache folder is: git ignores it, backup tools skip it."""
    from .sitedir import write_file

    for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
        if not (top / name).exists():
            try:
                write_file(top / name, text, sync=False)
            except OSError:
                pass


def _result(digest: str, result) -> bool:
    """True when a kept result has the shape this module writes: [key, problems, day, the
    daily checks' problems]."""
    return (isinstance(digest, str) and _HASH.match(digest) is not None
            and isinstance(result, list) and len(result) == 4 and isinstance(result[0], str)
            and isinstance(result[2], str)
            and all(isinstance(kept, list) and all(
                isinstance(p, list) and len(p) == 4 and type(p[0]) is int
                and isinstance(p[1], str) and isinstance(p[2], str) and p[3] in SEVERITIES
                for p in kept) for kept in (result[1], result[3])))


def _seed_state(ctx, rel: str, memo: dict) -> str | None:
    """What the seed check reads for a seed file, as loading found it: its text's hash, or why
    there is none (outside seeds/, unreadable)."""
    if rel not in memo:
        found = ctx.digest.seeds.get(rel)
        memo[rel] = ("absent" if found is None else "outside" if found.outside
                     else "unreadable" if found.text is None else _sha(found.text))
    return memo[rel]


def today() -> str:
    """Today's date, as loading notes it (``Digest.read_on``, the checks' today)."""
    import datetime

    return datetime.date.today().isoformat()


def open_cache(project_root: Path) -> Cache:
    """The cache of ``project_root`` (off with ``PARALLAX_CACHE=off``, or where the folder is a
    link or not a folder)."""
    if os.environ.get("PARALLAX_CACHE", "").strip().lower() in ("0", "off", "no", "false"):
        return Cache(None)
    folder = Path(project_root) / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return Cache(None)
    return Cache(folder)
