"""The committed JSON Schemas (schemas/v1/) are what the model generates, and they agree with the model.

Agreement is tested, not assumed: golden entities and generated entities and messages, dumped by the
model, validate against our own committed schema.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from contract_tests import strategies
from schemas import INCLUDE_BSN, MESSAGE_TYPES
from schemas.jsonschema import ENTITIES, generate, render, schema_dir
from tests.schemas.entities import ENTITIES as GOLDEN_ENTITIES
from tests.schemas.entities import STRATEGIES, golden
from tests.schemas.vera import format_checker

FIX = "run `woonbrug schemas generate` (or `make schemas`) and commit schemas/v1/"


def test_committed_schemas_equal_the_generated_ones() -> None:
    wanted = generate()
    directory = schema_dir()
    stale = [
        name
        for name, schema in wanted.items()
        if not (directory / name).is_file() or (directory / name).read_text(encoding="utf-8") != render(schema)
    ]
    assert not stale, f"schemas/v1 is out of date for {stale}: {FIX}"


def test_no_stale_files_in_the_schema_directory() -> None:
    extra = sorted(path.name for path in schema_dir().iterdir() if path.name not in generate())
    assert not extra, f"schemas/v1 holds files the model no longer generates: {extra}: {FIX}"


def test_every_entity_and_message_type_has_a_schema() -> None:
    names = set(generate())
    assert {f"entity.{name}.schema.json" for name in ENTITIES} <= names
    assert {f"message.{name}.schema.json" for name in MESSAGE_TYPES} <= names
    assert len(names) == len(ENTITIES) + len(MESSAGE_TYPES)


def test_generated_schemas_are_valid_draft_2020_12() -> None:
    for name, schema in generate().items():
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema", name


@cache
def validator(file_name: str) -> Draft202012Validator:
    schema = json.loads((schema_dir() / file_name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=format_checker())


def errors(file_name: str, instance: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator(file_name).iter_errors(instance)
    ]


@pytest.mark.parametrize("name", GOLDEN_ENTITIES)
def test_golden_entities_validate_against_our_own_schema(name: str) -> None:
    model = golden(name)
    for dump in (model.model_dump(mode="json"), model.model_dump(mode="json", context=INCLUDE_BSN)):
        assert errors(f"entity.{name}.schema.json", dump) == []


def test_our_schema_rejects_what_the_model_rejects() -> None:
    """The check above can fail: our schema is as closed and typed as the model."""
    dump: dict[str, Any] = golden("Eenheid").model_dump(mode="json")
    assert errors("entity.Eenheid.schema.json", {**dump, "huisdieren": True})
    assert errors("entity.Eenheid.schema.json", {**dump, "kamersAantal": "3"})
    assert errors("entity.Eenheid.schema.json", {**dump, "soort": {"code": "XYZ"}})
    assert errors("entity.Eenheid.schema.json", {**dump, "rekenhuur": -1})
    publicatie: dict[str, Any] = golden("Publicatie").model_dump(mode="json")
    assert errors("entity.Publicatie.schema.json", {**publicatie, "begindatum": "2026-03-02T09:00:00+01:00"})


@pytest.mark.parametrize("name", GOLDEN_ENTITIES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_entities_validate_against_our_own_schema(name: str, data: st.DataObject) -> None:
    dump = data.draw(STRATEGIES[name], label=name).model_dump(mode="json", context=INCLUDE_BSN)
    assert errors(f"entity.{name}.schema.json", dump) == []


@pytest.mark.parametrize("type_name", MESSAGE_TYPES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data())
def test_generated_messages_validate_against_our_own_schema(type_name: str, data: st.DataObject) -> None:
    message = data.draw(strategies.messages(MESSAGE_TYPES[type_name]), label=type_name)
    assert errors(f"message.{type_name}.schema.json", json.loads(message.model_dump_json(context=INCLUDE_BSN))) == []


def test_schema_directory_is_inside_the_package() -> None:
    assert schema_dir() == Path(__file__).resolve().parents[2] / "schemas" / "v1"
