"""The golden samples each adapter ships for the contract kit are its golden files, byte for byte.

The adapters' golden files (tests/adapters/*/golden) are where a mapping change is reviewed and
regenerated; the copies in adapters/*/contract/samples are what ships in the wheel for vendors and
integrators. A regenerated golden file left uncopied fails here, naming the copy to make.
"""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "adapters"
SHIPPED = REPO / "adapters"

# shipped sample -> the golden file it copies (names differ where the kit's `<name>.vendor.<ext>` convention applies)
PAIRS = {
    **{
        f"vera/contract/samples/{path.name}": f"vera/golden/{path.name}"
        for path in sorted((SHIPPED / "vera" / "contract" / "samples").glob("*.json"))
    },
    **{
        f"soap_erp/contract/samples/{path.name}": f"soap_erp/golden/decode/{path.name}"
        for path in sorted((SHIPPED / "soap_erp" / "contract" / "samples").glob("*.*"))
    },
    **{
        f"soap_erp/contract/samples/encode/{path.name}": f"soap_erp/golden/encode/{path.name}"
        for path in sorted((SHIPPED / "soap_erp" / "contract" / "samples" / "encode").glob("*.*"))
    },
    **{
        f"csv/contract/samples/{name}.{kind}": f"csv/golden/{name}.{kind}"
        for name in ("eenheden", "inschrijvingen")
        for kind in ("canonical.jsonl", "errors.jsonl")
    },
    "csv/contract/samples/eenheden.vendor.csv": "csv/golden/eenheden.csv",
    "csv/contract/samples/inschrijvingen.vendor.csv": "csv/golden/inschrijvingen.csv",
}


def test_every_adapter_ships_samples() -> None:
    shipped = {key.split("/", 1)[0] for key in PAIRS}
    assert shipped == {"vera", "soap_erp", "csv"}
    assert len(PAIRS) >= 30


@pytest.mark.parametrize("shipped", sorted(PAIRS))
def test_a_shipped_sample_equals_its_golden_file(shipped: str) -> None:
    golden = GOLDEN / PAIRS[shipped]
    copy = SHIPPED / shipped
    assert golden.is_file(), f"{shipped} copies {golden}, which is gone: remove the copy or restore the file"
    assert copy.read_bytes() == golden.read_bytes(), (
        f"{shipped} differs from {golden.relative_to(REPO)}: the golden file was regenerated; copy it "
        f"(cp {golden.relative_to(REPO)} adapters/{shipped}) so the kit ships what the tests check"
    )
