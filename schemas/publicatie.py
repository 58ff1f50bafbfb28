"""Publicatie: a listing of a unit with its allocation model and response window (VERA `Publicaties-Publicatie`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from schemas.base import CanonicalModel
from schemas.eenheid import Eenheid
from schemas.referentiedata import PublicatieDetailModel, PublicatieModel, PublicatieStatus
from schemas.types import Tijdstip

__all__ = ["Publicatie"]


class Publicatie(CanonicalModel):
    """A listing. `begindatum`..`einddatum` is the response window; `id_organisatie` the owning corporation."""

    id: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=100)
    id_organisatie: str = Field(min_length=1, max_length=100)
    status: PublicatieStatus
    model: PublicatieModel
    detail_model: PublicatieDetailModel | None = None
    begindatum: Tijdstip
    einddatum: Tijdstip
    eenheden: list[Eenheid] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _window_and_owner(self) -> Publicatie:
        if self.einddatum <= self.begindatum:
            raise ValueError("einddatum must be after begindatum (the response window is empty)")
        for eenheid in self.eenheden:
            if eenheid.id_organisatie != self.id_organisatie:
                raise ValueError("every eenheid must belong to the corporation that publishes it")
        return self

    @property
    def eenheid(self) -> Eenheid:
        """The (first) unit on offer; regional listings offer one unit each."""
        return self.eenheden[0]
