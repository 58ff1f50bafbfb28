"""Checks a VERA body against the VERA WRV 4.3 OpenAPI spec in ../shared/vera (never copied here).

Three checks, each stricter than the last:
1. jsonschema validation of the resource schema, `$ref`s resolved by `referencing` from the YAML, every
   `oneOf` read as `anyOf` (VERA models inheritance as `oneOf: [subtype, base]` without a discriminator,
   so a strict validator rejects every such object), and `date` / `date-time` formats checked with VERA's
   own validation regex (UTC `...Z`);
2. no undeclared attributes: VERA declares no `additionalProperties: false`, so (1) alone would pass any
   name; here every attribute must be one VERA declares at that place (union over allOf/anyOf branches);
3. Referentiedata: an attribute documented as `Referentiedata: SOORT` must carry a code of that list in
   Referentiedata.csv, with VERA's naam.
"""

from __future__ import annotations

import csv
import functools
import re
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]  # no stubs published; used in tests only
import yaml
from referencing import Registry
from referencing.jsonschema import DRAFT4

from contract_tests import vendor_formats

SPEC_URI = "urn:vera:wrv-4.3.0"
REFERENTIEDATA = re.compile(r"Referentiedata: ([A-Z]+)")


@functools.cache
def load_spec(vera_dir: Path) -> dict[str, Any]:
    with (vera_dir / "WRV-4.3.0.yaml").open(encoding="utf-8") as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    converted: dict[str, Any] = vendor_formats.one_of_as_any_of(spec)
    return converted


@functools.cache
def load_codes(vera_dir: Path) -> dict[str, dict[str, str]]:
    """Referentiedata soort -> {code: naam}."""
    codes: dict[str, dict[str, str]] = {}
    with (vera_dir / "Referentiedata.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            codes.setdefault(row["Soort"], {})[row["Code"]] = row["Naam"]
    return codes


def schema_errors(vera_dir: Path, schema_name: str, instance: Any) -> list[str]:
    """Every jsonschema error of `instance` against `#/components/schemas/<schema_name>`."""
    spec = load_spec(vera_dir)
    registry: Registry[Any] = Registry().with_resource(SPEC_URI, DRAFT4.create_resource(spec))
    validator = jsonschema.Draft4Validator(
        {"$ref": f"{SPEC_URI}#/components/schemas/{schema_name}"},
        registry=registry,
        format_checker=vendor_formats.vera_format_checker(),
    )
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message}" for e in validator.iter_errors(instance)]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    return node


def _properties(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every property a schema declares, over its allOf/anyOf branches."""
    node = _resolve(spec, node)
    out: dict[str, dict[str, Any]] = {}
    for key in ("allOf", "anyOf"):
        for branch in node.get(key, []):
            out.update(_properties(spec, branch))
    out.update(node.get("properties", {}))
    return out


def _property_schema(spec: dict[str, Any], prop: dict[str, Any]) -> dict[str, Any]:
    """The schema a property's value must match (VERA wraps refs in a one-item allOf)."""
    if "allOf" in prop and len(prop["allOf"]) == 1 and "properties" not in prop:
        return _resolve(spec, prop["allOf"][0])
    return _resolve(spec, prop)


def conformance_problems(vera_dir: Path, schema_name: str, instance: Any) -> list[str]:
    """Undeclared attributes and Referentiedata codes/names not in Referentiedata.csv."""
    spec = load_spec(vera_dir)
    codes = load_codes(vera_dir)
    problems: list[str] = []

    def walk(value: Any, schema: dict[str, Any], path: str, soort: str | None) -> None:
        schema = _resolve(spec, schema)
        if isinstance(value, list):
            items = schema.get("items", {})
            for i, item in enumerate(value):
                walk(item, items, f"{path}[{i}]", soort)
            return
        if not isinstance(value, dict):
            return
        declared = _properties(spec, schema)
        if soort is not None:
            code, naam = value.get("code"), value.get("naam")
            known = codes.get(soort, {})
            if code not in known:
                problems.append(f"{path}: code {code!r} is not in Referentiedata {soort}")
            elif naam is not None and naam != known[code]:
                problems.append(f"{path}: naam {naam!r} is not VERA's {known[code]!r} for {soort}.{code}")
        for key, item in value.items():
            where = f"{path}.{key}" if path else key
            if key not in declared:
                problems.append(f"{where}: not an attribute of VERA {schema_name} here")
                continue
            prop = declared[key]
            match = REFERENTIEDATA.search(prop.get("description", ""))
            walk(item, _property_schema(spec, prop), where, match.group(1) if match else None)

    walk(instance, {"$ref": f"#/components/schemas/{schema_name}"}, "", None)
    return problems


def declares(vera_dir: Path, schema_name: str, path: str) -> bool:
    """Whether VERA declares an attribute at `path` (`eenheden[*].lift`, `publicatie`) in the schema."""
    spec = load_spec(vera_dir)
    schema: dict[str, Any] = {"$ref": f"#/components/schemas/{schema_name}"}
    for part in re.findall(r"[^.\[\]]+|\[\*\]", path):
        if part == "[*]":
            schema = _resolve(spec, schema).get("items", {})
            continue
        declared = _properties(spec, schema)
        if part not in declared:
            return False
        schema = _property_schema(spec, declared[part])
    return True
