"""Out-of-tree adapters in a fresh virtualenv: `woonbrug adapter new` for each kind, and the huurhuis example.

The packages are installed with pip (no dependencies, no build isolation: offline) into a new venv whose
only link to the project is a .pth file adding the project venv's site-packages, so the project venv is
not modified and the packages are found the way a vendor's are: through their own entry points. Their
own one-line contract tests must pass as generated, and `woonbrug contract-test` must run the kit on them
with pytest's exit code.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from gateway.cli import main

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "woonbrug-example-adapter"
KINDS = ("rest", "soap", "csv")
# Runs here need none of the other pytest plugins installed in the project venv; schemathesis alone
# costs a second of start-up per run.
QUIET = ("-p", "no:schemathesis")


@dataclass(frozen=True)
class FreshVenv:
    python: Path
    packages: dict[str, Path]  # adapter name -> package folder
    env: dict[str, str]

    def run(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(self.python), *args], capture_output=True, text=True, env=self.env, cwd=cwd, check=False, timeout=600
        )


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    root = tmp_path_factory.mktemp("out-of-tree")
    packages: dict[str, Path] = {}
    for kind in KINDS:
        result = CliRunner().invoke(main, ["adapter", "new", f"acme_{kind}", "--kind", kind, "--directory", str(root)])
        assert result.exit_code == 0, result.output
        packages[f"acme_{kind}"] = root / f"woonbrug-acme-{kind}"
    packages["huurhuis"] = EXAMPLE
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    project_site = sysconfig.get_paths()["purelib"]
    # The project's installed stack (woonbrug editable, pytest, hypothesis, ...) without copying it.
    (Path(site) / "woonbrug-project.pth").write_text(f"import site; site.addsitedir({project_site!r})\n")
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "PYTEST_ADDOPTS"}}
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            *(str(path) for path in packages.values()),
        ],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    (root / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    return FreshVenv(python, packages, env)


@pytest.fixture(scope="module")
def own_tests(fresh_venv: FreshVenv, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, ET.Element, str]:
    """Every package's own tests (the one-line contract test), run in the fresh venv in one pytest run."""
    root = tmp_path_factory.getbasetemp() / "own-tests"
    root.mkdir()
    (root / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    report = root / "report.xml"
    result = fresh_venv.run(
        "-m",
        "pytest",
        "-c",
        str(root / "pytest.ini"),
        "--rootdir",
        str(root),
        "-p",
        "no:cacheprovider",
        "-q",
        "--woonbrug-max-examples",
        "5",
        "--junitxml",
        str(report),
        *QUIET,
        *(str(folder / "tests") for folder in fresh_venv.packages.values()),
        cwd=root,
    )
    return result.returncode, ET.parse(report).getroot(), result.stdout + result.stderr


@pytest.mark.parametrize("adapter", ["acme_rest", "acme_soap", "acme_csv", "huurhuis"])
def test_each_package_passes_the_kit_as_installed(own_tests: tuple[int, ET.Element, str], adapter: str) -> None:
    code, report, output = own_tests
    cases = [
        case
        for case in report.iter("testcase")
        if f"_contract_{adapter}" in case.get("classname", "")
        or (adapter == "huurhuis" and case.get("classname", "").startswith("test_contract."))
    ]
    assert len(cases) >= 20, output
    failed = [case.get("name") for case in cases if case.find("failure") is not None or case.find("error") is not None]
    assert failed == [], output
    assert code == 0, output
    assert f"{adapter} 0.1.0 states canonical model v1 (kit v1)" in output


def test_the_installed_adapters_are_listed_with_their_model_major(fresh_venv: FreshVenv) -> None:
    result = fresh_venv.run("-m", "gateway.cli", "adapters", "list")
    assert result.returncode == 0, result.stderr
    for name in ("acme_rest", "acme_soap", "acme_csv", "huurhuis"):
        assert any(line.startswith(name) and "model v1" in line for line in result.stdout.splitlines()), result.stdout


def test_contract_test_runs_the_kit_and_exits_as_pytest(fresh_venv: FreshVenv, tmp_path: Path) -> None:
    fixtures = fresh_venv.packages["acme_rest"] / "tests" / "fixtures"
    report = tmp_path / "kit.xml"
    passed = fresh_venv.run(
        "-m",
        "gateway.cli",
        "contract-test",
        "acme_rest",
        "--fixtures",
        str(fixtures),
        "--junitxml",
        str(report),
        "--max-examples",
        "5",
        *QUIET,
        cwd=tmp_path,
    )
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "TestContractAcmeRest: acme_rest 0.1.0 states canonical model v1 (kit v1)" in passed.stdout
    properties = {(p.get("name"), p.get("value")) for p in ET.parse(report).getroot().iter("property")}
    assert ("woonbrug_acme_rest_model_major", "1") in properties

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "allocation.vendor.json").write_bytes((fixtures / "allocation.vendor.json").read_bytes())
    (broken / "allocation.canonical.json").write_text(
        (fixtures / "allocation.canonical.json").read_text().replace('"T-6001"', '"T-9999"')
    )
    failed = fresh_venv.run(
        "-m",
        "gateway.cli",
        "contract-test",
        "acme_rest",
        "--fixtures",
        str(broken),
        "--max-examples",
        "5",
        "-k",
        "golden_decode",
        *QUIET,
        cwd=tmp_path,
    )
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert 'payload.id: expected "T-9999", decoded "T-6001"' in failed.stdout


def test_contract_test_refuses_an_unknown_adapter_or_opt_out() -> None:
    unknown = CliRunner().invoke(main, ["contract-test", "no_such_adapter"])
    assert unknown.exit_code == 2
    assert "no adapter named 'no_such_adapter' is installed" in unknown.output
    typo = CliRunner().invoke(main, ["contract-test", "vera", "--opt-out", "idempotent=no system"])
    assert typo.exit_code == 2
    assert "Did you mean 'idempotency'?" in typo.output
    bare = CliRunner().invoke(main, ["contract-test", "vera", "--opt-out", "idempotency"])
    assert bare.exit_code == 2
    assert "give NAME=REASON" in bare.output


def test_adapter_new_refuses_bad_names_and_full_folders(tmp_path: Path) -> None:
    bad = CliRunner().invoke(main, ["adapter", "new", "My-ERP", "--kind", "rest", "--directory", str(tmp_path)])
    assert bad.exit_code == 2
    assert "lower_snake_case" in bad.output
    first = CliRunner().invoke(main, ["adapter", "new", "erp", "--kind", "rest", "--directory", str(tmp_path)])
    assert first.exit_code == 0
    again = CliRunner().invoke(main, ["adapter", "new", "erp", "--kind", "soap", "--directory", str(tmp_path)])
    assert again.exit_code == 2
    assert "is not empty" in again.output
    kind = CliRunner().invoke(main, ["adapter", "new", "erp2", "--kind", "ftp", "--directory", str(tmp_path)])
    assert kind.exit_code == 2
