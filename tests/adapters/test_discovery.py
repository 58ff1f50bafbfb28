"""Discovery through the `woonbrug.adapters` entry points: good plugins load, broken ones are reported
with a reason that says what to fix, and never take the others down."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from adapters import ENTRY_POINT_GROUP, discover

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "woonbrug-example-adapter"


def point(name: str, target: str) -> EntryPoint:
    return EntryPoint(name=name, value=f"tests.adapters.plugins_for_discovery:{target}", group=ENTRY_POINT_GROUP)


def test_broken_plugins_are_reported_and_good_ones_still_load() -> None:
    registry = discover(
        [
            point("good", "Good"),
            point("wrong_major", "WrongMajor"),
            point("no_capabilities", "NoCapabilities"),
            point("not_an_adapter", "NotAnAdapter"),
            point("misnamed", "Good"),
            EntryPoint(name="missing", value="tests.adapters.no_such_module:X", group=ENTRY_POINT_GROUP),
        ]
    )
    assert list(registry.adapters) == ["good"]
    reasons = {broken.name: broken.reason for broken in registry.broken}
    assert "built for canonical model v2, but this gateway runs v1" in reasons["wrong_major"]
    assert "capabilities must be an adapters.Capabilities" in reasons["no_capabilities"]
    assert "is not a subclass of adapters.Adapter" in reasons["not_an_adapter"]
    assert "must equal the entry point name 'misnamed'" in reasons["misnamed"]
    assert "ModuleNotFoundError" in reasons["missing"]


def test_asking_for_a_broken_adapter_says_why() -> None:
    registry = discover([point("wrong_major", "WrongMajor")])
    with pytest.raises(LookupError, match=r"installed but broken: .*canonical model v2"):
        registry.get("wrong_major")
    with pytest.raises(LookupError, match="no adapter named 'nope'"):
        registry.get("nope")


@pytest.fixture(scope="module")
def installed_example(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Install the out-of-tree example package (its own pyproject) with pip, into a folder on PYTHONPATH."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(EXAMPLE),
        ],
        check=True,
        cwd=tmp_path_factory.getbasetemp(),
    )
    return {**os.environ, "PYTHONPATH": os.pathsep.join([str(target), str(REPO)])}


def woonbrug(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", *args], capture_output=True, text=True, env=env, check=False
    )


def test_out_of_tree_adapter_appears_in_adapters_list(installed_example: dict[str, str]) -> None:
    result = woonbrug("adapters", "list", "--json", env=installed_example)
    assert result.returncode == 0, result.stderr
    listed = {adapter["name"]: adapter for adapter in json.loads(result.stdout)["adapters"]}
    assert listed["huurhuis"]["version"] == "0.1.0"
    assert listed["huurhuis"]["model_major"] == 1
    assert listed["huurhuis"]["capabilities"]["encodes"] == ["toewijzing.gedaan"]


def test_translate_decodes_with_the_out_of_tree_adapter(installed_example: dict[str, str]) -> None:
    result = woonbrug("translate", "huurhuis", "--decode", str(EXAMPLE / "sample-vacancy.json"), env=installed_example)
    assert result.returncode == 0, result.stderr
    [message] = json.loads(result.stdout)
    assert message["type"] == "eenheid.vrijgekomen"
    assert message["payload"]["eenheid"]["adres"]["postcode"] == "6811 AB"


def test_translate_bad_input_exits_2_and_says_where(installed_example: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(
        '[{"unit": "HH-1"}, {"unit": "HH-2", "owner": "x", "street": "s", "number": "1",'
        ' "zip": "0123 AB", "city": "c", "municipality": "GM0202", "municipality_name": "A",'
        ' "rooms": 1, "rent": "1.00", "service": "0.00", "daeb": true, "free_from": "2026-01-01",'
        ' "event_id": "e2"}]'
    )
    result = woonbrug("translate", "huurhuis", "--decode", str(bad), env=installed_example)
    assert result.returncode == 2
    assert "record 1" in result.stderr  # missing fields
    assert "record 2, field payload.eenheid.adres.postcode" in result.stderr  # and the rest still decoded
    assert "0123" not in result.stderr
