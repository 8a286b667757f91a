"""Work shared among forked processes, on a machine with more than one core (one process per
core, at most ``MAX_WORKERS``; ``PARALLAX_WORKERS=1`` keeps all the work in the calling
process, as does a system that cannot fork).

- ``runs``: a pure function of runs of consecutive elements of a list (parsing item files), in
  workers forked for it, each replaced after a few runs; the caller waits. For a caller that
  holds little yet: a forked process copies what it touches of its parent's memory.
- ``Helpers``: processes forked early, before the caller holds much, which finish what the
  caller sends them while it goes on with its own share (a build renders each page's text from
  the digest and sends it to be finished: converted, indexed for search, compressed).

Either way the results come back in order, the same as one process gives. The functions are not
sent to the workers: they are forked with them, so they may be any callable; only arguments and
results travel, pickled.
"""

from __future__ import annotations

import collections
import os

MAX_WORKERS = 4
RUNS_PER_WORKER = 8  # then the worker is replaced
BATCH = 16  # elements sent to a helper at once
AHEAD = 4  # batches sent to the helpers before the first result is asked for
_task = None  # (function, list): what the forked workers run, set in the parent while they do


def count() -> int:
    """How many workers: ``PARALLAX_WORKERS``, else one per core this process may use (at most
    ``MAX_WORKERS``)."""
    wanted = os.environ.get("PARALLAX_WORKERS", "").strip()
    if wanted.isdigit():
        return max(1, int(wanted))
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def runs(function, elements: list, run: int, at_least: int):
    """``function(run)`` for each run of ``run`` consecutive elements, in order: in forked
    workers when there are ``at_least`` elements and more than one worker, else here. For a
    process that holds little yet (a worker copies what it touches of its parent's memory)."""
    bounds = [(i, min(i + run, len(elements))) for i in range(0, len(elements), run)]
    workers = min(count(), len(bounds))
    if workers < 2 or len(elements) < at_least or not can_fork():
        for start, end in bounds:
            yield function(elements[start:end])
        return
    global _task
    _task = (function, elements)
    try:
        with _forking(workers, maxtasksperchild=RUNS_PER_WORKER) as pool:
            yield from pool.imap(_run, bounds)
    finally:
        _task = None


def can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _forking(processes: int, **options):
    """A pool of ``processes`` forked now. (``multiprocessing`` is imported here: a warm
    ``parallax check`` never forks, and imports as little as it can.)"""
    import multiprocessing

    return multiprocessing.get_context("fork").Pool(processes, **options)


class Helpers:
    """Processes forked when this is made, ``count() - 1`` of them, before the caller holds
    much (so that they share, and copy, little of its memory), which apply ``function`` to what
    they are sent: the caller goes on with its own share of the work (rendering the pages) and
    sends the rest of each element's work (finishing it). Only the arguments and the results
    travel, pickled. None are made where the system cannot fork or there is one worker."""

    def __init__(self, function):
        global _helped
        self.pool = None
        n = count() - 1
        if n >= 1 and can_fork():
            _helped = function
            try:
                self.pool = _forking(n)
            finally:
                _helped = None

    def __bool__(self) -> bool:
        return self.pool is not None

    def ordered(self, arguments):
        """``function(a)`` for each ``a`` of ``arguments`` (an iterator, consumed as the
        results are asked for, a few ahead), in order."""
        pending: collections.deque = collections.deque()
        batch: list = []
        for a in arguments:
            batch.append(a)
            if len(batch) == BATCH:
                pending.append(self.pool.apply_async(_help, (batch,)))
                batch = []
                if len(pending) > AHEAD:
                    yield from pending.popleft().get()
        if batch:
            pending.append(self.pool.apply_async(_help, (batch,)))
        while pending:
            yield from pending.popleft().get()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_helped = None  # the function of the Helpers being made: its processes keep it


def _help(batch: list) -> list:
    return [_helped(argument) for argument in batch]


def _run(bounds: tuple[int, int]):
    function, elements = _task
    return function(elements[bounds[0]:bounds[1]])
