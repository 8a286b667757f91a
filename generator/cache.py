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
  source, every registry and ``digest.yaml`` as validated, and the state of the item's seed file.
  An edit to a registry or to the generator changes that key and so every item's results.
- Nothing else. The checks that compare items with one another, or look at the registries
  alone, or at the calendar (``date``), run every time, on the records as loaded, as do checks
  this module does not know of.

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
import tempfile
from pathlib import Path

from . import __version__, textfile, yamlio
from . import load as _load
from .problems import Problem
from .sitedir import write_file

FOLDER = ".parallax-cache"
FORMAT = 1
MAX_ENTRY_BYTES = 4 * yamlio.MAX_BYTES  # a record file's data as JSON, with room to spare
SEVERITIES = ("error", "warning", "info")

# Checks whose problems for an item depend only on that item, the registries and digest.yaml,
# and the item's seed file. A check belongs here only if that holds; any other check (those
# that compare items, such as duplicate ids or related items; the `date` check, which reads the
# calendar; and every check added later until it is listed here) runs on the whole digest each
# time. The problems these checks find in the registries are found again each time too.
PER_RECORD = frozenset({
    "ref-outlet", "ref-actor", "ref-stakeholder", "seed", "framing-glossary", "neutral-voice",
    "balance-count", "balance-about", "balance-independent", "provenance-seed",
    "provenance-link", "provenance-depth", "source-fields", "url", "publish-complete", "draft",
})
# Indexes of check.Context built from the registries alone: built once, shared with the
# context that checks only the changed items.
SHARED = ("outlets", "actors", "stakeholders", "terms", "glossary_terms",
          "glossary_phrase_words", "_seeds", "_seed_items")
_HASH = re.compile(r"[0-9a-f]{64}\Z")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def code_key() -> str:
    """The Parallax version and the generator's own source: a new version, or any edit to the
    code, makes every kept result stale."""
    h = hashlib.sha256(f"parallax {__version__} format {FORMAT}\n".encode())
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
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


def _read_json(path: Path):
    """A kept file's data, or None whatever is wrong with it."""
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_ENTRY_BYTES + 1)
        if len(raw) > MAX_ENTRY_BYTES:
            return None
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def _unlinked(path: Path, top: Path) -> bool:
    """True when no folder from ``top`` down to ``path`` is a link (the cache never writes
    through one: a link could send its files anywhere)."""
    try:
        parts = path.relative_to(top).parts
    except ValueError:
        return False
    here = top
    for part in ("",) + parts:
        here = here / part if part else here
        if here.is_symlink():
            return False
    return True


