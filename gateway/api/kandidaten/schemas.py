"""The minimised candidate list: what the allocation step needs, and nothing that names a person.

No names, BSN, birth dates, income or contact details; no registration id either (the corporation
learns which household it is through the offer and the allocation, when it needs to). Each field here
is chosen, not copied: `KandidaatSamenvatting` is built key by key from the stored Kandidaat.
"""

from __future__ import annotations

from pydantic import Field

from schemas import KandidaatDetailStatus, KandidaatStatus, PassendheidSoort, Rangschikkingscriterium
from schemas.base import CanonicalModel

__all__ = ["KandidaatSamenvatting", "Kandidatenoverzicht"]


class KandidaatSamenvatting(CanonicalModel):
    id: str
    positie: int = Field(ge=1)
    status: KandidaatStatus
    detail_status: KandidaatDetailStatus | None = None
    rangschikking: list[Rangschikkingscriterium]
    aantal_volwassenen: int | None = None
    aantal_kinderen: int | None = None
    huishoudgrootte: int | None = None
    passendheidsoort: PassendheidSoort | None = None


class Kandidatenoverzicht(CanonicalModel):
    publicatie: str
    aantal_reacties: int = Field(ge=0, description="responses received, ranked or not")
    kandidaten: list[KandidaatSamenvatting] = Field(description="the ranked candidates, by positie")
