"""Answers of the publicaties resource."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["PublicatieAantal", "PublicatieAantallen"]


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class PublicatieAantal(_Out):
    """How many listings of one gemeente, status and model were published in the year."""

    gemeente: str
    status: str = Field(description="PUBLICATIESTATUS code")
    model: str = Field(description="PUBLICATIEMODEL code")
    aantal: int = Field(ge=0)


class PublicatieAantallen(_Out):
    jaar: int
    items: list[PublicatieAantal]
