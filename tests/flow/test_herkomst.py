"""Herkomst on its own: where a housed seeker came from."""

from __future__ import annotations

from gateway.flow.herkomst import HERKOMST_BUITEN, HERKOMST_GEMEENTE, HERKOMST_REGIO, HERKOMSTEN, herkomst

REGION = frozenset({"GM0268", "GM0274", "GM0202"})


def test_the_same_gemeente() -> None:
    assert herkomst("GM0268", "GM0268", REGION) == HERKOMST_GEMEENTE


def test_elsewhere_in_the_region() -> None:
    assert herkomst("GM0274", "GM0268", REGION) == HERKOMST_REGIO


def test_outside_the_region() -> None:
    assert herkomst("GM0363", "GM0268", REGION) == HERKOMST_BUITEN


def test_a_unit_outside_the_region_still_counts_its_own_gemeente_first() -> None:
    assert herkomst("GM0363", "GM0363", REGION) == HERKOMST_GEMEENTE
    assert HERKOMSTEN == ("gemeente", "regio", "buiten_regio")  # the order reports show them in
