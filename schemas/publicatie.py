"""Publicatie: a listing of a unit with its allocation model and response window (VERA `Publicaties-Publicatie`)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, VeraOverig, check_order, check_parent
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
    # Not a VERA field (kept in extra-attributen by the VERA adapter): the SHA-256 of the listing's secret
    # lot seed, published before anyone responds (see gateway.flow.lottery).
    lotingzaad_commitment: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    vera_overig: VeraOverig = None

    @field_validator("model", "detail_model")
    @classmethod
    def _detail_under_model(cls, value: Any, info: ValidationInfo) -> Any:
        return check_parent(info, value, "model", "detail_model")

    @field_validator("begindatum", "einddatum")
    @classmethod
    def _window_is_not_empty(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "begindatum", "einddatum", strictly=True)

    @field_validator("id_organisatie", "eenheden")
    @classmethod
    def _publisher_owns_every_eenheid(cls, value: Any, info: ValidationInfo) -> Any:
        owner, eenheden = (
            (info.data.get("id_organisatie"), value)
            if info.field_name == "eenheden"
            else (value, info.data.get("eenheden"))
        )
        if owner is not None and eenheden is not None and any(e.id_organisatie != owner for e in eenheden):
            raise ValueError("every eenheid must belong to the corporation that publishes it (idOrganisatie)")
        return value

    @property
    def eenheid(self) -> Eenheid:
        """The (first) unit on offer; regional listings offer one unit each."""
        return self.eenheden[0]
