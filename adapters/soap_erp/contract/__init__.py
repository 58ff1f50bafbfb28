"""The contract kit's defaults for the `soap_erp` adapter, shipped with it: its golden samples.

The adapter class itself carries its other hooks (`xsd_path`, `endpoint_config`); `simulator` here is its
ERP simulator that can also serve several pages (`seed_pages`), and `wsdl_path` its WSDL, against which
the kit checks the envelope version, the operation's element and the WS-Addressing headers. The kit
finds this module by convention (`<adapter package>.contract`); every name here is a default for an
argument of `contract_tests.contract_test_class`, and a caller's own argument wins.

- `fixtures_dir`: golden pairs, `<name>.vendor.xml` (a SOAP response as the ERP sends it) beside
  `<name>.canonical.json`; `encode/` holds the other direction, canonical in and SOAP request out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..simulator import ErpSimulator
from ..soap import WSDL_PATH

__all__ = ["PagedErpSimulator", "fixtures_dir", "simulator", "wsdl_path"]

wsdl_path = WSDL_PATH

fixtures_dir = Path(__file__).parent / "samples"


class PagedErpSimulator(ErpSimulator):
    """The simulated ERP, able to serve a number of vacancies over several pages (the kit's paging check)."""

    def seed_pages(self, count: int) -> dict[str, Any]:
        """Add `count` vacant units, to be read two to a page; the settings that poll them, and their numbers."""
        return {"config": {"page_size": 2}, "keys": self.seed(count)}


def simulator() -> PagedErpSimulator:
    """Takes allocations of any unit, as the class's own simulator does: the kit's messages are made up."""
    return PagedErpSimulator(check_units=False)
