"""Find and redact personal data by type: every field marked `PersonalData`, plus every `BSN`.

Used by logging, error texts and exports so that privacy does not depend on remembering field names.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from schemas.types import BSN, PersonalData

__all__ = ["personal_values", "redacted_dump"]

REDACTED = "[redacted]"


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
