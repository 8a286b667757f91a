"""The draft record ingest writes for one seed item: what the seed says, and nothing invented."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import replace

from pydantic import ValidationError

from .. import __version__
from ..models import Item, precision_of
from ..prefill import Prefill
from ..seedformats import SeedDoc, SeedItem


SCHEMA_REF = "../../schema/item.schema.json"


def slugify(text: str, limit: int = 80) -> str:
    """An ASCII slug for ``text``; ids stay ASCII whatever the script of the headline."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    slug = slug[:limit].rstrip("-")
    return slug or "item-" + hashlib.sha256(text.encode()).hexdigest()[:8]


def sha256(text: str | bytes) -> str:
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


def _past(value: str) -> str:
    """``value`` if it is not after today, else "": a date to come is not when an item happened."""
    return value if value and value <= dt.date.today().isoformat()[: len(value)] else ""


def _date(value: str, basis: str) -> dict:
    return {"value": value, "precision": precision_of(value), "basis": basis}


def _seed_page(doc: SeedDoc, item: SeedItem) -> dict:
    """The first provenance link: the item's own link when the seed gave one, else the page."""
    if item.link:
        return {"role": "seed-page", "outlet": "", "url": item.link, "title": item.title,
                "date": item.date, "accessed": "", "status": "unverified",
                "note": f"The item's own link in the seed file {doc.file}; not yet checked."}
    note = (f"Item {item.position} of the seed file {doc.file}"
            + (f" (page title: {doc.title!r})" if doc.title else "")
            + "; the page's public address is not yet identified.")
    return {"role": "seed-page", "outlet": "", "url": "", "title": doc.title, "date": "",
            "accessed": "", "status": "unverified", "note": note}


def draft_record(doc: SeedDoc, item: SeedItem, item_id: str, prefill: Prefill | None) -> dict:
    """The draft record for one seed item: what the seed says, and nothing invented."""
    item = replace(item, date=_past(item.date))
    seed = {"file": doc.file, "format": doc.format, "position": item.position,
            "excerpt": item.excerpt, "sha256": sha256(item.excerpt)}
    if item.link:
        seed["link"] = item.link
    record = {"id": item_id, "title": item.title, "neutral_title": "", "status": "draft"}
    if item.date:
        record["date"] = _date(item.date, item.date_basis or "date given in the seed; not yet checked")
    record["seed"] = seed
    record["provenance"] = [_seed_page(doc, item)]
    if prefill is not None:
        record = prefill.apply(record, item, doc.title)
    if "date" not in record and _past(doc.date):
        record["date"] = _date(doc.date, doc.date_basis)
    record.setdefault("summary", "")
    record["prepared_by"] = f"parallax ingest {__version__}"
    return {k: record[k] for k in Item.model_fields if k in record}


def _invalid(record: dict) -> str:
    """Why ``record`` would not load, or "" (a safety net: ingest never writes a broken record)."""
    try:
        Item.model_validate(record)
    except ValidationError as exc:
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return ""
