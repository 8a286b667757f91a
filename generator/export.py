"""Stage: export. Input: a loaded ``Digest``. Output: the dataset as files (JSON, CSV, Atom).

Pure functions from records to text; the CLI writes them to a folder, the site plugin serves
them under ``data/``. Dates come from the records, never from the clock, so two exports of the
same content are identical.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape as xml_escape

from .models import Digest
from .models import Item
from .schema import schema_texts
from .text import plain

CSV_FIELDS = ("id", "title", "neutral_title", "status", "date", "date_precision", "seed_file",
              "seed_position", "about", "stakeholders", "outlets", "provenance_statuses",
              "summary", "prepared_by", "reviewed_by")


def dataset(digest: Digest) -> dict:
    """The whole digest as plain data, in the record format's own field names."""
    def dump(entries):
        return [e.value.model_dump(mode="json", by_alias=True) for e in entries]
    return {
        "items": dump(sorted(digest.items, key=lambda e: e.value.id)),
        "outlets": dump(digest.outlets),
        "actors": dump(digest.actors),
        "stakeholders": dump(digest.stakeholders),
        "glossary": dump(digest.glossary),
        "timeline": dump(digest.timeline),
        "lexicon": dump(digest.lexicon),
    }


def record_json(entry) -> str:
    """One record of ``digest.json``, as ``json.dumps`` writes it there (indented by two)."""
    text = json.dumps(entry.value.model_dump(mode="json", by_alias=True), indent=2,
                      ensure_ascii=False)
    # JSON strings hold no raw line breaks, so every line break is structure.
    return "    " + text.replace("\n", "\n    ")


def to_json(digest: Digest) -> str:
    return "".join(iter_json(digest))


def iter_json(digest: Digest, dump=record_json):
    """``json.dumps(dataset(digest), indent=2)`` and a newline, in pieces, one record at a time:
    the same text without the whole dataset in memory at once. ``dump`` gives a record's text
    (``record_json``, or one that remembers it)."""
    sections = [("items", sorted(digest.items, key=lambda e: e.value.id)),
                ("outlets", digest.outlets), ("actors", digest.actors),
                ("stakeholders", digest.stakeholders), ("glossary", digest.glossary),
                ("timeline", digest.timeline), ("lexicon", digest.lexicon)]
    yield "{\n"
    for n, (name, entries) in enumerate(sections):
        yield f"  {json.dumps(name)}: "
        if not entries:
            yield "[]"
        else:
            yield "[\n"
            for i, e in enumerate(entries):
                yield dump(e)
                yield ",\n" if i < len(entries) - 1 else "\n"
            yield "  ]"
        yield ",\n" if n < len(sections) - 1 else "\n"
    yield "}\n"


def _row(item: Item) -> dict:
    return {
        "id": item.id, "title": item.title, "neutral_title": item.neutral_title,
        "status": item.status, "date": item.date.value if item.date else "",
        "date_precision": item.date.precision if item.date else "",
        "seed_file": item.seed.file, "seed_position": item.seed.position,
        "about": " ".join(item.about),
        "stakeholders": " ".join(p.stakeholder for p in item.perspectives),
        "outlets": " ".join(dict.fromkeys(link.outlet for link in item.provenance if link.outlet)),
        "provenance_statuses": " ".join(link.status for link in item.provenance),
        "summary": " ".join(item.summary.split()),
        "prepared_by": item.prepared_by, "reviewed_by": item.reviewed_by,
    }


def _cell(value):
    """Neutralise spreadsheet formulas: a cell starting with = + - @ is read as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_line(entry) -> str:
    """One item's line of ``items.csv`` (its text, with the line break)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writerow({k: _cell(v) for k, v in _row(entry.value).items()})
    return out.getvalue()


def to_csv(digest: Digest, line=csv_line) -> str:
    """``items.csv``: a header and a line per item, by id. ``line`` gives an item's line
    (``csv_line``, or one that remembers it)."""
    return ",".join(CSV_FIELDS) + "\n" + "".join(
        line(e) for e in sorted(digest.items, key=lambda e: e.value.id))


def files(digest: Digest, fmt: str = "all", with_json: bool = True,
          line=csv_line) -> dict[str, str]:
    """File name -> text for the export, with the JSON Schema beside the data (``with_json``
    false leaves digest.json out, for a caller that writes it with ``iter_json``; ``line`` is
    ``to_csv``'s)."""
    out = {f"schema/{name}": text for name, text in schema_texts().items()}
    if fmt in ("json", "all") and with_json:
        out["digest.json"] = to_json(digest)
    if fmt in ("csv", "all"):
        out["items.csv"] = to_csv(digest, line)
    return out


# --- Atom --------------------------------------------------------------------------------

def _stamp(value: str) -> str:
    """An RFC 3339 timestamp for a record date of any precision."""
    parts = value.split("-") + ["01", "01"]
    return f"{parts[0]}-{parts[1]}-{parts[2]}T00:00:00Z"


def item_updated(item: Item) -> str:
    """The last date a record says it changed: a correction, or else the statement's date."""
    dates = [c.date for c in item.corrections]
    if item.date:
        dates.append(item.date.value)
    dates += [link.accessed for link in item.provenance if link.accessed]
    return max(dates) if dates else "1970"


def atom(title: str, feed_id: str, entries: list[dict], self_href: str) -> str:
    """An Atom 1.0 document; every value escaped, dates from the records."""
    updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00Z")
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<feed xmlns="http://www.w3.org/2005/Atom">',
             f"  <title>{xml_escape(title)}</title>",
             f"  <id>{xml_escape(feed_id)}</id>",
             f'  <link rel="self" href="{xml_escape(self_href)}"/>',
             f"  <updated>{updated}</updated>",
             "  <author><name>Parallax</name></author>"]
    for e in entries:
        lines += ["  <entry>",
                  f"    <title>{xml_escape(e['title'])}</title>",
                  f"    <id>{xml_escape(e['id'])}</id>",
                  f'    <link rel="alternate" href="{xml_escape(e["href"])}"/>',
                  f"    <updated>{e['updated']}</updated>",
                  f"    <summary>{xml_escape(e['summary'])}</summary>",
                  "  </entry>"]
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def feeds(digest: Digest, limit: int = 100) -> dict[str, str]:
    """The items feed and the corrections feed, newest first, at most ``limit`` entries each."""
    items = [e.value for e in digest.items if e.value.status == "published"]
    entries = [{"title": it.neutral_title or it.title, "id": f"urn:parallax:item:{it.id}",
                "href": f"items/{it.id}/", "updated": _stamp(item_updated(it)),
                "summary": plain(it.summary)} for it in items]
    entries.sort(key=lambda e: (e["updated"], e["id"]), reverse=True)
    corrections = [{"title": f"Correction: {it.neutral_title or it.title}",
                    "id": f"urn:parallax:correction:{it.id}:{n}", "href": f"items/{it.id}/",
                    "updated": _stamp(c.date), "summary": c.note}
                   for it in items for n, c in enumerate(it.corrections, 1)]
    corrections.sort(key=lambda e: (e["updated"], e["id"]), reverse=True)
    return {
        "feed.xml": atom("Parallax digest: items", "urn:parallax:feed:items", entries[:limit],
                         "feed.xml"),
        "corrections.xml": atom("Parallax digest: corrections", "urn:parallax:feed:corrections",
                                corrections[:limit], "corrections.xml"),
    }
