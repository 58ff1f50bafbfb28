"""The contract kit tested the way vendors use it: a one-line test file run by pytest (pytester).

A good adapter passes every suite; each deliberately broken adapter fails, and the failure says what is
wrong and how to fix it. Opt-outs skip with their reason, unknown ones are refused, and the report carries
the canonical model major the adapter states.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from contract_tests.optouts import SUITES
from contract_tests.personal import BAD_BSN
from tests.contract.conftest import FIXTURES, KitRun

REPO = Path(__file__).resolve().parents[2]


def one_line(adapter: str, extra: str = "", fixtures: Path = FIXTURES / "toy") -> str:
    """A vendor's whole contract test file (the import and the one line)."""
    return (
        "from contract_tests import contract_test_class\n"
        f"from tests.contract.toy_adapter import {adapter}\n\n"
        f"TestToy = contract_test_class({adapter}, fixtures_dir={str(fixtures)!r}{extra})\n"
    )


def outcomes(result: pytest.RunResult) -> dict[str, int]:
    return {key: value for key, value in result.parseoutcomes().items() if key not in ("warnings", "deselected")}


def test_a_good_adapter_passes_every_suite(kit_run: KitRun, pytester: pytest.Pytester) -> None:
    result = kit_run(one_line("ToyAdapter"), "--junitxml=report.xml")
    counts = outcomes(result)
    assert counts.get("failed", 0) == 0, result.stdout.str()
    assert counts.get("errors", 0) == 0, result.stdout.str()
    assert counts.get("skipped", 0) == 0, result.stdout.str()  # the toy is built so that every check applies
    assert counts["passed"] >= 40
    result.stdout.fnmatch_lines(
        ["*woonbrug contract kit*", "TestToy: toy 1.0.0 states canonical model v1 (kit v1); * passed"]
    )
    report = ET.parse(pytester.path / "report.xml").getroot()
    names = [case.get("name", "") for case in report.iter("testcase")]
    for suite in SUITES:
        assert any(name.startswith(f"test_{suite}_") for name in names), f"suite {suite} did not run"
    properties = {(p.get("name"), p.get("value")) for p in report.iter("property")}
    assert ("woonbrug_toy_model_major", "1") in properties
    assert ("woonbrug_kit_model_major", "1") in properties
    assert ("woonbrug_toy_version", "1.0.0") in properties


