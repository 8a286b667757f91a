"""The generator stage as one call: load, check and render a content folder.

Input: a content folder. Output: ``Generated`` (the pages, every problem, the item count), plain
data. Where the system can fork and no other thread runs, the work happens in a child process
and only the pages and problems come back: the digest (tens of kilobytes of Python objects per
record) then never lives in the process that goes on to run MkDocs, whose own peak memory is
what remains. The result is the same either way.
"""

from __future__ import annotations

import marshal
import os
import threading
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Callable

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
    problems = run_checks(digest, problems)
    pages = [] if has_errors(problems) else render_site(digest)
    return ([(p.path, p.text) for p in pages], [astuple(p) for p in problems], len(digest.items))


def generate(content: Path, project_root: Path, cache: dict | None = None) -> Generated:
    """Load, check and render ``content``; no pages when there are errors.

    With a ``cache`` (kept by the live preview between rebuilds) the work stays in this process,
    where the cache lives."""
    work = lambda: _work(content, project_root, cache)  # noqa: E731
    pages, problems, items = work() if cache is not None else in_child(work)
    return Generated([Page(*p) for p in pages], [Problem(*p) for p in problems], items)


def in_child(work: Callable[[], object]):
    """``work()``, computed in a forked child when that is safe; it must return plain data
    (strings, numbers, tuples, lists, dicts), which comes back through a pipe."""
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return work()
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                marshal.dump(work(), out)
            code = 0
        finally:
            os._exit(code)
    os.close(write)
    with os.fdopen(read, "rb") as inp:
        data = inp.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return work()  # the child failed: do the work here, where any error shows
    return marshal.loads(data)
