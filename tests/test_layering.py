"""The import contracts in pyproject.toml (`[tool.importlinter]`, run by `make lint`) hold, and they can fail.

Each breaking case copies the four top-level packages into a temporary directory, adds one import that the
house forbids, and runs import-linter with the repository's own contracts on the copy: the contract that
names the rule must come out BROKEN. So a contract that silently stopped matching anything (a renamed
room, a typo in a layer) fails here rather than passing forever.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("schemas", "adapters", "gateway", "contract_tests")
CONTRACTS = {
    contract["id"]: contract["name"]
    for contract in tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
}

# Runs import-linter in a fresh interpreter whose first path entry is the working directory, so the copy
# is what gets analysed (not the editable install of the repository).
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True, no_logo=True, verbose=False))"
)


def lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-c", LINT], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def outcome(result: subprocess.CompletedProcess[str], contract_id: str) -> str:
    """KEPT or BROKEN for one contract, from import-linter's summary (names may wrap onto two lines)."""
    text = " ".join(result.stdout.split())
    name = " ".join(CONTRACTS[contract_id].split())
    for verdict in ("KEPT", "BROKEN"):
        if f"{name} {verdict}" in text:
            return verdict
    raise AssertionError(f"contract {contract_id!r} not in import-linter's report:\n{result.stdout}{result.stderr}")


@pytest.fixture
def copy_of_the_house(tmp_path: Path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            REPO / package,
            tmp_path / package,
            ignore=lambda _dir, names: [n for n in names if n == "__pycache__" or n.endswith((".pyc", ".json"))],
        )
    shutil.copy(REPO / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def test_the_repository_keeps_every_import_contract() -> None:
    result = lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert {contract_id: outcome(result, contract_id) for contract_id in CONTRACTS} == dict.fromkeys(CONTRACTS, "KEPT")


@pytest.mark.parametrize(
    ("module", "bad_import", "contract_id"),
    [
        pytest.param("gateway/core/clock.py", "import gateway.delivery.outbox", "gateway-rooms", id="core-imports-up"),
        pytest.param("gateway/store/audit.py", "import gateway.flow.records", "gateway-rooms", id="store-imports-flow"),
        pytest.param(
            "gateway/delivery/outbox.py", "import gateway.api.errors", "gateway-rooms", id="delivery-imports-api"
        ),
        pytest.param("gateway/web/charts.py", "import gateway.api.deps", "gateway-rooms", id="web-imports-api"),
        pytest.param("gateway/api/paging.py", "import gateway.server", "gateway-rooms", id="api-imports-server"),
        pytest.param("gateway/api/keystore.py", "import gateway.api.auth", "no-cycles", id="cycle-inside-api"),
        pytest.param("contract_tests/kit.py", "import gateway.core.clock", "top-level", id="kit-imports-gateway"),
        pytest.param("schemas/types.py", "import adapters.sdk.errors", "top-level", id="schemas-imports-adapters"),
        pytest.param("gateway/annex/__init__.py", '"""A room nobody placed."""', "gateway-rooms", id="unplaced-room"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(
    copy_of_the_house: Path, module: str, bad_import: str, contract_id: str
) -> None:
    target = copy_of_the_house / module
    target.parent.mkdir(parents=True, exist_ok=True)
    before = target.read_text() if target.exists() else ""
    target.write_text(before + f"\n{bad_import}  # the forbidden line\n")

    result = lint(copy_of_the_house)

    assert result.returncode != 0, result.stdout
    assert outcome(result, contract_id) == "BROKEN", result.stdout


def _house_drawing() -> list[str]:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## The house") :]
    return section.split("```")[1].strip("\n").splitlines()


def test_the_readme_house_drawing_names_every_room_of_the_gateway_and_no_other() -> None:
    lines = _house_drawing()
    start = next(i for i, line in enumerate(lines) if line.startswith("gateway/"))
    end = next(i for i, line in enumerate(lines[start + 1 :], start + 1) if not line.startswith(" "))
    drawn = {word for line in lines[start + 1 : end] for word in line[:18].split()}
    rooms = {f"{path.name}/" for path in (REPO / "gateway").iterdir() if (path / "__init__.py").is_file()}
    rooms |= {path.name for path in (REPO / "gateway").glob("*.py") if path.name != "__init__.py"}
    assert drawn == rooms


def test_the_readme_house_drawing_names_every_top_level_package() -> None:
    drawn = {line.split()[0] for line in _house_drawing() if line and not line.startswith(" ")}
    assert set(PACKAGES) <= {name.rstrip("/") for name in drawn}
