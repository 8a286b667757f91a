"""Helpers for the hostile-input suite: the shared test data, and bounded subprocesses."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SHARED

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PARALLAX = [sys.executable, "-c", "from generator.cli import main; main()"]
MEMORY = 1_500_000_000  # bytes of address space for a child process


def shared(rel: str) -> Path:
    """A file or folder of ../shared; a missing one skips locally and fails under CI."""
    path = SHARED / rel
    if not path.exists():
        message = f"{path} is missing: put shared/ beside the clone or set PARALLAX_SHARED"
        if CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def limits(memory: int, cpu: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    return apply


def run_bounded(args: list[str], cwd: Path | None = None, timeout: float = 30,
                memory: int = MEMORY, **kwargs) -> subprocess.CompletedProcess:
    """Run a command with a wall-clock timeout and limits on memory and CPU time.

    A timeout fails the test: nothing a record or a seed says may make us hang."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    try:
        return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              env=env, preexec_fn=limits(memory, int(timeout) + 1), **kwargs)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(map(str, args))[:200]} did not finish in {timeout} s")


BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_EMBEDDINGS, _ISOLATES = "\u202a\u202b\u202d\u202e", "\u2066\u2067\u2068"


def unbalanced(text: str) -> str | None:
    """What is wrong with the bidi controls of one text node, or None: a text must close what
    it opens, and close nothing it did not open."""
    stack: list[bool] = []  # True for an isolate
    for char in BIDI.findall(text):
        if char in _EMBEDDINGS or char in _ISOLATES:
            stack.append(char in _ISOLATES)
        elif char == "\u202c":
            if not stack or stack[-1]:
                return "a PDF that closes nothing"
            stack.pop()
        else:
            if True not in stack:
                return "a PDI that closes nothing"
            while not stack.pop():
                pass
    return f"{len(stack)} left open" if stack else None
