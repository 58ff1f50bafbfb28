"""Aanbieding: an offer of a listed unit to one candidate, with a deadline (VERA `Aanbiedingen-Aanbieding`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, Sleutel, VeraOverig, check_order
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
    vera_overig: VeraOverig = None

    @field_validator("aangeboden_op", "reageren_voor")
    @classmethod
    def _deadline_after_offer(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "aangeboden_op", "reageren_voor", strictly=True)
