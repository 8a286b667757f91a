"""The generator stage as one call: load, check and render a content folder.

Input: a content folder and a folder for the pages. Output: the pages written there as Markdown
files, and ``Generated`` (their paths, every problem, the item count). MkDocs then reads each page
when it builds it, as it reads the files of ``docs/``: the build with the generator differs from a
build of pre-rendered pages only by the generator's own work.

Where the system can fork and no other thread runs, the work happens in a child process, so the
digest (tens of kilobytes of Python objects per record) never lives in the process that goes on
to run MkDocs. The result is the same either way.
"""

from __future__ import annotations

import gc
from dataclasses import astuple, dataclass
from pathlib import Path

from .fork import both, in_child
from .problems import Problem, has_errors
from .sitedir import sync_pages


@dataclass(frozen=True)
class Generated:
    """What the generator hands to a site builder."""

    folder: Path
    pages: list[str]
    problems: list[Problem]
    items: int


def _render(digest, folder: Path) -> list[str]:
    from .render import render_site

    pages = render_site(digest)
    sync_pages(pages, folder)
    return [p.path for p in pages]


def _work(content: Path, project_root: Path, folder: Path, cache: dict | None):
    from .check import run_checks
    from .load import load_content

    digest, problems = load_content(content, project_root, cache)
    if cache is None:
        # This process ends once the pages are written, and the digest lives until then: the
        # cycle collector need not walk it again and again while the checks and pages run.
        gc.freeze()
    # The pages are rendered while the checks run (on a second core where there is one); a
    # digest with errors leaves its pages unlisted, to be replaced by the next good build.
    problems, pages = both(lambda: run_checks(digest, problems), lambda: _render(digest, folder))
    if has_errors(problems):
        pages = []
    return pages, [astuple(p) for p in problems], len(digest.items)


def generate(content: Path, project_root: Path, folder: Path,
             cache: dict | None = None) -> Generated:
    """Load, check and render ``content`` into ``folder`` (only pages whose text changed are
    rewritten; no pages are listed when there are errors).

    With a ``cache`` (kept by the live preview between rebuilds) the work stays in this process,
    where the cache lives."""
    work = lambda: _work(content, project_root, folder, cache)  # noqa: E731
    pages, problems, items = work() if cache is not None else in_child(work)
    return Generated(folder, pages, [Problem(*p) for p in problems], items)
