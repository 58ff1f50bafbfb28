"""Inschrijving: a home seeker's one regional registration, with the household behind it.

In VERA an inschrijving is an Overeenkomst of soort INS held by a Relatie; the household's people are
NatuurlijkPersoon objects. Names, birth dates, BSN, income and contact details are personal data.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import (
    Field,
    SerializationInfo,
    SerializerFunctionWrapHandler,
    ValidationInfo,
    field_validator,
    model_serializer,
)

from schemas.base import CanonicalModel, VeraOverig, check_order, check_parent
from schemas.eenheid import Gemeente
from schemas.referentiedata import (
    ContactgegevenSoort,
    Geslacht,
    InkomensBron,
    OvereenkomstStatus,
    VoorrangDetailSoort,
    VoorrangSoort,
    VoorrangsregelingStatus,
    WoonsituatieSoort,
)
from schemas.types import BSN, Bedrag, Datum, Geboortedatum, PersonalData, PersonalText, Tijdstip

__all__ = [
    "INCLUDE_BSN",
    "Contactgegeven",
    "Inkomen",
    "Inschrijving",
    "NatuurlijkPersoon",
    "Voorrangsregeling",
    "Woonsituatie",
]

INCLUDE_BSN = {"include_bsn": True}
"""Serialisation context that lets a BSN into a dump: `model.model_dump(context=INCLUDE_BSN)`."""


class Contactgegeven(CanonicalModel):
    soort: ContactgegevenSoort
    waarde: Annotated[PersonalText, PersonalData("contact")]


class NatuurlijkPersoon(CanonicalModel):
    """A person in the household. The BSN is optional and left out of dumps unless asked for."""

    voornaam: Annotated[PersonalText, PersonalData("naam")]
    tussenvoegsels: Annotated[str | None, Field(max_length=20, repr=False), PersonalData("naam")] = None
    achternaam: Annotated[PersonalText, PersonalData("naam")]
    geboortedatum: Geboortedatum
    geslacht: Geslacht | None = None
    bsn: Annotated[BSN | None, Field(repr=False), PersonalData("bsn")] = None
    contactgegevens: list[Contactgegeven] = Field(default_factory=list, max_length=10, repr=False)

    @model_serializer(mode="wrap")
    def _leave_out_bsn(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if isinstance(data, dict) and not (info.context or {}).get("include_bsn"):
            data.pop("bsn", None)
        return data


class Inkomen(CanonicalModel):
    """The household's verzamelinkomen for `jaar`, as the tax office (or another `bron`) states it."""

    bedrag: Annotated[Bedrag, Field(repr=False), PersonalData("inkomen")]
    jaar: int = Field(ge=2000, le=2100)
    bron: InkomensBron


class Woonsituatie(CanonicalModel):
    """Where the household lives now: starter (STA) or doorstromer leaving a rented home (DOO)."""

    soort: WoonsituatieSoort


class Voorrangsregeling(CanonicalModel):
    """A priority granted to the household (urgentie, binding, ...) with its validity.

    VERA types a voorrangsregeling's begindatum and einddatum as date-time (Kandidaten-, Toewijzingen-
    Voorrangsregeling), so they are moments here too, not calendar dates.
    """

    soort: VoorrangSoort
    detail_soort: VoorrangDetailSoort | None = None
    status: VoorrangsregelingStatus | None = None
    begindatum: Tijdstip
    einddatum: Tijdstip | None = None
    gemeente: Gemeente | None = None

    @field_validator("begindatum", "einddatum")
    @classmethod
    def _ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "begindatum", "einddatum")

    @field_validator("soort", "detail_soort")
    @classmethod
    def _detail_under_soort(cls, value: Any, info: ValidationInfo) -> Any:
        return check_parent(info, value, "soort", "detail_soort")


class Inschrijving(CanonicalModel):
    """A registration as home seeker in the region. `begindatum` drives inschrijfduur."""

    id: str = Field(min_length=1, max_length=100)
    code: str | None = Field(default=None, max_length=100)
    status: OvereenkomstStatus
    begindatum: Datum
    einddatum: Datum | None = None
    aanvrager: NatuurlijkPersoon
    medeaanvrager: NatuurlijkPersoon | None = None
    aantal_volwassenen: int = Field(ge=1, le=20)
    aantal_kinderen: int = Field(default=0, ge=0, le=20)
    inkomen: Inkomen
    woonsituatie: Woonsituatie
    gemeente: Gemeente
    voorrangsregelingen: list[Voorrangsregeling] = Field(default_factory=list, max_length=10)
    vera_overig: VeraOverig = None

    @field_validator("begindatum", "einddatum")
    @classmethod
    def _ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "begindatum", "einddatum")

    @field_validator("medeaanvrager", "aantal_volwassenen")
    @classmethod
    def _household_is_consistent(cls, value: Any, info: ValidationInfo) -> Any:
        medeaanvrager, volwassenen = (
            (info.data.get("medeaanvrager"), value)
            if info.field_name == "aantal_volwassenen"
            else (value, info.data.get("aantal_volwassenen"))
        )
        if medeaanvrager is not None and volwassenen is not None and volwassenen < 2:
            raise ValueError("aantalVolwassenen must count the medeaanvrager too")
        return value

    @property
    def huishoudgrootte(self) -> int:
        return self.aantal_volwassenen + self.aantal_kinderen
