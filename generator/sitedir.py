"""Writing output folders safely: pages never land outside their folder, and a folder is
replaced whole, so an interrupted run leaves the previous good output in place."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path, PurePosixPath

from . import yamlio


def safe_target(out: Path, rel: str) -> Path:
    """``out/rel``, refusing any path that would leave ``out``."""
    pure = PurePosixPath(rel)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts:
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    target = out.joinpath(*pure.parts)
    if not target.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"refusing to write outside the output folder: {rel!r}")
    return target


@contextlib.contextmanager
def replace_dir(final: Path):
    """Yield a fresh temporary folder beside ``final``; on success it replaces ``final``."""
    final = Path(final)
    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}-new-", dir=final.parent))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = final.with_name(f".{final.name}-old-{os.getpid()}")
    if final.exists():
        os.replace(final, old)
    os.replace(tmp, final)
    shutil.rmtree(old, ignore_errors=True)


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
