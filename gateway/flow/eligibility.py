"""Who may rent a listed unit: eligibility and passend toewijzen, as pure functions.

Input is canonical data (Inschrijving, Eenheid, Sancties), the region's policy and the parameters of
the allocation date's year; output is an `Eligibility` with a reason code for every rejection and the
figures a Toewijzing records (huishoudgrootte, rekeninkomen, rekenhuur, passendheidsoort, ...).

The rules, in the order they are checked (all are checked; every failing rule gives its reason):
- the Inschrijving is active: status LOP, begun on or before the allocation date, not ended before it;
- no active Sanctie of a soort the region treats as blocking;
- household size (adults + children) within the unit's minimum/maximum;
- the applicant's age on the allocation date within the unit's minimum/maximum;
- household income within the unit's minimum/maximum income;
- the unit's VERA selection criteria (EENHEIDCRITERIUMSOORT INK income, LEE the applicant's age, PER
  household size, with aantalOndergrens / aantalBovengrens / aantalExact; toepassing SEL or none): the
  same reasons as the voorwaarden (a unit with a sorting criterium, SOR, is held before publication);
- DAEB units: income at or below the DAEB income limit (single- or multi-person), unless the
  corporation's DAEB free room takes this household (`free_room.daeb`, gateway.flow.free_room);
- passend toewijzen: a household at or below its passend income limit only gets a rekenhuur at or
  below the aftoppingsgrens for its size, unless the region allows a recorded exception for the case
  or the corporation's passend free room takes it (`free_room.passend`);
- a unit whose doelgroep the region reserves (e.g. JON, SEN) only goes to that doelgroep.

No I/O, no clock: the allocation date is an argument. Reason texts never contain personal data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gateway.flow.free_room import NO_ROOM, FreeRoom
from gateway.flow.parameters import ParameterTable, YearParameters, age_on, default_parameter_table
from gateway.flow.policy import RegionPolicy
from gateway.flow.publication import BOUNDED_CRITERIA, rekenhuur_of
from gateway.flow.sanctions import blocking_sanctie
from schemas.eenheid import Eenheid, Eenheidcriterium
from schemas.inschrijving import Inschrijving
from schemas.referentiedata import (
    Doelgroep,
    EenheidCriteriumSoort,
    EenheidCriteriumToepassing,
    InkomensBron,
    OvereenkomstStatus,
    PassendheidDetailSoort,
    PassendheidSoort,
    WoonsituatieSoort,
)
from schemas.sanctie import Sanctie

__all__ = [
    "Eligibility",
    "PassendResult",
    "RejectionReason",
    "check_eligibility",
    "criterium_bounds",
    "household_in_doelgroep",
    "inschrijving_active",
    "is_aow_household",
    "passend_check",
    "passend_share",
    "passend_test",
    "selection_criteria",
]


class RejectionReason(StrEnum):
    """Why a household may not rent a unit. The value is the code; `omschrijving` says it for staff."""

    INSCHRIJVING_NIET_ACTIEF = "INSCHRIJVING_NIET_ACTIEF"
    GESANCTIONEERD = "GESANCTIONEERD"
    HUISHOUDEN_TE_KLEIN = "HUISHOUDEN_TE_KLEIN"
    HUISHOUDEN_TE_GROOT = "HUISHOUDEN_TE_GROOT"
    LEEFTIJD_TE_LAAG = "LEEFTIJD_TE_LAAG"
    LEEFTIJD_TE_HOOG = "LEEFTIJD_TE_HOOG"
    INKOMEN_TE_LAAG = "INKOMEN_TE_LAAG"
    INKOMEN_TE_HOOG = "INKOMEN_TE_HOOG"
    DAEB_INKOMENSGRENS = "DAEB_INKOMENSGRENS"
    NIET_PASSEND = "NIET_PASSEND"
    DOELGROEP = "DOELGROEP"
    DUBBELE_REACTIE = "DUBBELE_REACTIE"

    @property
    def omschrijving(self) -> str:
        return _OMSCHRIJVING[self]


_OMSCHRIJVING = {
    RejectionReason.INSCHRIJVING_NIET_ACTIEF: "Inschrijving is niet lopend op de toewijzingsdatum.",
    RejectionReason.GESANCTIONEERD: "Er loopt een sanctie op de inschrijving.",
    RejectionReason.HUISHOUDEN_TE_KLEIN: "Huishouden is kleiner dan de woning vraagt.",
    RejectionReason.HUISHOUDEN_TE_GROOT: "Huishouden is groter dan de woning toestaat.",
    RejectionReason.LEEFTIJD_TE_LAAG: "Aanvrager is jonger dan de minimumleeftijd van de woning.",
    RejectionReason.LEEFTIJD_TE_HOOG: "Aanvrager is ouder dan de maximumleeftijd van de woning.",
    RejectionReason.INKOMEN_TE_LAAG: "Inkomen ligt onder het minimuminkomen van de woning.",
    RejectionReason.INKOMEN_TE_HOOG: "Inkomen ligt boven het maximuminkomen van de woning.",
    RejectionReason.DAEB_INKOMENSGRENS: "Inkomen ligt boven de DAEB-inkomensgrens voor dit huishouden.",
    RejectionReason.NIET_PASSEND: (
        "Passend toewijzen: de rekenhuur ligt boven de aftoppingsgrens voor dit huishouden "
        "en er is geen toegestane uitzondering vastgelegd."
    ),
    RejectionReason.DOELGROEP: "Huishouden hoort niet bij de doelgroep waarvoor de woning bestemd is.",
    RejectionReason.DUBBELE_REACTIE: "Dubbele reactie van dezelfde inschrijving; alleen de eerste telt.",
}


def selection_criteria(eenheid: Eenheid) -> list[Eenheidcriterium]:
    """The unit's bounded criteria that decide who may respond (toepassing SEL, or not stated)."""
    return [
        c
        for c in eenheid.criteria
        if c.soort in BOUNDED_CRITERIA and c.toepassing is not EenheidCriteriumToepassing.SOR
    ]


