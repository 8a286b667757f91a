"""The check cache's files (``cache``, ``verdict``): read and written so that no file in the
cache can do harm.

Input: a path in the cache folder. Output: the JSON data it holds, or None whatever is wrong
with it (unreadable, not a regular file, a link, over the size limit, not UTF-8, not JSON,
nested too deep); or a file written whole, never through a link.
"""

from __future__ import annotations

import json
import os
import stat
import tempfile
from pathlib import Path

MAX_ENTRY_BYTES = 8_000_000  # a record file's data as JSON (a record is at most 2 MB of YAML)


def read_json(path: Path | str, limit: int = MAX_ENTRY_BYTES):
    """A kept file's data, or None whatever is wrong with it (or when it is over ``limit``
    bytes)."""
    try:
        # Never through a link, and never a fifo or a device (which could block or never end).
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
        with open(fd, "rb") as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
                return None
            raw = fh.read(limit + 1)
        if len(raw) > limit:
            return None
        return json.loads(raw.decode("utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


def unlinked(path: Path, top: Path) -> bool:
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


def write_json(path: Path, top: Path, data) -> bool:
    """Write ``data`` to ``path`` whole (a temporary file renamed into place); False if it
    cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if not unlinked(path.parent, top):
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
