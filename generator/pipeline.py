"""The generator stage as one call: load, check and render a content folder.

Input: a content folder. Output: ``Generated``: the pages (their paths and texts, or files
written under a folder for the live preview), every problem, the item count.

Where the system can fork and no other thread runs, the work happens in a child process and
only plain data comes back, so the digest (tens of kilobytes of Python objects per record) never
lives in the process that goes on to run MkDocs. The result is the same either way.
"""

from __future__ import annotations

import gc
from dataclasses import astuple, dataclass
from pathlib import Path

from .fork import in_child
from .problems import Problem, has_errors
from .sitedir import sync_pages


@dataclass(frozen=True)
class Generated:
    """What the generator hands to a site builder: the pages' paths and, unless they were
    written under ``folder``, their texts."""

    pages: list[str]
    texts: list[str] | None
    folder: Path | None
    problems: list[Problem]
    items: int


def _render(digest, folder: Path | None):
    from .render import render_site

    pages = render_site(digest)
    if folder is None:
        return [p.path for p in pages], [p.text for p in pages]
    sync_pages(pages, folder)
    return [p.path for p in pages], None


def _work(content: Path, project_root: Path, folder: Path | None, cache: dict | None):
    from .check import run_checks
    from .load import load_content

    digest, problems = load_content(content, project_root, cache)
    if cache is None:
        # This process ends once the pages are made, and the digest lives until then: the
        # cycle collector need not walk it again and again while the checks and pages run.
        gc.freeze()
    problems = run_checks(digest, problems)
    # Rendering and checking happen in this one process on purpose: a second process working on
    # the digest would copy most of it (reading an object writes its reference count).
    pages, texts = ([], None if folder is not None else []) if has_errors(problems) else \
        _render(digest, folder)
    return pages, texts, [astuple(p) for p in problems], len(digest.items)


def generate(content: Path, project_root: Path, folder: Path | None = None,
             cache: dict | None = None) -> Generated:
    """Load, check and render ``content``; no pages when there are errors.

    The pages come back in memory, or are written under ``folder`` (only those whose text
    changed are rewritten, so that file times tell a dirty rebuild what changed). With a
    ``cache`` (kept by the live preview between rebuilds) the work stays in this process, where
    the cache lives."""
    work = lambda: _work(content, project_root, folder, cache)  # noqa: E731
    pages, texts, problems, items = work() if cache is not None else in_child(work)
    return Generated(pages, texts, folder, [Problem(*p) for p in problems], items)