def criterium_bounds(criterium: Eenheidcriterium) -> str:
    """The bounds of a criterium in words (`18 t/m 27`, `vanaf 2`, `precies 1`), for explanations."""

    def number(value: float) -> str:
        return f"{value:g}" if criterium.soort is not EenheidCriteriumSoort.INK else f"€ {value:,.0f}".replace(",", ".")

    if criterium.aantal_exact is not None:
        return f"precies {number(criterium.aantal_exact)}"
    low, high = criterium.aantal_ondergrens, criterium.aantal_bovengrens
    if low is not None and high is not None:
        return f"{number(low)} t/m {number(high)}"
    if low is not None:
        return f"vanaf {number(low)}"
    return f"tot en met {number(high)}" if high is not None else "zonder grens"


_CRITERIUM_REASONS = {
    EenheidCriteriumSoort.INK: (RejectionReason.INKOMEN_TE_LAAG, RejectionReason.INKOMEN_TE_HOOG),
    EenheidCriteriumSoort.LEE: (RejectionReason.LEEFTIJD_TE_LAAG, RejectionReason.LEEFTIJD_TE_HOOG),
    EenheidCriteriumSoort.PER: (RejectionReason.HUISHOUDEN_TE_KLEIN, RejectionReason.HUISHOUDEN_TE_GROOT),
}


def _criteria_reasons(
    eenheid: Eenheid, persons: int, income: Decimal, inschrijving: Inschrijving, allocation_date: date
) -> list[RejectionReason]:
    reasons: list[RejectionReason] = []
    for criterium in selection_criteria(eenheid):
        if criterium.soort is EenheidCriteriumSoort.INK:
            value = float(income)  # VERA: the household's yearly income in euros
        elif criterium.soort is EenheidCriteriumSoort.LEE:
            value = float(age_on(inschrijving.aanvrager.geboortedatum, allocation_date))
        else:
            value = float(persons)
        too_low, too_high = _CRITERIUM_REASONS[criterium.soort]
        low = criterium.aantal_exact if criterium.aantal_exact is not None else criterium.aantal_ondergrens
        high = criterium.aantal_exact if criterium.aantal_exact is not None else criterium.aantal_bovengrens
        if low is not None and value < low and too_low not in reasons:
            reasons.append(too_low)
        if high is not None and value > high and too_high not in reasons:
            reasons.append(too_high)
    return reasons


@dataclass(frozen=True, slots=True)
class PassendResult:
    """The passend-toewijzen test for one household and rent, with the limits it used.

    PAS: the test applies (income at or below the passend limit) and the rent is within the
    aftoppingsgrens. NIE: it applies and the rent is above it. NVT: income above the passend limit.
    """

    passendheidsoort: PassendheidSoort
    income_limit: Decimal
    rent_limit: Decimal
    year: int


def passend_test(
    parameters: YearParameters, persons: int, income: Decimal, rekenhuur: Decimal, aow: bool
) -> PassendResult:
    """The passend-toewijzen test with the given year's parameters (pure)."""
    if persons < 1:
        raise ValueError("a household has at least one person")
    income_limit = parameters.passend_income_limit(persons, aow=aow)
    rent_limit = parameters.aftoppingsgrens(persons)
    if income > income_limit:
        soort = PassendheidSoort.NVT
    elif rekenhuur <= rent_limit:
        soort = PassendheidSoort.PAS
    else:
        soort = PassendheidSoort.NIE
    return PassendResult(soort, income_limit, rent_limit, parameters.year)


