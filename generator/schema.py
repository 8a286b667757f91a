"""The JSON Schema export: generated from the record models, never written by hand."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from pydantic import TypeAdapter

from .models import REGISTRIES, DigestInfo, Item

DRAFT = "http://json-schema.org/draft-07/schema#"


def _draft07(schema: dict, title: str) -> dict:
    """Pydantic emits 2020-12 `$defs`; yaml-language-server reads draft-07 `definitions`."""
    text = json.dumps(schema).replace("#/$defs/", "#/definitions/")
    schema = json.loads(text)
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    return {**schema, "$schema": DRAFT, "title": title}


def schemas() -> dict[str, dict]:
    """File name -> JSON Schema, for every record file."""
    out = {"item.schema.json": _draft07(Item.model_json_schema(by_alias=True), "Parallax item"),
           "digest.schema.json": _draft07(DigestInfo.model_json_schema(by_alias=True),
                                          "Parallax digest")}
    for name, model in REGISTRIES.items():
        adapter = TypeAdapter(list[model])
        out[f"{name}.schema.json"] = _draft07(adapter.json_schema(by_alias=True),
                                              f"Parallax {name}")
    return out


def schema_names() -> list[str]:
    """The file names ``schemas()`` gives, without generating the schemas."""
    return ["item.schema.json", "digest.schema.json"] + [f"{name}.schema.json"
                                                         for name in REGISTRIES]


def dumps(schema: dict) -> str:
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def _texts() -> tuple[tuple[str, str], ...]:
    return tuple((name, dumps(schema)) for name, schema in schemas().items())


def schema_texts() -> dict[str, str]:
    """File name -> the text of its schema (made once per process: the models do not change)."""
    return dict(_texts())


def write_schemas(out: Path) -> list[Path]:
    """Write every schema into ``out``, replacing the folder whole (``sitedir``)."""
    from .sitedir import write_files

    texts = schema_texts()
    write_files(texts, out)
    return [out / name for name in texts]