def test_a_503_raised_as_permanent_fails_and_says_how_to_fix(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyPermanent503"), "-k", "errors_transport")
    failed = [line for line in result.outlines if line.startswith("FAILED")]
    # Every status that means "retry later" is wrong; timeouts and resets still pass through the boundary.
    assert {f"deliver-http-{status}" for status in (500, 502, 503, 504, 429)} == {
        line.split("[", 1)[1].split("]", 1)[0] for line in failed
    }
    result.stdout.fnmatch_lines(
        [
            "*deliver() while the vendor system gave HTTP 503 Service Unavailable with Retry-After: 7 raised "
            "PermanentError(*), but this fault means TransientError (retry later). How to fix: raise "
            "adapters.TransientError*self.request(...)*",
        ]
    )


def test_a_lossy_mapping_is_caught_and_reported_by_field(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyLossy"), "-k", "roundtrip")
    counts = outcomes(result)
    assert counts.get("failed") == 2, result.stdout.str()  # generated toewijzingen and the golden one
    result.stdout.fnmatch_lines(
        [
            "*toy loses data on the round trip canonical -> vendor -> canonical (toewijzing.gedaan), 1 field(s):*",
            '*- payload.doelgroep: sent {*"code": "GEZ"*}, missing after the round trip*',
            "*How to fix: write these fields in encode() and read them back in decode().*",
            "*declares no roundtrip_fields for toewijzing.gedaan*",
        ]
    )


def test_declaring_the_fields_a_format_carries_makes_a_lossy_mapping_honest(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyHonestLossy"), "-k", "roundtrip")
    assert outcomes(result) == {"passed": 4}, result.stdout.str()


def test_a_bsn_in_an_error_text_fails_the_privacy_suite(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyLeaky"), "-k", "privacy_decode")
    assert outcomes(result).get("failed") == 2, result.stdout.str()  # a generated and a golden inschrijving
    result.stdout.fnmatch_lines(
        [
            "*toy leaks personal data when decoding vendor data in which a BSN, birth date or income is invalid*",
            "*- a BSN in the text of a MappingError at record 0, field gegevens.aanvrager.bsn*",
            "*How to fix: error texts name fields and positions, never values*",
        ]
    )
    assert BAD_BSN not in result.stdout.str()  # the kit does not repeat what it found


def test_an_off_spec_payload_fails_conformance_with_the_path(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyOffSpec"), "-k", "conformance")
    assert outcomes(result).get("failed") == 4, result.stdout.str()  # two types encoded, two samples
    result.stdout.fnmatch_lines(["*does not conform:*", "*JSON Schema:*", "*(root): 'versie' is a required property*"])


def test_a_golden_file_that_disagrees_names_the_field(kit_run: KitRun, pytester: pytest.Pytester) -> None:
    fixtures = pytester.mkdir("fixtures")
    for name in ("allocation.vendor.json", "allocation.canonical.json"):
        (fixtures / name).write_text((FIXTURES / "toy" / name).read_text(encoding="utf-8"), encoding="utf-8")
    expected = json.loads((fixtures / "allocation.canonical.json").read_text(encoding="utf-8"))
    expected["payload"]["rekenhuur"] = 700.0
    (fixtures / "allocation.canonical.json").write_text(json.dumps(expected), encoding="utf-8")
    result = kit_run(one_line("ToyAdapter", fixtures=fixtures), "-k", "golden_decode")
    assert outcomes(result) == {"failed": 1}, result.stdout.str()
    result.stdout.fnmatch_lines(
        [
            "*allocation.vendor.json does not decode to allocation.canonical.json:*",
            "*payload.rekenhuur: expected 700.0, decoded 675.25*",
        ]
    )


def test_an_incomplete_golden_pair_is_reported(kit_run: KitRun, pytester: pytest.Pytester) -> None:
    fixtures = pytester.mkdir("fixtures")
    (fixtures / "lonely.vendor.json").write_text("{}", encoding="utf-8")
    result = kit_run(one_line("ToyAdapter", fixtures=fixtures), "-k", "golden_fixtures")
    result.stdout.fnmatch_lines(["*lonely.vendor.json has no lonely.canonical.json beside it*"])
    assert outcomes(result) == {"failed": 1}


def test_opt_outs_skip_with_their_reason_in_the_report(kit_run: KitRun) -> None:
    reason = "the toy ERP has no test system yet"
    source = one_line("ToyWithoutSimulator", f", opt_outs={{'idempotency': {reason!r}}}")
    result = kit_run(source, "-k", "idempotency")
    assert outcomes(result) == {"skipped": 2}
    result.stdout.fnmatch_lines(
        [
            f"    opted out of idempotency: {reason}",  # the kit's summary
            f"SKIPPED [[]2] *opted out of 'idempotency': {reason}",  # pytest's short summary (-rs)
        ]
    )


def test_an_adapter_without_simulator_fails_idempotency_saying_how(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyWithoutSimulator"), "-k", "idempotency")
    assert outcomes(result) == {"failed": 2}
    result.stdout.fnmatch_lines(["*toy offers no simulator*Add a classmethod `simulator()`*opt out of 'idempotency'*"])


def test_an_unknown_opt_out_is_an_error_not_a_silent_no_op(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyAdapter", ", opt_outs={'idempotent': 'typo'}"))
    assert result.ret != 0
    result.stdout.fnmatch_lines(["*unknown opt-out 'idempotent'. Did you mean 'idempotency'?*"])


def test_a_wrong_model_major_fails_the_declaration_and_shows_in_the_summary(kit_run: KitRun) -> None:
    result = kit_run(one_line("ToyOldModel"), "-k", "declaration")
    assert outcomes(result).get("failed") == 2, result.stdout.str()  # identity (discovery refuses it) and model
    result.stdout.fnmatch_lines(
        [
            "*toy states canonical model v0, but this kit and gateway run v1*",
            "TestToy: toy 1.0.0 states canonical model v0 (kit v1)  MODEL MISMATCH; *",
        ]
    )


def test_the_plugin_is_silent_in_a_vendors_unrelated_tests(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest("-p", "no:cacheprovider")
    assert outcomes(result) == {"passed": 1}
    mentions = [line for line in result.outlines if "woonbrug" in line]
    assert all(line.startswith("plugins:") for line in mentions), mentions  # only pytest's plugin list
    assert pytester.parseconfig().pluginmanager.has_plugin("woonbrug")  # loaded through pytest11, yet silent


def test_importing_the_plugin_is_cheap() -> None:
    code = (
        "import sys, contract_tests.plugin, contract_tests;"
        "print(sorted(m for m in ('adapters', 'schemas', 'hypothesis', 'httpx', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    assert result.stdout.strip() == "[]"


def test_an_encoder_refusing_nearly_everything_fails_in_plain_words(kit_run: KitRun) -> None:
    """Hypothesis gives up on such an adapter with FailedHealthCheck; the vendor sees what to fix instead."""
    result = kit_run(one_line("ToyRefusesGenerated"), "-k", "conformance_encoded")
    output = result.stdout.str()
    assert result.ret == 1, output
    assert "toy.encode() refused nearly every generated toewijzing.gedaan message" in output
    assert "last: MappingError: [toy] field payload.dossier: the Toy format requires gegevens.dossier" in output or (
        "the Toy format requires gegevens.dossier" in output
    )
    assert "FailedHealthCheck" not in output
    assert "Unsatisfiable" not in output
