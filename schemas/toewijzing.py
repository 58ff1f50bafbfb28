"""Toewijzing: the allocation of a unit to a household, written back to the owner (VERA `Toewijzingen-Toewijzing`)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, Sleutel, VeraOverig
from schemas.inschrijving import Voorrangsregeling
from schemas.referentiedata import AanvullendeDoelgroep, Doelgroep, PassendheidDetailSoort, PassendheidSoort
from schemas.types import Bedrag, PersonalData, Tijdstip

__all__ = ["Toewijzing"]


class Toewijzing(CanonicalModel):
    """An allocation with the figures the passend-toewijzen test used.

    `passendheiddetailsoort` (the recorded exception) belongs only to a non-passend (NIE) allocation.
    """

    id: str = Field(min_length=1, max_length=100)
    id_organisatie: str = Field(min_length=1, max_length=100)
    datum: Tijdstip
    publicatie: Sleutel
    eenheid: Sleutel
    kandidaat: Sleutel
    inschrijving: Sleutel
    huishoudgrootte: int = Field(ge=1, le=20)
    rekeninkomen: Annotated[Bedrag, Field(repr=False), PersonalData("inkomen")]
    rekenhuur: Bedrag
    is_ouderenhuishouden: bool
    passendheidsoort: PassendheidSoort
    passendheiddetailsoort: PassendheidDetailSoort | None = Field(default=None, validate_default=True)
    doelgroep: Doelgroep | None = None
    aanvullende_doelgroep: AanvullendeDoelgroep | None = None
    voorrangsregelingen: list[Voorrangsregeling] = Field(default_factory=list, max_length=10)
    vera_overig: VeraOverig = None

    @field_validator("passendheidsoort", "passendheiddetailsoort")
    @classmethod
    def _exception_only_when_not_passend(cls, value: Any, info: ValidationInfo) -> Any:
        # Validating, passendheiddetailsoort (declared after passendheidsoort) checks the pair; assigning
        # either checks it against the other. The error names the field at fault.
        if info.field_name == "passendheiddetailsoort":
            if "passendheidsoort" not in info.data:
                return value  # passendheidsoort itself is invalid and reported
            soort, detail = info.data["passendheidsoort"], value
        else:
            if "passendheiddetailsoort" not in info.data:
                return value
            soort, detail = value, info.data["passendheiddetailsoort"]
        # A NIE toewijzing without a detail is a letting in the corporation's 5% free room (Woningwet art. 46),
        # which needs no reason; a detail (BIJ, HER, HHV) names a recorded exception.
        if detail is not None and soort is not PassendheidSoort.NIE:
            raise ValueError("passendheiddetailsoort is only recorded for a non-passend (NIE) toewijzing")
        return value
