"""The verdict of an unchanged project, remembered: the first thing ``parallax check`` looks at.

Input: a content folder, its project folder and the check cache (``cache.Cache``). Output: the
number of items and the problems that ``Cache.load`` then ``Cache.check`` give, without reading
a record when no file the verdict depends on has changed since the run that kept it.

``.parallax-cache/verdict.json`` holds the last verdict with the key it holds for, and a list of
the files that key was made from, each with its size, modification and change times (in
nanoseconds), inode, device and SHA-256. The key is the hash of:

- the format of this file, the Python version, the folders Python imports libraries from
  (``site-packages``) with their modification times (installing, upgrading or removing a
  library changes its folder's), and every file of the generator (code, templates): a new
  version or an edit to the code makes a new key;
- today's date, which loading notes and the `date` check compares dates with;
- the content folder as given and the absolute paths of the project and content folders
  (a few problems name a file the way the folder was given), and where ``content/``,
  ``content/items/`` and ``seeds/`` lead when they are links;
- every entry of ``content/`` and ``content/items/``, and every file under ``seeds/``, by name,
  kind (file, folder, link and its target, or anything else) and, for a file, the hash of its
  bytes. That is every file loading and checking read: records, registries, ``digest.yaml``,
  ``research.md`` and the seed files (loading reads no seed file outside ``seeds/``).

When is a file read and hashed again? When its size, times, inode or device differ from the
ones kept, or when its modification or change time is less than ``RACY_NS`` (two seconds) older
than the moment the run that kept it began to look at the files. The second rule is git's for
"racily clean" entries: a file changed in the same tick of the file system's clock as that run
looked at it keeps its times, and only reading it again shows the change. A file whose times
are older than that is trusted unchanged while its size, times, inode and device are: an edit
moves the change time, which a program cannot set (short of changing the system's clock), so an
edit that keeps the size and the modification time is still seen. (On Windows, which keeps no
change time, every file is hashed every time.)

The verdict is used only when the key is the same; otherwise the cache's loading and checking
run (``Cache.load``, ``Cache.check``) and their verdict is kept with the new key. A file here
that is unreadable, malformed, of another format or of another shape is ignored and written
again.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
import stat
import sys
import time
from pathlib import Path

from .cache import mark, today
from .keptfile import read_json, write_json
from .problems import Problem

FILE = "verdict.json"
FORMAT = 1
RACY_NS = 2_000_000_000
# Windows gives a file's creation time where POSIX gives its change time, which every edit
# moves: there a file is always hashed, never trusted by its size and times.
TRUST_STAT = os.name != "nt"
MAX_BYTES = 256_000_000  # a verdict file's size: beyond it, it is ignored (and checked again)
SEVERITIES = ("error", "warning", "info")


def _clock() -> int:
    return time.time_ns()


def _environment() -> str:
    """Python, the installed libraries and the generator's own files: what the verdict was
    computed by. Installing or removing a package changes the time of its folder on the path
    (a cheaper sign than asking each package its version)."""
    from . import __version__

    h = hashlib.sha256(f"parallax {__version__} verdict {FORMAT}\n{sys.version}\n".encode())
    for folder in sys.path:
        if os.path.basename(folder) not in ("site-packages", "dist-packages"):
            continue  # the others are the standard library (Python's version) or the project
        try:
            h.update(f"{folder} {os.stat(folder or '.').st_mtime_ns}\n".encode())
        except OSError:
            pass
    here = Path(__file__).parent
    for path in sorted(here.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        h.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def _hash_file(path: str) -> str | None:
    """The SHA-256 of the file's bytes, or None when it cannot be read."""
    h = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
    except OSError:
        return None
    return h.hexdigest()


