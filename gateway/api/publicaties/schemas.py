"""Answers of the publicaties resource."""

from __future__ import annotations

from pydantic import Field

from gateway.api.common import CamelModel

__all__ = ["PublicatieAantal", "PublicatieAantallen"]


class PublicatieAantal(CamelModel):
    """How many listings of one gemeente, status and model were published in the year."""

    gemeente: str
    status: str = Field(description="PUBLICATIESTATUS code")
    model: str = Field(description="PUBLICATIEMODEL code")
    aantal: int = Field(ge=0)


class PublicatieAantallen(CamelModel):
    jaar: int
    items: list[PublicatieAantal]
