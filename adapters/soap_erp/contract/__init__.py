"""The contract kit's defaults for the `soap_erp` adapter, shipped with it: its golden samples.

The adapter class itself carries its other hooks (`xsd_path`, `simulator`, `endpoint_config`). The kit
finds this module by convention (`<adapter package>.contract`); every name here is a default for an
argument of `contract_tests.contract_test_class`, and a caller's own argument wins.

- `fixtures_dir`: golden pairs, `<name>.vendor.xml` (a SOAP response as the ERP sends it) beside
  `<name>.canonical.json`; `encode/` holds the other direction, canonical in and SOAP request out.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["fixtures_dir"]

fixtures_dir = Path(__file__).parent / "samples"
