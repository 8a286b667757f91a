"""The URL policy, written once: which addresses a record may hold and a page may link to.

Ingest keeps a seed's link only if it passes, the checks report every URL in a record that does
not, and the renderer links nothing else; so ingest never writes a link the checks refuse.
Input: a string. Output: why it is not acceptable, or None.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

MAX_LENGTH = 2_000  # characters; also the records' limit for a URL field

# The common case, recognised at once: an http(s) URL with a plain dotted host name and
# printable ASCII after it. Everything this accepts, the careful path below accepts too.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?::[0-9]{1,5})?(?:[/?#][!-~]*)?")


@lru_cache(maxsize=1 << 16)
def url_problem(url: str) -> str | None:
    """Why ``url`` is not a well-formed http(s) URL with a dotted host name, or None.

    A host without a dot (``localhost``, an intranet name) is refused: a reader elsewhere
    cannot reach it."""
    if len(url) > MAX_LENGTH:
        return f"is longer than {MAX_LENGTH:,} characters"
    if _PLAIN_URL.fullmatch(url):
        return None
    if any(c.isspace() for c in url) or any(ord(c) < 32 for c in url):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "is not a well-formed URL"
    if parts.scheme not in ("http", "https"):
        return "is not an http or https URL"
    if not parts.netloc or not parts.hostname or "." not in parts.hostname:
        return "has no host name"
    return None


def is_http(url: str) -> bool:
    """True if ``url`` passes the policy."""
    return bool(url) and url_problem(url) is None
