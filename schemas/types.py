"""Dutch and domain value types of the canonical model.

Each type validates once at the edge and serialises the way VERA expects: postcodes as `1234 AB`,
money as a JSON number of euros with at most two decimals (VERA types amounts as `number`), timestamps
as UTC `...Z`. Personal data is marked with `PersonalData` so logs, errors and exports can redact it
by type; `BSN` additionally hides itself in `str`/`repr`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Final

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    PlainSerializer,
    WithJsonSchema,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "BSN",
    "MULTI_LINE",
    "Bedrag",
    "BedragMetTeken",
    "Datum",
    "Geboortedatum",
    "Huisnummer",
    "MultiLine",
    "PersonalData",
    "PersonalText",
    "Postcode",
    "Tijdstip",
    "bsn_check_digit",
    "check_storable_text",
    "guard_text",
    "passes_11_check",
]


@dataclass(frozen=True)
class PersonalData:
    """Marks a field as personal data (AVG/GDPR): kept out of reprs, error inputs, logs and exports."""

    kind: str


# --- Text no store can hold ---------------------------------------------------------------------------


# C0 controls (NUL first of all: PostgreSQL refuses it in text) and lone surrogates (no UTF-8 for them).
_UNSTORABLE_ONE_LINE = re.compile("[\x00-\x1f\ud800-\udfff]")
_UNSTORABLE_MULTI_LINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_CHECKED: Final = "woonbrug_text_checked"  # core-schema metadata: this part already checks its text


def check_storable_text(value: str, *, multi_line: bool = False, where: str = "") -> None:
    """Refuse text that no store can hold: C0 control characters (tab, line feed and carriage return
    are allowed in `multi_line` fields) and lone surrogates. The error says which character and where
    (1-based position), never the text itself.
    """
    if value.isprintable():  # the common case, in C: no control character, no surrogate
        return
    found = (_UNSTORABLE_MULTI_LINE if multi_line else _UNSTORABLE_ONE_LINE).search(value)
    if found is None:
        return
    allowed = "only tab and line breaks are allowed in this field" if multi_line else "a one-line field"
    code = ord(found.group())
    what = "a lone surrogate" if code >= 0xD800 else "control character"
    raise PydanticCustomError(
        "unstorable_text",
        f"text holds {what} U+{code:04X} at position {found.start() + 1}{where}, which no store can hold ({allowed})",
    )


def _one_line(value: str) -> str:
    check_storable_text(value)
    return value


def _multi_line(value: Any) -> Any:
    if isinstance(value, str):
        check_storable_text(value, multi_line=True)
    return value


def _untyped(value: Any, path: str = "") -> Any:
    """Texts inside untyped data (kept unknown JSON), located by their path below the field."""
    if isinstance(value, str):
        check_storable_text(value, where=f" of {path}" if path else "")
    elif isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str):
                check_storable_text(key, where=f" of a key in {path or 'this field'}")
            _untyped(item, f"{path}.{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _untyped(item, f"{path}[{index}]")
    return value


@dataclass(frozen=True)
class MultiLine:
    """Marks a text field that may hold line breaks and tabs (a remark, a description), e.g.
    `omschrijving: Annotated[str | None, MULTI_LINE]`. Every other text field is one line."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_after_validator_function(_multi_line, handler(source), metadata={_CHECKED: True})


MULTI_LINE: Final = MultiLine()

_NESTED_KEYS: Final = (
    "schema",
    "items_schema",
    "keys_schema",
    "values_schema",
    "lax_schema",
    "strict_schema",
    "json_schema",
    "python_schema",
    "return_schema",
    "extras_schema",  # extra="allow" with typed extras
)


def guard_text(schema: Any, owner: type | None = None) -> Any:
    """`schema` (a pydantic core schema) with every text in it checked by `check_storable_text`.

    Each `str` schema gets a check after it (a C-speed `isprintable` on the good path), untyped values
    (`Any`) a walk of their texts. Nested models are left alone: they were guarded when their own
    class was built. Used by `CanonicalModel` for every entity, so no text field can be forgotten.
    """
    if not isinstance(schema, dict):
        return schema
    kind = schema.get("type")
    metadata = schema.get("metadata") or {}
    if metadata.get(_CHECKED):
        return schema
    if kind == "str":
        return core_schema.no_info_after_validator_function(_one_line, schema, metadata={_CHECKED: True})
    if kind == "any":
        return core_schema.no_info_after_validator_function(_untyped, schema, metadata={_CHECKED: True})
    if kind == "model" and owner is not None and schema.get("cls") is not owner:
        return schema
    for key in _NESTED_KEYS:
        inner = schema.get(key)
        if isinstance(inner, dict):
            schema[key] = guard_text(inner, owner)
        elif isinstance(inner, list):  # a tuple's items
            schema[key] = [guard_text(item, owner) for item in inner]
    if kind == "union":
        schema["choices"] = [
            (guard_text(choice[0], owner), choice[1]) if isinstance(choice, tuple) else guard_text(choice, owner)
            for choice in schema["choices"]
        ]
    elif kind == "tagged-union":
        schema["choices"] = {tag: guard_text(choice, owner) for tag, choice in schema["choices"].items()}
    elif kind == "chain":
        schema["steps"] = [guard_text(step, owner) for step in schema["steps"]]
    elif kind in ("model-fields", "typed-dict"):
        for field in schema["fields"].values():
            field["schema"] = guard_text(field["schema"], owner)
    elif kind == "definitions":
        schema["definitions"] = [guard_text(item, owner) for item in schema["definitions"]]
    return schema


