"""Binding: local or regional ties. Two decisions, both pure:

- `apply_binding_cap`: a listing keeps its binding criteria only while the gemeente's share of listings
  with binding this (Dutch calendar) year stays within the region's cap; otherwise it publishes without
  them. The caller counts the listings; this decides.
- `household_has_binding`: whether an allocation went to a household through a binding voorrang tier
  (what the binding quota counts).

(These rules are the ones the flow has always applied; issue 17 questions them. They are kept here, as
they were, in one place.)
"""

from __future__ import annotations

from datetime import date

from gateway.flow.policy import RegionConfig, RegionPolicy, VoorrangTier
from gateway.flow.ranking import voorrang_matches
from schemas import Eenheid, EenheidCriteriumSoort, Inschrijving

__all__ = ["BINDING_TIERS", "apply_binding_cap", "has_binding_criteria", "household_has_binding"]

BINDING_TIERS = (VoorrangTier.BIN_KRN, VoorrangTier.BIN_REG)


def has_binding_criteria(eenheid: Eenheid) -> bool:
    """Whether the unit asks for local or regional ties (a BIN criterium)."""
    return any(c.soort is EenheidCriteriumSoort.BIN for c in eenheid.criteria)


def apply_binding_cap(
    eenheid: Eenheid, *, listings_with_binding: int, listings_total: int, policy: RegionPolicy
) -> tuple[Eenheid, bool]:
    """The unit as it is published and whether its listing has binding, given this year's listings in
    its gemeente (`listings_total`, of which `listings_with_binding`)."""
    if not has_binding_criteria(eenheid):
        return eenheid, False
    if policy.binding_share_allows(listings_with_binding, listings_total):
        return eenheid, True
    others = [c for c in eenheid.criteria if c.soort is not EenheidCriteriumSoort.BIN]
    return eenheid.model_copy(update={"criteria": others}), False


def household_has_binding(
    inschrijving: Inschrijving, eenheid: Eenheid, *, region: RegionConfig, allocation_date: date
) -> bool:
    """Whether the household matches one of the region's binding voorrang tiers on this unit."""
    return any(
        voorrang_matches(
            tier,
            inschrijving,
            eenheid,
            region_gemeenten=region.gemeente_codes,
            policy=region.policy,
            allocation_date=allocation_date,
        )
        for tier in BINDING_TIERS
        if tier in region.policy.voorrang
    )
