"""Sanctions: which refusal reasons count, when refusals add up to a Sanctie, and whether a Sanctie blocks.

A Sanctie of a soort the region lists as blocking (`policy.blocking_sanctions`), definitive (DEF) and
running on the day, stops everything the flow would give that Inschrijving on that day: it is not ranked
(eligibility), not offered a home when its turn comes, its open offers are withdrawn when the Sanctie is
imposed, and it cannot accept an offer. `blocking_sanctie` is that one test.

Pure: the flow service counts the refusals on the registration and stores what `sanction_for` returns.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta

from schemas import AanbiedingDetailStatus, Sanctie, SanctieSoort, SanctieStatus, Sleutel

__all__ = ["REFUSAL_REASONS", "SANCTION_DAYS", "blocking_sanctie", "is_refusal_reason", "sanction_for"]

# The AANBIEDINGDETAILSTATUS codes VERA files under a refusal (parent AANBIEDINGSTATUS.GEW); the others
# belong to a withdrawal (ING). tests/flow/test_service.py checks this set against VERA's CSV.
REFUSAL_REASONS = frozenset(
    AanbiedingDetailStatus.from_code(code)
    for code in ("ANV", "BUI", "GEE", "GER", "HUU", "PAO", "PER", "WBN", "WKN", "WOB")
)

SANCTION_DAYS = 91  # a mild sanction lasts three months


def is_refusal_reason(reason: AanbiedingDetailStatus) -> bool:
    """Whether `reason` is one VERA gives for refusing (GEW) an offer, rather than for withdrawing it."""
    return reason in REFUSAL_REASONS


def sanction_for(
    inschrijving_id: str, refusals: int, *, refusals_before_sanction: int, sanctie_id: str, today: date
) -> Sanctie | None:
    """The Sanctie `refusals` refused offers earn (a mild one, MIL, from `today` for three months), or None
    while they stay below the region's `refusals_before_sanction`. The caller starts the count again
    after a sanction. Whether a MIL sanction blocks responding is the region's choice
    (`policy.blocking_sanctions`)."""
    if refusals < refusals_before_sanction:
        return None
    return Sanctie(
        id=sanctie_id,
        soort=SanctieSoort.MIL,
        status=SanctieStatus.DEF,
        omschrijving=f"{refusals} aanbiedingen geweigerd",
        begindatum=today,
        einddatum=today + timedelta(days=SANCTION_DAYS),
        inschrijving=Sleutel(id=inschrijving_id),
    )


def blocking_sanctie(
    sancties: Iterable[Sanctie], inschrijving_id: str, *, blocking: Collection[SanctieSoort], on: date
) -> Sanctie | None:
    """The first Sanctie on `inschrijving_id` of a blocking soort that is running on `on` (begin and end day
    included, status DEF), or None. Sanctions on other registrations are ignored."""
    for sanctie in sancties:
        if sanctie.inschrijving.id == inschrijving_id and sanctie.soort in blocking and sanctie.active_on(on):
            return sanctie
    return None
