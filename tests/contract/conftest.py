"""Fixtures for testing the contract kit with pytester: run a vendor's one-line test file, read the report.

`pytest_plugins = ["pytester"]` is not allowed in a conftest below the rootdir when the whole suite runs
(pytest refuses it), so the pytester plugin is registered here in `pytest_configure` instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


KitRun = Callable[..., pytest.RunResult]


@pytest.fixture
def kit_run(pytester: pytest.Pytester) -> KitRun:
    """Write `source` as a vendor's test file and run pytest on it in-process, as a vendor's CI would."""
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")

    def run(source: str, *args: str) -> pytest.RunResult:
        pytester.makepyfile(test_vendor=source)
        return pytester.runpytest(
            "-p",
            "no:cacheprovider",
            "--woonbrug-max-examples=8",
            "-rfEs",
            # in-process runs re-register the pytest11 plugin of the already imported woonbrug packages
            "-W",
            "ignore::pytest.PytestAssertRewriteWarning",
            *args,
        )

    return run
