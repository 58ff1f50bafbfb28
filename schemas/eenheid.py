"""Eenheid: a rentable unit, with what allocation needs to know about it (VERA `Eenheden-Eenheid`).

Liberal in what VERA allows: VERA declares no attribute required, and a corporation's system knows a
unit long before it is ready to let (no rent yet, no label, an address without gemeente). Only `id` is
required here, because without it nothing can refer to the unit. What *publishing* a unit needs (an
owner, an address with its gemeente, a rent, a label, ...) is checked at that step
(`gateway.flow.publication`), all at once. VERA attributes Woonbrug does not model are kept untouched in
`vera_overig` (JSON pointer -> value), so a unit read from a vendor round-trips whole.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from pydantic import Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from schemas.base import CanonicalModel, VeraOverig, check_order, check_parent
from schemas.referentiedata import (
    AanvullendeDoelgroep,
    Doelgroep,
    EenheidCriteriumDetailSoort,
    EenheidCriteriumSoort,
    EenheidCriteriumToepassing,
    EenheidDetailSoort,
    EenheidSoort,
    Energielabel,
    MaatschappelijkLabel,
    PrijscomponentSoort,
)
from schemas.types import Bedrag, BedragMetTeken, Datum, Huisnummer, Postcode

__all__ = [
    "Eenheid",
    "EenheidVoorwaarden",
    "Eenheidadres",
    "Eenheidcriterium",
    "Energieprestatie",
    "Gemeente",
    "Oppervlakte",
    "Prijscomponent",
    "Woonplaats",
]

Naam = Annotated[str, Field(min_length=1, max_length=200)]

_AT_LEAST = ("above", "at least")


class Gemeente(CanonicalModel):
    """A municipality by its CBS code (`GM0268`) and name."""

    code: str = Field(pattern=r"^GM[0-9]{4}$")
    naam: Naam


class Woonplaats(CanonicalModel):
    code: str | None = Field(default=None, pattern=r"^[0-9]{4}$")
    naam: Naam | None = None


# VERA's Validatie-regex for straatnaam: one line of 1..80 characters.
Straatnaam = Annotated[str, Field(min_length=1, max_length=80, pattern=r"^.{1,80}$")]


class Eenheidadres(CanonicalModel):
    """The unit's address; every part optional as in VERA (publication needs them all)."""

    straatnaam: Straatnaam | None = None
    huisnummer: Huisnummer | None = None
    huisletter: str | None = Field(default=None, pattern=r"^[A-Za-z]$")
    huisnummer_toevoeging: str | None = Field(default=None, max_length=4)
    postcode: Postcode | None = None
    woonplaats: Woonplaats | None = None
    gemeente: Gemeente | None = None


class Prijscomponent(CanonicalModel):
    """One part of the monthly price: net rent (NET), service costs (SER), ... A korting is a negative
    huuraanpassing (HUA)."""

    soort: PrijscomponentSoort | None = None
    bedrag: BedragMetTeken | None = None

    @field_validator("bedrag")
    @classmethod
    def _only_a_huuraanpassing_is_negative(cls, value: Any, info: ValidationInfo) -> Any:
        # VERA's HUA (Huuraanpassing) is "korting, compensatie, opslag": the one soort that can lower the
        # price. A negative net rent or service charge is a vendor's mistake, not a discount.
        if value is not None and value < 0 and info.data.get("soort") is not PrijscomponentSoort.HUA:
            raise PydanticCustomError(
                "bedrag", "an amount cannot be negative, except for a huuraanpassing (soort HUA: a korting)"
            )
        return value


class Energieprestatie(CanonicalModel):
    """An energy performance (label) with its validity; VERA's other attributes travel in `veraOverig`."""

    label: Energielabel | None = None
    begindatum: Datum | None = None
    einddatum: Datum | None = None


class Oppervlakte(CanonicalModel):
    """A surface of the unit in m2 (its `soort` travels untouched in the unit's `veraOverig`)."""

    waarde: float | None = Field(default=None, ge=0, le=100_000)


class Eenheidcriterium(CanonicalModel):
    """A listing criterion on the unit: binding (BIN/REG), urgentie (URG), or a bound on the household's
    income (INK, euros a year), the applicant's age (LEE, years) or the household size (PER, persons):
    `aantalOndergrens` <= value <= `aantalBovengrens`, or exactly `aantalExact`. `toepassing` says whether
    it selects (SEL: who may respond) or sorts (SOR: who goes first)."""

    soort: EenheidCriteriumSoort
    detailsoort: EenheidCriteriumDetailSoort | None = None
    naam: str | None = Field(default=None, max_length=200)
    doelgroep: Doelgroep | None = None
    aantal_ondergrens: float | None = Field(default=None, ge=0, le=1_000_000_000)
    aantal_bovengrens: float | None = Field(default=None, ge=0, le=1_000_000_000)
    aantal_exact: float | None = Field(default=None, ge=0, le=1_000_000_000)
    toepassing: EenheidCriteriumToepassing | None = None

    @field_validator("soort", "detailsoort")
    @classmethod
    def _detail_under_soort(cls, value: Any, info: ValidationInfo) -> Any:
        return check_parent(info, value, "soort", "detailsoort")

    @field_validator("aantal_ondergrens", "aantal_bovengrens")
    @classmethod
    def _grenzen_ordered(cls, value: Any, info: ValidationInfo) -> Any:
        return check_order(info, value, "aantal_ondergrens", "aantal_bovengrens", words=_AT_LEAST)


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
    id_organisatie: str | None = Field(default=None, min_length=1, max_length=100)
    soort: EenheidSoort | None = None
    detail_soort: EenheidDetailSoort | None = None
    adres: Eenheidadres | None = None
    kamers_aantal: int | None = Field(default=None, ge=1, le=50)
    totale_oppervlakte: float | None = Field(default=None, ge=0, le=10_000)
    oppervlakten: list[Oppervlakte] | None = Field(default=None, max_length=50)
    etage: int | None = Field(default=None, ge=-5, le=200)
    lift: bool | None = None
    energieprestaties: list[Energieprestatie] = Field(default_factory=list, max_length=20)
    prijscomponenten: list[Prijscomponent] = Field(default_factory=list, max_length=30)
    rekenhuur: Bedrag | None = None
    maatschappelijk_label: MaatschappelijkLabel | None = None
    doelgroep: Doelgroep | None = None
    aanvullende_doelgroep: AanvullendeDoelgroep | None = None
    voorwaarden: EenheidVoorwaarden = Field(default_factory=EenheidVoorwaarden)
    criteria: list[Eenheidcriterium] = Field(default_factory=list, max_length=20)
    vera_overig: VeraOverig = None

    @field_validator("soort", "detail_soort")
    @classmethod
    def _detail_under_soort(cls, value: Any, info: ValidationInfo) -> Any:
        return check_parent(info, value, "soort", "detail_soort")

    @property
    def is_daeb(self) -> bool:
        return self.maatschappelijk_label is MaatschappelijkLabel.DAE

    def _sum_of(self, soort: PrijscomponentSoort) -> Decimal:
        return sum(
            (p.bedrag for p in self.prijscomponenten if p.soort is soort and p.bedrag is not None), Decimal("0.00")
        )

    @property
    def kale_huur(self) -> Decimal:
        """Net rent: the NET price components."""
        return self._sum_of(PrijscomponentSoort.NET)

    @property
    def servicekosten(self) -> Decimal:
        return self._sum_of(PrijscomponentSoort.SER)
