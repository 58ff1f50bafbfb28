"""Kandidaat: a household on a listing (a response is a Kandidaat with status REA), and the ranked list."""

from __future__ import annotations

from pydantic import Field, model_validator

from schemas.base import CanonicalModel, Sleutel
from schemas.referentiedata import KandidaatDetailStatus, KandidaatStatus, PassendheidSoort
from schemas.types import Tijdstip

__all__ = ["Kandidaat", "Kandidatenlijst", "Rangschikkingscriterium"]


class Rangschikkingscriterium(CanonicalModel):
    """One reason for a candidate's positie, in the order the ranking applied them.

    `criterium` names the rule (`voorrang`, `inschrijfduur`, `lotnummer`, `reactiedatum`, `volgorde`);
    `waarde` is the value the candidate had for it; `omschrijving` says it in words for staff.
    """

    criterium: str = Field(min_length=1, max_length=50)
    waarde: str = Field(max_length=200)
    omschrijving: str = Field(max_length=500)


class Kandidaat(CanonicalModel):
    """A household's place on one listing. `positie` and `rangschikking` are set by the ranking."""

    id: str = Field(min_length=1, max_length=100)
    publicatie: Sleutel
    inschrijving: Sleutel
    status: KandidaatStatus
    detail_status: KandidaatDetailStatus | None = None
    reactiedatum: Tijdstip
    positie: int | None = Field(default=None, ge=1)
    rangschikking: list[Rangschikkingscriterium] = Field(default_factory=list, max_length=20)
    aantal_volwassenen: int | None = Field(default=None, ge=1, le=20)
    aantal_kinderen: int | None = Field(default=None, ge=0, le=20)
    passendheidsoort: PassendheidSoort | None = None

    @model_validator(mode="after")
    def _ranked_has_reasons(self) -> Kandidaat:
        if self.positie is not None and not self.rangschikking:
            raise ValueError("a ranked kandidaat (positie set) must carry its rangschikking")
        return self


class Kandidatenlijst(CanonicalModel):
    """The ranked candidates for one listing, released to the owning corporation.

    For a lottery, `lotingzaad` is the seed fixed before the draw: anyone can recompute each lot number.
    """

    publicatie: Sleutel
    id_organisatie: str = Field(min_length=1, max_length=100)
    vastgesteld_op: Tijdstip
    lotingzaad: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    kandidaten: list[Kandidaat] = Field(max_length=100_000)

    @model_validator(mode="after")
    def _positions_are_consecutive(self) -> Kandidatenlijst:
        posities = [k.positie for k in self.kandidaten]
        if posities != list(range(1, len(posities) + 1)):
            raise ValueError("kandidaten must be listed by positie 1, 2, 3, ... without gaps")
        if any(k.publicatie.id != self.publicatie.id for k in self.kandidaten):
            raise ValueError("every kandidaat must be on this publicatie")
        return self
