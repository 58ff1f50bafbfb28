"""The one base class of the canonical model: strict, closed, camelCase on the wire, silent about inputs."""

from __future__ import annotations

from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, GetCoreSchemaHandler, ValidationError, ValidationInfo
from pydantic.alias_generators import to_camel
from pydantic_core import CoreSchema, PydanticCustomError

from schemas.privacy import redacted_error
from schemas.types import guard_text

__all__ = ["CanonicalModel", "Sleutel", "VeraOverig", "check_order", "check_parent"]

_T = TypeVar("_T")


class CanonicalModel(BaseModel):
    """Strict pydantic model: no coercion of numbers or booleans from text, no unknown fields.

    Every text anywhere in a model (fields, list items, keys and values of kept unknown data) must be
    text a store can hold: no NUL or other C0 control character, tab and line breaks only in fields
    marked `MULTI_LINE` (see `schemas.types.check_storable_text`).

    Field names are snake_case in Python and VERA's camelCase on the wire. Validation errors never echo
    the input value: not in their text (`hide_input_in_errors`) and not in `errors()`/`json()` either
    (every way in re-raises the error with its inputs redacted), so a bad BSN or birth date, or the whole
    household a model-level rule looked at, cannot leak through an error.
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

    def __init__(self, /, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as error:
            raise redacted_error(error) from None

    # Tell pydantic this __init__ adds nothing to validation: otherwise it calls it (in Python) for every
    # nested model it validates, which costs a quarter of a CSV row's time. Errors of nested models still
    # pass through the outermost __init__ or model_validate, which redact them.
    __init__.__pydantic_base_init__ = True  # type: ignore[attr-defined]

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as error:
            raise redacted_error(error) from None

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError as error:
            raise redacted_error(error) from None

    @classmethod
    def model_validate_strings(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate_strings(obj, **kwargs)
        except ValidationError as error:
            raise redacted_error(error) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as error:
            raise redacted_error(error) from None

    # One rule for every text of every entity, present and future, rather than a text type per field: a
    # NUL reaching PostgreSQL loses a whole batch. Done on the core schema, so only text pays for it.
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return guard_text(handler(source), owner=cls)  # type: ignore[no-any-return]

    # VERA types every field and declares none nullable: an absent value is left out, never `null`.
    def model_dump(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("exclude_none", True)
        return super().model_dump(**kwargs)

    def model_dump_json(self, **kwargs: Any) -> str:
        kwargs.setdefault("exclude_none", True)
        return super().model_dump_json(**kwargs)


VeraOverig = Annotated[
    dict[Annotated[str, Field(pattern=r"^(/[^/]*)+$", max_length=500)], Any] | None,
    Field(
        repr=False,  # a vendor's data may hold anything, personal data too: never in a repr or a log line
        max_length=2_000,
        description=(
            "VERA attributes Woonbrug does not model, kept untouched so they round-trip: JSON pointer "
            "(relative to this entity) -> the value as received. Not read by Woonbrug's own logic."
        ),
    ),
]
"""What a VERA body carried beyond the canonical model, by JSON pointer; written back where it was."""


class Sleutel(CanonicalModel):
    """A reference to another entity by its keys, as VERA's `*-sleutels` objects."""

    id: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=100)


def check_parent(info: ValidationInfo, value: _T, parent: str, child: str) -> _T:
    """A detail code must stand under its VERA parent (EENHEIDCRITERIUMDETAILSOORT.BER only under
    EENHEIDCRITERIUMSOORT.URG). Use it in a `field_validator` on both fields, `parent` declared first; an
    absent or invalid partner skips the check (its own error is reported)."""
    low, high = (info.data.get(parent), value) if info.field_name == child else (value, info.data.get(child))
    belongs = getattr(high, "belongs_under", None)
    if low is None or belongs is None or belongs(low):
        return value
    raise PydanticCustomError(
        "vera_parent",
        "{child} code '{code}' does not belong under {parent} '{parent_code}' (VERA's parent is {expected})",
        {
            "child": to_camel(child),
            "code": str(high),
            "parent": to_camel(parent),
            "parent_code": str(low),
            "expected": str(getattr(high, "parent", "")),
        },
    )


def check_order(
    info: ValidationInfo,
    value: _T,
    earlier: str,
    later: str,
    *,
    strictly: bool = False,
    words: tuple[str, str] = ("after", "on or after"),
) -> _T:
    """A rule between two fields (`earlier` <= `later`, or < when `strictly`), run as a field rule so its
    error names a field instead of the whole model. `words` say "later must be ... earlier" (strictly, not).

    Use it in a `field_validator` on both fields, `earlier` declared first. Validating a model, fields
    arrive in declaration order, so `later` is checked against `earlier`; assigning either field of an
    existing model checks it against the other's current value. A missing or invalid partner skips the
    check (its own error is reported).
    """
    low, high = (info.data.get(earlier), value) if info.field_name == later else (value, info.data.get(later))
    if low is None or high is None:
        return value
    if high < low or (strictly and high == low):  # type: ignore[operator]
        raise PydanticCustomError(
            "order",
            "{later} must be {relation} {earlier}",
            {
                "later": to_camel(later),
                "earlier": to_camel(earlier),
                "relation": words[0] if strictly else words[1],
            },
        )
    return value
