"""Eligibility rules other than the income limits: registration, sanctions, household, age, doelgroep."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from gateway.flow.eligibility import (
    RejectionReason,
    check_eligibility,
    household_in_doelgroep,
    inschrijving_active,
)
from gateway.flow.parameters import default_parameter_table
from gateway.flow.policy import RegionPolicy
from schemas import Eenheid, Inschrijving, Sanctie
from schemas.referentiedata import Doelgroep, SanctieSoort
from tests.flow.builders import birth_for_age, household, unit

DAY = date(2025, 9, 1)
POLICY = RegionPolicy()
R = RejectionReason


def _check(inschrijving: Inschrijving, eenheid: Eenheid | None = None, **kwargs: Any) -> tuple[R, ...]:
    kwargs.setdefault("policy", POLICY)
    kwargs.setdefault("allocation_date", DAY)
    kwargs.setdefault("parameters", default_parameter_table().for_date(kwargs["allocation_date"]))
    return check_eligibility(inschrijving, eenheid or unit(), **kwargs).reasons


def test_a_plain_household_on_a_plain_unit_is_eligible() -> None:
    assert _check(household()) == ()


@pytest.mark.parametrize(
    ("changes", "active"),
    [
        ({}, True),
        ({"status": {"code": "VOO"}}, False),
        ({"status": {"code": "BEE"}}, False),
        ({"begindatum": "2025-09-01"}, True),
        ({"begindatum": "2025-09-02"}, False),
        ({"einddatum": "2025-09-01"}, True),  # ends that day: still active on it
        ({"einddatum": "2025-08-31"}, False),
    ],
)
def test_inschrijving_must_be_active_on_the_allocation_date(changes: dict[str, Any], active: bool) -> None:
    inschrijving = household(**{"begindatum": "2019-01-01", **changes})
    assert inschrijving_active(inschrijving, DAY) is active
    assert (R.INSCHRIJVING_NIET_ACTIEF in _check(inschrijving)) is not active


def _sanctie(**changes: Any) -> Sanctie:
    data: dict[str, Any] = {
        "id": "S-1",
        "soort": {"code": "ZWA"},
        "status": {"code": "DEF"},
        "begindatum": "2025-08-01",
        "einddatum": "2025-12-31",
        "inschrijving": {"id": "I-3001"},
    }
    data.update(changes)
    return Sanctie.model_validate(data)


@pytest.mark.parametrize(
    ("changes", "blocked"),
    [
        ({}, True),
        ({"status": {"code": "ING"}}, False),  # withdrawn
        ({"status": {"code": "AAN"}}, False),  # not yet final
        ({"einddatum": "2025-08-31"}, False),  # over
        ({"einddatum": "2025-09-01"}, True),  # last day
        ({"begindatum": "2025-09-02"}, False),  # not started
        ({"inschrijving": {"id": "I-other"}}, False),  # someone else's
    ],
)
def test_an_active_sanction_blocks(changes: dict[str, Any], blocked: bool) -> None:
    reasons = _check(household(), sancties=[_sanctie(**changes)])
    assert (R.GESANCTIONEERD in reasons) is blocked


def test_only_sanction_kinds_the_region_names_block() -> None:
    mild_only = RegionPolicy(blocking_sanctions=[SanctieSoort.ZWA])
    assert _check(household(), sancties=[_sanctie(soort={"code": "MIL"})], policy=mild_only) == ()
    assert _check(household(), sancties=[_sanctie(soort={"code": "ZWA"})], policy=mild_only) == (R.GESANCTIONEERD,)


@pytest.mark.parametrize(
    ("persons", "expected"),
    [(1, R.HUISHOUDEN_TE_KLEIN), (2, None), (3, None), (4, R.HUISHOUDEN_TE_GROOT)],
)
def test_household_size_counts_adults_and_children(persons: int, expected: R | None) -> None:
    eenheid = unit(voorwaarden={"minimumAantalPersonen": 2, "maximumAantalPersonen": 3})
    # Two adults from three persons on: children count as household members.
    inschrijving = household(persons=persons, partner_birth="1991-02-02" if persons >= 3 else None)
    assert _check(inschrijving, eenheid) == (() if expected is None else (expected,))


@pytest.mark.parametrize(
    ("age", "days_later", "expected"),
    [
        (23, 1, R.LEEFTIJD_TE_LAAG),  # turns 23 the day after the allocation date
        (23, 0, None),  # turns 23 on it
        (30, 0, None),
        (31, 1, None),  # turns 31 the day after: still 30
        (31, 0, R.LEEFTIJD_TE_HOOG),
    ],
)
def test_age_of_the_applicant_on_the_allocation_date(age: int, days_later: int, expected: R | None) -> None:
    eenheid = unit(voorwaarden={"minimumleeftijd": 23, "maximumleeftijd": 30})
    inschrijving = household(birth=birth_for_age(age, DAY, days_later=days_later))
    assert _check(inschrijving, eenheid) == (() if expected is None else (expected,))


@pytest.mark.parametrize(
    ("income", "expected"),
    [
        ("39999.99", R.INKOMEN_TE_LAAG),
        ("40000.00", None),
        ("50000.00", None),
        ("50000.01", R.INKOMEN_TE_HOOG),
    ],
)
def test_unit_income_limits(income: str, expected: R | None) -> None:
    # Incomes above the passend limit, so only the unit's own income limits decide.
    eenheid = unit(rekenhuur="880.00", voorwaarden={"minimuminkomen": 40000, "maximuminkomen": 50000})
    assert _check(household(persons=2, income=income, partner_birth="1991-01-01"), eenheid) == (
        () if expected is None else (expected,)
    )


def test_every_failing_rule_is_reported() -> None:
    eenheid = unit(
        rekenhuur="850.00",
        voorwaarden={"minimumAantalPersonen": 3, "minimumleeftijd": 40},
        doelgroep={"code": "SEN"},
    )
    inschrijving = household(status={"code": "VOO"}, income="20000", birth="2000-01-01")
    reasons = _check(inschrijving, eenheid, sancties=[_sanctie()])
    assert set(reasons) == {
        R.INSCHRIJVING_NIET_ACTIEF,
        R.GESANCTIONEERD,
        R.HUISHOUDEN_TE_KLEIN,
        R.LEEFTIJD_TE_LAAG,
        R.NIET_PASSEND,
        R.DOELGROEP,
    }


@pytest.mark.parametrize(
    ("doelgroep", "inschrijving_changes", "member"),
    [
        ("JON", {"birth": birth_for_age(22, DAY)}, True),
        ("JON", {"birth": birth_for_age(23, DAY)}, False),
        ("SEN", {"birth": birth_for_age(55, DAY)}, True),
        ("SEN", {"birth": birth_for_age(54, DAY)}, False),
        ("SEN", {"persons": 2, "birth": "1990-01-01", "partner_birth": birth_for_age(60, DAY)}, True),
        ("EEN", {"persons": 1}, True),
        ("EEN", {"persons": 2}, False),
        ("GEZ", {"persons": 2}, True),
        ("GEZ", {"persons": 1}, False),
        ("HZO", {"persons": 2, "partner_birth": "1990-01-01"}, True),
        ("HZO", {"persons": 2}, False),
        ("STA", {"woonsituatie": {"soort": {"code": "STA"}}}, True),
        ("STA", {"woonsituatie": {"soort": {"code": "DOO"}}}, False),
        ("STU", {"inkomen": {"bedrag": 9000.0, "jaar": 2025, "bron": {"code": "STU"}}}, True),
        ("STU", {}, False),
        ("ZOR", {}, False),  # needs an indication the Inschrijving does not carry
    ],
)
def test_doelgroep_membership(doelgroep: str, inschrijving_changes: dict[str, Any], member: bool) -> None:
    inschrijving = household(**inschrijving_changes)
    assert household_in_doelgroep(Doelgroep(doelgroep), inschrijving, DAY, POLICY) is member


def test_a_reserved_doelgroep_rejects_others_and_an_open_one_does_not() -> None:
    too_old = household(birth=birth_for_age(30, DAY))
    assert _check(too_old, unit(doelgroep={"code": "JON"})) == (R.DOELGROEP,)
    assert _check(too_old, unit(doelgroep={"code": "GEZ"})) == ()  # GEZ is voorrang here, not a restriction
    open_region = RegionPolicy(exclusive_doelgroepen=[])
    assert _check(too_old, unit(doelgroep={"code": "JON"}), policy=open_region) == ()


def test_region_age_bounds_for_jongeren_are_configurable() -> None:
    policy = RegionPolicy(jongeren_max_age=27)
    assert _check(household(birth=birth_for_age(27, DAY)), unit(doelgroep={"code": "JON"}), policy=policy) == ()


def test_parameters_of_another_year_are_refused() -> None:
    with pytest.raises(ValueError, match="parameters of 2024 used for an allocation on 2025-09-01"):
        _check(household(), parameters=default_parameter_table().for_year(2024))


def test_result_carries_what_a_toewijzing_records() -> None:
    outcome = check_eligibility(
        household(persons=3, income="30000", partner_birth="1991-01-01"),
        unit(rekenhuur="700.00"),
        policy=POLICY,
        parameters=default_parameter_table().for_date(DAY),
        allocation_date=DAY,
    )
    assert outcome.huishoudgrootte == 3
    assert str(outcome.rekeninkomen) == "30000.00"
    assert str(outcome.rekenhuur) == "700.00"
    assert outcome.is_ouderenhuishouden is False


def test_reason_texts_are_dutch_and_hold_no_personal_data() -> None:
    for reason in RejectionReason:
        assert reason.omschrijving.endswith(".")
        assert not any(char.isdigit() for char in reason.omschrijving)
