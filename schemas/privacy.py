"""Find and redact personal data by type: every field marked `PersonalData`, plus every `BSN`.

Used by logging, error texts and exports so that privacy does not depend on remembering field names.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from schemas.types import BSN, PersonalData

__all__ = ["REDACTED", "personal_values", "redacted_dump", "redacted_error"]

REDACTED = "[redacted]"

_KNOWN_ERROR_TYPES = frozenset(typing.get_args(core_schema.ErrorType))


def _is_personal(model: type[BaseModel], field_name: str) -> bool:
    field = model.model_fields[field_name]
    return any(isinstance(meta, PersonalData) for meta in field.metadata)


def personal_values(model: BaseModel) -> Iterator[str]:
    """Every personal value inside `model`, as text (for scanning logs and outputs in tests and audits)."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if _is_personal(type(model), name) and value is not None:
            yield value.reveal() if isinstance(value, BSN) else str(value)
        else:
            yield from _personal_in(value)


def _personal_in(value: Any) -> Iterator[str]:
    if isinstance(value, BaseModel):
        yield from personal_values(value)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _personal_in(item)
    elif isinstance(value, BSN):
        yield value.reveal()


def redacted_dump(model: BaseModel) -> dict[str, Any]:
    """`model_dump(mode="json")` with every personal field replaced by `[redacted]`."""
    data = model.model_dump(mode="json")
    _redact_into(model, data)
    return data


def _redact_into(value: Any, data: Any) -> None:
    """Walk the model beside its JSON dump and blank the personal fields in the dump."""
    if isinstance(value, BaseModel) and isinstance(data, dict):
        for name, field in type(value).model_fields.items():
            key = field.serialization_alias or field.alias or name
            if key not in data:
                continue
            if _is_personal(type(value), name) and data[key] is not None:
                data[key] = REDACTED
            else:
                _redact_into(getattr(value, name), data[key])
    elif isinstance(value, list | tuple) and isinstance(data, list):
        for item, item_data in zip(value, data, strict=False):
            _redact_into(item, item_data)


def redacted_error(error: ValidationError) -> ValidationError:
    """The same validation error (types, locations, messages, context) with every input replaced.

    pydantic's `hide_input_in_errors` hides inputs from `str(error)` only: `errors()` and `json()` still
    carry them, and a model-level rule carries the whole input (names, birth date, BSN) as its input.
    The canonical model raises this instead, so no personal value can leave inside a validation error.
    """
    lines: list[InitErrorDetails] = []
    for line in error.errors(include_url=False, include_input=False):
        detail: InitErrorDetails = {
            "type": line["type"]
            if line["type"] in _KNOWN_ERROR_TYPES
            else PydanticCustomError(line["type"], line["msg"], line.get("ctx")),
            "loc": line["loc"],
            "input": REDACTED,
        }
        if "ctx" in line and line["type"] in _KNOWN_ERROR_TYPES:
            detail["ctx"] = line["ctx"]
        lines.append(detail)
    try:
        return ValidationError.from_exception_data(error.title, lines, hide_input=True)
    except (KeyError, TypeError, ValueError):
        # A built-in error whose context does not round-trip: keep its text as a custom error.
        fallback: list[InitErrorDetails] = [
            {"type": PydanticCustomError(line["type"], line["msg"]), "loc": line["loc"], "input": REDACTED}
            for line in error.errors(include_url=False, include_input=False)
        ]
        return ValidationError.from_exception_data(error.title, fallback, hide_input=True)
