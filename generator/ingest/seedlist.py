"""digest.yaml's `seeds` list: which seed files it names, and adding new ones as text."""

from __future__ import annotations

import json
import re
from pathlib import Path

from .. import yamlio
from ..prefill import Prefill
from ..problems import Problem
from ..seedformats import SeedDoc


def listed_seeds(path: Path) -> set:
    """The seed files ``digest.yaml`` lists (none when it is missing or cannot be read)."""
    if not path.is_file():
        return set()
    doc, _ = yamlio.load(path, path.name)
    seeds = doc.data.get("seeds") if doc and isinstance(doc.data, dict) else None
    return {s.get("file") for s in seeds if isinstance(s, dict)} if isinstance(seeds, list) else set()


def seed_entry(doc: SeedDoc, prefill: Prefill | None) -> dict:
    """digest.yaml's `seeds` entry for a seed: what the page says of itself, nothing more."""
    return {"file": doc.file, "title": doc.title,
            "publisher": prefill.page_outlet(doc.title, doc.url) if prefill else "",
            "url": doc.url, "accessed": "", "note": ""}


_SEEDS_KEY = re.compile(r"^seeds:[ \t]*(\[\s*\])?[ \t]*(#.*)?$")


def add_seed_entries(path: Path, entries: list[dict]) -> Problem | None:
    """Add ``entries`` to the `seeds` list of an existing digest.yaml, as text, so that every
    comment and every entry a person wrote stays exactly as it was; entries already listed are
    never rewritten. A file whose `seeds` this cannot extend safely is left alone, with a
    problem saying what to add by hand. No digest.yaml: nothing to do (``parallax new`` makes
    one)."""
    if not entries or not path.is_file():
        return None
    listed = listed_seeds(path)
    entries = [e for e in entries if e["file"] not in listed]
    if not entries:
        return None
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    at = next((n for n, line in enumerate(lines) if _SEEDS_KEY.match(line)), None)
    # New entries take the indentation of the list's first entry (YAML allows none).
    after = lines[at + 1:] if at is not None else []
    first = next((m.group(1) for line in after if (m := re.match(r"^([ \t]*)- ", line))), "  ")
    rows = [f"{first}- {{{', '.join(f'{k}: {json.dumps(v, ensure_ascii=False)}' for k, v in e.items())}}}"
            for e in entries]
    if at is None:
        if any(line.startswith("seeds:") for line in lines):
            return _by_hand(path, entries)
        new = text.rstrip("\n") + "\nseeds:\n" + "\n".join(rows) + "\n"
    else:
        end = at + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-#"):
            end += 1
        while end > at + 1 and not lines[end - 1].strip():
            end -= 1
        if _SEEDS_KEY.match(lines[at]).group(1):  # `seeds: []`
            lines[at] = "seeds:"
        new = "\n".join(lines[:end] + rows + lines[end:])
    if _seeds_after(new) != [*_seeds_after(text), *entries]:
        return _by_hand(path, entries)
    yamlio.write_atomic(path, new)
    return None


def _seeds_after(text: str) -> list | None:
    try:
        data = yamlio.parse(text, "digest.yaml").data
    except Exception:  # the edit broke the file: it is not written
        return None
    seeds = data.get("seeds") if isinstance(data, dict) else None
    return list(seeds or []) if isinstance(seeds, (list, type(None))) else None


def _by_hand(path: Path, entries: list[dict]) -> Problem:
    return Problem(str(path), 1, "ingest-seed-entry",
                   "could not add the new seeds to `seeds` here; add them by hand: "
                   + "; ".join(f"file {e['file']!r}, title {e['title']!r}, url {e['url']!r}"
                               for e in entries), "warning")
