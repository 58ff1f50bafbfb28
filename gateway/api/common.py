"""Small pieces several resources share: VERA code query parameters, id path parameters, and the base of
camelCase answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

from gateway.api.errors import ProblemError, Unprocessable
from schemas.codelist import Codelijst

__all__ = ["GEMEENTE_PATTERN", "CamelModel", "IdPath", "check_code", "code_enum"]

GEMEENTE_PATTERN = r"^GM[0-9]{4}$"
ID_PATTERN = r"^[A-Za-z0-9._:\-]{1,100}$"

IdPath = Annotated[str, Path(pattern=ID_PATTERN, description="the entity's id")]


class CamelModel(BaseModel):
    """An answer whose fields travel in camelCase (`pageSize`, `inboxId`), as the canonical JSON does."""

    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


def code_enum(codelist: type[Codelijst], only: Iterable[str] | None = None) -> dict[str, list[str]]:
    """`json_schema_extra` listing a code list's codes, so the OpenAPI document names the valid values."""
    codes = sorted(only) if only is not None else sorted(member.code for member in codelist)
    return {"enum": codes}


def check_code(codelist: type[Codelijst], value: str | None, where: str) -> str | None:
    """`value` when it is a code of `codelist` (or None), else 422 located at `where`."""
    if value is None:
        return None
    try:
        return codelist.from_code(value).code
    except (KeyError, ValueError, LookupError):
        raise Unprocessable(
            f"{where} is not a {codelist.soort} code",
            errors=[ProblemError(loc=where, msg=f"not a {codelist.soort} code", type="enum")],
        ) from None
