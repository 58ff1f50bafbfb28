"""The golden samples each adapter ships for the contract kit are its golden files, byte for byte.

The adapters' golden files (tests/adapters/*/golden) are where a mapping change is reviewed and
regenerated; the copies in adapters/*/contract/samples are what ships in the wheel for vendors and
integrators. A regenerated golden file left uncopied fails here, naming the copy to make.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "tests" / "adapters"
SHIPPED = REPO / "adapters"

# Samples only the kit ships: outbound pairs of the VERA message types the adapter's own golden cases do not
# cover (made with `adapters.vera.mapping.encode` and reviewed), and the csv exports' canonical input, which
# tests/adapters/csv/cases.py builds in code (checked against it below).
KIT_ONLY = {
    *(
        f"vera/contract/samples/{name}.{kind}"
        for name in (
            "aanbieding_gedaan",
            "aanbieding_verlopen",
            "aanbieding_geaccepteerd",
            "publicatie_afgerond",
            "reactie_ingetrokken",
        )
        for kind in ("canonical.json", "vera.json")
    ),
}

# shipped sample -> the golden file it copies (names differ where the kit's `<name>.vendor.<ext>` convention applies)
PAIRS = {
    **{
        f"vera/contract/samples/{path.name}": f"vera/golden/{path.name}"
        for path in sorted((SHIPPED / "vera" / "contract" / "samples").glob("*.json"))
        if f"vera/contract/samples/{path.name}" not in KIT_ONLY
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
    "csv/contract/samples/encode/toewijzingen.vendor.csv": "csv/golden/toewijzingen.csv",
    "csv/contract/samples/encode/kandidatenlijst.vendor.csv": "csv/golden/kandidatenlijst.csv",
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


def test_every_shipped_sample_is_checked_here() -> None:
    samples = {
        str(path.relative_to(SHIPPED))
        for path in SHIPPED.glob("*/contract/samples/**/*")
        if path.is_file() and not path.name.endswith(".config.json")
    }
    encode_inputs = {
        f"csv/contract/samples/encode/{name}.canonical.jsonl" for name in ("toewijzingen", "kandidatenlijst")
    }
    assert samples == set(PAIRS) | KIT_ONLY | encode_inputs


@pytest.mark.parametrize("name", ["toewijzingen", "kandidatenlijst"])
def test_the_csv_export_inputs_are_the_export_cases(name: str) -> None:
    from schemas import parse_message
    from tests.adapters.csv.cases import EXPORTS

    path = SHIPPED / "csv" / "contract" / "samples" / "encode" / f"{name}.canonical.jsonl"
    shipped = [parse_message(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    assert shipped == EXPORTS[name](), f"{path} differs from tests/adapters/csv/cases.py EXPORTS[{name!r}]"
