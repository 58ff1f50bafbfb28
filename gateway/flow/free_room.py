"""Free room: the share of a corporation's lettings in a (Dutch calendar) year that the law lets fall
outside a norm. Pure: the flow counts the year's lettings (`quotas.shares`), this decides.

- Passend toewijzen (Woningwet art. 46; Besluit toegelaten instellingen volkshuisvesting 2015): at least
  95% of the lettings the passend test applies to (PAS + NIE) must be passend, so up to 5% may be
  non-passend (`policy.passend_free_share`). A household whose rent would be above its aftoppingsgrens
  stays eligible when the region's own rules give it a recorded exception (`policy.passend_exceptions`:
  BIJ, HER, HHV), or while the corporation's free room takes one more non-passend letting.
- DAEB toewijzingsnorm (Woningwet art. 48; Besluit toegelaten instellingen volkshuisvesting 2015 art. 16):
  at least 92.5% of DAEB lettings go to households within the DAEB income limit; the 7.5% free room may
  go to households above it, 15% where the region agreed that in its prestatieafspraken
  (`policy.daeb_free_share`).

One more letting outside the norm fits when `outside + 1 <= share x (lettings + 1)`: with 5% the first
non-passend letting needs 19 applied lettings before it, with 7.5% the first DAEB letting above the limit
needs 13. Both are judged again when the offer is made and when it is accepted (lettings made meanwhile
use the room too).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol


class LettingCounts(Protocol):
    """What the free room needs of a corporation's year so far (`gateway.flow.quotas.Shares` has it).

    A protocol rather than an import: quotas sits above ranking (through binding), and ranking uses
    this module, so importing quotas here would close a cycle.
    """

    @property
    def passend(self) -> int: ...
    @property
    def niet_passend(self) -> int: ...
    @property
    def daeb(self) -> int: ...
    @property
    def daeb_doelgroep(self) -> int: ...


__all__ = ["NO_ROOM", "FreeRoom", "free_room", "room_allows"]


@dataclass(frozen=True, slots=True)
class FreeRoom:
    """Whether a corporation's year has room for one more letting outside each norm."""

    passend: bool = False
    daeb: bool = False


NO_ROOM = FreeRoom()


def room_allows(share: Decimal, outside: int, lettings: int) -> bool:
    """Whether one more letting outside the norm keeps `outside / lettings` (both counted before it) within `share`."""
    return Decimal(outside + 1) <= share * (lettings + 1)


def free_room(year: LettingCounts, *, passend_share: Decimal, daeb_share: Decimal) -> FreeRoom:
    """The room in a corporation's year so far (its lettings' counts) for each norm."""
    return FreeRoom(
        passend=room_allows(passend_share, year.niet_passend, year.passend + year.niet_passend),
        daeb=room_allows(daeb_share, year.daeb - year.daeb_doelgroep, year.daeb),
    )
