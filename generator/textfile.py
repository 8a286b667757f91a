"""Reading a text file safely, once for records and for seeds.

Input: a path. Output: its text (UTF-8, a byte-order mark dropped), or a ``ProblemError`` that
says why not: the file is missing, a folder, a fifo or a device (which would block or never
end), larger than the limit, binary (NUL bytes) or not UTF-8. Codes are ``<noun>-unreadable``,
``-too-large``, ``-binary`` and ``-encoding``, where the noun (``file`` for records, ``seed``
for seeds) is the caller's.
"""

from __future__ import annotations

import stat
from pathlib import Path

from .problems import ProblemError
from .text import FORBIDDEN

MAX_SEED_BYTES = 20_000_000


def read_text(path: Path, noun: str, max_bytes: int) -> str:
    """The text of the regular UTF-8 file ``path`` of at most ``max_bytes``, or ProblemError."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise ProblemError(1, f"{noun}-unreadable", "this is a folder; name the files in it")
        if not stat.S_ISREG(info.st_mode):
            raise ProblemError(1, f"{noun}-unreadable",
                               "not a regular file (a fifo, a socket or a device); name a file")
        if info.st_size > max_bytes:
            raise _too_large(noun, max_bytes)
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)  # the file may have grown since stat
    except FileNotFoundError:
        raise ProblemError(1, f"{noun}-unreadable", "no such file") from None
    except OSError as exc:
        raise ProblemError(1, f"{noun}-unreadable",
                           f"cannot read the {noun} ({exc.strerror})") from None
    if len(raw) > max_bytes:
        raise _too_large(noun, max_bytes)
    nul = raw.find(b"\x00")
    if nul >= 0:
        raise ProblemError(_line_of(raw, nul), f"{noun}-binary",
                           f"the {noun} contains NUL bytes: it is a binary file, not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ProblemError(_line_of(raw, exc.start), f"{noun}-encoding",
                           f"byte 0x{raw[exc.start]:02x} is not UTF-8; save the {noun} as UTF-8"
                           ) from None


def read_seed(path: Path) -> str:
    """The text of a seed file, line endings made \\n, or ProblemError (not a file, too large,
    binary, not UTF-8, empty, or holding a character a record cannot)."""
    text = read_text(path, "seed", MAX_SEED_BYTES)
    if not text.strip():
        raise ProblemError(1, "seed-empty", "the seed is empty; nothing to ingest")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if (bad := FORBIDDEN.search(text)) is not None:
        raise ProblemError(text.count("\n", 0, bad.start()) + 1, "seed-control",
                           f"the seed contains the control character U+{ord(bad.group()):04X}; "
                           "records cannot hold it: remove it, or check that this is a text file")
    return text


def _too_large(noun: str, max_bytes: int) -> ProblemError:
    return ProblemError(1, f"{noun}-too-large",
                        f"the {noun} is larger than {max_bytes:,} bytes; split it")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1
