"""Binding on its own: the cap on listings with binding, and whether a household had binding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from gateway.flow.binding import apply_binding_cap, has_binding_criteria, household_has_binding
from gateway.flow.policy import RegionPolicy
from tests.flow.builders import household, region, unit

BIN_KRN = {"soort": {"code": "BIN"}, "detailsoort": {"code": "KRN"}}
BIN_REG = {"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}
OTHER = {"soort": {"code": "INK"}, "aantalOndergrens": 1000}
ON = date(2026, 3, 2)


def _codes(criteria: list[Any]) -> list[str]:
    return [c.soort.code for c in criteria]


def test_a_unit_without_binding_is_left_alone() -> None:
    eenheid = unit()
    assert not has_binding_criteria(eenheid)
    assert apply_binding_cap(eenheid, listings_with_binding=100, listings_total=100, policy=RegionPolicy()) == (
        eenheid,
        False,
    )


def test_binding_is_kept_while_the_share_stays_within_the_cap() -> None:
    eenheid = unit(criteria=[BIN_KRN])
    kept, binding = apply_binding_cap(eenheid, listings_with_binding=4, listings_total=9, policy=RegionPolicy())
    assert binding
    assert kept == eenheid


def test_past_the_cap_only_the_binding_criteria_go() -> None:
    eenheid = unit(criteria=[BIN_KRN, BIN_REG])
    policy = RegionPolicy(binding_share_cap=Decimal("0.5"))
    published, binding = apply_binding_cap(eenheid, listings_with_binding=5, listings_total=9, policy=policy)
    assert not binding
    assert published.criteria == []
    assert _codes(eenheid.criteria) == ["BIN", "BIN"]  # the input is not changed


def test_household_binding_follows_the_regions_binding_tiers() -> None:
    config = region()
    nijmegen = household()  # registered in the unit's gemeente
    local_unit = unit(criteria=[BIN_KRN])
    assert household_has_binding(nijmegen, local_unit, region=config, allocation_date=ON)
    assert not household_has_binding(nijmegen, unit(), region=config, allocation_date=ON)
    without_tiers = config.model_copy(update={"policy": config.policy.model_copy(update={"voorrang": []})})
    assert not household_has_binding(nijmegen, local_unit, region=without_tiers, allocation_date=ON)
