"""Writing output folders safely: pages never land outside their folder, and a folder is
replaced whole, so an interrupted run leaves the previous good output in place."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import shutil
import sys
import tempfile
from pathlib import Path, PurePosixPath


def safe_target(out: Path, rel: str) -> Path:
    """``out/rel``, refusing any path that would leave ``out``."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    target = out.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return target


def unsafe_output(out: Path, sources: dict[str, Path]) -> str | None:
    """Why ``out`` may not be replaced whole, or None.

    An output folder is deleted and rewritten, so it must not be, hold, or lie inside a folder
    of sources (content, seeds, docs): ``--site-dir content`` would destroy the records."""
    target = Path(out).resolve()
    for name, folder in sources.items():
        folder = Path(folder).resolve()
        if target == folder or folder.is_relative_to(target) or target.is_relative_to(folder):
            return (f"{out} would replace or overwrite the {name} ({folder}); "
                    "write the output to a folder of its own")
    return None


@contextlib.contextmanager
def replace_dir(final: Path):
    """Yield a fresh temporary folder beside ``final``; on success it replaces ``final``.

    The swap is one atomic rename where the system has one (Linux), so a run killed at any
    moment leaves either the previous output or the new one, never a mix and never none."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}-new-", dir=final.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not (final.exists() or final.is_symlink()):
        os.replace(tmp, final)
    elif _exchange(tmp, final):
        _remove(tmp)  # it now holds the previous output
    else:
        old = final.with_name(f".{final.name}-old-{os.getpid()}")
        os.replace(final, old)
        os.replace(tmp, final)
        _remove(old)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (renameat2 with RENAME_EXCHANGE); False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EXDEV):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def write_pages(pages, out: Path) -> None:
    """Write rendered pages under ``out``, replacing it whole."""
    write_files({page.path: page.text for page in pages}, out)


def write_files(files: dict[str, str], out: Path) -> None:
    """Write ``{relative path: text}`` under ``out``, replacing it whole."""
    with replace_dir(out) as tmp:
        for rel, text in files.items():
            target = safe_target(tmp, rel)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
