"""Aanbieding: an offer of a listed unit to one candidate, with a deadline (VERA `Aanbiedingen-Aanbieding`)."""

from __future__ import annotations

from pydantic import Field, model_validator

from schemas.base import CanonicalModel, Sleutel
from schemas.referentiedata import AanbiedingDetailStatus, AanbiedingStatus
from schemas.types import Tijdstip

__all__ = ["Aanbieding"]


class Aanbieding(CanonicalModel):
    """An offer. A refusal (GEW) or withdrawal (ING) carries VERA's reason in `detail_status`."""

    id: str = Field(min_length=1, max_length=100)
    publicatie: Sleutel
    kandidaat: Sleutel
    inschrijving: Sleutel
    status: AanbiedingStatus
    detail_status: AanbiedingDetailStatus | None = None
    aangeboden_op: Tijdstip
    reageren_voor: Tijdstip

    @model_validator(mode="after")
    def _deadline_after_offer(self) -> Aanbieding:
        if self.reageren_voor <= self.aangeboden_op:
            raise ValueError("reagerenVoor must be after aangebodenOp")
        return self
