"""Herkomst: where a housed seeker came from, as the reports count it (the figure corporations and
municipalities ask for when they fear outsiders).

Pure: the seeker's registered gemeente against the unit's gemeente and the region's gemeenten.
"""

from __future__ import annotations

from collections.abc import Collection

__all__ = ["HERKOMSTEN", "HERKOMST_BUITEN", "HERKOMST_GEMEENTE", "HERKOMST_REGIO", "herkomst"]

HERKOMST_GEMEENTE, HERKOMST_REGIO, HERKOMST_BUITEN = "gemeente", "regio", "buiten_regio"
HERKOMSTEN = (HERKOMST_GEMEENTE, HERKOMST_REGIO, HERKOMST_BUITEN)


def herkomst(seeker_gemeente: str, unit_gemeente: str, region_gemeenten: Collection[str]) -> str:
    """`gemeente` when the seeker lived in the unit's gemeente, `regio` when elsewhere in the region,
    `buiten_regio` otherwise (gemeente codes, e.g. GM0268)."""
    if seeker_gemeente == unit_gemeente:
        return HERKOMST_GEMEENTE
    return HERKOMST_REGIO if seeker_gemeente in region_gemeenten else HERKOMST_BUITEN
