"""Writing output folders safely: pages never land outside their folder, and a folder is
replaced whole, so an interrupted run leaves the previous good output in place; or, for the live
preview, kept in step page by page, so that a file's time says whether its page changed."""

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
    with replace_dir(out) as tmp:
        for page in pages:
            target = safe_target(tmp, page.path)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page.text, encoding="utf-8")


def sync_pages(pages, out: Path) -> None:
    """Make ``out`` hold exactly ``pages``, rewriting only the files whose text changed: their
    modification times then tell MkDocs' dirty rebuild which pages to build again."""
    kept = set()
    for page in pages:
        target = safe_target(out, page.path)
        kept.add(target)
        data = page.text.encode("utf-8")
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    for stale in [p for p in out.rglob("*.md") if p not in kept]:
        stale.unlink()