# --- Postcode -----------------------------------------------------------------------------------------

_POSTCODE = re.compile(r"^\s*([1-9][0-9]{3})\s?([A-Za-z]{2})\s*$")
# PostNL never issues these letter pairs (SA, SD, SS carry unwanted associations).
_FORBIDDEN_POSTCODE_LETTERS = frozenset({"SA", "SD", "SS"})


def _normalise_postcode(value: str) -> str:
    match = _POSTCODE.match(value)
    if not match:
        raise PydanticCustomError(
            "postcode", "postcode must be four digits (not starting with 0) and two letters, like 6511 AB"
        )
    digits, letters = match.group(1), match.group(2).upper()
    if letters in _FORBIDDEN_POSTCODE_LETTERS:
        raise PydanticCustomError("postcode", "postcode letters {letters} are never issued", {"letters": letters})
    return f"{digits} {letters}"


Postcode = Annotated[str, Field(strict=True), AfterValidator(_normalise_postcode)]
"""Dutch postcode, normalised to `1234 AB`."""

Huisnummer = Annotated[str, Field(strict=True, pattern=r"^[1-9][0-9]{0,4}$")]
"""House number; a string as in VERA, digits only, 1..99999."""


# --- Money --------------------------------------------------------------------------------------------

_CENT = Decimal("0.01")
_MAX_AMOUNT = Decimal("1000000000")


def _to_decimal(value: Any) -> Any:
    # A JSON number arrives as float: go through its shortest repr so 650.43 stays 650.43; a float that
    # is a whole cent but for binary noise (560.5500000000001, what 0.1 + 0.2 arithmetic leaves in
    # vendor exports) is that cent. Only noise a float can carry is forgiven: 560.555 stays refused.
    if isinstance(value, float):
        exact = Decimal(repr(value))
        if math.isfinite(value) and abs(value) < float(_MAX_AMOUNT):
            cents = exact.quantize(_CENT)
            if cents != exact and abs(float(cents) - value) <= 4 * math.ulp(value):
                return cents
        return exact
    if isinstance(value, bool):
        raise PydanticCustomError("bedrag", "an amount cannot be a boolean")
    # Strict like every number in the model: text is not coerced ("675.25", let alone "675,25").
    if not isinstance(value, Decimal | int):
        raise PydanticCustomError("bedrag", "an amount is a number of euros (Decimal, int or JSON number), not text")
    return value


def _whole_cents(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise PydanticCustomError("bedrag", "an amount must be a finite number of euros")
    try:
        cents = value.quantize(_CENT)
    except InvalidOperation:
        raise PydanticCustomError("bedrag", "amount out of range") from None
    if cents != value:
        raise PydanticCustomError("bedrag", "an amount has at most two decimals (whole cents)")
    if abs(value) >= _MAX_AMOUNT:
        raise PydanticCustomError("bedrag", "an amount must be between -1,000,000,000 and 1,000,000,000 euros")
    return cents


def _check_cents(value: Decimal) -> Decimal:
    cents = _whole_cents(value)
    if cents < 0:
        raise PydanticCustomError("bedrag", "an amount cannot be negative")
    return cents


Bedrag = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(strict=False),
    AfterValidator(_check_cents),
    PlainSerializer(float, return_type=float, when_used="json"),
    # No "multipleOf": 0.01 here: binary floats make validators reject honest amounts like 675.25.
    WithJsonSchema({"type": "number", "minimum": 0, "description": "euros with at most two decimals"}),
]
"""A non-negative amount in euros with whole cents; a JSON number on the wire (VERA types it so)."""