def _write_json(path: Path, top: Path, data) -> bool:
    """Write ``data`` to ``path`` whole (a temporary file renamed into place); False if it
    cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not _unlinked(path.parent, top):
            return False
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")))
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        return True
    except (OSError, ValueError, RecursionError):
        return False


def _dump_default(value):
    if isinstance(value, _load.Located):
        return [value.path, list(value.base), value.value]
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json", by_alias=True)
    if isinstance(value, Path):
        return str(value)
    return repr(value)


def registries_key(digest) -> str:
    """The hash of everything in the digest but its items: every registry entry as validated,
    with its file, and digest.yaml."""
    rest = {f.name: getattr(digest, f.name) for f in dataclasses.fields(digest)
            if f.name != "items"}
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

    @property
    def code(self) -> str:
        if self._code is None:
            self._code = code_key()
        return self._code

    # --- loading ---------------------------------------------------------------------------

    def _entry(self, digest: str) -> Path:
        return self.folder / "records" / digest[:2] / f"{digest}.json"

    def read(self, path: Path, display: str, root: Path):
        """``load.read_item``'s twin: the file read and parsed, or its kept data when its text
        is unchanged. The same result either way."""
        if not _load._inside(path, root):
            return _load.read_item(path, display, root)
        try:
            text = textfile.read_text(path, "file", yamlio.MAX_BYTES)
        except yamlio.YamlProblem as exc:
            return None, [exc.problem(display)]
        digest = _sha(text)
        self.hashes[display] = digest
        kept = _read_json(self._entry(digest))
        if (isinstance(kept, dict) and kept.get("format") == FORMAT
                and kept.get("code") == self.code and "data" in kept):
            return yamlio.Document(display, kept["data"], None, text), []
        try:
            doc = yamlio.parse(text, display)
        except yamlio.YamlProblem as exc:
            return None, [exc.problem(display)]
        # The quick reader gives only JSON's kinds of data (text keys; text, whole numbers,
        # booleans, null); what the careful reader gives is looked at first.
        if doc.lines is None or _plain(doc.data):
            self._keep(digest, doc.data)
        # The text is kept either way, so that the checks can find its hash again.
        return yamlio.Document(doc.path, doc.data, doc.lines, text), []

    def _keep(self, digest: str, data) -> None:
        """Write one record's data, whole; quietly nothing where that cannot be done."""
        sub = self.folder / "records" / digest[:2]
        ready = self._ready.get(sub)
        if ready is None:
            try:
                sub.mkdir(parents=True, exist_ok=True)
                ready = _unlinked(sub, self.folder)
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
             jobs: int = 1):
        """``load.load_content``, parsing only the item files whose text changed."""
        if self.folder is None:
            return _load.load_content(root, project_root, cache=memo, jobs=jobs)
        if jobs > 1 and self._warm(Path(root)):
            jobs = 1  # kept data is read faster here than a helper can send it
        collecting = gc.isenabled()
        gc.disable()  # loading makes no cycles, and each collection would walk the growing digest
        try:
            return _load.load_content(root, project_root, cache=memo, jobs=jobs, read=self.read)
        finally:
            if collecting:
                gc.enable()

    def _warm(self, root: Path) -> bool:
        """True when the kept results cover at least half of the item files."""
        items = root / "items"
        count = sum(1 for _ in items.glob("*.yaml")) if items.is_dir() else 0
        return len(self.results()) * 2 >= count > 0

    # --- checking --------------------------------------------------------------------------

    def results(self) -> dict:
        """The kept per-record results (read once)."""
        if self._results is None:
            self._results = {}
            if self.folder is not None:
                kept = _read_json(self.folder / "checks.json")
                if (isinstance(kept, dict) and kept.get("format") == FORMAT
                        and kept.get("code") == self.code and isinstance(kept.get("results"), dict)):
                    self._results = {h: r for h, r in kept["results"].items() if _result(h, r)}
        return self._results

    def check(self, digest, problems: list[Problem] | None = None) -> list[Problem]:
        """``check.run_checks``: the same problems, with the per-record checks run only on
        the items whose text, registries or seed file changed since they were kept."""
        from . import check as chk

        if self.folder is None:
            return chk.run_checks(digest, problems)
        ctx = chk.Context(digest)
        found = list(problems or [])
        for c in chk.CHECKS:
            if c.code not in PER_RECORD:
                found.extend(c.func(ctx))
        kept = self.results()
        base = f"{self.code}:{registries_key(digest)}"
        seeds: dict = {}
        fresh: dict = {}
        changed = []
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
                fresh[digest_] = hit
            else:
                changed.append((e, digest_, key))
        # The per-record checks, on the changed items only (and on the registries).
        sub = chk.Context(dataclasses.replace(digest, items=tuple(e for e, _, _ in changed)))
        sub.__dict__.update({k: v for k, v in ctx.__dict__.items() if k in SHARED})
        mine: dict[str, list[Problem]] = {e.path: [] for e, _, _ in changed}
        for c in chk.CHECKS:
            if c.code in PER_RECORD:
                for problem in c.func(sub):
                    found.append(problem)
                    if problem.path in mine:
                        mine[problem.path].append(problem)
        for e, digest_, key in changed:
            if key:
                fresh[digest_] = [key, [[p.line, p.code, p.message, p.severity]
                                        for p in mine[e.path]]]
        self._save(fresh, used)
        return chk._capped(sorted(set(found)))

    def _save(self, fresh: dict, used: set) -> None:
        """Keep ``fresh`` as the results, and only the record data still in use; nothing is
        written when nothing changed."""
        if fresh == self._results:
            return
        self._results = fresh
        top = self.folder
        if _write_json(top / "checks.json", top, {"format": FORMAT, "code": self.code,
                                                 "results": fresh}):
            for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
                if not (top / name).exists():
                    try:
                        write_file(top / name, text, sync=False)
                    except OSError:
                        pass
        used = (used | set(fresh)) - {None}
        records = top / "records"
        if not _unlinked(records, top) or not records.is_dir():
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


def _result(digest: str, result) -> bool:
    """True when a kept result has the shape this module writes."""
    return (isinstance(digest, str) and _HASH.match(digest) is not None
            and isinstance(result, list) and len(result) == 2 and isinstance(result[0], str)
            and isinstance(result[1], list)
            and all(isinstance(p, list) and len(p) == 4 and type(p[0]) is int
                    and isinstance(p[1], str) and isinstance(p[2], str) and p[3] in SEVERITIES
                    for p in result[1]))


def _seed_state(ctx, rel: str, memo: dict) -> str | None:
    """What the seed check reads for a seed file: its text's hash, or why it is not read (the
    check does not read a file outside seeds/). None when that cannot be said."""
    if rel in memo:
        return memo[rel]
    root = ctx.digest.project_root
    try:
        path = Path(rel)
        target = (root / path).resolve()
        if path.is_absolute() or ".." in path.parts or not target.is_relative_to(
                (root / "seeds").resolve()):
            state = "outside"
        else:
            text = ctx.seed_text(rel)
            state = "unreadable" if text is None else _sha(text)
    except (OSError, RuntimeError, ValueError):
        state = None
    memo[rel] = state
    return state


def open_cache(project_root: Path) -> Cache:
    """The cache of ``project_root`` (off with ``PARALLAX_CACHE=off``, or where the folder is a
    link or not a folder)."""
    if os.environ.get("PARALLAX_CACHE", "").strip().lower() in ("0", "off", "no", "false"):
        return Cache(None)
    folder = Path(project_root) / FOLDER
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return Cache(None)
    return Cache(folder)
