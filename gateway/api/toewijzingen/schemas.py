"""Answers of the toewijzingen resource: the figures per year and gemeente, without persons."""

from __future__ import annotations

from pydantic import Field

from gateway.api.common import CamelModel

__all__ = ["Herkomst", "ToewijzingAantallen", "ToewijzingCijfers"]


class Herkomst(CamelModel):
    """Where the housed households lived before: the same gemeente, elsewhere in the region, outside it."""

    gemeente: int = Field(ge=0)
    regio: int = Field(ge=0)
    buiten_regio: int = Field(ge=0)


class ToewijzingCijfers(CamelModel):
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


class ToewijzingAantallen(CamelModel):
    items: list[ToewijzingCijfers]
