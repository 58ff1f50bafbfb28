"""Passend toewijzen and the DAEB income limit at every boundary, for every year and household type.

Each case is checked twice: with the pure test (`passend_test` / `passend_check`) and through
`check_eligibility` on a real Inschrijving and Eenheid, where AOW follows from the birth dates.
Boundaries: at the limit, one cent above, one euro above.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.flow.eligibility import (
    RejectionReason,
    check_eligibility,
    passend_check,
    passend_share,
    passend_test,
)
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RegionPolicy
from schemas import Inschrijving
from schemas.referentiedata import PassendheidDetailSoort, PassendheidSoort
from tests.flow.builders import birth_for_age, household, unit
from tests.flow.published import PUBLISHED

YEARS = sorted(PUBLISHED)
CENT = Decimal("0.01")
EURO = Decimal("1.00")
PAS, NIE, NVT = PassendheidSoort.PAS, PassendheidSoort.NIE, PassendheidSoort.NVT
POLICY = RegionPolicy()  # no passend exceptions allowed
POLICY_WITH_EXCEPTIONS = RegionPolicy(passend_exceptions=[PassendheidDetailSoort.BIJ, PassendheidDetailSoort.HHV])

# (label, persons, aow, published income-limit field, published aftoppingsgrens field)
HOUSEHOLDS = [
    ("single below AOW", 1, False, "passend_income_limit_single", "aftoppingsgrens_low"),
    ("two below AOW", 2, False, "passend_income_limit_multi", "aftoppingsgrens_low"),
    ("three below AOW", 3, False, "passend_income_limit_multi", "aftoppingsgrens_high"),
    ("single AOW", 1, True, "passend_income_limit_single_aow", "aftoppingsgrens_low"),
    ("two AOW", 2, True, "passend_income_limit_multi_aow", "aftoppingsgrens_low"),
    ("four AOW", 4, True, "passend_income_limit_multi_aow", "aftoppingsgrens_high"),
]


def _published(year: int, field: str) -> Decimal:
    return Decimal(PUBLISHED[year][field]).quantize(CENT)


def _allocation_day(year: int) -> date:
    return date(year, 6, 15)


def _household(persons: int, aow: bool, income: Decimal, on: date, *, via_partner: bool = False) -> Inschrijving:
    """A household whose AOW status follows from birth dates: 67 exactly on `on` counts as AOW."""
    old = birth_for_age(67, on)
    young = "1990-06-15"
    if persons == 1:
        return household(persons=1, income=income, birth=old if aow else young)
    if via_partner:
        return household(persons=persons, income=income, birth=young, partner_birth=old if aow else young)
    return household(persons=persons, income=income, birth=old if aow else young, partner_birth=young)


def _cases_income() -> list[object]:
    cases = []
    for year in YEARS:
        for label, persons, aow, income_field, rent_field in HOUSEHOLDS:
            for step, expected in ((Decimal(0), PAS), (CENT, NVT), (EURO, NVT)):
                cases.append(
                    pytest.param(
                        year, persons, aow, income_field, rent_field, step, expected, id=f"{year}-{label}+{step}"
                    )
                )
    return cases


@pytest.mark.parametrize(("year", "persons", "aow", "income_field", "rent_field", "step", "expected"), _cases_income())
def test_passend_income_limit_boundary(
    year: int,
    persons: int,
    aow: bool,
    income_field: str,
    rent_field: str,
    step: Decimal,
    expected: PassendheidSoort,
) -> None:
    day = _allocation_day(year)
    income = _published(year, income_field) + step
    rent = _published(year, rent_field)  # exactly at the aftoppingsgrens: passend when the test applies
    result = passend_check(day, persons, income, rent, aow, table=default_parameter_table())
    assert result.passendheidsoort is expected
    assert (result.income_limit, result.rent_limit, result.year) == (_published(year, income_field), rent, year)

    outcome = check_eligibility(
        _household(persons, aow, income, day),
        unit(rekenhuur=rent),
        policy=POLICY,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
    )
    assert outcome.is_ouderenhuishouden is aow
    assert outcome.passendheidsoort is expected
    assert outcome.eligible, outcome.reasons


def _cases_rent() -> list[object]:
    cases = []
    for year in YEARS:
        for label, persons, aow, income_field, rent_field in HOUSEHOLDS:
            for step, expected in ((Decimal(0), PAS), (CENT, NIE), (EURO, NIE)):
                cases.append(
                    pytest.param(
                        year, persons, aow, income_field, rent_field, step, expected, id=f"{year}-{label}+{step}"
                    )
                )
    return cases


@pytest.mark.parametrize(("year", "persons", "aow", "income_field", "rent_field", "step", "expected"), _cases_rent())
def test_aftoppingsgrens_boundary(
    year: int,
    persons: int,
    aow: bool,
    income_field: str,
    rent_field: str,
    step: Decimal,
    expected: PassendheidSoort,
) -> None:
    day = _allocation_day(year)
    income = _published(year, income_field)  # at the passend limit: the test applies
    rent = _published(year, rent_field) + step
    parameters = default_parameter_table().for_date(day)
    result = passend_test(parameters, persons, income, rent, aow)
    assert result.passendheidsoort is expected
    assert result.rent_limit == _published(year, rent_field)

    inschrijving = _household(persons, aow, income, day)
    outcome = check_eligibility(
        inschrijving, unit(rekenhuur=rent), policy=POLICY, parameters=parameters, allocation_date=day
    )
    assert outcome.passendheidsoort is expected
    if expected is PAS:
        assert outcome.eligible
        assert outcome.passendheiddetailsoort is None
    else:
        # Without a recorded exception a non-passend letting is not allowed.
        assert outcome.reasons == (RejectionReason.NIET_PASSEND,)
        allowed = check_eligibility(
            inschrijving,
            unit(rekenhuur=rent),
            policy=POLICY_WITH_EXCEPTIONS,
            parameters=parameters,
            allocation_date=day,
            passend_exception=PassendheidDetailSoort.BIJ,
        )
        assert allowed.eligible
        assert allowed.passendheidsoort is NIE
        assert allowed.passendheiddetailsoort is PassendheidDetailSoort.BIJ


@pytest.mark.parametrize("year", YEARS)
def test_high_income_is_not_tested_whatever_the_rent(year: int) -> None:
    day = _allocation_day(year)
    income = _published(year, "passend_income_limit_multi") + CENT
    rent = _published(year, "liberalisatiegrens")
    outcome = check_eligibility(
        _household(2, False, income, day),
        unit(rekenhuur=rent),
        policy=POLICY,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
    )
    assert outcome.passendheidsoort is NVT
    assert outcome.eligible


@pytest.mark.parametrize("year", YEARS)
def test_a_co_applicant_at_aow_age_makes_an_aow_household(year: int) -> None:
    day = _allocation_day(year)
    income = _published(year, "passend_income_limit_multi_aow")
    inschrijving = _household(2, True, income + CENT, day, via_partner=True)
    outcome = check_eligibility(
        inschrijving,
        unit(rekenhuur="900.00"),
        policy=POLICY,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
    )
    # Just above the AOW limit, below the regular multi-person limit: NVT only as an AOW household.
    assert outcome.is_ouderenhuishouden
    assert outcome.passendheidsoort is NVT


@pytest.mark.parametrize("year", YEARS)
def test_turning_aow_age_the_day_after_the_allocation_is_not_yet_aow(year: int) -> None:
    day = _allocation_day(year)
    income = _published(year, "passend_income_limit_single_aow") + CENT  # above the AOW limit only
    young = household(persons=1, income=income, birth=birth_for_age(67, day, days_later=1))
    outcome = check_eligibility(
        young,
        unit(rekenhuur="900.00"),
        policy=POLICY,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
    )
    assert not outcome.is_ouderenhuishouden
    assert outcome.passendheidsoort is NIE  # the under-AOW limit is higher, so the test still applies


def test_an_exception_the_region_does_not_allow_does_not_count() -> None:
    day = date(2025, 6, 15)
    outcome = check_eligibility(
        household(persons=1, income="20000"),
        unit(rekenhuur="800.00"),
        policy=POLICY_WITH_EXCEPTIONS,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
        passend_exception=PassendheidDetailSoort.HER,  # not in this region's list
    )
    assert outcome.reasons == (RejectionReason.NIET_PASSEND,)
    assert outcome.passendheiddetailsoort is None


def test_an_exception_is_not_recorded_on_a_passend_letting() -> None:
    day = date(2025, 6, 15)
    outcome = check_eligibility(
        household(persons=1, income="20000"),
        unit(rekenhuur="600.00"),
        policy=POLICY_WITH_EXCEPTIONS,
        parameters=default_parameter_table().for_date(day),
        allocation_date=day,
        passend_exception=PassendheidDetailSoort.BIJ,
    )
    assert outcome.passendheidsoort is PAS
    assert outcome.passendheiddetailsoort is None  # a Toewijzing only carries it for NIE


# --- DAEB income limit ---------------------------------------------------------------------------------


def _cases_daeb() -> list[object]:
    cases = []
    for year in YEARS:
        for label, persons, field in (
            ("single", 1, "daeb_income_limit_single"),
            ("two", 2, "daeb_income_limit_multi"),
            ("five", 5, "daeb_income_limit_multi"),
        ):
            for step, allowed in ((Decimal(0), True), (CENT, False), (EURO, False)):
                cases.append(pytest.param(year, persons, field, step, allowed, id=f"{year}-{label}+{step}"))
    return cases


@pytest.mark.parametrize(("year", "persons", "field", "step", "allowed"), _cases_daeb())
def test_daeb_income_limit_boundary(year: int, persons: int, field: str, step: Decimal, allowed: bool) -> None:
    day = _allocation_day(year)
    income = _published(year, field) + step
    inschrijving = _household(persons, False, income, day)
    parameters = default_parameter_table().for_date(day)
    daeb = check_eligibility(
        inschrijving, unit(rekenhuur="800.00"), policy=POLICY, parameters=parameters, allocation_date=day
    )
    assert daeb.eligible is allowed
    assert daeb.reasons == (() if allowed else (RejectionReason.DAEB_INKOMENSGRENS,))
    # A non-DAEB unit has no DAEB income limit.
    niet_daeb = check_eligibility(
        inschrijving, unit(rekenhuur="800.00", label="NDA"), policy=POLICY, parameters=parameters, allocation_date=day
    )
    assert niet_daeb.eligible


def test_daeb_limits_follow_the_allocation_year() -> None:
    # 49,000 lies between the 2024 single limit (47,699) and the 2025 one (49,669): the same household
    # is rejected for a 2024 allocation and accepted for a 2025 one.
    inschrijving = household(persons=1, income="49000.00")
    outcomes = {
        year: check_eligibility(
            inschrijving,
            unit(rekenhuur="800.00"),
            policy=POLICY,
            parameters=default_parameter_table().for_date(date(year, 3, 1)),
            allocation_date=date(year, 3, 1),
        ).eligible
        for year in YEARS
    }
    assert outcomes == {2024: False, 2025: True, 2026: True}


# --- passend share -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "share"),
    [
        ({PAS: 19, NIE: 1, NVT: 30}, 0.95),
        ({PAS: 3}, 1.0),
        ({NIE: 2, NVT: 5}, 0.0),
        ({NVT: 5}, None),
        ({}, None),
    ],
)
def test_passend_share_counts_pas_over_pas_and_nie(counts: dict[PassendheidSoort, int], share: float | None) -> None:
    assert passend_share(counts) == share


def test_passend_check_defaults_to_the_shipped_table() -> None:
    result = passend_check(date(2025, 1, 1), 3, Decimal("38500.00"), Decimal("731.93"), False)
    assert (result.passendheidsoort, result.income_limit, result.rent_limit, result.year) == (
        PAS,
        Decimal("38500.00"),
        Decimal("731.93"),
        2025,
    )


def test_passend_test_refuses_an_empty_household() -> None:
    with pytest.raises(ValueError, match="at least one person"):
        passend_test(default_parameter_table().for_year(2025), 0, Decimal(1), Decimal(1), aow=False)