def passend_check(
    allocation_date: date,
    persons: int,
    income: Decimal,
    rekenhuur: Decimal,
    aow: bool,
    *,
    table: ParameterTable | None = None,
) -> PassendResult:
    """The passend-toewijzen test with the parameters of the allocation date's year.

    `table` is the (region's) parameter table; without it, the shipped national table (read once per
    process; pass a table to keep the call free of I/O). Raises `ParameterYearMissing` when the table
    does not cover the allocation date's year.
    """
    parameters = (table or default_parameter_table()).for_date(allocation_date)
    return passend_test(parameters, persons, income, rekenhuur, aow)


def passend_share(counts: Mapping[PassendheidSoort, int]) -> float | None:
    """Share of passend lettings among those the test applied to: PAS / (PAS + NIE); None if there are none."""
    passend = counts.get(PassendheidSoort.PAS, 0)
    applied = passend + counts.get(PassendheidSoort.NIE, 0)
    return passend / applied if applied else None


@dataclass(frozen=True, slots=True)
class Eligibility:
    """The outcome for one household and unit. `reasons` is empty when the household is eligible.

    `passend` holds the passend test (also for a rejected household); `passendheiddetailsoort` is the
    recorded exception that made a non-passend (NIE) letting allowed, as a Toewijzing records it.
    """

    reasons: tuple[RejectionReason, ...]
    passend: PassendResult
    passendheiddetailsoort: PassendheidDetailSoort | None
    huishoudgrootte: int
    is_ouderenhuishouden: bool
    rekeninkomen: Decimal
    rekenhuur: Decimal
    uses_passend_room: bool = False  # eligible only through the corporation's passend free room
    uses_daeb_room: bool = False  # eligible only through the corporation's DAEB free room

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def passendheidsoort(self) -> PassendheidSoort:
        return self.passend.passendheidsoort


def inschrijving_active(inschrijving: Inschrijving, allocation_date: date) -> bool:
    """Status LOP, begun on or before the date, and not ended before it (ending that day still counts)."""
    return (
        inschrijving.status is OvereenkomstStatus.LOP
        and inschrijving.begindatum <= allocation_date
        and (inschrijving.einddatum is None or inschrijving.einddatum >= allocation_date)
    )


def is_aow_household(inschrijving: Inschrijving, parameters: YearParameters, allocation_date: date) -> bool:
    """Whether the applicant or the co-applicant is of AOW age on the allocation date, the rule's one
    reference date (`YearParameters.has_reached_aow_age`; source: Algemene Ouderdomswet art. 7a, SVB
    "AOW-leeftijd"; passend toewijzen's AOW limits: Woningwet art. 46)."""
    if parameters.has_reached_aow_age(inschrijving.aanvrager.geboortedatum, allocation_date):
        return True
    partner = inschrijving.medeaanvrager
    return partner is not None and parameters.has_reached_aow_age(partner.geboortedatum, allocation_date)


def household_in_doelgroep(
    doelgroep: Doelgroep, inschrijving: Inschrijving, allocation_date: date, policy: RegionPolicy
) -> bool:
    """Whether the household belongs to a VERA doelgroep, as far as the Inschrijving tells.

    EEN one person; GEZ two or more; GEK with children; HZO without children; JON applicant at most
    `policy.jongeren_max_age`; SEN applicant or co-applicant at least `policy.senioren_min_age`;
    STA a starter (woonsituatie STA); STU living on studiefinanciering (income source STU).
    Doelgroepen that need an indication the Inschrijving does not carry (ZOR, ZDR, MEE) never match.
    """
    if doelgroep is Doelgroep.EEN:
        return inschrijving.huishoudgrootte == 1
    if doelgroep is Doelgroep.GEZ:
        return inschrijving.huishoudgrootte >= 2
    if doelgroep is Doelgroep.GEK:
        return inschrijving.aantal_kinderen > 0
    if doelgroep is Doelgroep.HZO:
        return inschrijving.aantal_kinderen == 0
    if doelgroep is Doelgroep.JON:
        return age_on(inschrijving.aanvrager.geboortedatum, allocation_date) <= policy.jongeren_max_age
    if doelgroep is Doelgroep.SEN:
        people = [inschrijving.aanvrager, inschrijving.medeaanvrager]
        return any(
            p is not None and age_on(p.geboortedatum, allocation_date) >= policy.senioren_min_age for p in people
        )
    if doelgroep is Doelgroep.STA:
        return inschrijving.woonsituatie.soort is WoonsituatieSoort.STA
    if doelgroep is Doelgroep.STU:
        return inschrijving.inkomen.bron is InkomensBron.STU
    return False


