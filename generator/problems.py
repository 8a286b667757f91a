"""Problems are data: every stage reports what is wrong as values, never by raising.

Inside a stage, code that reads one file may raise ``ProblemError``; the caller that knows the
file's name catches it and reports the ``Problem``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath
from typing import Iterable, Literal

Severity = Literal["error", "warning", "info"]


def display_path(path: PurePath, root: PurePath) -> str:
    """How a problem names ``path``: relative to ``root`` (the project) when it lies inside it,
    else as given. No file is looked at."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in the content."""

    path: str
    line: int
    code: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        tag = "" if self.severity == "error" else f"{self.severity}: "
        return f"{self.path}:{self.line}: {self.code}: {tag}{self.message}"

    def as_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


class ProblemError(Exception):
    """A problem met while reading one file (its line, code and message), raised up to where
    the file's name is known and reported there as a ``Problem``."""

    def __init__(self, line: int, code: str, message: str):
        super().__init__(message)
        self.line, self.code, self.message = line, code, message

    def problem(self, path: str) -> Problem:
        return Problem(path, self.line, self.code, self.message)


def has_errors(problems: Iterable[Problem], strict: bool = False) -> bool:
    """True when any problem stops a build (warnings too when ``strict``)."""
    blocking = {"error", "warning"} if strict else {"error"}
    return any(p.severity in blocking for p in problems)
