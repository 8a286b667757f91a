"""Work in forked processes: the generator's way to keep memory apart, and to parse on two cores.

A child shares the parent's memory copy-on-write (nothing is pickled on the way in) and sends its
result back as plain data through a pipe. Where forking is impossible or unsafe (no ``os.fork``,
or other threads running, as under ``mkdocs serve``), or a child fails, the work is done here
instead: the result is the same either way, only the time and memory differ.
"""

from __future__ import annotations

import gc
import marshal
import os
import threading
from typing import Callable, TypeVar

A = TypeVar("A")
B = TypeVar("B")


def can_fork() -> bool:
    return hasattr(os, "fork") and threading.active_count() == 1


_LONG = 1000  # longer lists and tuples are sent item by item


def _send(value, out) -> None:
    """Write ``value`` with marshal; a long list or tuple item by item, so that neither side
    holds the whole of it a second time as one buffer."""
    if isinstance(value, (list, tuple)) and (len(value) > _LONG or any(
            isinstance(v, (list, tuple)) and len(v) > _LONG for v in value)):
        marshal.dump(("seq", type(value) is tuple, len(value)), out)
        for item in value:
            _send(item, out)
    else:
        marshal.dump(("one",), out)
        marshal.dump(value, out)


def _receive(inp):
    head = marshal.load(inp)
    if head[0] == "one":
        return marshal.load(inp)
    items = [_receive(inp) for _ in range(head[2])]
    return tuple(items) if head[1] else items


def _start(work: Callable[[], object]) -> tuple[int, int]:
    read, write = os.pipe()
    gc.freeze()  # the child's collector must not touch (and so copy) every shared page
    pid = os.fork()
    if pid == 0:  # the child: compute, send, leave without running the parent's exit handlers
        code = 1
        try:
            gc.disable()  # short-lived: its garbage goes with it
            os.close(read)
            with os.fdopen(write, "wb") as out:
                _send(work(), out)
            code = 0
        finally:
            os._exit(code)
    gc.unfreeze()
    os.close(write)
    return pid, read


def _finish(pid: int, read: int, work: Callable[[], B]) -> B:
    with os.fdopen(read, "rb") as inp:
        try:
            result, ok = _receive(inp), True
        except (EOFError, ValueError, TypeError, IndexError):
            result, ok = None, False
    _, status = os.waitpid(pid, 0)
    if status != 0 or not ok:
        return work()  # the child failed: do the work here, where any error shows
    return result


def in_child(work: Callable[[], B]) -> B:
    """``work()``, computed in a child process; it must return plain data (strings, numbers,
    tuples, lists, dicts). The parent's memory never holds what the work builds on the way."""
    if not can_fork():
        return work()
    pid, read = _start(work)
    return _finish(pid, read, work)


def parallel() -> bool:
    """Whether to use a second core. Each working process copies the pages of the digest it
    touches (reference counts are writes), so ``PARALLAX_JOBS=1`` trades speed for memory."""
    return can_fork() and os.environ.get("PARALLAX_JOBS", "") != "1"


def both(here: Callable[[], A], there: Callable[[], B]) -> tuple[A, B]:
    """``(here(), there())`` computed at once, ``there()`` in a child (plain data, as above)."""
    if not parallel():
        return here(), there()
    pid, read = _start(there)
    try:
        mine = here()
    except BaseException:
        _finish(pid, read, lambda: None)
        raise
    return mine, _finish(pid, read, there)
