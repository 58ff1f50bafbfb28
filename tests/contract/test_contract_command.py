"""`woonbrug contract-test` on the shipped adapters, run as an integrator runs it: a new process, no hooks given.

An adapter passes with nothing but its name (the in-process runs of all three are in
test_reference_adapters.py; the wheel-installed runs in .ci/run); without the spec the vera run fails
naming the fix. The exit codes are one table,
and `--help` and the adapter authors' guide show the same one.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from contract_tests.runner import EXIT_CODES, EXIT_CONTRACT_BROKEN, EXIT_OK, EXIT_USAGE
from gateway.cli import main

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "adapter-authors-guide.md"
QUIET = ("-p", "no:schemathesis")  # plugins the kit needs none of; schemathesis alone costs a second


def contract_test(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_ADDOPTS", "WOONBRUG_VERA_SPEC"}}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "contract-test", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        check=False,
        timeout=600,
    )


def test_the_csv_adapter_passes_with_its_name_alone_and_no_warnings(tmp_path: Path) -> None:
    result = contract_test("csv", "--max-examples", "3", *QUIET, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_OK, output
    assert "TestContractCsv: csv 1.0.0 states canonical model v1 (kit v1); " in output
    assert "golden_decode[inschrijvingen]" not in output  # passed: read with its own config.json
    assert "Warning" not in output


def test_declared_vera_schemas_without_a_spec_fail_naming_the_fix(tmp_path: Path) -> None:
    result = contract_test("vera", "--max-examples", "3", "-k", "conformance_encoded", *QUIET, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == EXIT_CONTRACT_BROKEN, output
    assert "skipped" not in output.rsplit("woonbrug contract kit", 1)[-1]
    assert "vera declares vera_schemas, but no VERA spec was given" in output
    assert "Fix: run with --vera-spec PATH/TO/WRV-4.3.0.yaml" in output


def test_a_selection_with_no_tests_is_a_usage_error(tmp_path: Path) -> None:
    result = contract_test("soap_erp", "-k", "no_test_is_called_this", *QUIET, cwd=tmp_path)
    assert result.returncode == EXIT_USAGE, result.stdout + result.stderr


def test_help_and_the_guide_show_the_same_exit_codes() -> None:
    help_text = CliRunner().invoke(main, ["contract-test", "--help"]).output
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("Exit codes (the same table `woonbrug contract-test --help` prints):", 1)[1]
    rows = dict(re.findall(r"^\| (\d) \| (.+?) \|$", section.split("\n\n", 2)[1], re.M))
    assert {int(code): meaning for code, meaning in rows.items()} == EXIT_CODES
    for code, meaning in EXIT_CODES.items():
        assert f"{code}  {meaning}" in help_text, help_text
    assert "4 usage error" not in help_text
