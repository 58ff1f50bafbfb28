"""A vendor's copy of the vera adapter passes the kit with a one-line test file and no hooks of its own.

The copy is what a vendor starting from the reference adapter makes: adapters/vera under their own package
name (`acme_vera`), its imports renamed, nothing else changed. Its kit hooks and golden samples come along
in its `contract` package, which the kit finds by convention, so the test file names only the adapter
(and the VERA spec, which is not shipped).
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.contract.conftest import KitRun

REPO = Path(__file__).resolve().parents[2]


def copy_vera(into: Path, package: str) -> Path:
    target = into / package
    shutil.copytree(REPO / "adapters" / "vera", target, ignore=shutil.ignore_patterns("__pycache__"))
    for source in target.rglob("*.py"):
        source.write_text(source.read_text(encoding="utf-8").replace("adapters.vera", package), encoding="utf-8")
    return target


def test_a_copy_of_the_vera_adapter_passes_with_one_line(
    kit_run: KitRun, pytester: pytest.Pytester, vera_dir: Path
) -> None:
    samples = copy_vera(pytester.path, "acme_vera") / "contract" / "samples"
    for kind in ("canonical.json", "vera.json"):  # a sample only the copy has: the report shows whose were read
        shutil.copy(samples / f"toewijzing_gedaan.{kind}", samples / f"acme_toewijzing.{kind}")
    pytester.syspathinsert()
    spec = vera_dir / "WRV-4.3.0.yaml"
    result = kit_run(
        "from acme_vera import VeraAdapter\n"
        "from contract_tests import contract_test_class\n\n"
        f"TestAcmeVera = contract_test_class(VeraAdapter, vera_spec={str(spec)!r})\n",
        "--junitxml=report.xml",
    )
    outcome = result.parseoutcomes()
    assert outcome.get("failed", 0) == 0, result.stdout.str()
    assert outcome.get("errors", 0) == 0, result.stdout.str()
    assert outcome["passed"] >= 100, result.stdout.str()
    result.stdout.fnmatch_lines(
        ["TestAcmeVera: vera * states canonical model v1 (kit v1); * passed*"]
    )  # "…, 1 skipped" may follow
    # the hooks and samples used are the copy's own, not the installed adapter's
    names = {case.get("name") for case in ET.parse(pytester.path / "report.xml").getroot().iter("testcase")}
    decoded = {name for name in names if name.startswith("test_golden_decode[")}
    assert decoded == {f"test_golden_decode[{path.name.split('.')[0]}]" for path in samples.glob("*.vera.json")}
    assert "test_golden_decode[acme_toewijzing]" in decoded
    assert "test_idempotency_redelivery[toewijzing.gedaan]" in names  # the copy's simulator, its api key
