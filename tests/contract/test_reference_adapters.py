"""The contract kit run on each shipped adapter, one line each, exactly as a vendor runs it on their own.

Each adapter ships its kit hooks and golden samples in its own `contract` package (adapters/*/contract),
so nothing is given here but the VERA spec, which is not shipped: the vera run reads it from
../shared/vera (its conformance opted out with the reason when absent, which CI forbids: see
`test_the_vera_spec_is_there`).
`tests/contract/test_shipped_samples.py` keeps the shipped samples equal to the adapters' golden files.
"""

from __future__ import annotations

from pathlib import Path

from contract_tests import contract_test_class
from tests.conftest import SHARED_VERA

VERA_SPEC = SHARED_VERA / "WRV-4.3.0.yaml"

TestVera = (
    contract_test_class("vera", vera_spec=VERA_SPEC)
    if VERA_SPEC.is_file()
    else contract_test_class("vera", opt_outs={"conformance": f"the VERA spec is not at {VERA_SPEC} on this machine"})
)

TestSoapErp = contract_test_class("soap_erp")

TestCsv = contract_test_class("csv")


def test_the_vera_spec_is_there(vera_dir: Path) -> None:
    """VERA conformance above fails without the spec; the `vera_dir` fixture skips here (fails on CI)."""
    assert (vera_dir / "WRV-4.3.0.yaml").is_file()
