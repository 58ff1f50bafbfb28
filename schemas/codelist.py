"""The base of every VERA code-list enum: VERA's code, name and validity, travelling as VERA does.

On the wire a code-list value is VERA's `Referentiedata` object, `{"code": "LOT", "naam": "Lotingmodel"}`.
The code decides; a `naam` that differs from VERA's (vendors abbreviate) is accepted and replaced by
VERA's own on output. A code VERA does not know is refused with the list's name and the allowed codes.

A code is also dated: VERA gives each a validity (begin inclusive, end exclusive). Whether it is valid
depends on the day it speaks of, which only the message knows (its `occurredAt`), so a code list cannot
judge it alone. While a message validates (it sets `DATED_CODES`), each code of limited validity that
its payload uses is collected, and the message refuses those not valid on its own date.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Self, cast

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

Period = tuple[date | None, date | None]

# The codes of limited validity met while one message validates (None outside of one): the message
# sets it around its own validation and judges the codes against its date (`schemas.messages.Message`).
DATED_CODES: ContextVar[list[Codelijst] | None] = ContextVar("woonbrug_dated_codes", default=None)


def _note_dated(member: Codelijst) -> None:
    if member.dated:
        collected = DATED_CODES.get()
        if collected is not None:
            collected.append(member)


class Codelijst(StrEnum):
    """A VERA code list. Members are their code (`str`), with `naam` and validity `periods`."""

    soort: ClassVar[str]
    naam: str
    periods: tuple[Period, ...]
    parent: str | None  # VERA's parent of a detail code, "SOORT.CODE" (EENHEIDCRITERIUMSOORT.URG)
    dated: bool  # VERA limits its validity (a begin or an end date): valid only on some days

    def __init_subclass__(cls, *, soort: str = "", **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.soort = soort

    def __new__(cls, code: str, naam: str, periods: tuple[Period, ...], parent: str | None = None) -> Self:
        member = str.__new__(cls, code)
        member._value_ = code
        member.naam = naam
        member.periods = periods
        member.parent = parent
        member.dated = any(begin is not None or end is not None for begin, end in periods)
        return member

    @property
    def code(self) -> str:
        return str(self.value)

    def __str__(self) -> str:
        return self.code

    def valid_on(self, day: date) -> bool:
        """Whether VERA lists this code as valid on `day` (begin inclusive, end exclusive)."""
        return any((begin is None or begin <= day) and (end is None or day < end) for begin, end in self.periods)

    def validity(self) -> str:
        """VERA's validity in words, for errors: `from 2026-03-27`, `until 2023-10-06`, or both."""

        def one(begin: date | None, end: date | None) -> str:
            if begin is None and end is None:
                return "always"
            if begin is None:
                return f"until {end}"
            return f"from {begin}" + (f" until {end}" if end is not None else "")

        return ", ".join(one(begin, end) for begin, end in self.periods)

    def belongs_under(self, parent: Codelijst) -> bool:
        """Whether this detail code may stand under `parent` (VERA names no parent: any)."""
        return self.parent is None or self.parent == f"{parent.soort}.{parent.code}"

    @classmethod
    def from_code(cls, code: str) -> Self:
        member = cls._value2member_map_.get(code)
        if member is None:
            # Vendors often send VERA's naam as the code (`A++++` for AP4): say which code that is, but
            # never pick it for them.
            named = [m.code for m in cls if m.naam == code]
            hint = f" ('{code[:20]}' is the naam of code {named[0]})" if len(named) == 1 else ""
            raise PydanticCustomError(
                "vera_code",
                "unknown {soort} code '{code}'{hint}; allowed: {allowed}",
                {"soort": cls.soort, "code": code[:20], "hint": hint, "allowed": ", ".join(m.code for m in cls)},
            )
        return cast(Self, member)

    @classmethod
    def _validate(cls, value: Any) -> Self:
        # Fast path first: every decoded record runs through here several times (a third of a unit's
        # validation before it existed); the checks below only run to say what is wrong.
        if type(value) is dict and 0 < len(value) <= 2:
            code = value.get("code")
            # Only text is looked up: a vendor's list or object as code is unhashable and would escape
            # as a TypeError instead of a validation error.
            member = cls._value2member_map_.get(code) if type(code) is str else None
            label = value.get("naam", "")
            if member is not None and type(label) is str and (len(value) == 1 or "naam" in value):
                found = cast(Self, member)
                _note_dated(found)
                return found
        if isinstance(value, cls):
            _note_dated(value)
            return value
        if isinstance(value, dict):
            extra = set(value) - {"code", "naam"}
            if extra:
                raise PydanticCustomError(
                    "vera_referentiedata",
                    "unexpected keys {keys} in {soort}",
                    {"keys": sorted(extra), "soort": cls.soort},
                )
            code = value.get("code")
            if not isinstance(code, str):
                raise PydanticCustomError("vera_referentiedata", "{soort} needs a string 'code'", {"soort": cls.soort})
            if not isinstance(value.get("naam", ""), str):
                raise PydanticCustomError(
                    "vera_referentiedata", "{soort} has a 'naam' that is not text", {"soort": cls.soort}
                )
            found = cls.from_code(code)
            _note_dated(found)
            return found
        raise PydanticCustomError(
            "vera_referentiedata",
            "{soort} must be an object with a string 'code' (and optionally 'naam'), as VERA's Referentiedata",
            {"soort": cls.soort},
        )

    def as_referentiedata(self) -> dict[str, str]:
        return {"code": self.code, "naam": self.naam}

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls._validate,
            serialization=core_schema.plain_serializer_function_ser_schema(
                lambda member: member.as_referentiedata(), return_schema=core_schema.dict_schema()
            ),
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {
            "title": cls.__name__,
            "description": f"VERA Referentiedata {cls.soort}",
            "type": "object",
            "properties": {
                "code": {"type": "string", "enum": [member.code for member in cls]},
                "naam": {"type": "string"},
            },
            "required": ["code"],
            "additionalProperties": False,
        }
