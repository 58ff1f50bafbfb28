"""Woonbrug's contract-test kit for vendors and integrators: a pytest plugin, a test-class factory and a runner.

A vendor's whole contract test is one line:

    from contract_tests import contract_test_class

    TestMyAdapter = contract_test_class("my_adapter", config={...}, fixtures_dir="fixtures")

This package is imported by pytest in every run where Woonbrug is installed (the `pytest11` entry point
loads `contract_tests.plugin`), so importing it is cheap and has no side effects: the factory, the
suites and the hypothesis strategies load only when a test file asks for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from contract_tests.factory import contract_test_class
    from contract_tests.optouts import OPT_OUTS

__all__ = ["OPT_OUTS", "contract_test_class"]


def __getattr__(name: str) -> Any:
    # Lazy: the plugin imports this package in every pytest run, the kit's real work only when asked.
    if name == "contract_test_class":
        from contract_tests.factory import contract_test_class

        return contract_test_class
    if name == "OPT_OUTS":
        from contract_tests.optouts import OPT_OUTS

        return OPT_OUTS
    raise AttributeError(f"module 'contract_tests' has no attribute {name!r}")
