"""Which VERA units are vacancies: the `/eenheden` poll turns only those into `eenheid.vrijgekomen`.

Pure, no I/O. The choice, from VERA's own code lists (`../shared/vera/Referentiedata.csv`) and the WRV
4.3.0 `Eenheid` attributes `status` ("Referentiedata: EENHEIDSTATUS") and `detailStatus`
("Referentiedata: EENHEIDDETAILSTATUS", each code a child of a status through its Parent):

- EENHEIDSTATUS.LEE *Leegstand*, "De eenheid is in exploitatie, maar niet verhuurd. Aansluitende verhuur
  is niet mogelijk omdat nog geen nieuwe huurder is gevonden of omdat de woning nog niet gereed is voor
  verhuur", is the one status that means "to let, without a tenant": a vacancy.
- Every other status is not: ADM (administratief, managed by another party), ONT (in ontwikkeling),
  UIT (uit exploitatie), VEH (verhuurd), and the expired OND and VEK (einddatum 30-6-2023). A code VERA
  does not list is not a vacancy either.
- Of LEE's detail statuses, two say the empty unit is not to be let: EENHEIDDETAILSTATUS.VEK
  ("Leegstand omdat de eenheid op korte termijn verkocht zal worden") and PRO (*Projectleegstand*:
  empty as part of a maintenance or renovation project). Those are not vacancies; the others (NIH and
  NIB "wacht op nieuwe huurder", MUT mutatie, EPA waiting for an energy label, STR structurele
  leegstand, the expired FRI) are, and so is LEE without a detail status.

A unit without a status keeps the behaviour from before statuses were read: it counts as a vacancy
(`UnitStatus.UNKNOWN`, so the poll can say once that it assumed so).
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["NOT_TO_LET_DETAIL_STATUSES", "VACANT_STATUS", "UnitStatus", "unit_status"]

VACANT_STATUS = "LEE"
NOT_TO_LET_DETAIL_STATUSES = frozenset({"VEK", "PRO"})


class UnitStatus(enum.Enum):
    VACANT = "vacant"
    NOT_VACANT = "not vacant"
    UNKNOWN = "unknown"  # no status attribute: read as vacant, as before


def unit_status(record: Any) -> UnitStatus:
    """What a raw VERA Eenheid body says about vacancy, by its `status` and `detailStatus` codes."""
    if not isinstance(record, dict):
        return UnitStatus.UNKNOWN  # not a VERA object at all: decoding refuses it with its reason
    status = _code(record.get("status"))
    if status is None:
        return UnitStatus.UNKNOWN
    if status != VACANT_STATUS:
        return UnitStatus.NOT_VACANT
    if _code(record.get("detailStatus")) in NOT_TO_LET_DETAIL_STATUSES:
        return UnitStatus.NOT_VACANT
    return UnitStatus.VACANT


def _code(value: Any) -> str | None:
    """The code of a Referentiedata value; a bare code string is taken too (liberal in what we accept)."""
    if isinstance(value, dict):
        value = value.get("code")
    return value.strip().upper() if isinstance(value, str) and value.strip() else None
