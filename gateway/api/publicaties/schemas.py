"""Answers of the publicaties resource."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from gateway.api.common import CamelModel

__all__ = ["BindingAandeel", "BindingAandelen", "PublicatieAantal", "PublicatieAantallen"]


class PublicatieAantal(CamelModel):
    """How many listings of one gemeente, status and model were published in the year."""

    gemeente: str
    status: str = Field(description="PUBLICATIESTATUS code")
    model: str = Field(description="PUBLICATIEMODEL code")
    aantal: int = Field(ge=0)


class PublicatieAantallen(CamelModel):
    jaar: int
    items: list[PublicatieAantal]


class BindingAandeel(CamelModel):
    """The running binding figure of one gemeente and kind in the year: listings published so far, how many
    carry that binding, the cap (a share of the year's supply) and how many more the cap takes now."""

    gemeente: str
    soort: str = Field(description="lokaal (BIN/KRN) or regionaal (BIN/REG)")
    aanbod: int = Field(ge=0, description="listings published in the gemeente this Dutch calendar year")
    met_binding: int = Field(ge=0)
    aandeel: float | None = Field(description="met_binding / aanbod")
    maximum: Decimal = Field(description="the region's cap, a share of the yearly supply")
    ruimte: int = Field(ge=0, description="listings with this binding the cap takes now; more listings raise it")
    verwacht_aanbod: int | None = Field(
        default=None, description="the year's expected supply the cap is taken over (region file, else last year)"
    )


class BindingAandelen(CamelModel):
    jaar: int
    bron: str = Field(description="legal source of the cap")
    items: list[BindingAandeel]
