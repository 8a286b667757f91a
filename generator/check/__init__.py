"""Stage: check. Input: a loaded ``Digest`` (and the day to judge it on). Output: every
``Problem`` found, sorted.

Each check is a function registered with a stable code and a severity; its docstring is its
documentation (the first line is the one-line rationale shown on the methodology page), and a
test fails when a check is undocumented. Checks never raise for bad content and never compare
records pairwise: every cross-record check goes through an index built once. They read no file
and no clock: loading read the seed texts into the ``Digest``.

One module per group of the methodology page, registered in the page's order: ``core`` (the
registry, the shared ``Context``, ``run_checks``), then ``consistency``, ``voice``, ``balance``,
``provenance``, ``sources`` and ``publishing``.
"""

from __future__ import annotations

from .core import CHECKS, GROUPS, MAX_PER_FILE, Check, Context, _capped, check, run_checks
from . import consistency, voice, balance, provenance, sources, publishing  # noqa: E402,F401  (they register)
from .publishing import placeholder

__all__ = ["CHECKS", "GROUPS", "MAX_PER_FILE", "Check", "Context", "check", "placeholder",
           "run_checks", "_capped"]
