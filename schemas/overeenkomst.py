"""Overeenkomst: the lease signed after an allocation (VERA `Overeenkomsten-Overeenkomst`, soort HUU)."""

from __future__ import annotations

from pydantic import Field

from schemas.base import CanonicalModel, Sleutel, VeraOverig
from schemas.referentiedata import OvereenkomstSoort, OvereenkomstStatus
from schemas.types import Bedrag, Datum

__all__ = ["Overeenkomst"]


class Overeenkomst(CanonicalModel):
    """A lease: who, which unit, from when, at which rent (the kale huur per month)."""

    id: str = Field(min_length=1, max_length=100)
    id_organisatie: str = Field(min_length=1, max_length=100)
    soort: OvereenkomstSoort
    status: OvereenkomstStatus
    begindatum: Datum
    eenheid: Sleutel
    toewijzing: Sleutel
    inschrijving: Sleutel
    huurprijs: Bedrag
    vera_overig: VeraOverig = None