BedragMetTeken = Annotated[
    Decimal,
    BeforeValidator(_to_decimal),
    Field(strict=False),
    AfterValidator(_whole_cents),
    PlainSerializer(float, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number", "description": "euros with at most two decimals; negative for a korting"}),
]
"""An amount in euros with whole cents that may be negative: a price component can be a discount."""


# --- Time ---------------------------------------------------------------------------------------------


def _not_a_number(value: Any) -> Any:
    # pydantic's lax mode reads a number as seconds since 1970; a vendor's number in a date field is a
    # mapping error to report, not a moment to guess.
    if isinstance(value, int | float | Decimal):
        raise PydanticCustomError("datum", "a date or timestamp is ISO 8601 text, not a number")
    return value


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _utc_text(value: datetime) -> str:
    text = value.astimezone(UTC).isoformat()
    return text.replace("+00:00", "Z")


Tijdstip = Annotated[
    AwareDatetime,
    BeforeValidator(_not_a_number),
    Field(strict=False),
    AfterValidator(_to_utc),
    PlainSerializer(_utc_text, return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "format": "date-time", "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$"}
    ),
]
"""A moment in time: timezone required, kept and written as UTC (`2026-01-05T09:00:00Z`)."""

_DATE_TEXT = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _date_not_moment(value: Any) -> Any:
    value = _not_a_number(value)
    # pydantic's lax mode takes a midnight date-time for a date; VERA types these as a date, and a vendor
    # sending a moment has another meaning in mind (a time zone can move it a day): refuse, never guess.
    if isinstance(value, str) and not _DATE_TEXT.match(value):
        raise PydanticCustomError("datum", "a date is YYYY-MM-DD text (VERA types it as a date, not a date-time)")
    if isinstance(value, datetime):
        raise PydanticCustomError("datum", "a date, not a date-time")
    return value


Datum = Annotated[date, BeforeValidator(_date_not_moment), Field(strict=False)]
"""A calendar date (`2026-01-05`)."""


def _not_in_future(value: date) -> date:
    # A birth date is checked against the real calendar: it is a fact, not a policy parameter.
    if value > date.today():
        raise PydanticCustomError("geboortedatum", "a birth date cannot be in the future")
    if value.year < 1900:
        raise PydanticCustomError("geboortedatum", "a birth date before 1900 is not plausible")
    return value


Geboortedatum = Annotated[
    date,
    BeforeValidator(_not_a_number),
    Field(strict=False, repr=False),
    AfterValidator(_not_in_future),
    PersonalData("geboortedatum"),
]

PersonalText = Annotated[str, Field(strict=True, min_length=1, max_length=200, repr=False)]
"""Free text that identifies a person (names, contact details); combine with a `PersonalData` marker."""


# --- BSN ----------------------------------------------------------------------------------------------


_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def passes_11_check(digits: str) -> bool:
    """Whether nine ASCII digits pass the BSN 11-check (also used to spot BSNs in free text)."""
    return (
        len(digits) == 9
        and digits.isascii()
        and digits.isdigit()
        and digits != "000000000"
        and sum(int(d) * w for d, w in zip(digits, _BSN_WEIGHTS, strict=True)) % 11 == 0
    )


def bsn_check_digit(first_eight: str) -> int | None:
    """The ninth digit that makes `first_eight` a number passing the 11-check, or None when no digit can.

    For generating fictional test and demo BSNs: the 11-check above is the rule, this is its inverse."""
    total = sum(int(d) * w for d, w in zip(first_eight, _BSN_WEIGHTS[:8], strict=True))
    check = total % 11
    if check == 10 or (check == 0 and first_eight == "00000000"):
        return None
    return check


class BSN:
    """A burgerservicenummer: nine digits passing the 11-check. Never shows itself by accident.

    `str()` and `repr()` are masked; `reveal()` gives the digits to code that is allowed to use them.
    Models leave it out of dumps unless the serialisation context says `{"include_bsn": True}`.
    """

    __slots__ = ("_digits",)

    def __init__(self, digits: str) -> None:
        if not (len(digits) == 9 and digits.isascii() and digits.isdigit()):
            raise ValueError("a BSN has exactly nine digits")
        if not passes_11_check(digits):
            raise ValueError("this BSN fails the 11-check")
        self._digits = digits

    def reveal(self) -> str:
        return self._digits

    def __str__(self) -> str:
        return "*********"

    def __repr__(self) -> str:
        return "BSN('*********')"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, BSN) and other._digits == self._digits

    def __hash__(self) -> int:
        return hash(("BSN", self._digits))

    @classmethod
    def _validate(cls, value: Any) -> BSN:
        if isinstance(value, BSN):
            return value
        if not isinstance(value, str):
            raise PydanticCustomError("bsn", "a BSN is a string of nine digits")
        try:
            return cls(value.strip())
        except ValueError as error:
            raise PydanticCustomError("bsn", str(error)) from None

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                BSN.reveal, return_schema=core_schema.str_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": "^[0-9]{9}$", "description": "BSN (11-check); personal data"}
