"""The generator stage as one call: load, check and render a content folder.

Input: a content folder. Output: ``Generated`` (the pages, every problem, the item count), plain
data. Where the system can fork and no other thread runs, the work happens in a child process
and only the pages and problems come back: the digest (tens of kilobytes of Python objects per
record) then never lives in the process that goes on to run MkDocs, whose own peak memory is
what remains. The result is the same either way.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass
from pathlib import Path

from .fork import both, in_child
from .problems import Problem, has_errors
from .render import Page


@dataclass(frozen=True)
class Generated:
    """What the generator hands to a site builder."""

    pages: list[Page]
    problems: list[Problem]
    items: int


def _work(content: Path, project_root: Path, cache: dict | None):
    from .check import run_checks
    from .load import load_content
    from .render import render_site

    digest, problems = load_content(content, project_root, cache)
    # The pages are rendered while the checks run (on a second core where there is one), and
    # dropped if the checks find errors: a clean digest, the usual case, waits for the longer.
    problems, pages = both(lambda: run_checks(digest, problems),
                           lambda: [(p.path, p.text) for p in render_site(digest)])
    if has_errors(problems):
        pages = []
    return pages, [astuple(p) for p in problems], len(digest.items)


def generate(content: Path, project_root: Path, cache: dict | None = None) -> Generated:
    """Load, check and render ``content``; no pages when there are errors.

    With a ``cache`` (kept by the live preview between rebuilds) the work stays in this process,
    where the cache lives."""
    work = lambda: _work(content, project_root, cache)  # noqa: E731
    pages, problems, items = work() if cache is not None else in_child(work)
    return Generated([Page(path, text) for path, text in pages], [Problem(*p) for p in problems],
                     items)
