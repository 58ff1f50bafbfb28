"""Answers of the toewijzingen resource: the figures per year and gemeente, without persons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

__all__ = ["Herkomst", "ToewijzingAantallen", "ToewijzingCijfers"]


class _Out(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, serialize_by_alias=True)


class Herkomst(_Out):
    """Where the housed households lived before: the same gemeente, elsewhere in the region, outside it."""

    gemeente: int = Field(ge=0)
    regio: int = Field(ge=0)
    buiten_regio: int = Field(ge=0)


class ToewijzingCijfers(_Out):
    """One year's lettings in one gemeente. A share is null while nothing it divides by exists."""

    jaar: int
    gemeente: str
    toewijzingen: int = Field(ge=0)
    daeb: int = Field(ge=0, description="lettings of DAEB units")
    daeb_doelgroep: int = Field(ge=0, description="DAEB lettings to households within the DAEB income limit")
    passend: int = Field(ge=0)
    niet_passend: int = Field(ge=0)
    binding: int = Field(ge=0, description="lettings through local or regional binding")
    daeb_aandeel: float | None = Field(description="daebDoelgroep / daeb (norm: at least 0.925)")
    passend_aandeel: float | None = Field(description="passend / (passend + nietPassend) (norm: at least 0.95)")
    binding_aandeel: float | None = Field(description="binding / toewijzingen (capped by the region)")
    herkomst: Herkomst


class ToewijzingAantallen(_Out):
    items: list[ToewijzingCijfers]
