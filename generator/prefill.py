"""Stage: ingest, the pre-filling half. Input: registries and one seed item. Output: proposals.

What a machine can honestly propose from the text: outlets and people the registries already
know (matched by name and every recorded spelling), lexicon terms to review as framing, and a
date written in the item. Every proposal is marked unverified; nothing is invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import lexicon as lex
from .models import Digest, precision_of, valid_date

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
_MON = r"(January|February|March|April|May|June|July|August|September|October|November|December)"
_DATE_PATTERNS = (
    (re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b"), lambda m: (m[1], m[2], m[3])),
    (re.compile(rf"\b(\d{{1,2}}) {_MON},? (\d{{4}})\b", re.I),
     lambda m: (m[3], f"{_MONTHS[m[2].lower()]:02d}", f"{int(m[1]):02d}")),
    (re.compile(rf"\b{_MON} (\d{{1,2}}),? (\d{{4}})\b", re.I),
     lambda m: (m[3], f"{_MONTHS[m[1].lower()]:02d}", f"{int(m[2]):02d}")),
    (re.compile(rf"\b{_MON} (\d{{4}})\b", re.I),
     lambda m: (m[2], f"{_MONTHS[m[1].lower()]:02d}", None)),
)


def _names_regex(names):
    names = sorted({n.strip() for n in names if n and n.strip()}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in names) + r")(?!\w)", re.I)


@dataclass(frozen=True)
class _Known:
    id: str
    regex: re.Pattern


def find_date(text: str) -> tuple[str, str] | None:
    """The first real calendar date written in ``text`` as (ISO value, the words it was read
    from); a day is preferred to a month. Impossible dates (31 February) and dates still to
    come are passed over."""
    for regex, parts in _DATE_PATTERNS:
        for m in regex.finditer(text):
            y, mo, d = parts(m)
            value = f"{y}-{mo}-{d}" if d else f"{y}-{mo}"
            # A date to come is a plan or a typo, not when the item happened.
            if not valid_date(value) or value > dt.date.today().isoformat()[:len(value)]:
                continue
            return value, m.group(0)
    return None


class Prefill:
    """Proposals from the registries of an existing digest, compiled once for a whole ingest."""

    def __init__(self, digest: Digest):
        self.actors = [k for k in (self._known(e.value.id, [e.value.name, *e.value.spellings])
                                   for e in digest.actors) if k]
        self.outlets = [k for k in (self._known(e.value.id, [e.value.name, *e.value.spellings])
                                    for e in digest.outlets) if k]
        self.terms = lex.compile_lexicon(e.value for e in digest.lexicon)
        self.outlet_hosts = {e.value.id: {_host(s.url) for s in e.value.evidence} - {""}
                                 for e in digest.outlets}

    @staticmethod
    def _known(ident, names):
        regex = _names_regex(names)
        return _Known(ident, regex) if regex else None

    def apply(self, record: dict, item, page_title: str = "") -> dict:
        """``record`` with the proposals for ``item`` added; every one marked unverified."""
        text = f"{item.title}\n{item.excerpt}"
        record = dict(record, provenance=[dict(link) for link in record["provenance"]])
        self._seed_outlet(record["provenance"][0], page_title)
        for oid in (k.id for k in self.outlets if k.regex.search(text)):
            record["provenance"].append({
                "role": "original-report", "outlet": oid, "url": "", "title": "", "date": "",
                "accessed": "", "status": "unverified",
                "note": "proposed by ingest: the outlet is named in the item; not yet checked"})
        speakers = [{"actor": k.id, "role_at_time": "", "status": "unverified"}
                    for k in self.actors if k.regex.search(text)]
        if speakers:
            record["speakers"] = speakers
        if framing := self._framing(text):
            record["framing"] = framing
        if "date" not in record and (date := _item_date(item)):
            record["date"] = date
        return record

    def _seed_outlet(self, link: dict, page_title: str) -> None:
        """Propose the seed page's outlet when exactly one known outlet is named in its title."""
        found = [k.id for k in self.outlets if page_title and k.regex.search(page_title)]
        if len(found) == 1 and not link["outlet"]:
            link["outlet"] = found[0]
            link["note"] += " Outlet proposed by ingest from the page title; not yet checked."

    def page_outlet(self, page_title: str, url: str = "") -> str:
        """The seed page's publisher: the one known outlet its title names, or else the one whose
        evidence is on the page's own host; "" when that is not exactly one."""
        found = [k.id for k in self.outlets if page_title and k.regex.search(page_title)]
        if len(found) != 1 and url:
            host = _host(url)
            found = [oid for oid, hosts in self.outlet_hosts.items() if host and host in hosts]
        return found[0] if len(found) == 1 else ""

    def _framing(self, text: str) -> list[dict]:
        framing, seen = [], set()
        for hit in lex.find(self.terms, text):
            key = hit.text.casefold()
            if key in seen:
                continue
            seen.add(key)
            who = f", used by {hit.term.used_by}" if hit.term.used_by else ""
            framing.append({"term": hit.text,
                            "note": f"proposed by ingest: lexicon term '{hit.term.term}'{who}; review"})
        return framing


def _item_date(item) -> dict | None:
    """A date written in the excerpt (or else the headline), with its precision and basis."""
    for where, text in (("excerpt", item.excerpt), ("headline", item.title)):
        if found := find_date(text):
            value, words = found
            return {"value": value, "precision": precision_of(value),
                    "basis": f"proposed by ingest from the words {words!r} in the {where}; "
                             "not checked"}
    return None


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "") if url else ""
    except ValueError:
        return ""
