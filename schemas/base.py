"""The one base class of the canonical model: strict, closed, camelCase on the wire, silent about inputs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["CanonicalModel", "Sleutel"]


class CanonicalModel(BaseModel):
    """Strict pydantic model: no coercion of numbers or booleans from text, no unknown fields.

    Field names are snake_case in Python and VERA's camelCase on the wire. Validation errors never echo
    the input value (`hide_input_in_errors`), so a bad BSN or birth date cannot leak through an error.
    """

    model_config = ConfigDict(
        strict=True,
        extra="forbid",
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        hide_input_in_errors=True,
        validate_assignment=True,
        str_max_length=10_000,
    )

    # VERA types every field and declares none nullable: an absent value is left out, never `null`.
    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("exclude_none", True)
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("exclude_none", True)
        return super().model_dump_json(**kwargs)


class Sleutel(CanonicalModel):
    """A reference to another entity by its keys, as VERA's `*-sleutels` objects."""

    id: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=100)
