"""What every seed reader gives: ``SeedItem``s in a ``SeedDoc``, or a ``SeedError``."""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass

from ..models import valid_date
from ..problems import ProblemError


MAX_ITEMS = 100_000
MORE_LINE_MAX = 120  # characters: a "read more" line is short


@dataclass(frozen=True)
class SeedItem:
    position: int
    title: str
    excerpt: str
    link: str = ""
    date: str = ""
    date_basis: str = ""


@dataclass(frozen=True)
class SeedDoc:
    file: str
    title: str
    format: str
    items: tuple
    date: str = ""  # the page's or feed's own date, when it gives one
    date_basis: str = ""
    url: str = ""  # the page's own address (canonical link, og:url, <base>; a feed's link)


SeedError = ProblemError  # the one error type of reading, under the name this module uses


class _ShortLines:
    """``pattern.match`` on lines of at most MORE_LINE_MAX characters (longer ones are body)."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern

    def match(self, line: str):
        return self.pattern.match(line) if len(line) <= MORE_LINE_MAX else None


_ISO = re.compile(r"\s*(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?=$|[T\s+Z]|[-+]\d\d:?\d\d$)")


def iso_date(raw: str) -> str:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) from a W3C or RFC 822 date, in the date's own
    time zone; "" when there is none or it is not a real calendar date."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if m := _ISO.match(raw):
        parts = [p for p in m.groups() if p]
    elif parsed := email.utils.parsedate_tz(raw):
        parts = [f"{parsed[0]:04d}", f"{parsed[1]:02d}", f"{parsed[2]:02d}"]
    else:
        return ""
    value = "-".join(parts)
    return value if valid_date(value) else ""
