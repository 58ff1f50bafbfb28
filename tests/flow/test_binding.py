"""Binding on its own: the cap on listings with binding, and whether a household had binding."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from gateway.flow.binding import (
    BindingCount,
    BindingDecision,
    apply_binding_cap,
    binding_budget,
    binding_figure,
    has_binding_criteria,
    household_has_binding,
)
from gateway.flow.policy import RegionPolicy
from tests.flow.builders import household, region, unit

BIN_KRN = {"soort": {"code": "BIN"}, "detailsoort": {"code": "KRN"}}
BIN_REG = {"soort": {"code": "BIN"}, "detailsoort": {"code": "REG"}}
OTHER = {"soort": {"code": "INK"}}
ON = date(2026, 3, 2)


def _codes(criteria: list[Any]) -> list[str]:
    return [c.soort.code for c in criteria]


def _decide(eenheid: Any, listings: int, lokaal: int = 0, regionaal: int = 0, **policy: Any) -> BindingDecision:
    return apply_binding_cap(
        eenheid, BindingCount(listings, lokaal, regionaal), RegionPolicy(**policy), gemeente="GM0268"
    )


def test_a_unit_without_binding_is_left_alone() -> None:
    eenheid = unit()
    assert not has_binding_criteria(eenheid)
    decision = _decide(eenheid, 100, 100, 100)
    assert (decision.eenheid, decision.binding, decision.warnings) == (eenheid, False, ())


def test_the_first_binding_listing_of_a_gemeentes_year_keeps_its_binding() -> None:
    """The old running-share rule stripped it (1 of 1 is above half); the cap is on the year's supply."""
    decision = _decide(unit(criteria=[BIN_KRN]), 0)
    assert decision.lokaal
    assert decision.binding
    assert "allows no more until more listings are published" in decision.warnings[0]


@pytest.mark.parametrize(
    ("listings_before", "with_binding", "kept"),
    [
        (1, 1, False),
        (2, 0, True),
        (2, 1, False),
        (3, 2, False),
        (3, 1, True),
        (9, 5, False),
        (9, 4, True),
        (11, 5, True),
    ],
)
def test_binding_is_kept_while_the_year_stays_within_half(listings_before: int, with_binding: int, kept: bool) -> None:
    # After this listing: with_binding + 1 listings with it out of listings_before + 1 must be at most half.
    decision = _decide(unit(criteria=[BIN_KRN]), listings_before, lokaal=with_binding)
    assert decision.lokaal is kept
    assert bool(decision.eenheid.criteria) is kept


def test_past_the_cap_only_the_binding_over_it_goes_and_staff_are_told() -> None:
    eenheid = unit(criteria=[BIN_KRN, BIN_REG, OTHER])
    decision = _decide(eenheid, 9, lokaal=5, regionaal=0)
    assert (decision.lokaal, decision.regionaal) == (False, True)
    assert [(c.soort.code, c.detailsoort.code if c.detailsoort else None) for c in decision.eenheid.criteria] == [
        ("BIN", "REG"),
        ("INK", None),
    ]
    assert _codes(eenheid.criteria) == ["BIN", "BIN", "INK"]  # the input is not changed
    assert decision.warnings[0].startswith("gemeente GM0268: lokale binding (BIN/KRN) dropped from this listing")
    assert "Huisvestingswet 2014, art. 14" in decision.warnings[0]


def test_regional_binding_does_not_count_against_the_local_cap() -> None:
    # Five of nine listings have regional binding: the local cap is untouched, the regional one is full.
    local = _decide(unit(criteria=[BIN_KRN]), 9, lokaal=0, regionaal=5)
    regional = _decide(unit(criteria=[BIN_REG]), 9, lokaal=0, regionaal=5)
    assert local.lokaal
    assert not regional.regionaal


def test_each_kind_has_its_own_cap_and_a_zero_cap_allows_none() -> None:
    decision = _decide(
        unit(criteria=[BIN_KRN, BIN_REG]),
        0,
        binding_share_cap=Decimal("0"),
        regional_binding_share_cap=Decimal("0.25"),
    )
    assert (decision.lokaal, decision.regionaal) == (False, True)


@pytest.mark.parametrize(
    ("cap", "listings", "budget"),
    [
        ("0.5", 0, 0),
        ("0.5", 1, 1),
        ("0.5", 2, 1),
        ("0.5", 3, 1),
        ("0.5", 4, 2),
        ("0.25", 7, 1),
        ("0.25", 8, 2),
        ("0", 9, 0),
        ("1", 3, 3),
    ],
)
def test_binding_budget_at_its_boundaries(cap: str, listings: int, budget: int) -> None:
    assert binding_budget(Decimal(cap), listings) == budget


def test_a_year_of_listings_ends_within_the_cap() -> None:
    """Publish a year of listings that all ask for local binding: the first keeps it, and from the second
    listing on the gemeente never has more than half with binding."""
    count = BindingCount()
    for _ in range(13):
        decision = apply_binding_cap(unit(criteria=[BIN_KRN]), count, RegionPolicy(), gemeente="GM0202")
        count = BindingCount(count.listings + 1, count.lokaal + int(decision.lokaal), 0)
        assert count.lokaal >= 1
        assert count.listings < 2 or count.lokaal <= count.listings / 2
    assert (count.listings, count.lokaal) == (13, 6)


def test_an_expected_supply_spreads_the_budget_over_the_year() -> None:
    # Six listings expected: three may have local binding, even when they are the year's first three.
    count = BindingCount(expected=6)
    kept = []
    for _ in range(4):
        decision = apply_binding_cap(unit(criteria=[BIN_KRN]), count, RegionPolicy(), gemeente="GM0202")
        kept.append(decision.lokaal)
        count = BindingCount(count.listings + 1, count.lokaal + int(decision.lokaal), 0, expected=6)
    assert kept == [True, True, True, False]
    # More listings than expected: the actual supply counts.
    assert apply_binding_cap(
        unit(criteria=[BIN_KRN]), BindingCount(9, 4, 0, expected=6), RegionPolicy(), gemeente="G"
    ).lokaal


def test_the_running_figure_staff_see() -> None:
    figure = binding_figure("lokaal", BindingCount(listings=7, lokaal=2, regionaal=3), RegionPolicy())
    assert (figure.listings, figure.with_binding, figure.budget, figure.room) == (7, 2, 3, 1)
    assert figure.share == Decimal(2) / 7
    regional = binding_figure("regionaal", BindingCount(listings=7, lokaal=2, regionaal=3), RegionPolicy())
    assert regional.room == 0


def test_household_binding_follows_the_regions_binding_tiers() -> None:
    config = region()
    nijmegen = household()  # registered in the unit's gemeente
    local_unit = unit(criteria=[BIN_KRN])
    assert household_has_binding(nijmegen, local_unit, region=config, allocation_date=ON)
    assert not household_has_binding(nijmegen, unit(), region=config, allocation_date=ON)
    without_tiers = config.model_copy(update={"policy": config.policy.model_copy(update={"voorrang": []})})
    assert not household_has_binding(nijmegen, local_unit, region=without_tiers, allocation_date=ON)
