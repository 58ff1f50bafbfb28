"""Sanctie and Reclamatie: consequences of refusals and the seeker's objection to them."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, Sleutel, VeraOverig, check_order
from schemas.referentiedata import ReclamatieSoort, ReclamatieStatus, SanctieSoort, SanctieStatus
from schemas.types import MULTI_LINE, Datum

__all__ = ["Reclamatie", "Sanctie"]


class Sanctie(CanonicalModel):
    """A sanction on a registration, e.g. after too many refusals (VERA `Sancties-Sanctie`)."""

    id: str = Field(min_length=1, max_length=100)
    soort: SanctieSoort
    status: SanctieStatus
    omschrijving: Annotated[str | None, MULTI_LINE] = Field(default=None, max_length=500)
    begindatum: Datum
    einddatum: Datum | None = None
    inschrijving: Sleutel
    vera_overig: VeraOverig = None

    @field_validator("begindatum", "einddatum")
    @classmethod
    def _ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "begindatum", "einddatum")

    def active_on(self, day: Datum) -> bool:
        return (
            self.status is SanctieStatus.DEF
            and self.begindatum <= day
            and (self.einddatum is None or day <= self.einddatum)
        )


class Reclamatie(CanonicalModel):
    """An objection (BEZ) or complaint (KLA) by a seeker about a decision (VERA `Reclamaties-Reclamatie`)."""

    id: str = Field(min_length=1, max_length=100)
    soort: ReclamatieSoort
    status: ReclamatieStatus
    begindatum: Datum
    einddatum: Datum | None = None
    inschrijving: Sleutel
    publicatie: Sleutel | None = None
    sanctie: Sleutel | None = None
    vera_overig: VeraOverig = None

    @field_validator("begindatum", "einddatum")
    @classmethod
    def _ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "begindatum", "einddatum")