class Scan:
    """The state of every file the verdict depends on, hashing only what may have changed."""

    def __init__(self, kept: dict, kept_started: int):
        self.kept = kept  # relative path -> [size, mtime, ctime, inode, device, hash]
        self.trusted_before = kept_started - RACY_NS
        self.started = _clock()
        self.files: dict[str, list] = {}  # what this run found, to keep for the next
        self.state: list = []  # (relative path, what it is), for the key
        self.hashed = 0  # files read and hashed in this run

    def file(self, full: str, rel: str, entry: os.DirEntry | None = None) -> None:
        try:
            link = os.readlink(full) if (entry.is_symlink() if entry else os.path.islink(full)) \
                else None
            info = os.stat(full)
        except OSError as exc:
            self.state.append((rel, "missing" if link is None else ["link", link], exc.errno))
            return
        if stat.S_ISDIR(info.st_mode):
            self.state.append((rel, "folder", link))
            return
        if not stat.S_ISREG(info.st_mode):  # a fifo or a device is never opened
            self.state.append((rel, "other", stat.S_IFMT(info.st_mode), link))
            return
        seen = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]
        kept = self.kept.get(rel)
        if (TRUST_STAT and kept is not None and kept[:5] == seen
                and max(info.st_mtime_ns, info.st_ctime_ns) < self.trusted_before):
            digest = kept[5]
        else:
            digest = _hash_file(full)
            self.hashed += 1
        if digest is None:
            self.state.append((rel, "unreadable", link))
            return
        self.files[rel] = seen + [digest]
        self.state.append((rel, digest, link))

    def folder(self, full: str, rel: str, walk: bool) -> None:
        """Every entry of a folder (and, with ``walk``, of its sub-folders that are not links)."""
        self.state.append((rel, "at", os.path.realpath(full)))
        try:
            entries = sorted(os.scandir(full), key=lambda e: e.name)
        except OSError as exc:
            self.state.append((rel, "unlistable", exc.errno))
            return
        for entry in entries:
            child = f"{rel}/{entry.name}"
            try:
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_dir = False
            if is_dir and walk:
                self.folder(entry.path, child, walk)
            elif is_dir:
                self.state.append((child, "folder", None))
            else:
                self.file(entry.path, child, entry)


def scan(content: Path, project_root: Path, kept: dict, kept_started: int) -> Scan:
    """Every file loading and checking ``content`` read, looked at (see the module docstring)."""
    found = Scan(kept, kept_started)
    content, project_root = Path(content), Path(project_root)
    # The content folder as given too: a few problems name files the way it was given.
    found.state.append(("", str(content), str(content.absolute()), str(project_root.absolute())))
    found.folder(str(content), "content", walk=False)
    if (content / "items").is_dir():
        found.folder(str(content / "items"), "content/items", walk=False)
    found.folder(str(project_root / "seeds"), "seeds", walk=True)
    return found


def _valid(kept) -> bool:
    """True when a kept verdict file has the shape this module writes."""
    try:
        return (isinstance(kept, dict) and kept.get("format") == FORMAT
                and isinstance(kept.get("key"), str) and type(kept.get("started")) is int
                and type(kept.get("items")) is int and kept["items"] >= 0
                and isinstance(kept.get("files"), dict)
                and all(isinstance(k, str) and isinstance(v, list) and len(v) == 6
                        and all(type(x) is int for x in v[:5]) and isinstance(v[5], str)
                        for k, v in kept["files"].items())
                and isinstance(kept.get("problems"), list)
                and all(isinstance(p, list) and len(p) == 5 and isinstance(p[0], str)
                        and type(p[1]) is int and isinstance(p[2], str)
                        and isinstance(p[3], str) and p[4] in SEVERITIES
                        for p in kept["problems"]))
    except (TypeError, ValueError):
        return False


def checked(cache, content: Path, project_root: Path) -> tuple[int, list[Problem]]:
    """The number of items and the problems of ``content``: kept, when nothing they depend on
    has changed, or found by ``cache`` (and kept)."""
    folder = cache.folder
    if folder is None:
        digest, problems = cache.load(content, project_root)
        return len(digest.items), cache.check(digest, problems)
    path = folder / FILE
    kept = read_json(path, MAX_BYTES)
    if not _valid(kept):
        kept = {"files": {}, "started": 0, "key": "", "items": 0, "problems": []}
    found = scan(content, project_root, kept["files"], kept["started"])
    key = hashlib.sha256(json.dumps([_environment(), today(), found.state],
                                    ensure_ascii=False).encode("utf-8", "surrogatepass")).hexdigest()
    if key == kept["key"]:
        problems = [Problem(*p) for p in kept["problems"]]
        if found.hashed:  # the files read again are trusted from now on, when they stay so
            write_json(path, folder, {**kept, "files": found.files, "started": found.started})
        return kept["items"], problems
    collecting = gc.isenabled()
    gc.disable()  # the checks make little garbage in cycles, and each collection would walk the digest
    try:
        digest, problems = cache.load(content, project_root)
        problems = cache.check(digest, problems)
    finally:
        if collecting:
            gc.enable()
    if write_json(path, folder, {"format": FORMAT, "key": key, "started": found.started,
                                 "files": found.files, "items": len(digest.items),
                                 "problems": [[p.path, p.line, p.code, p.message, p.severity]
                                              for p in problems]}):
        mark(folder)
    return len(digest.items), problems
