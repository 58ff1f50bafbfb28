"""Kandidaat: a household on a listing (a response is a Kandidaat with status REA), and the ranked list."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, Sleutel, VeraOverig
from schemas.referentiedata import KandidaatDetailStatus, KandidaatStatus, PassendheidSoort
from schemas.types import MULTI_LINE, Tijdstip

__all__ = ["Kandidaat", "Kandidatenlijst", "Rangschikkingscriterium"]

MAX_KANDIDATEN = 100_000
"""The most kandidaten one listing holds (Amsterdam-sized regions see a few thousand responses)."""


class Rangschikkingscriterium(CanonicalModel):
    """One reason for a candidate's positie, in the order the ranking applied them.

    `criterium` names the rule (`voorrang`, `inschrijfduur`, `lotnummer`, `reactiedatum`, `volgorde`, and
    `selectie` for a selection criterium of the unit the candidate met);
    `waarde` is the value the candidate had for it; `omschrijving` says it in words for staff.
    """

    criterium: str = Field(min_length=1, max_length=50)
    waarde: str = Field(max_length=200)
    omschrijving: Annotated[str, MULTI_LINE] = Field(max_length=500)


class Kandidaat(CanonicalModel):
    """A household's place on one listing. `positie` and `rangschikking` are set by the ranking."""

    id: str = Field(min_length=1, max_length=100)
    publicatie: Sleutel
    inschrijving: Sleutel
    status: KandidaatStatus
    detail_status: KandidaatDetailStatus | None = None
    reactiedatum: Tijdstip
    # At most the size of a Kandidatenlijst; also keeps VERA's int32 `positie` in range.
    positie: int | None = Field(default=None, ge=1, le=MAX_KANDIDATEN)
    rangschikking: list[Rangschikkingscriterium] = Field(default_factory=list, max_length=20, validate_default=True)
    aantal_volwassenen: int | None = Field(default=None, ge=1, le=20)
    aantal_kinderen: int | None = Field(default=None, ge=0, le=20)
    passendheidsoort: PassendheidSoort | None = None
    vera_overig: VeraOverig = None

    @field_validator("positie", "rangschikking")
    @classmethod
    def _ranked_has_reasons(cls, value: Any, info: ValidationInfo) -> Any:
        positie, rangschikking = (
            (info.data.get("positie"), value)
            if info.field_name == "rangschikking"
            else (value, info.data.get("rangschikking"))
        )
        if positie is not None and rangschikking is not None and not rangschikking:
            raise ValueError("a ranked kandidaat (positie set) must carry its rangschikking")
        return value


class Kandidatenlijst(CanonicalModel):
    """The ranked candidates for one listing, released to the owning corporation.

    For a lottery, `lotingzaad` is the seed fixed before the draw: anyone can recompute each lot number.
    """

    publicatie: Sleutel
    id_organisatie: str = Field(min_length=1, max_length=100)
    vastgesteld_op: Tijdstip
    lotingzaad: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    kandidaten: list[Kandidaat] = Field(max_length=MAX_KANDIDATEN)

    @field_validator("kandidaten")
    @classmethod
    def _positions_are_consecutive(cls, kandidaten: list[Kandidaat]) -> list[Kandidaat]:
        posities = [k.positie for k in kandidaten]
        if posities != list(range(1, len(posities) + 1)):
            raise ValueError("kandidaten must be listed by positie 1, 2, 3, ... without gaps")
        return kandidaten

    @field_validator("publicatie", "kandidaten")
    @classmethod
    def _all_on_this_publicatie(cls, value: Any, info: ValidationInfo) -> Any:
        publicatie, kandidaten = (
            (info.data.get("publicatie"), value)
            if info.field_name == "kandidaten"
            else (value, info.data.get("kandidaten"))
        )
        if (
            publicatie is not None
            and kandidaten is not None
            and any(k.publicatie.id != publicatie.id for k in kandidaten)
        ):
            raise ValueError("every kandidaat must be on this publicatie")
        return value
