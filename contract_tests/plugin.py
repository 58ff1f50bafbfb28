"""The pytest plugin of the contract kit, loaded through the `pytest11` entry point wherever Woonbrug is installed.

It is deliberately small, because it loads in every pytest run of every project that has Woonbrug
installed: it imports nothing but pytest, defines no fixtures, and only

- registers the `woonbrug_contract` marker (carried by classes from `contract_test_class`; select or
  deselect them with `-m woonbrug_contract`) and three options: `--vera-spec PATH`,
  `--vera-referentiedata PATH` and `--woonbrug-max-examples N`;
- when kit tests ran, prints one summary line per adapter: its version, the canonical model major it
  states beside the kit's, the outcome counts and every opt-out with its reason.

Runs without kit tests see no output and no behaviour from it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pytest

MARKER = "woonbrug_contract"


@dataclass
class _AdapterRun:
    label: str
    adapter: str
    version: str
    model_major: Any
    kit_model_major: Any
    opt_outs: dict[str, str]
    outcomes: Counter[str] = field(default_factory=Counter)


_RUNS = pytest.StashKey[dict[str, _AdapterRun]]()
_ITEMS = pytest.StashKey[dict[str, str]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("woonbrug", "Woonbrug contract kit")
    group.addoption(
        "--vera-spec",
        dest="vera_spec",
        default=None,
        metavar="PATH",
        help="VERA WRV OpenAPI file (WRV-4.3.0.yaml) for the kit's VERA conformance checks",
    )
    group.addoption(
        "--vera-referentiedata",
        dest="vera_referentiedata",
        default=None,
        metavar="PATH",
        help="VERA's code lists (Referentiedata.csv) for the kit's code checks (default: beside --vera-spec)",
    )
    group.addoption(
        "--woonbrug-max-examples",
        dest="woonbrug_max_examples",
        type=int,
        default=None,
        metavar="N",
        help="hypothesis examples per property in the contract kit (default 20)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(adapter, version, model_major, ...): a Woonbrug contract-kit test (set by contract_test_class)",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    runs: dict[str, _AdapterRun] = {}
    owners: dict[str, str] = {}
    for item in items:
        marker = item.get_closest_marker(MARKER)
        if marker is None:
            continue
        info = marker.kwargs
        key = "::".join(item.nodeid.split("::")[:2])  # one generated class: one run of the kit
        if key not in runs:
            runs[key] = _AdapterRun(
                label=key.rsplit("::", 1)[-1],
                adapter=str(info.get("adapter")),
                version=str(info.get("version")),
                model_major=info.get("model_major"),
                kit_model_major=info.get("kit_model_major"),
                opt_outs=dict(info.get("opt_outs") or {}),
            )
        owners[item.nodeid] = key
    if runs:
        config.stash[_RUNS] = runs
        config.stash[_ITEMS] = owners


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    owner = item.config.stash.get(_ITEMS, {}).get(item.nodeid)
    if owner is not None and (report.when == "call" or (report.when == "setup" and not report.passed)):
        outcomes = item.config.stash[_RUNS][owner].outcomes
        if report.skipped:
            outcomes["skipped"] += 1
        elif report.failed:
            outcomes["failed" if report.when == "call" else "error"] += 1
        else:
            outcomes["passed"] += 1
    return report


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    runs = [run for run in config.stash.get(_RUNS, {}).values() if run.outcomes]
    if not runs:
        return
    terminalreporter.write_sep("-", "woonbrug contract kit")
    for run in runs:
        counts = ", ".join(f"{count} {outcome}" for outcome, count in sorted(run.outcomes.items()))
        compatible = "" if run.model_major == run.kit_model_major else "  MODEL MISMATCH"
        terminalreporter.write_line(
            f"{run.label}: {run.adapter} {run.version} states canonical model v{run.model_major} "
            f"(kit v{run.kit_model_major}){compatible}; {counts}"
        )
        for name, reason in sorted(run.opt_outs.items()):
            terminalreporter.write_line(f"    opted out of {name}: {reason}")