def check_eligibility(
    inschrijving: Inschrijving,
    eenheid: Eenheid,
    *,
    policy: RegionPolicy,
    parameters: YearParameters,
    allocation_date: date,
    sancties: Iterable[Sanctie] = (),
    passend_exception: PassendheidDetailSoort | None = None,
    free_room: FreeRoom = NO_ROOM,
) -> Eligibility:
    """Whether `inschrijving` may rent `eenheid` on `allocation_date`, with every reason if not.

    `parameters` must be the allocation date's year (`ParameterTable.for_date`); a mismatch is a
    ValueError, because figures from the wrong year would silently decide. `sancties` may hold any
    sanctions; only those on this Inschrijving count. `passend_exception` is the exception (BIJ, HER,
    HHV) recorded for this household and unit; it only counts when the region allows it. `free_room`:
    whether the corporation's year has room for one more letting outside the passend or DAEB norm.
    """
    if parameters.year != allocation_date.year:
        raise ValueError(f"parameters of {parameters.year} used for an allocation on {allocation_date.isoformat()}")
    reasons: list[RejectionReason] = []
    if not inschrijving_active(inschrijving, allocation_date):
        reasons.append(RejectionReason.INSCHRIJVING_NIET_ACTIEF)
    if blocking_sanctie(sancties, inschrijving.id, blocking=policy.blocking_sanctions, on=allocation_date):
        reasons.append(RejectionReason.GESANCTIONEERD)

    persons = inschrijving.huishoudgrootte
    income = inschrijving.inkomen.bedrag
    voorwaarden = eenheid.voorwaarden
    if voorwaarden.minimum_aantal_personen is not None and persons < voorwaarden.minimum_aantal_personen:
        reasons.append(RejectionReason.HUISHOUDEN_TE_KLEIN)
    if voorwaarden.maximum_aantal_personen is not None and persons > voorwaarden.maximum_aantal_personen:
        reasons.append(RejectionReason.HUISHOUDEN_TE_GROOT)
    if voorwaarden.minimumleeftijd is not None or voorwaarden.maximumleeftijd is not None:
        age = age_on(inschrijving.aanvrager.geboortedatum, allocation_date)
        if voorwaarden.minimumleeftijd is not None and age < voorwaarden.minimumleeftijd:
            reasons.append(RejectionReason.LEEFTIJD_TE_LAAG)
        if voorwaarden.maximumleeftijd is not None and age > voorwaarden.maximumleeftijd:
            reasons.append(RejectionReason.LEEFTIJD_TE_HOOG)
    if voorwaarden.minimuminkomen is not None and income < voorwaarden.minimuminkomen:
        reasons.append(RejectionReason.INKOMEN_TE_LAAG)
    if voorwaarden.maximuminkomen is not None and income > voorwaarden.maximuminkomen:
        reasons.append(RejectionReason.INKOMEN_TE_HOOG)
    reasons.extend(_criteria_reasons(eenheid, persons, income, inschrijving, allocation_date))
    uses_daeb_room = uses_passend_room = False
    if eenheid.is_daeb and income > parameters.daeb_income_limit(persons):
        if free_room.daeb:
            uses_daeb_room = True
        else:
            reasons.append(RejectionReason.DAEB_INKOMENSGRENS)

    aow = is_aow_household(inschrijving, parameters, allocation_date)
    passend = passend_test(parameters, persons, income, rekenhuur_of(eenheid), aow)
    detail: PassendheidDetailSoort | None = None
    if passend.passendheidsoort is PassendheidSoort.NIE:
        if passend_exception is not None and passend_exception in policy.passend_exceptions:
            detail = passend_exception
        elif free_room.passend:
            uses_passend_room = True
        else:
            reasons.append(RejectionReason.NIET_PASSEND)

    doelgroep = eenheid.doelgroep
    if (
        doelgroep is not None
        and doelgroep in policy.exclusive_doelgroepen
        and not household_in_doelgroep(doelgroep, inschrijving, allocation_date, policy)
    ):
        reasons.append(RejectionReason.DOELGROEP)

    return Eligibility(
        reasons=tuple(reasons),
        passend=passend,
        passendheiddetailsoort=detail,
        huishoudgrootte=persons,
        is_ouderenhuishouden=aow,
        rekeninkomen=income,
        rekenhuur=rekenhuur_of(eenheid),
        uses_passend_room=uses_passend_room,
        uses_daeb_room=uses_daeb_room,
    )
