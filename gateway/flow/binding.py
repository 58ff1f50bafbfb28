"""Binding: local or regional ties, and the cap the Huisvestingsverordening puts on them. Pure.

The law (Huisvestingswet 2014 art. 14) lets a municipality's huisvestingsverordening give priority to
seekers with economic or social ties to the region (regionale binding, BIN/REG) or to the gemeente
(lokale binding, BIN/KRN), each on at most a share of the housing that becomes available in the
gemeente in a year. The region file sets the two shares (`policy.binding_share_cap` for local,
`policy.regional_binding_share_cap` for regional binding, both by default 50%).

How the gateway holds that cap (one rule, here):
- The year's supply of a gemeente is its listings published in the Dutch calendar year (the count the
  reports and the API show: `gateway.flow.parameters.dutch_year_bounds`). Local and regional binding are
  counted apart, each against its own cap; a listing with both uses a place under each.
- The year's supply is not known until the year ends, so the budget is taken over the expected supply
  when that is larger than the listings so far: the gemeente's `verwacht_aanbod` in the region file, else
  its listings of the year before. A listing keeps a kind of binding while the listings with that kind,
  this one included, stay within `max(1, floor(cap x max(listings so far with this one, expected)))`:
  listings early in the year are not stripped for want of the later ones, the share holds for the year
  whenever the supply reaches the expected one, and the first binding listing of a gemeente's year is
  never stripped (a cap of 0 allows none). Without an expectation the budget grows with the listings.
- Past the budget the listing publishes without that kind of binding, and never silently: the decision
  carries a warning for staff (audited with the listing). When a listing takes the last place of the
  budget the decision already warns that the next one with that binding will publish without it.

`household_has_binding` says whether an allocation went to a household through a binding voorrang tier
(the reports count those lettings apart from the cap, which counts listings).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from gateway.flow.policy import RegionConfig, RegionPolicy, VoorrangTier
from gateway.flow.ranking import voorrang_matches
from schemas import Eenheid, EenheidCriteriumDetailSoort, EenheidCriteriumSoort, Inschrijving

__all__ = [
    "BINDING_TIERS",
    "LEGAL_SOURCE",
    "BindingCount",
    "BindingDecision",
    "BindingFigure",
    "apply_binding_cap",
    "binding_budget",
    "binding_figure",
    "binding_kinds",
    "has_binding_criteria",
    "household_has_binding",
]

BINDING_TIERS = (VoorrangTier.BIN_KRN, VoorrangTier.BIN_REG)

LEGAL_SOURCE = "Huisvestingswet 2014, art. 14 (binding: ten hoogste een deel van de jaarlijks beschikbare woonruimte)"

_LOKAAL, _REGIONAAL = EenheidCriteriumDetailSoort.KRN, EenheidCriteriumDetailSoort.REG


@dataclass(frozen=True, slots=True)
class BindingCount:
    """A gemeente's listings so far this Dutch calendar year: all of them, with local, with regional binding."""

    listings: int = 0
    lokaal: int = 0
    regionaal: int = 0
    expected: int = 0  # the year's expected supply (verwacht_aanbod, else last year's listings)


@dataclass(frozen=True, slots=True)
class BindingDecision:
    """The unit as it is published, which kinds of binding its listing keeps, and what staff must know."""

    eenheid: Eenheid
    lokaal: bool
    regionaal: bool
    warnings: tuple[str, ...] = ()

    @property
    def binding(self) -> bool:
        return self.lokaal or self.regionaal


@dataclass(frozen=True, slots=True)
class BindingFigure:
    """The running figure of one kind of binding in one gemeente's year, as staff see it."""

    soort: str  # "lokaal" or "regionaal"
    listings: int
    with_binding: int
    cap: Decimal
    budget: int

    @property
    def share(self) -> Decimal | None:
        return Decimal(self.with_binding) / self.listings if self.listings else None

    @property
    def room(self) -> int:
        """How many more listings with this binding the budget takes now (more listings raise it)."""
        return max(self.budget - self.with_binding, 0)


def has_binding_criteria(eenheid: Eenheid) -> bool:
    """Whether the unit asks for local or regional ties (a BIN criterium)."""
    return any(c.soort is EenheidCriteriumSoort.BIN for c in eenheid.criteria)


def binding_kinds(eenheid: Eenheid) -> tuple[bool, bool]:
    """Whether the unit lists local (BIN/KRN) and regional (BIN/REG) binding."""
    details = {c.detailsoort for c in eenheid.criteria if c.soort is EenheidCriteriumSoort.BIN}
    return _LOKAAL in details, _REGIONAAL in details


def binding_budget(cap: Decimal, listings: int) -> int:
    """How many of `listings` may carry one kind of binding: floor(cap x listings), but at least one
    listing once there is one (the first binding listing of the year is never stripped), none at cap 0."""
    if cap <= 0 or listings <= 0:
        return 0
    return max(1, math.floor(cap * listings))


def binding_figure(soort: str, count: BindingCount, policy: RegionPolicy) -> BindingFigure:
    """The running figure of `soort` ("lokaal" or "regionaal") for a gemeente's year so far."""
    cap = policy.binding_share_cap if soort == "lokaal" else policy.regional_binding_share_cap
    with_binding = count.lokaal if soort == "lokaal" else count.regionaal
    return BindingFigure(
        soort, count.listings, with_binding, cap, binding_budget(cap, max(count.listings, count.expected))
    )


def apply_binding_cap(eenheid: Eenheid, count: BindingCount, policy: RegionPolicy, *, gemeente: str) -> BindingDecision:
    """Decide which binding the unit's listing keeps, given the gemeente's listings this year before it."""
    wants_lokaal, wants_regionaal = binding_kinds(eenheid)
    listings = count.listings + 1
    supply = max(listings, count.expected)
    keep: dict[EenheidCriteriumDetailSoort, bool] = {}
    warnings: list[str] = []
    for detail, wanted, name, cap, used in (
        (_LOKAAL, wants_lokaal, "lokale binding (BIN/KRN)", policy.binding_share_cap, count.lokaal),
        (
            _REGIONAAL,
            wants_regionaal,
            "regionale binding (BIN/REG)",
            policy.regional_binding_share_cap,
            count.regionaal,
        ),
    ):
        if not wanted:
            continue
        budget = binding_budget(cap, supply)
        if used + 1 <= budget:
            keep[detail] = True
            if used + 1 == budget:
                warnings.append(
                    f"gemeente {gemeente}: {name} now on {used + 1} of {listings} listings this year (expected "
                    f"supply {supply}), the cap of {cap:.0%} allows no more until more listings are published; "
                    "the next listing with it publishes without it"
                )
        else:
            keep[detail] = False
            warnings.append(
                f"gemeente {gemeente}: {name} dropped from this listing: {used} of {count.listings} listings this "
                f"year already have it and one more would exceed the cap of {cap:.0%} ({LEGAL_SOURCE})"
            )
    stripped = {detail for detail, kept in keep.items() if not kept}
    if stripped:
        # Only the binding criteria over their cap go; every other criterium of the unit stays.
        criteria = [
            c for c in eenheid.criteria if not (c.soort is EenheidCriteriumSoort.BIN and c.detailsoort in stripped)
        ]
        eenheid = eenheid.model_copy(update={"criteria": criteria})
    return BindingDecision(
        eenheid=eenheid,
        lokaal=keep.get(_LOKAAL, False),
        regionaal=keep.get(_REGIONAAL, False),
        warnings=tuple(warnings),
    )


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
