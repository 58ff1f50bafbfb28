"""Eenheid: a rentable unit, with what allocation needs to know about it (VERA `Eenheden-Eenheid`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator

from schemas.base import CanonicalModel, check_order
from schemas.referentiedata import (
    AanvullendeDoelgroep,
    Doelgroep,
    EenheidCriteriumDetailSoort,
    EenheidCriteriumSoort,
    EenheidDetailSoort,
    EenheidSoort,
    Energielabel,
    MaatschappelijkLabel,
    PrijscomponentSoort,
)
from schemas.types import Bedrag, Huisnummer, Postcode

__all__ = [
    "Eenheid",
    "EenheidVoorwaarden",
    "Eenheidadres",
    "Eenheidcriterium",
    "Energieprestatie",
    "Gemeente",
    "Prijscomponent",
    "Woonplaats",
]

Naam = Annotated[str, Field(min_length=1, max_length=200)]


class Gemeente(CanonicalModel):
    """A municipality by its CBS code (`GM0268`) and name."""

    code: str = Field(pattern=r"^GM[0-9]{4}$")
    naam: Naam


class Woonplaats(CanonicalModel):
    code: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    naam: Naam


# VERA's Validatie-regex for straatnaam: one line of 1..80 characters.
Straatnaam = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^.{1,80}$")]


class Eenheidadres(CanonicalModel):
    straatnaam: Straatnaam
    huisnummer: Huisnummer
    huisletter: str | None = Field(default=None, pattern=r"^[A-Za-z]$")
    huisnummer_toevoeging: str | None = Field(default=None, max_length=4)
    postcode: Postcode
    woonplaats: Woonplaats
    gemeente: Gemeente


class Prijscomponent(CanonicalModel):
    """One part of the monthly price: net rent (NET), service costs (SER), ..."""

    soort: PrijscomponentSoort
    bedrag: Bedrag


class Energieprestatie(CanonicalModel):
    label: Energielabel


class Eenheidcriterium(CanonicalModel):
    """A listing criterion on the unit, e.g. binding (BIN/REG) or urgentie (URG)."""

    soort: EenheidCriteriumSoort
    detailsoort: EenheidCriteriumDetailSoort | None = None
    doelgroep: Doelgroep | None = None


_AT_LEAST = ("above", "at least")


class EenheidVoorwaarden(CanonicalModel):
    """Who may live here: household size, age of the applicant, yearly household income."""

    minimum_aantal_personen: int | None = Field(default=None, ge=1, le=20)
    maximum_aantal_personen: int | None = Field(default=None, ge=1, le=20)
    minimumleeftijd: int | None = Field(default=None, ge=0, le=120)
    maximumleeftijd: int | None = Field(default=None, ge=0, le=120)
    minimuminkomen: Bedrag | None = None
    maximuminkomen: Bedrag | None = None

    @field_validator("minimum_aantal_personen", "maximum_aantal_personen")
    @classmethod
    def _personen_ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "minimum_aantal_personen", "maximum_aantal_personen", words=_AT_LEAST)

    @field_validator("minimumleeftijd", "maximumleeftijd")
    @classmethod
    def _leeftijd_ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "minimumleeftijd", "maximumleeftijd", words=_AT_LEAST)

    @field_validator("minimuminkomen", "maximuminkomen")
    @classmethod
    def _inkomen_ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "minimuminkomen", "maximuminkomen", words=_AT_LEAST)


class Eenheid(CanonicalModel):
    """A rentable unit. `id_organisatie` is the owning corporation (VERA: the organisation responsible)."""

    id: str = Field(min_length=1, max_length=100)
    id_extern: str | None = Field(default=None, max_length=100)
    id_organisatie: str = Field(min_length=1, max_length=100)
    soort: EenheidSoort
    detail_soort: EenheidDetailSoort | None = None
    adres: Eenheidadres
    kamers_aantal: int = Field(ge=1, le=50)
    totale_oppervlakte: float | None = Field(default=None, ge=0, le=10_000)
    etage: int | None = Field(default=None, ge=-5, le=200)
    lift: bool | None = None
    energieprestaties: list[Energieprestatie] = Field(default_factory=list, max_length=5)
    prijscomponenten: list[Prijscomponent] = Field(default_factory=list, max_length=30)
    rekenhuur: Bedrag
    maatschappelijk_label: MaatschappelijkLabel
    doelgroep: Doelgroep | None = None
    aanvullende_doelgroep: AanvullendeDoelgroep | None = None
    voorwaarden: EenheidVoorwaarden = Field(default_factory=EenheidVoorwaarden)
    criteria: list[Eenheidcriterium] = Field(default_factory=list, max_length=20)

    @property
    def is_daeb(self) -> bool:
        return self.maatschappelijk_label is MaatschappelijkLabel.DAE

    def _sum_of(self, soort: PrijscomponentSoort) -> Decimal:
        return sum((p.bedrag for p in self.prijscomponenten if p.soort is soort), Decimal("0.00"))

    @property
    def kale_huur(self) -> Decimal:
        """Net rent: the NET price components."""
        return self._sum_of(PrijscomponentSoort.NET)

    @property
    def servicekosten(self) -> Decimal:
        return self._sum_of(PrijscomponentSoort.SER)
