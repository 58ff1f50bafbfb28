"""Generate the committed JSON Schemas of model v1: one file per entity and per message type.

`python -m schemas.jsonschema` (or `woonbrug schemas generate`) rewrites `schemas/v1/`; a test fails when
the committed files drift from the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from schemas.aanbieding import Aanbieding
from schemas.eenheid import Eenheid
from schemas.inschrijving import Inschrijving
from schemas.kandidaat import Kandidaat, Kandidatenlijst
from schemas.messages import MESSAGE_TYPES
from schemas.overeenkomst import Overeenkomst
from schemas.publicatie import Publicatie
from schemas.sanctie import Reclamatie, Sanctie
from schemas.toewijzing import Toewijzing
from schemas.version import SCHEMA_VERSION

__all__ = ["ENTITIES", "generate", "schema_dir", "write"]

ENTITIES: dict[str, type[BaseModel]] = {
    cls.__name__: cls
    for cls in (
        Eenheid,
        Publicatie,
        Inschrijving,
        Kandidaat,
        Kandidatenlijst,
        Aanbieding,
        Toewijzing,
        Overeenkomst,
        Sanctie,
        Reclamatie,
    )
}


def schema_dir() -> Path:
    return Path(__file__).parent / SCHEMA_VERSION


def generate() -> dict[str, dict[str, Any]]:
    """File name -> JSON Schema, for every entity and message type (pure; writes nothing)."""
    out: dict[str, dict[str, Any]] = {}
    for name, model in ENTITIES.items():
        out[f"entity.{name}.schema.json"] = _schema(model, f"woonbrug:{SCHEMA_VERSION}:entity:{name}")
    for type_name, message in MESSAGE_TYPES.items():
        out[f"message.{type_name}.schema.json"] = _schema(message, f"woonbrug:{SCHEMA_VERSION}:message:{type_name}")
    return out


def _schema(model: type[BaseModel], schema_id: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": schema_id, **schema}


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def write(target: Path | None = None) -> list[Path]:
    """Write every schema to `target` (default `schemas/v1/`), removing files that no longer exist."""
    directory = target or schema_dir()
    directory.mkdir(parents=True, exist_ok=True)
    wanted = generate()
    for stale in directory.glob("*.schema.json"):
        if stale.name not in wanted:
            stale.unlink()
    written = []
    for name, schema in wanted.items():
        path = directory / name
        path.write_text(render(schema), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write():
        print(path)
