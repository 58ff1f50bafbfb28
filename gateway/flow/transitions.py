"""The allowed status changes of the flow's entities, and the one error for an illegal one.

The flow service asks `require(...)` before every change, so an illegal transition (accepting an offer
that was already refused, publishing a withdrawn listing) is refused with a clear error naming the entity,
its current status and what was asked — and nothing is half-changed.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum

from schemas import AanbiedingStatus, KandidaatStatus, PublicatieStatus

__all__ = ["AANBIEDING", "KANDIDAAT", "PUBLICATIE", "IllegalTransition", "require"]

P, K, A = PublicatieStatus, KandidaatStatus, AanbiedingStatus

# Publicatie: VOO/GER (prepared) -> GEP (published, window open) -> AAN (window closed, offering)
# -> AFG (allocated and contract signed). ING (withdrawn) from anywhere before allocation.
PUBLICATIE: Mapping[Enum, frozenset[Enum]] = {
    P.VOO: frozenset({P.GER, P.GEP, P.ING}),
    P.GER: frozenset({P.GEP, P.ING}),
    P.GEP: frozenset({P.AAN, P.ING}),
    P.AAN: frozenset({P.AFG, P.ING}),
    P.AFG: frozenset(),
    P.ING: frozenset(),
}

# Kandidaat: REA (responded) -> SEL (ranked onto the list) -> AAN (offered) -> TOE (allocated) or
# GEW (refused / no answer); AFG (rejected: ineligible or withdrawn) from REA or SEL.
KANDIDAAT: Mapping[Enum, frozenset[Enum]] = {
    K.POT: frozenset({K.REA, K.AFG}),
    K.REA: frozenset({K.SEL, K.AFG}),
    K.SEL: frozenset({K.AAN, K.AFG}),
    K.AAN: frozenset({K.TOE, K.GEW, K.AFG}),
    K.GEW: frozenset(),
    K.TOE: frozenset(),
    K.AFG: frozenset(),
}

# Aanbieding: AAN (open offer) -> TOE (accepted), GEW (refused) or ING (withdrawn / expired).
AANBIEDING: Mapping[Enum, frozenset[Enum]] = {
    A.AAN: frozenset({A.TOE, A.GEW, A.ING}),
    A.TOE: frozenset(),
    A.GEW: frozenset(),
    A.ING: frozenset(),
}


class IllegalTransition(Exception):
    """A status change the flow does not allow. The text names entity, id, from and to — no personal data."""

    def __init__(self, entity: str, entity_id: str, current: Enum, wanted: Enum) -> None:
        self.entity, self.entity_id, self.current, self.wanted = entity, entity_id, current, wanted
        super().__init__(
            f"{entity} {entity_id} is {current.value} ({getattr(current, 'naam', current.name)}); "
            f"it cannot become {wanted.value} ({getattr(wanted, 'naam', wanted.name)})"
        )


def require(table: Mapping[Enum, frozenset[Enum]], entity: str, entity_id: str, current: Enum, wanted: Enum) -> None:
    """Raise IllegalTransition unless `current -> wanted` is allowed by `table`."""
    if wanted not in table.get(current, frozenset()):
        raise IllegalTransition(entity, entity_id, current, wanted)
